package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestSandboxEnvInShell evaluates the lines in a real POSIX shell and reads the variables and
// the aws function's command line back, so quoting mistakes cannot hide.
func TestSandboxEnvInShell(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on PATH")
	}
	e := sandboxEnv{
		Region:          "eu-west-1",
		AccessKeyID:     "AKIAEXAMPLE",
		SecretAccessKey: "se'cr$et `x`",
		Endpoint:        "https://localhost:4567",
		CABundle:        "/tmp/dir with space/ca.pem",
		Proxy:           "http://localhost:4566",
	}
	var b strings.Builder
	if err := writeSandboxEnv(&b, e); err != nil {
		t.Fatal(err)
	}
	// A stand-in aws on PATH prints its arguments and the proxy it was given.
	dir := t.TempDir()
	script := b.String() + `
printf '%s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_REGION" "$AWS_CA_BUNDLE" \
  "$AWS_ENDPOINT_URL" "${AWS_SESSION_TOKEN-unset}"
aws s3api list-buckets
aws s3control get-public-access-block --account-id 123456789012
`
	stub := "#!/bin/sh\nprintf 'aws[%s] proxy=%s\\n' \"$*\" \"${HTTPS_PROXY-}\"\n"
	if err := writeExecutable(dir+"/aws", stub); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(sh, "-c", script)
	cmd.Env = []string{"PATH=" + dir + ":/usr/bin:/bin", "AWS_SESSION_TOKEN=stale"}
	got, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sh: %v\n%s", err, got)
	}
	want := strings.Join([]string{
		e.AccessKeyID, e.SecretAccessKey, e.Region, e.CABundle, e.Endpoint, "unset",
		"aws[--endpoint-url https://localhost:4567 s3api list-buckets] proxy=",
		"aws[--endpoint-url https://localhost:4567 s3control get-public-access-block " +
			"--account-id 123456789012] proxy=http://localhost:4566",
	}, "\n") + "\n"
	if string(got) != want {
		t.Errorf("shell saw\n%s\nwant\n%s", got, want)
	}
}

// TestSandboxEnvWithoutTLS covers a backend that serves plain HTTP only, such as LocalStack:
// no CA bundle is set, and a stale one from an earlier sandbox is cleared.
func TestSandboxEnvWithoutTLS(t *testing.T) {
	var b strings.Builder
	err := writeSandboxEnv(&b, sandboxEnv{Region: "us-east-1", AccessKeyID: "AKID",
		SecretAccessKey: "s", Endpoint: "http://localhost:4566"})
	if err != nil {
		t.Fatal(err)
	}
	script := b.String() + `printf '%s|%s\n' "${AWS_CA_BUNDLE-unset}" "$AWS_ENDPOINT_URL"` + "\n"
	cmd := exec.Command("sh", "-c", script)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "AWS_CA_BUNDLE=/old/ca.pem"}
	got, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sh: %v\n%s", err, got)
	}
	if want := "unset|http://localhost:4566\n"; string(got) != want {
		t.Errorf("shell saw %q, want %q", got, want)
	}
}
