package main

import (
	"strings"
	"testing"
)

// TestHelpNeverShowsTheToken checks that a token in the environment stays out of --help,
// which would otherwise print it as the flag's default.
func TestHelpNeverShowsTheToken(t *testing.T) {
	t.Setenv("PROCTOR_TOKEN", "secret-token-value")
	for _, args := range [][]string{{"--help"}, {"sandbox", "--help"},
		{"attempt", "submit", "--help"}} {
		var out, errOut strings.Builder
		if code := run(t.Context(), args, &out, &errOut); code != 0 {
			t.Fatalf("proctor %v exited %d: %s", args, code, errOut.String())
		}
		if strings.Contains(out.String()+errOut.String(), "secret-token-value") {
			t.Errorf("proctor %v prints the token:\n%s", args, out.String())
		}
	}
}

// TestTokenFromEnvironment checks that PROCTOR_TOKEN is still used when --token is absent.
func TestTokenFromEnvironment(t *testing.T) {
	t.Setenv("PROCTOR_TOKEN", "from-env")
	a := &app{}
	root := newRootCmd(a)
	root.SetArgs([]string{"labs", "list", "--server", "127.0.0.1:1"})
	var out strings.Builder
	root.SetOut(&out)
	root.SetErr(&out)
	_ = root.ExecuteContext(t.Context()) // the server is not there; the token is read first
	if a.token != "from-env" {
		t.Errorf("token = %q, want the one from PROCTOR_TOKEN", a.token)
	}
}
