package server_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
)

func TestExtendSandbox(t *testing.T) {
	e := newEnv(t)
	sb := aliceSandbox()
	got, err := e.sbx.ExtendSandbox(e.as(alice), &pb.ExtendSandboxRequest{
		Name: sb.Name, Extension: durationpb.New(90 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	want := sb.ExpireTime.Add(90 * time.Minute)
	if at := got.GetSandbox().GetExpireTime().AsTime(); !at.Equal(want) {
		t.Errorf("expire_time = %s, want %s", at, want)
	}
	calls := e.sandboxes.Calls()
	last := calls[len(calls)-1]
	if diff := cmp.Diff([]string{sb.Name, "1h30m0s"}, last.Args); last.Method != "ExtendSandbox" ||
		diff != "" {
		t.Errorf("the service got %s %v, want ExtendSandbox with the name and 1h30m", last.Method,
			last.Args)
	}

	// Another learner's sandbox does not exist for bob.
	_, err = e.sbx.ExtendSandbox(e.as(bob), &pb.ExtendSandboxRequest{
		Name: sb.Name, Extension: durationpb.New(time.Hour)})
	if status.Code(err) != codes.NotFound {
		t.Errorf("bob extends alice's sandbox: %v, want NOT_FOUND", err)
	}
}

func TestExtendSandboxValidates(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct {
		name string
		ext  *durationpb.Duration
	}{
		{"missing", nil},
		{"zero", durationpb.New(0)},
		{"negative", durationpb.New(-time.Hour)},
		{"over a day", durationpb.New(25 * time.Hour)},
	} {
		before := len(e.sandboxes.Calls())
		_, err := e.sbx.ExtendSandbox(e.as(alice), &pb.ExtendSandboxRequest{
			Name: "sandboxes/sb-alice", Extension: tt.ext})
		if status.Code(err) != codes.InvalidArgument {
			t.Errorf("%s extension: %v, want INVALID_ARGUMENT", tt.name, err)
		}
		if after := len(e.sandboxes.Calls()); after != before {
			t.Errorf("%s extension reached the service", tt.name)
		}
		if _, _, fields := statusDetails(t, err); fields["extension"] == "" {
			t.Errorf("%s extension: no field violation on extension: %v", tt.name, err)
		}
	}
}
