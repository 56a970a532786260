package validators

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/awsclient"
	"github.com/proctorlabs/proctor/labs/placeholder"
	"github.com/proctorlabs/proctor/labs/suggest"
)

// ParamType is the type of a validator parameter's value.
type ParamType string

// The parameter types.
const (
	TypeString     ParamType = "string"      // a string; see Param.Enum for closed sets
	TypeBool       ParamType = "bool"        // true or false
	TypeInt        ParamType = "int"         // an integer
	TypeStringList ParamType = "string_list" // a list of strings
)

// Param declares one parameter of a validator.
type Param struct {
	Name        string
	Type        ParamType
	Required    bool
	Description string
	// Default is the value used when the parameter is absent; nil for none. Its Go type
	// matches Type: string, bool, int or []string.
	Default any
	// Enum, when not empty, lists the values a string parameter (or each element of a
	// string list) may take.
	Enum []string
}

// Definition is a validator: its name, what it establishes, its parameters and its logic.
type Definition struct {
	Name        string // e.g. "s3.bucket_tls_only"
	Description string
	Params      []Param
	// Services are the AWS services the validator reads, by the names labs declare
	// ("s3", "s3control", "kms", ...), so that a lab can be checked to declare them.
	Services []string
	// Partial is set when a FAIL's Fraction can be more than 0, so that a check may give
	// partial credit.
	Partial bool
	// Check grades the sandbox behind env with parameters already checked, defaulted and
	// filled. It reports AWS failures as a Finding with VerdictError.
	Check func(ctx context.Context, env *Env, p Params) proctor.Finding
}

// Params are a validator's parameter values after checking: every declared parameter with
// a default is present, and every value has its declared type.
type Params map[string]any

// String returns a string parameter, "" when absent.
func (p Params) String(name string) string { s, _ := p[name].(string); return s }

// Bool returns a bool parameter, false when absent.
func (p Params) Bool(name string) bool { b, _ := p[name].(bool); return b }

// Int returns an int parameter, 0 when absent.
func (p Params) Int(name string) int { n, _ := p[name].(int); return n }

// StringList returns a string list parameter, nil when absent.
func (p Params) StringList(name string) []string { l, _ := p[name].([]string); return l }

// ParamProblem is one thing wrong with a check's parameters. Param is the parameter at
// fault, "" for a problem with the validator name itself.
type ParamProblem struct {
	Param   string
	Message string
}

// Registry maps validator names to their definitions.
type Registry struct {
	defs map[string]*Definition
	log  *slog.Logger
	opts []awsclient.Option
}

// NewRegistry returns an empty registry. Its validators log to log (nil discards) and build
// their SDK configurations with opts.
func NewRegistry(log *slog.Logger, opts ...awsclient.Option) *Registry {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Registry{defs: map[string]*Definition{}, log: log, opts: opts}
}

// Default returns a registry holding every built-in validator, logging nowhere.
func Default() *Registry { return WithBuiltins(NewRegistry(nil)) }

// WithBuiltins registers every built-in validator in r and returns r.
func WithBuiltins(r *Registry) *Registry {
	for _, d := range builtins() {
		if err := r.Register(d); err != nil {
			panic(err) // the built-in definitions are fixed; a failure is a bug
		}
	}
	return r
}

// Register adds a validator. It fails when the name is empty or taken, when Check is nil,
// or when a parameter is declared twice, has no name or type, or a default of another type.
func (r *Registry) Register(d Definition) error {
	if d.Name == "" || d.Check == nil {
		return errors.New("validators: a definition needs a name and a Check function")
	}
	if _, ok := r.defs[d.Name]; ok {
		return fmt.Errorf("validators: %s is already registered", d.Name)
	}
	seen := map[string]bool{}
	for _, p := range d.Params {
		if p.Name == "" || seen[p.Name] {
			return fmt.Errorf("validators: %s: parameter %q is empty or declared twice",
				d.Name, p.Name)
		}
		seen[p.Name] = true
		if p.Default != nil {
			if _, msg := convert(p, p.Default); msg != "" {
				return fmt.Errorf("validators: %s: default of %s: %s", d.Name, p.Name, msg)
			}
		}
	}
	r.defs[d.Name] = &d
	return nil
}

// Names returns the registered validator names, sorted.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.defs))
	for n := range r.defs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Definition returns the named validator's definition.
func (r *Registry) Definition(name string) (Definition, bool) {
	d, ok := r.defs[name]
	if !ok {
		return Definition{}, false
	}
	return *d, true
}

// ServicesOf returns the AWS services the named validator reads, nil for an unknown one.
func (r *Registry) ServicesOf(name string) []string {
	if d, ok := r.defs[name]; ok {
		return append([]string(nil), d.Services...)
	}
	return nil
}

// PartialCredit reports whether the named validator's FAIL findings carry a fraction of
// the check that holds, and whether the validator exists.
func (r *Registry) PartialCredit(name string) (partial, known bool) {
	d, ok := r.defs[name]
	return ok && d.Partial, ok
}

// Lookup returns the named validator, ready to grade checks.
func (r *Registry) Lookup(name string) (proctor.Validator, bool) {
	d, ok := r.defs[name]
	if !ok {
		return nil, false
	}
	return &validator{def: d, reg: r}, true
}

// CheckParams reports every problem with params for the named validator: an unknown
// validator, unknown parameters, missing required ones, values of the wrong type and
// values outside an enumeration. Strings holding placeholders are accepted where a
// string is, since they are only known per sandbox. Problems come sorted by parameter.
func (r *Registry) CheckParams(name string, params map[string]any) []ParamProblem {
	d, ok := r.defs[name]
	if !ok {
		if hint := suggest.DidYouMean(name, r.Names()); hint != "" {
			return []ParamProblem{{Message: fmt.Sprintf("unknown validator %q%s", name, hint)}}
		}
		return []ParamProblem{{Message: fmt.Sprintf("unknown validator %q (validators: %s)",
			name, strings.Join(r.Names(), ", "))}}
	}
	_, problems := d.params(params)
	return problems
}

