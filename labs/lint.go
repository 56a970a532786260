package labs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/labs/placeholder"
	"github.com/proctorlabs/proctor/validators"
)

// The limits of a lab file.
const (
	maxFileSize    = 1 << 20 // bytes
	maxChecks      = 100
	maxSteps       = 200
	maxPoints      = 1000 // per check
	maxDuration    = 24 * time.Hour
	maxTitleLength = 120
)

var (
	idRE       = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	saveNameRE = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
)

// The fields of each part of a lab file.
var (
	labFields = []string{"id", "title", "pillar", "level", "duration", "summary",
		"instructions", "services", "pass_percent", "vars", "setup", "checks", "solution"}
	labRequired = []string{"id", "title", "pillar", "level", "duration", "summary",
		"instructions", "services", "pass_percent", "checks", "solution"}
	checkFields = []string{"id", "title", "validator", "params", "points", "partial", "hint",
		"hint_cost", "controls"}
	checkRequired = []string{"id", "title", "validator", "points", "hint"}
	stepFields    = []string{"service", "action", "input", "save"}
	levels        = []string{"beginner", "intermediate", "advanced"}
)

// knownServices are the AWS services a lab may declare, by the names steps and backends
// use.
var knownServices = []string{"accessanalyzer", "cloudtrail", "config", "ec2", "events",
	"guardduty", "iam", "kms", "organizations", "s3", "s3control", "securityhub", "sns", "ssm",
	"sts"}

// ParamChecker reports the problems of a check's validator name and parameters; a
// *validators.Registry is one.
type ParamChecker interface {
	CheckParams(name string, params map[string]any) []validators.ParamProblem
}

// serviceLister is the optional part of a ParamChecker that says which AWS services a
// validator reads; a *validators.Registry is one.
type serviceLister interface {
	ServicesOf(name string) []string
}

// partialLister is the optional part of a ParamChecker that says whether a validator gives
// partial credit; a *validators.Registry is one.
type partialLister interface {
	PartialCredit(name string) (partial, known bool)
}

// Lint reports every problem of the lab file data, named name in the problems, checking
// validators and their parameters against the built-in registry. No problems means
// [Parse] succeeds.
func Lint(name string, data []byte) []Problem {
	_, ps := parse(validators.Default(), name, data)
	return ps
}

// Parse returns the lab of the file data, or an error holding every problem: an
// *proctor.Error of code EInvalid with one field violation per problem, whose cause is the
// [Problems]. Placeholders of the lab's vars are replaced by their definitions, so the
// lab's strings hold only the sandbox's own placeholders ({{.AccountID}}, {{.Region}}) and
// the names that steps save.
func Parse(name string, data []byte) (*proctor.Lab, error) {
	return ParseWith(validators.Default(), name, data)
}

// ParseWith is Parse with validators checked against reg instead of the built-in registry.
func ParseWith(reg ParamChecker, name string, data []byte) (*proctor.Lab, error) {
	lab, ps := parse(reg, name, data)
	if len(ps) > 0 {
		fields := make([]proctor.FieldViolation, len(ps))
		for i, p := range ps {
			fields[i] = proctor.FieldViolation{
				Field:       fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column),
				Description: p.Message}
		}
		return nil, &proctor.Error{Code: proctor.EInvalid, Reason: "LAB_INVALID",
			Message: fmt.Sprintf("lab %s has %d problem(s); the first: %s", name, len(ps),
				ps[0].String()),
			Fields: fields, Err: Problems(ps)}
	}
	return lab, nil
}

// parse decodes and checks a lab file. The lab is nil when there are problems.
func parse(reg ParamChecker, name string, data []byte) (*proctor.Lab, Problems) {
	ps := &problems{file: name}
	if len(data) > maxFileSize {
		ps.at(nil, "the file has %d bytes; a lab file may have at most %d", len(data),
			maxFileSize)
		return nil, ps.sorted()
	}
	root, ok := readDocument(ps, data)
	if !ok {
		return nil, ps.sorted()
	}
	l := &linter{problems: ps, reg: reg, lab: &proctor.Lab{}}
	l.root(root)
	if len(ps.list) > 0 {
		return nil, ps.sorted()
	}
	return l.lab, nil
}

// readDocument parses the file's single YAML document and returns its root node.
func readDocument(ps *problems, data []byte) (*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			ps.at(nil, "the file is empty; a lab is a YAML mapping")
		} else {
			yamlError(ps, err)
		}
		return nil, false
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		at := &extra
		if len(extra.Content) > 0 {
			at = extra.Content[0]
		}
		ps.at(at, "a lab file holds one YAML document; this is a second one")
		return nil, false
	} else if !errors.Is(err, io.EOF) {
		yamlError(ps, err)
		return nil, false
	}
	if len(doc.Content) == 0 {
		ps.at(nil, "the file is empty; a lab is a YAML mapping")
		return nil, false
	}
	return doc.Content[0], true
}

