package server_test

import (
	"testing"

	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
)

// BenchmarkGetSandbox measures one authenticated unary RPC through every interceptor
// (metrics, error mapping, recovery, token verification) over an in-memory connection.
func BenchmarkGetSandbox(b *testing.B) {
	e := newEnv(b)
	ctx := e.as(alice)
	req := &pb.GetSandboxRequest{Name: "sandboxes/sb-alice"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.sbx.GetSandbox(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInvalidRequest measures a request rejected with field violations and details.
func BenchmarkInvalidRequest(b *testing.B) {
	e := newEnv(b)
	ctx := e.as(alice)
	req := &pb.ListAttemptsRequest{Parent: "nope", PageSize: -1}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.att.ListAttempts(ctx, req); err == nil {
			b.Fatal("an invalid request succeeded")
		}
	}
}
