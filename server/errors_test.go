package server_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/proctorlabs/proctor"
	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
)

func (r *recorder) failWith(err error, panics bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail, r.panic = err, panics
}

func TestDomainErrorsMapToStatus(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		panics  bool
		code    codes.Code
		reason  string
		message string            // the whole status message
		fields  map[string]string // BadRequest violations
		logged  string            // a part of the log, "" when nothing must be logged
	}{
		{name: "invalid", err: proctor.InvalidFields("bad lab",
			proctor.FieldViolation{Field: "lab", Description: "unknown lab"}),
			code: codes.InvalidArgument, reason: "INVALID_ARGUMENT", message: "bad lab",
			fields: map[string]string{"lab": "unknown lab"}},
		{name: "not found", err: proctor.Errorf(proctor.ENotFound, "no such sandbox"),
			code: codes.NotFound, reason: "NOT_FOUND", message: "no such sandbox"},
		{name: "permission", err: proctor.Errorf(proctor.EPermission, "learners may not"),
			code: codes.PermissionDenied, reason: "PERMISSION_DENIED",
			message: "learners may not"},
		{name: "unauthenticated", err: proctor.Errorf(proctor.EUnauthenticated, "who"),
			code: codes.Unauthenticated, reason: "UNAUTHENTICATED", message: "who"},
		{name: "conflict", err: proctor.Errorf(proctor.EConflict, "exists"),
			code: codes.AlreadyExists, reason: "ALREADY_EXISTS", message: "exists"},
		{name: "failed precondition with its own reason",
			err: proctor.Errorf(proctor.EFailedPrecondition,
				"localstack lacks guardduty").WithReason("BACKEND_LACKS_SERVICES"),
			code: codes.FailedPrecondition, reason: "BACKEND_LACKS_SERVICES",
			message: "localstack lacks guardduty"},
		{name: "quota", err: proctor.Errorf(proctor.EResourceExhausted, "3 live sandboxes"),
			code: codes.ResourceExhausted, reason: "RESOURCE_EXHAUSTED",
			message: "3 live sandboxes"},
		{name: "unavailable", err: proctor.Errorf(proctor.EUnavailable, "try later"),
			code: codes.Unavailable, reason: "UNAVAILABLE", message: "try later"},
		{name: "wrapped domain error", err: fmt.Errorf("store: %w",
			proctor.Errorf(proctor.ENotFound, "gone")),
			code: codes.NotFound, reason: "NOT_FOUND", message: "gone"},
		{name: "internal with a cause", err: proctor.WrapError(proctor.EInternal,
			errors.New("disk I/O at /var/db"), "could not save"),
			code: codes.Internal, reason: "INTERNAL", message: "internal error",
			logged: "disk I/O at /var/db"},
		{name: "plain error", err: errors.New("nil map in reaper"),
			code: codes.Internal, reason: "INTERNAL", message: "internal error",
			logged: "nil map in reaper"},
		{name: "unknown domain code", err: &proctor.Error{Code: "weird",
			Message: "weird-code-message"},
			code: codes.Internal, reason: "INTERNAL", message: "internal error",
			logged: "weird-code-message"},
		{name: "deadline", err: fmt.Errorf("grade: %w", context.DeadlineExceeded),
			code: codes.DeadlineExceeded, reason: "DEADLINE_EXCEEDED",
			message: "the request's deadline passed"},
		{name: "transport status", err: status.Error(codes.Aborted, "stream reset"),
			code: codes.Aborted, reason: "ABORTED", message: "stream reset"},
		{name: "internal transport status", err: status.Error(codes.Internal, "frame bug"),
			code: codes.Internal, reason: "INTERNAL", message: "internal error",
			logged: "frame bug"},
		{name: "panic", panics: true, code: codes.Internal, reason: "PANIC",
			message: "internal error", logged: "told to panic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.sandboxes.failWith(tt.err, tt.panics)

			_, err := e.sbx.GetSandbox(e.as(alice),
				&pb.GetSandboxRequest{Name: "sandboxes/sb-alice"})
			code, info, fields := statusDetails(t, err)
			got := []string{code.String(), info.GetReason(), status.Convert(err).Message()}
			want := []string{tt.code.String(), tt.reason, tt.message}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("code, reason, message (-want +got):\n%s", diff)
			}
			if tt.fields == nil {
				tt.fields = map[string]string{}
			}
			if diff := cmp.Diff(tt.fields, fields); diff != "" {
				t.Errorf("field violations (-want +got):\n%s", diff)
			}

			logs := e.logs.String()
			if tt.logged == "" && strings.Contains(logs, "rpc failed") {
				t.Errorf("a caller's error was logged as a failure:\n%s", logs)
			}
			if tt.logged != "" && !strings.Contains(logs, tt.logged) {
				t.Errorf("the log lacks the cause %q:\n%s", tt.logged, logs)
			}
		})
	}
}

func TestServerKeepsServingAfterAPanic(t *testing.T) {
	e := newEnv(t)
	e.sandboxes.failWith(nil, true)
	if _, err := e.sbx.GetSandbox(e.as(alice),
		&pb.GetSandboxRequest{Name: "sandboxes/sb-alice"}); status.Code(err) != codes.Internal {
		t.Fatalf("panicking handler: %v, want Internal", err)
	}
	e.sandboxes.failWith(nil, false)
	if _, err := e.sbx.GetSandbox(e.as(alice),
		&pb.GetSandboxRequest{Name: "sandboxes/sb-alice"}); err != nil {
		t.Fatalf("after a panic: %v", err)
	}
}
