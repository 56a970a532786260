package server_test

import (
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"

	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
)

func TestFieldViolations(t *testing.T) {
	e := newEnv(t)
	ctx := e.as(alice)
	long := strings.Repeat("a", 65)

	tests := []struct {
		name string
		do   func() error
		want []string // the fields at fault
	}{
		{"GetLab without name", func() error {
			_, err := e.labs.GetLab(ctx, &pb.GetLabRequest{})
			return err
		}, []string{"name"}},
		{"GetLab with a bare id", func() error {
			_, err := e.labs.GetLab(ctx, &pb.GetLabRequest{Name: "s3-data-protection"})
			return err
		}, []string{"name"}},
		{"GetLab with upper case", func() error {
			_, err := e.labs.GetLab(ctx, &pb.GetLabRequest{Name: "labs/S3"})
			return err
		}, []string{"name"}},
		{"GetLab with a path", func() error {
			_, err := e.labs.GetLab(ctx, &pb.GetLabRequest{Name: "labs/a/b"})
			return err
		}, []string{"name"}},
		{"ListLabs with negative size and a bad token", func() error {
			_, err := e.labs.ListLabs(ctx, &pb.ListLabsRequest{PageSize: -1, PageToken: "x!"})
			return err
		}, []string{"page_size", "page_token"}},
		{"CreateSandbox without anything", func() error {
			_, err := e.sbx.CreateSandbox(ctx, &pb.CreateSandboxRequest{})
			return err
		}, []string{"lab"}},
		{"CreateSandbox with a bad lab and request id", func() error {
			_, err := e.sbx.CreateSandbox(ctx, &pb.CreateSandboxRequest{Lab: "labs/-x",
				RequestId: "has space"})
			return err
		}, []string{"lab", "request_id"}},
		{"CreateSandbox with a long request id", func() error {
			_, err := e.sbx.CreateSandbox(ctx, &pb.CreateSandboxRequest{
				Lab: "labs/s3-data-protection", RequestId: long})
			return err
		}, []string{"request_id"}},
		{"GetSandbox with another collection", func() error {
			_, err := e.sbx.GetSandbox(ctx, &pb.GetSandboxRequest{Name: "labs/sb-alice"})
			return err
		}, []string{"name"}},
		{"GetSandbox with a trailing slash", func() error {
			_, err := e.sbx.GetSandbox(ctx, &pb.GetSandboxRequest{Name: "sandboxes/sb-alice/"})
			return err
		}, []string{"name"}},
		{"DeleteSandbox with traversal", func() error {
			_, err := e.sbx.DeleteSandbox(ctx, &pb.DeleteSandboxRequest{Name: "sandboxes/.."})
			return err
		}, []string{"name"}},
		{"ListSandboxes with negative size", func() error {
			_, err := e.sbx.ListSandboxes(ctx, &pb.ListSandboxesRequest{PageSize: -5})
			return err
		}, []string{"page_size"}},
		{"CreateAttempt without parent", func() error {
			_, err := e.att.CreateAttempt(ctx, &pb.CreateAttemptRequest{RequestId: "r/1"})
			return err
		}, []string{"parent", "request_id"}},
		{"CreateAttempt with a sandbox id that starts with a digit", func() error {
			_, err := e.att.CreateAttempt(ctx, &pb.CreateAttemptRequest{Parent: "sandboxes/9a"})
			return err
		}, []string{"parent"}},
		{"GetSandbox with an id that starts with a digit", func() error {
			_, err := e.sbx.GetSandbox(ctx, &pb.GetSandboxRequest{Name: "sandboxes/9a"})
			return err
		}, []string{"name"}},
		{"GetAttempt with a sandbox name", func() error {
			_, err := e.att.GetAttempt(ctx, &pb.GetAttemptRequest{Name: "sandboxes/sb-alice"})
			return err
		}, []string{"name"}},
		{"ListAttempts with everything wrong", func() error {
			_, err := e.att.ListAttempts(ctx, &pb.ListAttemptsRequest{Parent: "sb-alice",
				PageSize: -1, PageToken: "%%%"})
			return err
		}, []string{"page_size", "page_token", "parent"}},
		{"WatchAttempt without name", func() error {
			stream, err := e.att.WatchAttempt(ctx, &pb.WatchAttemptRequest{})
			if err != nil {
				return err
			}
			_, err = stream.Recv()
			return err
		}, []string{"name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(e.sandboxes.Calls()) + len(e.attempts.Calls())
			err := tt.do()
			code, info, fields := statusDetails(t, err)
			if code != codes.InvalidArgument || info.GetReason() != "INVALID_ARGUMENT" {
				t.Errorf("code = %v, reason = %s; want InvalidArgument INVALID_ARGUMENT",
					code, info.GetReason())
			}
			var got []string
			for f, desc := range fields {
				got = append(got, f)
				if desc == "" {
					t.Errorf("violation of %s has no description", f)
				}
				if !strings.Contains(err.Error(), f+": ") {
					t.Errorf("message %q does not name %s", err, f)
				}
			}
			sort.Strings(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("fields at fault (-want +got):\n%s", diff)
			}
			if after := len(e.sandboxes.Calls()) + len(e.attempts.Calls()); after != before {
				t.Errorf("an invalid request reached the domain (%d calls)", after-before)
			}
		})
	}
}

// TestLongRequestIDIsNotEchoed checks that a huge request id is refused with a message of
// bounded size that still says what is wrong, rather than one that repeats the id.
func TestLongRequestIDIsNotEchoed(t *testing.T) {
	e := newEnv(t)
	huge := strings.Repeat("r", 100_000)
	_, err := e.sbx.CreateSandbox(e.as(alice), &pb.CreateSandboxRequest{
		Lab: "labs/s3-data-protection", RequestId: huge})
	code, _, fields := statusDetails(t, err)
	if code != codes.InvalidArgument {
		t.Fatalf("code = %v, want InvalidArgument", code)
	}
	desc := fields["request_id"]
	if !strings.Contains(desc, "100000 bytes") || !strings.Contains(desc, "at most 64") {
		t.Errorf("request_id violation %q does not say how long the id is and may be", desc)
	}
	if len(err.Error()) > 1000 || len(desc) > 1000 {
		t.Errorf("error is %d bytes and its description %d; want both under 1000",
			len(err.Error()), len(desc))
	}
}

func TestPageSizeDefaultsAndCaps(t *testing.T) {
	e := newEnv(t)
	ctx := e.as(alice)
	for _, tt := range []struct{ ask, want int32 }{{0, 50}, {7, 7}, {1000, 1000}, {5000, 1000}} {
		if _, err := e.sbx.ListSandboxes(ctx, &pb.ListSandboxesRequest{
			PageSize: tt.ask}); err != nil {
			t.Fatal(err)
		}
		calls := e.sandboxes.Calls()
		if got := calls[len(calls)-1].Page.Size; got != int(tt.want) {
			t.Errorf("page_size %d asks the domain for %d, want %d", tt.ask, got, tt.want)
		}
	}
}
