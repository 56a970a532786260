package server_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
)

func TestLearnerCannotReachAnotherLearnersSandbox(t *testing.T) {
	e := newEnv(t)
	ctx := e.as(bob)
	const sb, at = "sandboxes/sb-alice", "sandboxes/sb-alice/attempts/a-1"

	calls := []struct {
		name string
		do   func() error
	}{
		{"GetSandbox", func() error {
			_, err := e.sbx.GetSandbox(ctx, &pb.GetSandboxRequest{Name: sb})
			return err
		}},
		{"DeleteSandbox", func() error {
			_, err := e.sbx.DeleteSandbox(ctx, &pb.DeleteSandboxRequest{Name: sb})
			return err
		}},
		{"CreateAttempt", func() error {
			_, err := e.att.CreateAttempt(ctx, &pb.CreateAttemptRequest{Parent: sb})
			return err
		}},
		{"ListAttempts", func() error {
			_, err := e.att.ListAttempts(ctx, &pb.ListAttemptsRequest{Parent: sb})
			return err
		}},
		{"GetAttempt", func() error {
			_, err := e.att.GetAttempt(ctx, &pb.GetAttemptRequest{Name: at})
			return err
		}},
		{"WatchAttempt", func() error {
			stream, err := e.att.WatchAttempt(ctx, &pb.WatchAttemptRequest{Name: at})
			if err != nil {
				return err
			}
			_, err = stream.Recv()
			return err
		}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			code, info, _ := statusDetails(t, c.do())
			if code != codes.NotFound || info.GetReason() != "NOT_FOUND" {
				t.Errorf("%s of alice's sandbox as bob = %v %s, want NotFound NOT_FOUND",
					c.name, code, info.GetReason())
			}
		})
	}

	list, err := e.sbx.ListSandboxes(ctx, &pb.ListSandboxesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range list.GetSandboxes() {
		names = append(names, s.GetName())
	}
	if diff := cmp.Diff([]string{"sandboxes/sb-bob"}, names); diff != "" {
		t.Errorf("bob's listing (-want +got):\n%s", diff)
	}
}

