package labs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go"
	"gopkg.in/yaml.v3"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/labs/placeholder"
)

// steps checks a list of steps. Names a step saves are placeholders for the steps after
// it in the same list.
func (l *linter) steps(n *yaml.Node, what string, required bool) []proctor.Step {
	if n.Kind != yaml.SequenceNode {
		l.at(n, "%s must be a list of steps, not %s", what, kindOf(n))
		return nil
	}
	if required && len(n.Content) == 0 {
		l.at(n, "%s is empty; it needs at least one step", what)
	}
	if len(n.Content) > maxSteps {
		l.at(n, "%s has %d steps; at most %d", what, len(n.Content), maxSteps)
		return nil
	}
	saved := map[string]bool{}
	var out []proctor.Step
	for i, sn := range n.Content {
		if s, ok := l.step(sn, fmt.Sprintf("%s[%d]", what, i), saved); ok {
			out = append(out, s)
		}
	}
	return out
}

// step checks one step: a service and an operation of its SDK client, an input that
// decodes into the operation's input struct and passes the SDK's own validation, and
// saved output members that exist.
func (l *linter) step(n *yaml.Node, what string, saved map[string]bool) (proctor.Step, bool) {
	fields, ok := l.mapping(n, what, stepFields)
	if !ok {
		return proctor.Step{}, false
	}
	l.require(n, what, fields, "service", "action")
	var s proctor.Step
	before := len(l.list)

	var op operation
	opOK := false
	if f, ok := fields["service"]; ok {
		s.Service, _ = l.str(f.value, what+".service")
	}
	if f, ok := fields["action"]; ok {
		s.Action, _ = l.str(f.value, what+".action")
	}
	if s.Service != "" && s.Action != "" {
		var err error
		op, err = lookupOperation(s.Service, s.Action)
		switch {
		case err == nil:
			opOK = true
		case clientTypes[s.Service] == nil:
			l.at(fields["service"].value, "%s: %v", what, err)
		default:
			l.at(fields["action"].value, "%s: %v", what, err)
		}
	}

	inputNode := n
	if f, ok := fields["input"]; ok {
		inputNode = f.value
		s.Input = l.input(f.value, what+".input", saved)
	}
	if opOK && len(l.list) == before {
		l.dryRun(inputNode, what, op, s)
	}

	if f, ok := fields["save"]; ok {
		s.Save = l.save(f.value, what+".save", op, opOK, saved)
	}
	return s, len(l.list) == before
}

// input checks a step's input mapping and returns it with placeholders checked against
// the names available and vars expanded.
func (l *linter) input(n *yaml.Node, what string, saved map[string]bool) map[string]any {
	v, ok := l.value(n, what)
	if !ok {
		return nil
	}
	m, isMap := v.(map[string]any)
	if !isMap {
		l.at(n, "%s must be a mapping of the operation's input members, not %s", what,
			kindOf(n))
		return nil
	}
	l.placeholders(n, what, l.known(saved))
	out, _ := expandValue(m, l.vars).(map[string]any)
	return out
}

// placeholders checks the placeholders of every string scalar under n.
func (l *linter) placeholders(n *yaml.Node, what string, known map[string]bool) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		for _, msg := range placeholder.Problems(n.Value, known) {
			l.at(n, "%s: %s", what, msg)
		}
		return
	}
	for _, c := range n.Content {
		l.placeholders(c, what, known)
	}
}

// expandValue expands vars in every string of a YAML-decoded value.
func expandValue(x any, vars map[string]string) any {
	switch x := x.(type) {
	case string:
		return placeholder.Expand(x, vars)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = expandValue(e, vars)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = expandValue(e, vars)
		}
		return out
	}
	return x
}