// parserErrors are the yaml.v3 messages of parser (not scanner) errors. yaml.v3 reports
// their line counted from 0 (the line where the unfinished construct starts), and scanner
// errors' lines counted from 1.
var parserErrors = []string{"did not find expected ',' or ']'",
	"did not find expected ',' or '}'", "did not find expected key",
	"did not find expected '-' indicator", "did not find expected node content",
	"did not find expected <document start>", "found undefined tag handle"}

// yamlError records a YAML syntax error at the line it names. yaml.v3 reports no column,
// so the problem points at the line's start; a message without a line is about line 1.
func yamlError(ps *problems, err error) {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		reason := m[2]
		if containsString(parserErrors, reason) {
			line++
			reason += " (in the construct that starts on this line)"
		}
		ps.list = append(ps.list, Problem{File: ps.file, Line: line, Column: 1,
			Message: "YAML syntax: " + reason})
		return
	}
	ps.at(nil, "YAML syntax: %s", strings.TrimPrefix(msg, "yaml: "))
}

// linter checks one lab file and builds its lab.
type linter struct {
	*problems
	reg  ParamChecker
	lab  *proctor.Lab
	vars map[string]string // the lab's vars, defined with built-in placeholders only
}

// known returns the placeholder names available where vars and the given saved names are.
func (l *linter) known(saved map[string]bool) map[string]bool {
	out := map[string]bool{}
	for _, b := range placeholder.Builtins() {
		out[b] = true
	}
	for v := range l.vars {
		out[v] = true
	}
	for s := range saved {
		out[s] = true
	}
	return out
}

// text checks the placeholders of a string against known and returns it with the vars
// expanded.
func (l *linter) text(n *yaml.Node, what, s string, known map[string]bool) string {
	for _, msg := range placeholder.Problems(s, known) {
		l.at(n, "%s: %s", what, msg)
	}
	return placeholder.Expand(s, l.vars)
}

// root checks the root mapping, the lab itself.
func (l *linter) root(root *yaml.Node) {
	fields, ok := l.mapping(root, "lab", labFields)
	if !ok {
		return
	}
	l.require(root, "lab", fields, labRequired...)
	lab := l.lab

	// vars come first: every other string may use them.
	if f, ok := fields["vars"]; ok {
		l.defineVars(f.value)
	}
	if f, ok := fields["id"]; ok {
		if s, ok := l.str(f.value, "id"); ok {
			if !idRE.MatchString(s) || len(s) > 64 {
				l.at(f.value, "id %q must be lower-case words joined by '-', at most 64 "+
					"characters", s)
			}
			lab.ID = s
		}
	}
	if f, ok := fields["title"]; ok {
		lab.Title = l.line(f.value, "title")
	}
	if f, ok := fields["pillar"]; ok {
		if s, ok := l.str(f.value, "pillar"); ok {
			lab.Pillar = proctor.Pillar(s)
			if !lab.Pillar.Valid() {
				l.at(f.value, "pillar %q is not one of %s", s, pillarList())
			}
		}
	}
	if f, ok := fields["level"]; ok {
		if s, ok := l.str(f.value, "level"); ok {
			if !containsString(levels, s) {
				l.at(f.value, "level %q is not one of %s", s, strings.Join(levels, ", "))
			}
			lab.Level = s
		}
	}
	if f, ok := fields["duration"]; ok {
		lab.Duration = l.duration(f.value)
	}
	if f, ok := fields["summary"]; ok {
		if s, ok := l.str(f.value, "summary"); ok {
			if strings.TrimSpace(s) == "" {
				l.at(f.value, "summary is empty")
			}
			lab.Summary = strings.TrimSpace(s)
		}
	}
	if f, ok := fields["instructions"]; ok {
		if s, ok := l.str(f.value, "instructions"); ok {
			if strings.TrimSpace(s) == "" {
				l.at(f.value, "instructions are empty")
			}
			lab.Instructions = l.text(f.value, "instructions", s, l.known(nil))
		}
	}
	if f, ok := fields["services"]; ok {
		lab.Services = l.services(f.value)
	}
	if f, ok := fields["pass_percent"]; ok {
		lab.PassPercent, _ = l.integer(f.value, "pass_percent", 1, 100)
	}
	if f, ok := fields["setup"]; ok {
		lab.Setup = l.steps(f.value, "setup", false)
	}
	if f, ok := fields["solution"]; ok {
		lab.Solution = l.steps(f.value, "solution", true)
	}
	if f, ok := fields["checks"]; ok {
		lab.Checks = l.checks(f.value)
	}
	l.servicesUsed(fields)
}

