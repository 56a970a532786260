package labs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/awsclient"
	"github.com/proctorlabs/proctor/labs/placeholder"
	"github.com/proctorlabs/proctor/labs/suggest"
)

// clientFactories builds each SDK client a step may name, by the service name labs use.
var clientFactories = map[string]func(aws.Config) any{
	"iam":       func(c aws.Config) any { return iam.NewFromConfig(c) },
	"s3":        func(c aws.Config) any { return awsclient.S3(c) },
	"s3control": func(c aws.Config) any { return awsclient.S3Control(c) },
	"kms":       func(c aws.Config) any { return awsclient.KMS(c) },
	"sts":       func(c aws.Config) any { return awsclient.STS(c) },
}

// clientTypes holds the type of each step client, for linting without a sandbox.
var clientTypes = func() map[string]reflect.Type {
	cfg := aws.Config{Region: "us-east-1"}
	m := make(map[string]reflect.Type, len(clientFactories))
	for name, f := range clientFactories {
		m[name] = reflect.TypeOf(f(cfg))
	}
	return m
}()

// StepServices returns the service names a step may use, sorted.
func StepServices() []string { return sortedKeys(clientFactories) }

var (
	contextType = reflect.TypeFor[context.Context]()
	errorType   = reflect.TypeFor[error]()
)

// operation is one SDK client method of the form
// func(context.Context, *XInput, ...func(*Options)) (*XOutput, error).
type operation struct {
	method reflect.Method
	input  reflect.Type // *XInput
	output reflect.Type // *XOutput
}

// lookupOperation finds the operation action of the service's client.
func lookupOperation(service, action string) (operation, error) {
	ct, ok := clientTypes[service]
	if !ok {
		if hint := suggest.DidYouMean(service, StepServices()); hint != "" {
			return operation{}, fmt.Errorf("unknown service %q%s", service, hint)
		}
		return operation{}, fmt.Errorf("unknown service %q (services: %s)", service,
			strings.Join(StepServices(), ", "))
	}
	m, ok := ct.MethodByName(action)
	if !ok || !isOperation(m.Type) {
		var names []string
		for i := range ct.NumMethod() {
			if isOperation(ct.Method(i).Type) {
				names = append(names, ct.Method(i).Name)
			}
		}
		return operation{}, fmt.Errorf("service %s has no operation %q%s", service, action,
			suggest.DidYouMean(action, names))
	}
	return operation{method: m, input: m.Type.In(2), output: m.Type.Out(0)}, nil
}

// isOperation reports whether a method type has the form of an SDK operation.
func isOperation(mt reflect.Type) bool {
	return mt.NumIn() == 4 && mt.In(1) == contextType && mt.In(2).Kind() == reflect.Pointer &&
		mt.IsVariadic() && mt.NumOut() == 2 && mt.Out(1) == errorType
}

// StepRunner runs lab steps by calling the aws-sdk-go-v2 client method that each step
// names, with the step's input decoded into the method's input struct. A new operation
// therefore needs no code, only a step in a lab. It implements [proctor.StepRunner].
type StepRunner struct {
	log  *slog.Logger
	opts []awsclient.Option
}

// NewStepRunner returns a step runner that logs each step it runs to log (service,
// action and account, never credentials or inputs). The options apply to every SDK
// configuration the runner builds.
func NewStepRunner(log *slog.Logger, opts ...awsclient.Option) *StepRunner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &StepRunner{log: log, opts: opts}
}

var _ proctor.StepRunner = (*StepRunner)(nil)

// StepError is the failure of one step: its index (from 0), its service and action, and
// the cause.
type StepError struct {
	Index   int
	Service string
	Action  string
	Err     error
}

// Error names the step (numbered from 1, as people count) and the cause.
func (e *StepError) Error() string {
	return fmt.Sprintf("labs: step %d (%s.%s): %v", e.Index+1, e.Service, e.Action, e.Err)
}

// Unwrap returns the cause.
func (e *StepError) Unwrap() error { return e.Err }

