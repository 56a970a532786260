package labs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// FieldError says which member of a step's input could not be decoded, and why. Path holds
// the member names and list indexes from the input's root, e.g. [Policy Statement 0].
type FieldError struct {
	Path   []any // string member names and int list indexes
	Reason string
	// Unknown is set when the last member of Path does not exist in the input struct.
	Unknown bool
}

// Error returns the member's dotted path and the reason.
func (e *FieldError) Error() string {
	return fmt.Sprintf("input member %s: %s", formatPath(e.Path), e.Reason)
}

func formatPath(path []any) string {
	if len(path) == 0 {
		return "(root)"
	}
	var b strings.Builder
	for i, p := range path {
		switch p := p.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", p)
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, p)
		}
	}
	return b.String()
}

var (
	readerType = reflect.TypeFor[io.Reader]()
	timeType   = reflect.TypeFor[time.Time]()
	bytesType  = reflect.TypeFor[[]byte]()
)

// FieldErrors are every member of one input that could not be decoded.
type FieldErrors []*FieldError

// Error returns the first problem, and how many more there are.
func (es FieldErrors) Error() string {
	if len(es) == 1 {
		return es[0].Error()
	}
	return fmt.Sprintf("%v (and %d more problems)", es[0], len(es)-1)
}

// decodeInput sets the SDK input struct that dst points to from x, a YAML-decoded value:
// member names as in the API, scalars of the member's kind, lists, maps, blobs as strings,
// and JSON documents (policies, event patterns) given as YAML maps, which become JSON text.
// It
// returns FieldErrors naming every member at fault.
func decodeInput(dst reflect.Value, x any) error {
	var errs FieldErrors
	collect(&errs, decode(dst.Elem(), x, nil))
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// collect appends the field errors of err to errs.
func collect(errs *FieldErrors, err error) {
	switch e := err.(type) {
	case nil:
	case FieldErrors:
		*errs = append(*errs, e...)
	case *FieldError:
		*errs = append(*errs, e)
	}
}

func decode(v reflect.Value, x any, path []any) error {
	fail := func(format string, args ...any) error {
		return &FieldError{Path: append([]any(nil), path...), Reason: fmt.Sprintf(format, args...)}
	}
	t := v.Type()

	switch {
	case t == readerType:
		s, ok := scalarString(x)
		if !ok {
			return fail("want a string for a stream, got %s", describe(x))
		}
		v.Set(reflect.ValueOf(io.Reader(strings.NewReader(s))))
		return nil
	case t == timeType:
		s, ok := x.(string)
		if !ok {
			return fail("want an RFC 3339 time, got %s", describe(x))
		}
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return fail("want an RFC 3339 time, got %q", s)
		}
		v.Set(reflect.ValueOf(tm))
		return nil
	case t == bytesType:
		s, ok := scalarString(x)
		if !ok {
			return fail("want a string for a blob, got %s", describe(x))
		}
		v.SetBytes([]byte(s))
		return nil
	}

	switch t.Kind() {
	case reflect.Pointer:
		if x == nil {
			return nil
		}
		p := reflect.New(t.Elem())
		if err := decode(p.Elem(), x, path); err != nil {
			return err
		}
		v.Set(p)
		return nil
	case reflect.String:
		return decodeString(v, x, path, fail)
	case reflect.Bool:
		b, ok := x.(bool)
		if !ok {
			return fail("want true or false, got %s", describe(x))
		}
		v.SetBool(b)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := integer(x)
		if !ok || v.OverflowInt(n) {
			return fail("want an integer of %d bits, got %s", t.Bits(), describe(x))
		}
		v.SetInt(n)
		return nil
	case reflect.Float32, reflect.Float64:
		f, ok := number(x)
		if !ok {
			return fail("want a number, got %s", describe(x))
		}
		v.SetFloat(f)
		return nil
	case reflect.Slice:
		list, ok := x.([]any)
		if !ok {
			return fail("want a list, got %s", describe(x))
		}
		s := reflect.MakeSlice(t, len(list), len(list))
		var errs FieldErrors
		for i, e := range list {
			collect(&errs, decode(s.Index(i), e, append(path, i)))
		}
		v.Set(s)
		return nilIfEmpty(errs)
	case reflect.Map:
		m, ok := x.(map[string]any)
		if !ok || t.Key().Kind() != reflect.String {
			return fail("want a map, got %s", describe(x))
		}
		out := reflect.MakeMapWithSize(t, len(m))
		var errs FieldErrors
		for _, k := range sortedKeys(m) {
			e := reflect.New(t.Elem()).Elem()
			collect(&errs, decode(e, m[k], append(path, k)))
			out.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), e)
		}
		v.Set(out)
		return nilIfEmpty(errs)
	case reflect.Struct:
		return decodeStruct(v, x, path, fail)
	}
	return fail("members of type %s cannot be given in a lab", t)
}

