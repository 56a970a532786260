package models_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/proctorlabs/proctor/awsim/models"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		service, protocol, operation, method, uri string
	}{
		{"sts", "query", "GetCallerIdentity", "POST", "/"},
		{"s3", "rest-xml", "GetBucketPolicyStatus", "GET", "/{Bucket}?policyStatus"},
		{"s3", "rest-xml", "PutObject", "PUT", "/{Bucket}/{Key+}"},
		{"s3control", "rest-xml", "GetPublicAccessBlock", "GET",
			"/v20180820/configuration/publicAccessBlock"},
		{"kms", "json", "CreateKey", "POST", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.service+"/"+tt.operation, func(t *testing.T) {
			svc, err := models.Load(tt.service)
			if err != nil {
				t.Fatal(err)
			}
			if svc.Metadata.Protocol != tt.protocol {
				t.Errorf("protocol = %q, want %q", svc.Metadata.Protocol, tt.protocol)
			}
			op := svc.Operations[tt.operation]
			if op == nil {
				t.Fatalf("no operation %s", tt.operation)
			}
			if op.HTTP.Method != tt.method || op.HTTP.RequestURI != tt.uri {
				t.Errorf("http = %s %s, want %s %s", op.HTTP.Method, op.HTTP.RequestURI,
					tt.method, tt.uri)
			}
			if svc.Source == "" {
				t.Errorf("model records no source")
			}
		})
	}
	if _, err := models.Load("nonexistent"); err == nil {
		t.Errorf("Load(nonexistent) succeeded")
	}
}

// TestMemberOrder: structure members keep botocore's order, which XML output follows.
func TestMemberOrder(t *testing.T) {
	svc, err := models.Load("s3")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range svc.Shapes["PublicAccessBlockConfiguration"].Members {
		got = append(got, m.Name)
	}
	want := []string{"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
		"RestrictPublicBuckets"}
	if len(got) != len(want) {
		t.Fatalf("members = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("members = %v, want %v", got, want)
		}
	}
}

// TestGeneratedUpToDate regenerates the models from the installed botocore and fails when
// the committed files differ. It skips when python3-botocore is not installed.
func TestGeneratedUpToDate(t *testing.T) {
	const botocore = "/usr/lib/python3/dist-packages/botocore"
	if _, err := os.Stat(filepath.Join(botocore, "data")); err != nil {
		t.Skipf("botocore models not installed at %s (apt-get install python3-botocore)",
			botocore)
	}
	if testing.Short() {
		t.Skip("regeneration skipped in -short mode")
	}
	out := t.TempDir()
	cmd := exec.Command("go", "run", "./gen", "-botocore", botocore, "-out", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gen: %v\n%s", err, msg)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := models.Load("s3")
	if err != nil {
		t.Fatal(err)
	}
	var fresh struct{ Source string }
	raw, _ := os.ReadFile(filepath.Join(out, "s3.json"))
	if err := json.Unmarshal(raw, &fresh); err != nil {
		t.Fatal(err)
	}
	if fresh.Source != committed.Source {
		t.Skipf("installed botocore (%s) is not the models' source (%s); regenerate "+
			"deliberately with go generate ./awsim/...", fresh.Source, committed.Source)
	}
	for _, e := range entries {
		fresh, _ := os.ReadFile(filepath.Join(out, e.Name()))
		committed, err := os.ReadFile(filepath.Join("data", e.Name()))
		if err != nil {
			t.Errorf("generated %s is not committed: %v", e.Name(), err)
			continue
		}
		if !bytes.Equal(fresh, committed) {
			t.Errorf("data/%s differs from what go generate writes; run go generate "+
				"./awsim/... and commit", e.Name())
		}
	}
}
