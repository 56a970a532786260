package server_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/auth"
	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
)

func TestAuthentication(t *testing.T) {
	e := newEnv(t)
	otherKey, err := auth.NewKey([]byte("another-secret-another-secret-000"))
	if err != nil {
		t.Fatal(err)
	}
	otherTok, err := otherKey.Issue(alice, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	expired, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": "alice", "role": "learner", "iss": auth.Issuer, "aud": auth.Audience,
		"exp": time.Now().Add(-time.Hour).Unix()}).SignedString(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	bg := func() context.Context {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		t.Cleanup(cancel)
		return ctx
	}
	md := func(pairs ...string) context.Context {
		return metadata.NewOutgoingContext(bg(), metadata.Pairs(pairs...))
	}

	tests := []struct {
		name   string
		ctx    context.Context
		code   codes.Code
		reason string
	}{
		{"no metadata", bg(), codes.Unauthenticated, "MISSING_TOKEN"},
		{"basic scheme", md("authorization", "Basic YWxpY2U6cHc="), codes.Unauthenticated,
			"TOKEN_INVALID"},
		{"bearer without token", md("authorization", "Bearer "), codes.Unauthenticated,
			"TOKEN_INVALID"},
		{"two tokens", md("authorization", "Bearer a", "authorization", "Bearer b"),
			codes.Unauthenticated, "TOKEN_INVALID"},
		{"garbage token", withToken(t, "not-a-jwt"), codes.Unauthenticated, "TOKEN_INVALID"},
		{"another key's token", withToken(t, otherTok), codes.Unauthenticated, "TOKEN_INVALID"},
		{"expired token", withToken(t, expired), codes.Unauthenticated, "TOKEN_EXPIRED"},
		{"valid token", e.as(alice), codes.OK, ""},
		{"lower-case scheme", md("authorization", "bearer "+mustIssue(t, e.key, alice)),
			codes.OK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/unary", func(t *testing.T) {
			before := len(e.sandboxes.Calls())
			_, err := e.sbx.ListSandboxes(tt.ctx, &pb.ListSandboxesRequest{})
			checkAuthResult(t, err, tt.code, tt.reason)
			if tt.code != codes.OK && len(e.sandboxes.Calls()) != before {
				t.Error("the domain was called for an unauthenticated request")
			}
		})
		t.Run(tt.name+"/stream", func(t *testing.T) {
			stream, err := e.att.WatchAttempt(tt.ctx,
				&pb.WatchAttemptRequest{Name: "sandboxes/sb-nobody/attempts/a-1"})
			if err == nil {
				_, err = stream.Recv()
			}
			if tt.code == codes.OK {
				// Authenticated, the watch reaches the domain, which knows no such attempt.
				checkAuthResult(t, err, codes.NotFound, "NOT_FOUND")
				return
			}
			checkAuthResult(t, err, tt.code, tt.reason)
		})
	}

	if logs := e.logs.String(); containsAny(logs, otherTok, expired, "not-a-jwt") {
		t.Errorf("the server logged a token:\n%s", logs)
	}
}

func mustIssue(t *testing.T, k *auth.Key, c proctor.Caller) string {
	t.Helper()
	tok, err := k.Issue(c, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func checkAuthResult(t *testing.T, err error, code codes.Code, reason string) {
	t.Helper()
	if code == codes.OK {
		if err != nil {
			t.Fatalf("error = %v, want none", err)
		}
		return
	}
	gotCode, info, _ := statusDetails(t, err)
	if diff := cmp.Diff([2]string{code.String(), reason},
		[2]string{gotCode.String(), info.GetReason()}); diff != "" {
		t.Errorf("code and reason (-want +got):\n%s", diff)
	}
}

func TestHealthAndReflectionNeedNoToken(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	for _, service := range []string{"", "proctor.v1.LabService", "proctor.v1.SandboxService",
		"proctor.v1.AttemptService"} {
		resp, err := healthpb.NewHealthClient(e.conn).Check(ctx,
			&healthpb.HealthCheckRequest{Service: service})
		if err != nil {
			t.Fatalf("health check of %q: %v", service, err)
		}
		if resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("health of %q = %v, want SERVING", service, resp.GetStatus())
		}
	}

	stream, err := reflectionpb.NewServerReflectionClient(e.conn).ServerReflectionInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	err = stream.Send(&reflectionpb.ServerReflectionRequest{
		MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := stream.Recv()
	if err != nil {
		t.Fatalf("reflection without a token: %v", err)
	}
	var got []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		got = append(got, s.GetName())
	}
	for _, want := range []string{"proctor.v1.LabService", "proctor.v1.SandboxService",
		"proctor.v1.AttemptService", "grpc.health.v1.Health"} {
		if !contains(got, want) {
			t.Errorf("reflection lists %v, missing %s", got, want)
		}
	}
	stream.CloseSend()
	if _, err := stream.Recv(); err != io.EOF {
		t.Errorf("reflection stream end: %v", err)
	}
}