// params checks raw parameter values against the definition and returns them with
// defaults applied.
func (d *Definition) params(raw map[string]any) (Params, []ParamProblem) {
	var problems []ParamProblem
	declared := map[string]Param{}
	for _, p := range d.Params {
		declared[p.Name] = p
	}
	for name := range raw {
		if _, ok := declared[name]; !ok {
			msg := fmt.Sprintf("%s has no parameter %q (parameters: %s)", d.Name, name,
				strings.Join(d.paramNames(), ", "))
			if hint := suggest.DidYouMean(name, d.paramNames()); hint != "" {
				msg = fmt.Sprintf("%s has no parameter %q%s", d.Name, name, hint)
			}
			problems = append(problems, ParamProblem{Param: name, Message: msg})
		}
	}
	out := Params{}
	for _, p := range d.Params {
		v, ok := raw[p.Name]
		if !ok || v == nil {
			if p.Required {
				problems = append(problems, ParamProblem{Param: p.Name,
					Message: fmt.Sprintf("parameter %s is required: %s", p.Name, p.Description)})
			} else if p.Default != nil {
				out[p.Name], _ = convert(p, p.Default)
			}
			continue
		}
		got, msg := convert(p, v)
		if msg != "" {
			problems = append(problems, ParamProblem{Param: p.Name,
				Message: fmt.Sprintf("parameter %s: %s", p.Name, msg)})
			continue
		}
		out[p.Name] = got
	}
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Param < problems[j].Param })
	return out, problems
}

func (d *Definition) paramNames() []string {
	names := make([]string, len(d.Params))
	for i, p := range d.Params {
		names[i] = p.Name
	}
	if len(names) == 0 {
		return []string{"none"}
	}
	return names
}

// convert returns v as the parameter's Go type, or a message saying why it cannot.
func convert(p Param, v any) (any, string) {
	switch p.Type {
	case TypeString:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Sprintf("want a string, got %s", describe(v))
		}
		return s, enumProblem(p, s)
	case TypeBool:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Sprintf("want true or false, got %s", describe(v))
		}
		return b, ""
	case TypeInt:
		switch n := v.(type) {
		case int:
			return n, ""
		case int64:
			if n >= math.MinInt32 && n <= math.MaxInt32 {
				return int(n), ""
			}
		case float64:
			if n == math.Trunc(n) && math.Abs(n) <= math.MaxInt32 {
				return int(n), ""
			}
		}
		return nil, fmt.Sprintf("want an integer, got %s", describe(v))
	case TypeStringList:
		var list []string
		switch l := v.(type) {
		case []string:
			list = append(list, l...)
		case []any:
			for i, e := range l {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Sprintf("element %d: want a string, got %s", i, describe(e))
				}
				list = append(list, s)
			}
		default:
			return nil, fmt.Sprintf("want a list of strings, got %s", describe(v))
		}
		for i, s := range list {
			if msg := enumProblem(p, s); msg != "" {
				return nil, fmt.Sprintf("element %d: %s", i, msg)
			}
		}
		return list, ""
	}
	if p.Type == TypeGrantList {
		return convertGrants(v)
	}
	return nil, fmt.Sprintf("parameter type %q is unknown", p.Type)
}

func enumProblem(p Param, s string) string {
	if len(p.Enum) == 0 || strings.Contains(s, "{{") {
		return ""
	}
	for _, e := range p.Enum {
		if s == e {
			return ""
		}
	}
	return fmt.Sprintf("%q is not one of %s", s, strings.Join(p.Enum, ", "))
}

func describe(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("the string %q", v)
	case bool:
		return fmt.Sprintf("the bool %t", v)
	case int, int64, float64:
		return fmt.Sprintf("the number %v", v)
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	}
	return fmt.Sprintf("a %T", v)
}

// validator is a registered definition bound to its registry.
type validator struct {
	def *Definition
	reg *Registry
}

// Validate fills the parameters' placeholders from the target, checks them (an error lists
// every problem), and grades. A panic in the validator's logic becomes an ERROR finding, so
// that one bad check cannot take grading down.
func (v *validator) Validate(ctx context.Context, target proctor.Target,
	params map[string]any) (f proctor.Finding, err error) {
	filled, err := placeholder.FillMap(params, placeholder.ForTarget(target))
	if err != nil {
		return proctor.Finding{}, fmt.Errorf("validators: %s: %w", v.def.Name, err)
	}
	p, problems := v.def.params(filled)
	if len(problems) > 0 {
		msgs := make([]string, len(problems))
		for i, pr := range problems {
			msgs[i] = pr.Message
		}
		return proctor.Finding{}, fmt.Errorf("validators: %s: %s", v.def.Name,
			strings.Join(msgs, "; "))
	}

	env, err := newEnv(ctx, target, v.reg.opts)
	if err != nil {
		return errorf("the grader cannot reach the sandbox: %v", err), nil
	}
	defer func() {
		if r := recover(); r != nil {
			v.reg.log.ErrorContext(ctx, "validator panicked", "validator", v.def.Name,
				"account", target.AccountID, "panic", r, "stack", string(debug.Stack()))
			f, err = errorf("the validator %s failed unexpectedly", v.def.Name), nil
		}
	}()
	f = v.def.Check(ctx, env, p)
	if f.Verdict == proctor.VerdictPass {
		f.Fraction = 1
	}
	return f, nil
}
