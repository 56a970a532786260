package validators_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/validators"
)

func TestCheckParams(t *testing.T) {
	reg := validators.Default()
	tests := []struct {
		name      string
		validator string
		params    map[string]any
		want      []validators.ParamProblem
	}{
		{"valid", "s3.bucket_tls_only", map[string]any{"bucket": "b-{{.AccountID}}"}, nil},
		{"valid with optional", "s3.bucket_default_encryption",
			map[string]any{"bucket": "b", "algorithms": []any{"aws:kms"},
				"customer_managed_key": false}, nil},
		{"misspelt validator", "s3.bucket_tls_onyl", nil, []validators.ParamProblem{{
			Message: `unknown validator "s3.bucket_tls_onyl" (did you mean s3.bucket_tls_only?)`}}},
		{"unknown validator", "s3.nope", nil, []validators.ParamProblem{{
			Message: `unknown validator "s3.nope" (validators: ` +
				strings.Join(reg.Names(), ", ") + ")"}}},
		{"missing required", "s3.bucket_not_public", map[string]any{},
			[]validators.ParamProblem{{Param: "bucket",
				Message: "parameter bucket is required: the bucket's name"}}},
		{"every problem at once", "s3.bucket_tls_only",
			map[string]any{"bucket": 3, "bucket_arn": "yes", "buckt": "b"},
			[]validators.ParamProblem{
				{Param: "bucket", Message: "parameter bucket: want a string, got the number 3"},
				{Param: "bucket_arn",
					Message: `parameter bucket_arn: want true or false, got the string "yes"`},
				{Param: "buckt", Message: `s3.bucket_tls_only has no parameter "buckt" ` +
					"(did you mean bucket?)"},
			}},
		{"enum element", "s3.account_public_access_block",
			map[string]any{"settings": []any{"BlockPublicAcls", "BlockEverything"}},
			[]validators.ParamProblem{{Param: "settings",
				Message: `parameter settings: element 1: "BlockEverything" is not one of ` +
					"BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets"}}},
		{"list of non-strings", "s3.account_public_access_block",
			map[string]any{"settings": []any{true}},
			[]validators.ParamProblem{{Param: "settings",
				Message: "parameter settings: element 0: want a string, got the bool true"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := reg.CheckParams(tt.validator, tt.params)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("CheckParams (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDefaultHasTheBuiltins(t *testing.T) {
	want := []string{"iam.role_least_privilege", "kms.key_policy_not_public", "kms.key_rotation",
		"s3.account_public_access_block", "s3.bucket_default_encryption",
		"s3.bucket_not_public", "s3.bucket_tls_only"}
	reg := validators.Default()
	if diff := cmp.Diff(want, reg.Names()); diff != "" {
		t.Errorf("Names (-want +got):\n%s", diff)
	}
	for _, n := range want {
		d, ok := reg.Definition(n)
		if !ok || d.Description == "" || len(d.Services) == 0 {
			t.Errorf("%s: no definition, description or services", n)
		}
		if diff := cmp.Diff(d.Services, reg.ServicesOf(n)); diff != "" {
			t.Errorf("%s: ServicesOf (-definition +got):\n%s", n, diff)
		}
		for _, p := range d.Params {
			if p.Description == "" {
				t.Errorf("%s: parameter %s has no description", n, p.Name)
			}
		}
	}
}

var target = proctor.Target{AccountID: "123456789012", Region: "eu-west-1",
	Credentials: proctor.Credentials{AccessKeyID: "AKIDGRADER", SecretAccessKey: "s"}}

// echo is a validator that reports the parameters it received.
var echo = validators.Definition{
	Name: "test.echo",
	Params: []validators.Param{
		{Name: "bucket", Type: validators.TypeString, Required: true},
		{Name: "strict", Type: validators.TypeBool, Default: true},
	},
	Check: func(_ context.Context, env *validators.Env, p validators.Params) proctor.Finding {
		return proctor.Finding{Verdict: proctor.VerdictFail, Fraction: 0.25,
			Message: fmt.Sprintf("%s %t %s", p.String("bucket"), p.Bool("strict"), env.Region)}
	},
}

func TestValidateFillsPlaceholdersAndDefaults(t *testing.T) {
	reg := validators.NewRegistry(nil)
	if err := reg.Register(echo); err != nil {
		t.Fatal(err)
	}
	v, ok := reg.Lookup("test.echo")
	if !ok {
		t.Fatal("Lookup found no test.echo")
	}
	got, err := v.Validate(context.Background(), target,
		map[string]any{"bucket": "data-{{.AccountID}}-{{.Region}}"})
	if err != nil {
		t.Fatal(err)
	}
	want := proctor.Finding{Verdict: proctor.VerdictFail, Fraction: 0.25,
		Message: "data-123456789012-eu-west-1 true eu-west-1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Validate (-want +got):\n%s", diff)
	}
}

func TestValidateRejectsBadParams(t *testing.T) {
	v, _ := validators.Default().Lookup("s3.bucket_tls_only")
	_, err := v.Validate(context.Background(), target, map[string]any{"bucket": "{{.Nope}}"})
	want := "validators: s3.bucket_tls_only: placeholder: no value for placeholder {{.Nope}}"
	if err == nil || err.Error() != want {
		t.Errorf("Validate error = %v, want %q", err, want)
	}
	_, err = v.Validate(context.Background(), target, map[string]any{})
	want = "validators: s3.bucket_tls_only: parameter bucket is required: the bucket's name"
	if err == nil || err.Error() != want {
		t.Errorf("Validate error = %v, want %q", err, want)
	}
}

func TestValidatePanicIsError(t *testing.T) {
	reg := validators.NewRegistry(nil)
	boom := validators.Definition{Name: "test.boom",
		Check: func(context.Context, *validators.Env, validators.Params) proctor.Finding {
			var m map[string]int
			m["x"] = 1 // panics: assignment to a nil map
			return proctor.Finding{}
		}}
	if err := reg.Register(boom); err != nil {
		t.Fatal(err)
	}
	v, _ := reg.Lookup("test.boom")
	got, err := v.Validate(context.Background(), target, nil)
	if err != nil || got.Verdict != proctor.VerdictError {
		t.Errorf("Validate = %+v, %v; want an ERROR finding", got, err)
	}
}

func TestRegisterRejectsBadDefinitions(t *testing.T) {
	reg := validators.NewRegistry(nil)
	noop := func(context.Context, *validators.Env, validators.Params) proctor.Finding {
		return proctor.Finding{}
	}
	tests := []struct {
		def  validators.Definition
		want string
	}{
		{validators.Definition{Name: "x"}, "validators: a definition needs a name and a Check function"},
		{validators.Definition{Name: "x", Check: noop, Params: []validators.Param{
			{Name: "a", Type: validators.TypeInt}, {Name: "a", Type: validators.TypeInt}}},
			`validators: x: parameter "a" is empty or declared twice`},
		{validators.Definition{Name: "x", Check: noop, Params: []validators.Param{
			{Name: "a", Type: validators.TypeInt, Default: "3"}}},
			`validators: x: default of a: want an integer, got the string "3"`},
	}
	for _, tt := range tests {
		err := reg.Register(tt.def)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Register error = %v, want %q", err, tt.want)
		}
	}
	if err := reg.Register(validators.Definition{Name: "x", Check: noop}); err != nil {
		t.Fatal(err)
	}
	if err := reg.Register(validators.Definition{Name: "x", Check: noop}); err == nil {
		t.Error("Register accepted a name twice")
	}
}

func TestPartialCredit(t *testing.T) {
	reg := validators.Default()
	tests := []struct {
		name           string
		partial, known bool
	}{
		{"s3.bucket_tls_only", true, true},
		{"s3.bucket_not_public", false, true},
		{"s3.nope", false, false},
	}
	for _, tt := range tests {
		partial, known := reg.PartialCredit(tt.name)
		if partial != tt.partial || known != tt.known {
			t.Errorf("PartialCredit(%s) = %t, %t; want %t, %t", tt.name, partial, known,
				tt.partial, tt.known)
		}
	}
}
