package proctor_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/proctorlabs/proctor"
)

func TestErrorCodeOf(t *testing.T) {
	cause := errors.New("disk full")
	tests := []struct {
		name string
		err  error
		code proctor.ErrorCode
		msg  string
	}{
		{"nil", nil, "", "internal error"},
		{"plain error hides its text", cause, proctor.EInternal, "internal error"},
		{"domain error", proctor.Errorf(proctor.ENotFound, "sandbox %s not found", "x"),
			proctor.ENotFound, "sandbox x not found"},
		{"wrapped domain error",
			fmt.Errorf("store: %w", proctor.WrapError(proctor.EUnavailable, cause, "try later")),
			proctor.EUnavailable, "try later"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := proctor.ErrorCodeOf(tt.err); got != tt.code {
				t.Errorf("ErrorCodeOf = %q, want %q", got, tt.code)
			}
			if tt.err == nil {
				return
			}
			if got := proctor.ErrorMessageOf(tt.err); got != tt.msg {
				t.Errorf("ErrorMessageOf = %q, want %q", got, tt.msg)
			}
		})
	}
}

func TestWrapErrorKeepsTheCauseForLogsOnly(t *testing.T) {
	cause := errors.New("connection refused")
	err := proctor.WrapError(proctor.EUnavailable, cause, "the store is unavailable")
	if !errors.Is(err, cause) {
		t.Error("errors.Is does not find the cause")
	}
	if got, want := err.Error(), "the store is unavailable: connection refused"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got := proctor.ErrorMessageOf(err); got != "the store is unavailable" {
		t.Errorf("caller-facing message %q shows the cause", got)
	}
}

func TestCallerCanSee(t *testing.T) {
	tests := []struct {
		caller proctor.Caller
		owner  string
		want   bool
	}{
		{proctor.Caller{Subject: "alice", Role: proctor.RoleLearner}, "alice", true},
		{proctor.Caller{Subject: "alice", Role: proctor.RoleLearner}, "bob", false},
		{proctor.Caller{Subject: "alice", Role: proctor.RoleLearner}, "", false},
		{proctor.Caller{Subject: "carol", Role: proctor.RoleInstructor}, "bob", true},
		{proctor.Caller{Subject: "root", Role: proctor.RoleAdmin}, "bob", true},
		{proctor.Caller{Subject: "mallory", Role: "superuser"}, "bob", false},
	}
	for _, tt := range tests {
		if got := tt.caller.CanSee(tt.owner); got != tt.want {
			t.Errorf("%+v.CanSee(%q) = %v, want %v", tt.caller, tt.owner, got, tt.want)
		}
	}
}

func TestCredentialsNeverPrintTheSecret(t *testing.T) {
	c := proctor.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "s3cr3t",
		SessionToken: "t0ken"}
	for _, format := range []string{"%v", "%+v", "%s", "%#v"} {
		got := fmt.Sprintf(format, c)
		for _, secret := range []string{c.SecretAccessKey, c.SessionToken} {
			if strings.Contains(got, secret) {
				t.Errorf("Sprintf(%q) = %q shows a secret", format, got)
			}
		}
	}
	sb := proctor.Sandbox{Learner: c, Grader: c}
	if got := fmt.Sprintf("%+v", sb); strings.Contains(got, c.SecretAccessKey) {
		t.Errorf("a printed sandbox shows a secret: %s", got)
	}
}

func TestLabPoints(t *testing.T) {
	lab := proctor.Lab{Checks: []proctor.Check{{ID: "a", Points: 25}, {ID: "b", Points: 10}}}
	if got := lab.MaxPoints(); got != 35 {
		t.Errorf("MaxPoints = %d, want 35", got)
	}
	if c := lab.Check("b"); c == nil || c.Points != 10 {
		t.Errorf("Check(b) = %+v", c)
	}
	if c := lab.Check("z"); c != nil {
		t.Errorf("Check(z) = %+v, want nil", c)
	}
	for _, p := range proctor.Pillars {
		if !p.Valid() {
			t.Errorf("pillar %q is not valid", p)
		}
	}
	if proctor.Pillar("dns").Valid() {
		t.Error("pillar dns is valid")
	}
}

func TestCheckRequestID(t *testing.T) {
	long := strings.Repeat("a", proctor.MaxRequestIDLength)
	for _, id := range []string{"", "r1", "3f2b8c1e-55aa-4e6c-9c1e-0d3c8b9a7f10", "a.b:c_d", long} {
		if v := proctor.CheckRequestID("request_id", id); v != nil {
			t.Errorf("CheckRequestID(%q) = %+v, want nil", id, v)
		}
	}
	for _, id := range []string{long + "a", "has space", "semi;colon", "é", "tab\t"} {
		v := proctor.CheckRequestID("request_id", id)
		if v == nil || v.Field != "request_id" || !strings.Contains(v.Description, "request id") {
			t.Errorf("CheckRequestID(%q) = %+v, want a violation of request_id", id, v)
		}
	}
}

func TestCheckRequestIDDoesNotEchoAHugeID(t *testing.T) {
	v := proctor.CheckRequestID("request_id", strings.Repeat("x", 1<<20))
	if v == nil || len(v.Description) > 200 {
		t.Errorf("violation of a 1 MiB id: %d bytes of description, want a short one",
			len(v.Description))
	}
}

func TestResourceNames(t *testing.T) {
	for name, want := range map[string]bool{
		"sandboxes/sb-1a2b":                    true,
		"sandboxes/a":                          true,
		"sandboxes/" + strings.Repeat("a", 63): true,
		"sandboxes/" + strings.Repeat("a", 64): false,
		"sandboxes/0abc":                       false,
		"sandboxes/sb-":                        false,
		"sandboxes/SB":                         false,
		"sandboxes/":                           false,
		"sb-1":                                 false,
		"sandboxes/sb/attempts/a":              false,
		"sandboxes/sb_1":                       false,
	} {
		if got := proctor.ValidSandboxName(name); got != want {
			t.Errorf("ValidSandboxName(%q) = %v, want %v", name, got, want)
		}
	}
	tests := []struct {
		name, sandbox string
		ok            bool
	}{
		{"sandboxes/sb-1/attempts/at-2", "sandboxes/sb-1", true},
		{"sandboxes/sb-1/attempts/", "", false},
		{"sandboxes/sb-1/attempts/at-2/x", "", false},
		{"sandboxes/sb-1/tries/at-2", "", false},
		{"sandboxes/9/attempts/at-2", "", false},
	}
	for _, tt := range tests {
		sb, ok := proctor.ParseAttemptName(tt.name)
		if sb != tt.sandbox || ok != tt.ok {
			t.Errorf("ParseAttemptName(%q) = %q, %v; want %q, %v", tt.name, sb, ok,
				tt.sandbox, tt.ok)
		}
	}
}
