package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// runPolicy runs the proctor command line with args, the placeholder FILE replaced by a
// file holding doc, and returns stdout, stderr and the exit code.
func runPolicy(t *testing.T, doc string, args ...string) (string, string, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sim.json")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, a := range args {
		if a == "FILE" {
			args[i] = path
		}
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), code
}

const tlsBucketSim = `{
  "request": {"principal": "arn:aws:sts::111122223333:assumed-role/app/s1",
              "action": "s3:GetObject", "resource": "arn:aws:s3:::lab-bucket/report.csv",
              "context": {"aws:SecureTransport": %s}},
  "identityPolicies": [{"Version": "2012-10-17", "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::lab-bucket/*"}]}],
  "resourcePolicy": {"Version": "2012-10-17", "Statement": [
    {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::lab-bucket", "arn:aws:s3:::lab-bucket/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
}`

func TestPolicySimulateExplains(t *testing.T) {
	allowDoc := strings.Replace(tlsBucketSim, "%s", `"true"`, 1)
	out, stderr, code := runPolicy(t, allowDoc, "policy", "simulate", "FILE")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"ALLOWED", "identity[0]/0 (Read)", `"Sid":"Read"`} {
		if !strings.Contains(out, want) {
			t.Errorf("allow output lacks %q:\n%s", want, out)
		}
	}

	denyDoc := strings.Replace(tlsBucketSim, "%s", `false`, 1)
	out, _, _ = runPolicy(t, denyDoc, "policy", "simulate", "FILE", "--output", "json")
	var got simulateOutput
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("json output %q: %v", out, err)
	}
	if got.Decision != "EXPLICIT_DENY" || len(got.Deciding) != 1 ||
		got.Deciding[0].Policy != "resource" || got.Deciding[0].Sid != "DenyInsecureTransport" {
		t.Errorf("deny output = %+v, want the resource policy's DenyInsecureTransport", got)
	}
}

func TestPolicySimulateStdin(t *testing.T) {
	var out, errOut bytes.Buffer
	root := newRootCmd(&app{out: &out, errOut: &errOut})
	root.SetArgs([]string{"policy", "simulate", "-"})
	root.SetIn(strings.NewReader(strings.Replace(tlsBucketSim, "%s", `"false"`, 1)))
	root.SetOut(&out)
	root.SetErr(&errOut)
	if err := root.Execute(); err != nil {
		t.Fatalf("simulate -: %v (%s)", err, errOut.String())
	}
	if !strings.HasPrefix(out.String(), "EXPLICIT_DENY\n") {
		t.Errorf("simulate - printed %q", out.String())
	}
}

func TestPolicySimulateImplicitDeny(t *testing.T) {
	doc := `{"request": {"principal": "arn:aws:iam::111122223333:user/alice",
	  "action": "s3:DeleteObject", "resource": "arn:aws:s3:::b/k"},
	  "identityPolicies": [{"Statement": {"Effect": "Allow", "Action": "s3:GetObject",
	  "Resource": "*"}}]}`
	out, _, code := runPolicy(t, doc, "policy", "simulate", "FILE")
	if code != 0 || !strings.HasPrefix(out, "IMPLICIT_DENY\n") ||
		!strings.Contains(out, "no statement allows the request in: identity") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
}

// graderRole returns a simulation file whose identity policy is the IAM-2 or IAM-3 role
// policy of graders.md.
func graderRole(statements string) string {
	return `{"request": {"principal": "arn:aws:sts::111122223333:assumed-role/app/s1"},
	  "identityPolicies": [{"Version": "2012-10-17", "Statement": ` + statements + `}]}`
}

func actionNames(t *testing.T, out string) []string {
	t.Helper()
	var got actionsOutput
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("json output %q: %v", out, err)
	}
	var names []string
	for _, a := range got.Actions {
		names = append(names, a.Action)
	}
	return names
}

func TestPolicyActions(t *testing.T) {
	iam2 := graderRole(`[
	  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::app-data/*"},
	  {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::app-data/*"}]`)
	out, stderr, code := runPolicy(t, iam2, "policy", "actions", "FILE", "--resource",
		"arn:aws:s3:::app-data/key", "--output", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if diff := cmp.Diff([]string{"s3:GetObject", "s3:PutObject"}, actionNames(t, out)); diff != "" {
		t.Errorf("IAM-2 actions mismatch (-want +got):\n%s", diff)
	}

	iam3 := graderRole(`[{"Effect": "Allow", "Action": "s3:*Object",
	  "Resource": "arn:aws:s3:::app-data/*"}]`)
	out, _, _ = runPolicy(t, iam3, "policy", "actions", "FILE", "--resource",
		"arn:aws:s3:::app-data/key", "--output", "json")
	names := actionNames(t, out)
	if len(names) <= 2 || !contains(names, "s3:DeleteObject") {
		t.Errorf("IAM-3 actions = %v, want more than GetObject and PutObject", names)
	}

	none, _, _ := runPolicy(t, iam2, "policy", "actions", "FILE", "--resource",
		"arn:aws:s3:::other-bucket/key")
	if none != "no catalog action is allowed on arn:aws:s3:::other-bucket/key\n" {
		t.Errorf("output for a resource out of reach = %q", none)
	}

	table, _, _ := runPolicy(t, iam2, "policy", "actions", "FILE", "--resource",
		"arn:aws:s3:::app-data/key")
	want := "ACTION        ALLOWED BY\ns3:GetObject  identity[0]/0\ns3:PutObject  identity[0]/1\n"
	if table != want {
		t.Errorf("table output = %q, want %q", table, want)
	}
}

func TestPolicyBadInput(t *testing.T) {
	tests := []struct {
		name, doc string
		args      []string
		want      string
	}{
		{"policy error points into the file",
			"{\"request\": {\"action\": \"s3:GetObject\"},\n \"identityPolicies\": [\n" +
				"  {\"Statement\": {\"Effect\": \"Permit\", \"Action\": \"*\"}}]}",
			[]string{"policy", "simulate", "FILE"},
			`identity[0]: line 3, column 28: Statement.Effect: must be "Allow" or "Deny"`},
		{"unknown key", `{"request": {}, "identityPolicy": []}`,
			[]string{"policy", "simulate", "FILE"}, `unknown field "identityPolicy"`},
		{"missing request", `{}`, []string{"policy", "simulate", "FILE"},
			`missing "request"`},
		{"bad json", "{\n  \"request\": {,}\n}", []string{"policy", "simulate", "FILE"},
			"line 2, column 15"},
		{"bad context", `{"request": {"context": {"k": {"a": 1}}}}`,
			[]string{"policy", "simulate", "FILE"},
			"request.context.k must be a string or an array of strings"},
		{"missing resource flag", `{"request": {}}`, []string{"policy", "actions", "FILE"},
			"--resource is required"},
		{"resource not an arn", `{"request": {}}`,
			[]string{"policy", "actions", "FILE", "--resource", "bucket"},
			`--resource "bucket" must be an ARN`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runPolicy(t, tt.doc, tt.args...)
			if code == 0 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q, want it to contain %q", code, stderr, tt.want)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