// fillSample replaces every placeholder with a plausible value: the account and region of an
// example sandbox, "sample" for names steps save.
func fillSample(x any) any {
	switch x := x.(type) {
	case string:
		if !strings.Contains(x, "{{") {
			return x
		}
		names := map[string]string{placeholder.AccountID: "123456789012",
			placeholder.Region: "us-east-1"}
		for _, m := range placeholder.Names(x) {
			if _, ok := names[m]; !ok {
				names[m] = "sample"
			}
		}
		s, _ := placeholder.Fill(x, names)
		return s
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = fillSample(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = fillSample(e)
		}
		return out
	}
	return x
}

// errDryRun stops a dry-run request before it leaves the process.
var errDryRun = errors.New("labs: dry run")

// refuseHTTP is an HTTP client that sends nothing.
type refuseHTTP struct{}

// Do refuses every request with errDryRun.
func (refuseHTTP) Do(*http.Request) (*http.Response, error) { return nil, errDryRun }

// dryRunConfig is an SDK configuration whose requests never leave the process.
var dryRunConfig = aws.Config{
	Region:       "us-east-1",
	Credentials:  credentials.NewStaticCredentialsProvider("AKIDDRYRUN", "dry-run", ""),
	HTTPClient:   refuseHTTP{},
	Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	BaseEndpoint: aws.String("https://localhost"),
}

// dryRun decodes the step's input into the operation's input struct and runs the SDK's
// validation of it (missing required members, for example), without sending anything.
func (l *linter) dryRun(inputNode *yaml.Node, what string, op operation, s proctor.Step) {
	in := reflect.New(op.input.Elem())
	sample, _ := fillSample(s.Input).(map[string]any)
	if sample == nil {
		sample = map[string]any{}
	}
	if err := decodeInput(in, sample); err != nil {
		var fes FieldErrors
		if !errors.As(err, &fes) {
			l.at(inputNode, "%s: %v", what, err)
			return
		}
		for _, fe := range fes {
			l.at(locate(inputNode, fe.Path, fe.Unknown), "%s: %v", what, fe)
		}
		return
	}
	if s.Service == "s3" && s.Action == "CreateBucket" {
		if b, _ := s.Input["Bucket"].(string); !strings.Contains(b, "{{.AccountID}}") {
			l.at(locate(inputNode, []any{"Bucket"}, false), "%s: bucket names are global "+
				"across sandboxes; include {{.AccountID}} in the name", what)
		}
	}

	client := reflect.ValueOf(clientFactories[s.Service](dryRunConfig))
	out := client.Method(op.method.Index).Call([]reflect.Value{
		reflect.ValueOf(context.Background()), in})
	err, _ := out[1].Interface().(error)
	var invalid smithy.InvalidParamsError
	if errors.As(err, &invalid) {
		for _, e := range invalid.Errs() {
			l.at(inputNode, "%s: the SDK rejects the input: %s", what,
				strings.TrimSuffix(e.Error(), "."))
		}
	}
}

// save checks a step's saved outputs: names of the form of exported identifiers, given
// once in the list, naming scalar members of the operation's output.
func (l *linter) save(n *yaml.Node, what string, op operation, opOK bool,
	saved map[string]bool) map[string]string {
	fields, ok := l.mapping(n, what, nil)
	if !ok {
		return nil
	}
	builtin := l.known(nil)
	out := map[string]string{}
	for _, k := range sortedKeys(fields) {
		f := fields[k]
		switch {
		case !saveNameRE.MatchString(k):
			l.at(f.key, "%s: name %s must start with an upper-case letter and hold only "+
				"letters and digits", what, k)
			continue
		case builtin[k]:
			l.at(f.key, "%s: %s is already a placeholder", what, k)
			continue
		case saved[k]:
			l.at(f.key, "%s: an earlier step already saves %s", what, k)
			continue
		}
		path, ok := l.str(f.value, what+"."+k)
		if !ok {
			continue
		}
		if opOK {
			if err := checkOutputPath(op.output, path); err != nil {
				l.at(f.value, "%s.%s: %v", what, k, err)
				continue
			}
		}
		saved[k] = true
		out[k] = path
	}
	return out
}