func TestCredentialsOnlyToTheOwner(t *testing.T) {
	e := newEnv(t)
	req := &pb.GetSandboxRequest{Name: "sandboxes/sb-alice"}

	own, err := e.sbx.GetSandbox(e.as(alice), req)
	if err != nil {
		t.Fatal(err)
	}
	wantCreds := &pb.Credentials{AccessKeyId: "AKIAALICE", SecretAccessKey: "alice-secret",
		SessionToken: "alice-session"}
	if diff := cmp.Diff(wantCreds, own.GetSandbox().GetCredentials(),
		protocmp.Transform()); diff != "" {
		t.Errorf("owner's credentials (-want +got):\n%s", diff)
	}

	seen, err := e.sbx.GetSandbox(e.as(instructor), req)
	if err != nil {
		t.Fatalf("an instructor cannot see a learner's sandbox: %v", err)
	}
	if c := seen.GetSandbox().GetCredentials(); c != nil {
		t.Errorf("an instructor got the learner's credentials: %v", c)
	}
	list, err := e.sbx.ListSandboxes(e.as(instructor), &pb.ListSandboxesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(list.GetSandboxes()); n != 2 {
		t.Errorf("an instructor lists %d sandboxes, want 2", n)
	}

	for _, m := range []*pb.Sandbox{own.GetSandbox(), seen.GetSandbox()} {
		text := prototext.Format(m)
		if containsAny(text, "grader-secret", "AKIAGRADER") {
			t.Errorf("the grader's credentials left the server:\n%s", text)
		}
	}
	for _, m := range list.GetSandboxes() {
		if containsAny(prototext.Format(m), "alice-secret", "bob-secret", "grader-secret") {
			t.Errorf("an instructor's listing holds a secret: %v", m)
		}
	}
	if containsAny(e.logs.String(), "alice-secret", "grader-secret") {
		t.Errorf("the server logged a secret:\n%s", e.logs.String())
	}
}

func TestSandboxFields(t *testing.T) {
	e := newEnv(t)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
	if err := os.WriteFile(ca, []byte(pem), 0o644); err != nil {
		t.Fatal(err)
	}
	e.sandboxes.mu.Lock()
	e.sandboxes.sandboxes["sandboxes/sb-alice"].Endpoint.CABundle = ca
	e.sandboxes.mu.Unlock()

	got, err := e.sbx.GetSandbox(e.as(alice), &pb.GetSandboxRequest{Name: "sandboxes/sb-alice"})
	if err != nil {
		t.Fatal(err)
	}
	want := &pb.Sandbox{
		Name: "sandboxes/sb-alice", Lab: "labs/s3-data-protection", Owner: "alice",
		Backend: "embedded", State: pb.Sandbox_STATE_READY, AccountId: "000000000001",
		Region: "us-east-1",
		Endpoint: &pb.Endpoint{Http: "http://localhost:4566", Https: "https://localhost:4567",
			CaBundle: ca, CaPem: pem, Proxy: "http://localhost:4566"},
		Credentials: &pb.Credentials{AccessKeyId: "AKIAALICE", SecretAccessKey: "alice-secret",
			SessionToken: "alice-session"},
		CreateTime: timestamppb.New(aliceSandbox().CreateTime),
		ExpireTime: timestamppb.New(aliceSandbox().ExpireTime),
	}
	if diff := cmp.Diff(want, got.GetSandbox(), protocmp.Transform()); diff != "" {
		t.Errorf("sandbox (-want +got):\n%s", diff)
	}
}

// TestCABundleKeyNeverLeaves checks that a CA bundle stored together with its private key
// is returned without the key: the certificates alone, in their order.
func TestCABundleKeyNeverLeaves(t *testing.T) {
	e := newEnv(t)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	const (
		cert1 = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
		key   = "-----BEGIN PRIVATE KEY-----\nS0VZU0VDUkVU\n-----END PRIVATE KEY-----\n"
		cert2 = "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n"
	)
	if err := os.WriteFile(ca, []byte(cert1+key+cert2), 0o644); err != nil {
		t.Fatal(err)
	}
	e.sandboxes.mu.Lock()
	e.sandboxes.sandboxes["sandboxes/sb-alice"].Endpoint.CABundle = ca
	e.sandboxes.mu.Unlock()

	got, err := e.sbx.GetSandbox(e.as(alice), &pb.GetSandboxRequest{Name: "sandboxes/sb-alice"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cert1+cert2, got.GetSandbox().GetEndpoint().GetCaPem()); diff != "" {
		t.Errorf("ca_pem (-want +got):\n%s", diff)
	}
}

func TestCreateSandboxPassesLabAndRequestID(t *testing.T) {
	e := newEnv(t)
	resp, err := e.sbx.CreateSandbox(e.as(alice), &pb.CreateSandboxRequest{
		Lab: "labs/s3-data-protection", RequestId: "6f1c2a9e-0d4b-4c8e-9a51-3b7f2e8d1c00"})
	if err != nil {
		t.Fatal(err)
	}
	calls := e.sandboxes.Calls()
	if len(calls) != 1 {
		t.Fatalf("domain calls = %v, want one CreateSandbox", calls)
	}
	want := call{Method: "CreateSandbox", Caller: alice,
		Args: []string{"s3-data-protection", "6f1c2a9e-0d4b-4c8e-9a51-3b7f2e8d1c00"}}
	if diff := cmp.Diff(want, calls[0], cmp.AllowUnexported(call{})); diff != "" {
		t.Errorf("domain call (-want +got):\n%s", diff)
	}
	sb := resp.GetSandbox()
	if sb.GetLab() != "labs/s3-data-protection" || sb.GetOwner() != "alice" ||
		sb.GetCredentials().GetSecretAccessKey() != "new-secret" {
		t.Errorf("created sandbox = %v", sb)
	}
}