// declared returns the lab's declared services, nil when the field is absent or broken.
func declared(fields map[string]field) map[string]bool {
	f, ok := fields["services"]
	if !ok || f.value.Kind != yaml.SequenceNode {
		return nil
	}
	out := map[string]bool{}
	for _, e := range f.value.Content {
		out[e.Value] = true
	}
	return out
}

// line checks a one-line, non-empty string such as a title.
func (l *linter) line(n *yaml.Node, what string) string {
	s, ok := l.str(n, what)
	if !ok {
		return ""
	}
	switch {
	case strings.TrimSpace(s) == "":
		l.at(n, "%s is empty", what)
	case strings.ContainsAny(s, "\r\n"):
		l.at(n, "%s must be one line", what)
	case len(s) > maxTitleLength:
		l.at(n, "%s has %d characters; at most %d", what, len(s), maxTitleLength)
	}
	return s
}

func pillarList() string {
	names := make([]string, len(proctor.Pillars))
	for i, p := range proctor.Pillars {
		names[i] = string(p)
	}
	return strings.Join(names, ", ")
}

// duration checks a Go duration such as "45m" or "1h30m".
func (l *linter) duration(n *yaml.Node) time.Duration {
	s, ok := l.str(n, "duration")
	if !ok {
		return 0
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		l.at(n, "duration %q is not a duration such as 45m or 1h30m", s)
	case d <= 0 || d > maxDuration:
		l.at(n, "duration %s must be more than 0 and at most %s", s, maxDuration)
	}
	return d
}

// defineVars checks the lab's variables: names in the form of Go exported identifiers, values
// strings that use only built-in placeholders.
func (l *linter) defineVars(n *yaml.Node) {
	fields, ok := l.mapping(n, "vars", nil)
	if !ok {
		return
	}
	l.vars = map[string]string{}
	builtin := l.known(nil)
	for _, k := range sortedKeys(fields) {
		f := fields[k]
		if !saveNameRE.MatchString(k) {
			l.at(f.key, "vars: name %s must start with an upper-case letter and hold only "+
				"letters and digits", k)
			continue
		}
		if builtin[k] {
			l.at(f.key, "vars: %s is a built-in placeholder and cannot be redefined", k)
			continue
		}
		s, ok := l.str(f.value, "vars."+k)
		if !ok {
			continue
		}
		for _, msg := range placeholder.Problems(s, builtin) {
			l.at(f.value, "vars.%s: %s", k, msg)
		}
		l.vars[k] = s
	}
}

// services checks the lab's services: known names, each once.
func (l *linter) services(n *yaml.Node) []string {
	list, _ := l.strings(n, "services")
	if n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
		l.at(n, "services is empty; list the AWS services the lab needs")
	}
	for _, e := range n.Content {
		if e.Kind == yaml.ScalarNode && e.Tag == "!!str" &&
			!containsString(knownServices, e.Value) {
			l.at(e, "services: unknown service %q (services: %s)", e.Value,
				strings.Join(knownServices, ", "))
		}
	}
	return list
}

// servicesUsed reports steps whose service the lab does not declare.
func (l *linter) servicesUsed(fields map[string]field) {
	declared := declared(fields)
	if declared == nil {
		return
	}
	for _, part := range []string{"setup", "solution"} {
		sf, ok := fields[part]
		if !ok || sf.value.Kind != yaml.SequenceNode {
			continue
		}
		for _, step := range sf.value.Content {
			svc := locate(step, []any{"service"}, false)
			if svc != step && svc.Kind == yaml.ScalarNode && clientTypes[svc.Value] != nil &&
				!declared[svc.Value] {
				l.at(svc, "%s uses service %s, which the lab's services do not list", part,
					svc.Value)
			}
		}
	}
	lister, ok := l.reg.(serviceLister)
	cf, hasChecks := fields["checks"]
	if !ok || !hasChecks || cf.value.Kind != yaml.SequenceNode {
		return
	}
	for i, cn := range cf.value.Content {
		v := locate(cn, []any{"validator"}, false)
		if v == cn || v.Kind != yaml.ScalarNode {
			continue
		}
		for _, s := range lister.ServicesOf(v.Value) {
			if !declared[s] {
				l.at(v, "checks[%d]: validator %s reads service %s, which the lab's services "+
					"do not list", i, v.Value, s)
			}
		}
	}
}
