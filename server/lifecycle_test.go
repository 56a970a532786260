package server_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
)

func TestMetricsCountRPCsByCode(t *testing.T) {
	e := newEnv(t)
	ctx := e.as(alice)
	for range 3 {
		if _, err := e.labs.ListLabs(ctx, &pb.ListLabsRequest{}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.labs.GetLab(ctx, &pb.GetLabRequest{Name: "labs/missing"})
	if status.Code(err) != codes.NotFound {
		t.Fatalf("GetLab of a missing lab: %v", err)
	}

	rec := httptest.NewRecorder()
	e.srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`proctor_grpc_server_handled_total{grpc_code="OK",grpc_method="ListLabs",` +
			`grpc_service="proctor.v1.LabService"} 3`,
		`proctor_grpc_server_handled_total{grpc_code="NotFound",grpc_method="GetLab",` +
			`grpc_service="proctor.v1.LabService"} 1`,
		`proctor_grpc_server_handling_seconds_count{grpc_method="ListLabs",` +
			`grpc_service="proctor.v1.LabService"} 3`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestGracefulStopEndsServe(t *testing.T) {
	e := newEnv(t)
	if _, err := e.labs.ListLabs(e.as(alice), &pb.ListLabsRequest{}); err != nil {
		t.Fatal(err)
	}
	e.srv.GracefulStop()
	select {
	case err := <-e.served:
		if err != nil {
			t.Errorf("Serve after GracefulStop = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after GracefulStop")
	}
}

func TestShutdownCutsOffOpenStreamsAtTheDeadline(t *testing.T) {
	e := newEnv(t)
	stream, err := e.att.WatchAttempt(e.as(alice),
		&pb.WatchAttemptRequest{Name: "sandboxes/sb-alice/attempts/a-1"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(e.attempts.Calls()) > 0 })

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := e.srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown with an endless watch = %v, want the deadline", err)
	}
	if _, err := stream.Recv(); err == nil {
		t.Error("the watch stream survived Shutdown")
	}
	select {
	case err := <-e.served:
		if err != nil {
			t.Errorf("Serve after Shutdown = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after Shutdown")
	}
}

// waitFor polls cond until it holds, failing the test after five seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}