// RunSteps runs the steps in order against the target and stops at the first failure,
// returned as a *StepError. Before the first call it checks every step's operation and
// input members, so that a malformed list changes nothing. Placeholders in the inputs are
// filled from the target ({{.AccountID}}, {{.Region}}) and from what earlier steps saved.
// Outside us-east-1, an S3 CreateBucket without a CreateBucketConfiguration gets the
// target's region as its LocationConstraint.
func (r *StepRunner) RunSteps(ctx context.Context, target proctor.Target,
	steps []proctor.Step) error {
	_, err := r.Run(ctx, target, steps)
	return err
}

// Run is RunSteps that also returns the values the steps saved, by name.
func (r *StepRunner) Run(ctx context.Context, target proctor.Target,
	steps []proctor.Step) (placeholder.Values, error) {
	cfg, err := awsclient.Config(ctx, target, r.opts...)
	if err != nil {
		return nil, fmt.Errorf("labs: run steps: %w", err)
	}
	if err := precheck(steps); err != nil {
		return nil, err
	}

	values := placeholder.ForTarget(target)
	clients := map[string]reflect.Value{}
	for i, s := range steps {
		fail := func(err error) error {
			return &StepError{Index: i, Service: s.Service, Action: s.Action, Err: err}
		}
		op, err := lookupOperation(s.Service, s.Action)
		if err != nil {
			return values, fail(err)
		}
		client, ok := clients[s.Service]
		if !ok {
			client = reflect.ValueOf(clientFactories[s.Service](cfg))
			clients[s.Service] = client
		}
		in, err := buildInput(op, s.Input, values)
		if err != nil {
			return values, fail(err)
		}
		regionDefaults(s, in, target.Region)

		out := client.Method(op.method.Index).Call([]reflect.Value{reflect.ValueOf(ctx), in})
		if err, _ := out[1].Interface().(error); err != nil {
			r.log.InfoContext(ctx, "lab step failed", "step", i+1, "service", s.Service,
				"action", s.Action, "account", target.AccountID, "error", err)
			return values, fail(err)
		}
		r.log.DebugContext(ctx, "lab step done", "step", i+1, "service", s.Service,
			"action", s.Action, "account", target.AccountID)

		saveErr := func() error {
			defer closeStreams(out[0])
			for _, name := range sortedKeys(s.Save) {
				got, err := outputValue(out[0], s.Save[name])
				if err != nil {
					return fmt.Errorf("save %s: %w", name, err)
				}
				values[name] = got
			}
			return nil
		}()
		if saveErr != nil {
			return values, fail(saveErr)
		}
	}
	return values, nil
}

// closeStreams closes the streaming members of an SDK output (the Body of S3 GetObject,
// say), which no step can save: left open, each would hold a connection to the sandbox's
// endpoint until the server stops.
func closeStreams(out reflect.Value) {
	for out.Kind() == reflect.Pointer || out.Kind() == reflect.Interface {
		if out.IsNil() {
			return
		}
		out = out.Elem()
	}
	if out.Kind() != reflect.Struct {
		return
	}
	for i := range out.NumField() {
		f := out.Field(i)
		if !out.Type().Field(i).IsExported() || f.Kind() != reflect.Interface || f.IsNil() {
			continue
		}
		if c, ok := f.Interface().(io.Closer); ok {
			_ = c.Close()
		}
	}
}

// precheck finds the steps that cannot run whatever the sandbox (an unknown operation, an
// input member that does not exist or has the wrong type) before any step runs, so that a
// malformed list of steps changes nothing.
func precheck(steps []proctor.Step) error {
	for i, s := range steps {
		op, err := lookupOperation(s.Service, s.Action)
		if err == nil {
			sample, _ := fillSample(s.Input).(map[string]any)
			if sample == nil {
				sample = map[string]any{}
			}
			err = decodeInput(reflect.New(op.input.Elem()), sample)
		}
		if err != nil {
			return &StepError{Index: i, Service: s.Service, Action: s.Action, Err: err}
		}
	}
	return nil
}