func decodeStruct(v reflect.Value, x any, path []any,
	fail func(string, ...any) error) error {
	m, ok := x.(map[string]any)
	if !ok {
		return fail("want a map of %s members, got %s", v.Type().Name(), describe(x))
	}
	var errs FieldErrors
	for _, k := range sortedKeys(m) {
		f, ok := v.Type().FieldByName(k)
		if !ok || !f.IsExported() {
			p := append(path, k)
			errs = append(errs, &FieldError{Path: append([]any(nil), p...),
				Reason: unknownMember(v.Type(), k), Unknown: true})
			continue
		}
		collect(&errs, decode(v.FieldByIndex(f.Index), m[k], append(path, k)))
	}
	return nilIfEmpty(errs)
}

// nilIfEmpty returns errs as an error, or nil when there are none (a nil FieldErrors in an
// error interface would not be nil).
func nilIfEmpty(errs FieldErrors) error {
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// unknownMember explains that t has no member k, suggesting a member of another case.
func unknownMember(t reflect.Type, k string) string {
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.IsExported() {
			if strings.EqualFold(f.Name, k) {
				return fmt.Sprintf("%s has no member %s; did you mean %s?", t.Name(), k, f.Name)
			}
			names = append(names, f.Name)
		}
	}
	return fmt.Sprintf("%s has no member %s (members: %s)", t.Name(), k,
		strings.Join(names, ", "))
}

// documentSuffixes end the names of members (and of map keys) that hold JSON documents:
// Policy, PolicyDocument, AssumeRolePolicyDocument, EventPattern, AttributeValue, ...
var documentSuffixes = []string{"Policy", "Document", "Pattern", "AttributeValue",
	"Definition"}

// isDocument reports whether the member at path holds a JSON document.
func isDocument(path []any) bool {
	for i := len(path) - 1; i >= 0; i-- {
		if name, ok := path[i].(string); ok {
			for _, s := range documentSuffixes {
				if strings.HasSuffix(name, s) {
					return true
				}
			}
			return false
		}
	}
	return false
}

// decodeString sets a string or an SDK enum. A map or a list given for a string member
// that holds a JSON document (see documentSuffixes) is encoded as JSON, which is how
// policy documents are written in labs.
func decodeString(v reflect.Value, x any, path []any, fail func(string, ...any) error) error {
	t := v.Type()
	switch x.(type) {
	case map[string]any, []any:
		if t.Kind() != reflect.String || t.PkgPath() != "" || !isDocument(path) {
			return fail("want a string, got %s", describe(x))
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(x); err != nil {
			return fail("cannot be encoded as JSON: %v", err)
		}
		v.SetString(strings.TrimSuffix(buf.String(), "\n"))
		return nil
	}
	s, ok := scalarString(x)
	if !ok {
		return fail("want a string, got %s", describe(x))
	}
	if allowed := enumValues(t); allowed != nil && !strings.Contains(s, "{{") &&
		!containsString(allowed, s) {
		return fail("%q is not a %s (one of: %s)", s, t.Name(), strings.Join(allowed, ", "))
	}
	v.SetString(s)
	return nil
}

// enumValues returns the values of an SDK enum type (a string type with a Values method),
// or nil for any other type.
func enumValues(t reflect.Type) []string {
	m, ok := t.MethodByName("Values")
	if !ok || t.PkgPath() == "" || m.Type.NumIn() != 1 || m.Type.NumOut() != 1 {
		return nil
	}
	out := m.Func.Call([]reflect.Value{reflect.Zero(t)})[0]
	if out.Kind() != reflect.Slice {
		return nil
	}
	vals := make([]string, out.Len())
	for i := range vals {
		vals[i] = out.Index(i).String()
	}
	sort.Strings(vals)
	return vals
}

func containsString(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// scalarString returns a scalar as text: strings as they are, numbers and bools as YAML
// writes them, so that an unquoted bucket name such as 2024 still works.
func scalarString(x any) (string, bool) {
	switch x := x.(type) {
	case string:
		return x, true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

func integer(x any) (int64, bool) {
	switch x := x.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<63 {
			return int64(x), true
		}
	}
	return 0, false
}

func number(x any) (float64, bool) {
	switch x := x.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// describe names the YAML kind of x for error messages.
func describe(x any) string {
	switch x := x.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the string %q", x)
	case bool:
		return fmt.Sprintf("the bool %t", x)
	case int, int64, float64:
		return fmt.Sprintf("the number %v", x)
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	}
	return fmt.Sprintf("a %T", x)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