// buildInput fills the placeholders of a step's input and decodes it into a new input
// struct of the operation.
func buildInput(op operation, input map[string]any,
	values placeholder.Values) (reflect.Value, error) {
	filled, err := placeholder.FillMap(input, values)
	if err != nil {
		return reflect.Value{}, err
	}
	in := reflect.New(op.input.Elem())
	if err := decodeInput(in, filled); err != nil {
		return reflect.Value{}, err
	}
	return in, nil
}

// regionDefaults fills in what an operation needs outside us-east-1 and a lab cannot know
// in advance: the LocationConstraint of S3 CreateBucket, so that one lab creates its
// bucket in whatever region the sandbox is.
func regionDefaults(s proctor.Step, in reflect.Value, region string) {
	if s.Service != "s3" || s.Action != "CreateBucket" || region == "" || region == "us-east-1" {
		return
	}
	cb, ok := in.Interface().(*s3.CreateBucketInput)
	if !ok || cb.CreateBucketConfiguration != nil {
		return
	}
	cb.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{
		LocationConstraint: s3types.BucketLocationConstraint(region)}
}

// outputValue follows a dotted path of member names and [n] indexes (e.g.
// "KeyMetadata.KeyId" or "Buckets[0].Name") through an SDK output and returns the scalar
// it ends at as text.
func outputValue(out reflect.Value, path string) (string, error) {
	v, err := walkPath(out, path)
	if err != nil {
		return "", err
	}
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return "", fmt.Errorf("output member %s is not set", path)
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		return v.String(), nil
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), nil
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64), nil
	}
	return "", fmt.Errorf("output member %s is a %s, not a scalar", path, v.Type())
}

// walkPath resolves path in v. A nil pointer or a short list along the way is an error.
func walkPath(v reflect.Value, path string) (reflect.Value, error) {
	for _, seg := range splitPath(path) {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return v, fmt.Errorf("output member %s is not set", path)
			}
			v = v.Elem()
		}
		if n, err := strconv.Atoi(seg); err == nil {
			if v.Kind() != reflect.Slice || n < 0 || n >= v.Len() {
				return v, fmt.Errorf("output member %s has no element %d", path, n)
			}
			v = v.Index(n)
			continue
		}
		if v.Kind() != reflect.Struct {
			return v, fmt.Errorf("output member %s: %s is not a structure", path, seg)
		}
		f, ok := v.Type().FieldByName(seg)
		if !ok || !f.IsExported() {
			return v, fmt.Errorf("output member %s: %s", path, unknownMember(v.Type(), seg))
		}
		v = v.FieldByIndex(f.Index)
	}
	return v, nil
}

// checkOutputPath reports whether path can name a scalar in outputs of type t.
func checkOutputPath(t reflect.Type, path string) error {
	segs := splitPath(path)
	if len(segs) == 0 {
		return errors.New("empty output path")
	}
	for _, seg := range segs {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if _, err := strconv.Atoi(seg); err == nil {
			if t.Kind() != reflect.Slice {
				return fmt.Errorf("output member %s: [%s] indexes a %s, not a list", path, seg, t)
			}
			t = t.Elem()
			continue
		}
		if t.Kind() != reflect.Struct {
			return fmt.Errorf("output member %s: %s is not a structure", path, seg)
		}
		f, ok := t.FieldByName(seg)
		if !ok || !f.IsExported() {
			return fmt.Errorf("output member %s: %s", path, unknownMember(t, seg))
		}
		t = f.Type
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16,
		reflect.Int32, reflect.Int64, reflect.Float32, reflect.Float64:
		return nil
	}
	return fmt.Errorf("output member %s is a %s, not a scalar", path, t)
}

// splitPath splits "A.B[2].C" into ["A", "B", "2", "C"].
func splitPath(path string) []string {
	path = strings.NewReplacer("[", ".", "]", "").Replace(path)
	var out []string
	for _, s := range strings.Split(path, ".") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
