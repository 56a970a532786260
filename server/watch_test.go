package server_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/proctorlabs/proctor"
	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
)

func TestWatchAttemptStreamsResultsInCompletionOrder(t *testing.T) {
	e := newEnv(t)
	stream, err := e.att.WatchAttempt(e.as(alice),
		&pb.WatchAttemptRequest{Name: "sandboxes/sb-alice/attempts/a-1"})
	if err != nil {
		t.Fatal(err)
	}

	tls := proctor.Result{CheckID: "tls-only", Title: "TLS only", Verdict: proctor.VerdictFail,
		Message: "the bucket policy allows HTTP",
		Evidence: []proctor.Evidence{{Resource: "arn:aws:s3:::data", Observed: "no deny",
			Expected: "Deny when aws:SecureTransport is false"}},
		Hint: "add a Deny statement", Controls: []string{"S3.5"}, Points: 0, MaxPoints: 30,
		Duration: 3 * time.Millisecond}
	bpa := proctor.Result{CheckID: "bpa", Title: "Block Public Access",
		Verdict: proctor.VerdictPass, Points: 20, MaxPoints: 20, Duration: time.Millisecond}
	kms := proctor.Result{CheckID: "sse-kms", Title: "SSE-KMS", Verdict: proctor.VerdictError,
		Message: "throttled", MaxPoints: 25, Duration: 2 * time.Millisecond}
	done := time.Date(2026, 12, 3, 10, 5, 0, 0, time.UTC)
	final := &proctor.Attempt{Name: "sandboxes/sb-alice/attempts/a-1",
		Sandbox: "sandboxes/sb-alice", Owner: "alice", LabID: "s3-data-protection",
		State: proctor.AttemptGraded, Results: []proctor.Result{bpa, tls, kms}, Score: 20,
		MaxScore: 50, Passed: false, CompleteTime: done}

	wantResult := func(r proctor.Result) *pb.WatchAttemptResponse {
		out := &pb.CheckResult{CheckId: r.CheckID, Title: r.Title, Message: r.Message,
			Hint: r.Hint, Controls: r.Controls, Points: r.Points, MaxPoints: int32(r.MaxPoints),
			Duration: durationpb.New(r.Duration)}
		out.Verdict = map[proctor.Verdict]pb.CheckResult_Verdict{
			"PASS": pb.CheckResult_VERDICT_PASS, "FAIL": pb.CheckResult_VERDICT_FAIL,
			"ERROR": pb.CheckResult_VERDICT_ERROR}[r.Verdict]
		for _, ev := range r.Evidence {
			out.Evidence = append(out.Evidence, &pb.Evidence{Resource: ev.Resource,
				Observed: ev.Observed, Expected: ev.Expected})
		}
		return &pb.WatchAttemptResponse{Event: &pb.WatchAttemptResponse_Result{Result: out}}
	}

	// Each result is sent only after the previous one has arrived, so a server that
	// buffered the stream until the end would block here rather than pass.
	for _, r := range []proctor.Result{tls, kms, bpa} {
		e.attempts.events <- proctor.AttemptEvent{Result: &r,
			Attempt: &proctor.Attempt{State: proctor.AttemptGrading}}
		got, err := stream.Recv()
		if err != nil {
			t.Fatalf("receive %s: %v", r.CheckID, err)
		}
		if diff := cmp.Diff(wantResult(r), got, protocmp.Transform()); diff != "" {
			t.Errorf("event for %s (-want +got):\n%s", r.CheckID, diff)
		}
	}

	e.attempts.events <- proctor.AttemptEvent{Attempt: final}
	got, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	wantAttempt := &pb.Attempt{Name: final.Name, Lab: "labs/s3-data-protection",
		Owner: "alice", State: pb.Attempt_STATE_GRADED, Score: 20, MaxScore: 50,
		CompleteTime: timestamppb.New(done)}
	for _, r := range final.Results {
		wantAttempt.Results = append(wantAttempt.Results, wantResult(r).GetResult())
	}
	if diff := cmp.Diff(&pb.WatchAttemptResponse{Event: &pb.WatchAttemptResponse_Attempt{
		Attempt: wantAttempt}}, got, protocmp.Transform()); diff != "" {
		t.Errorf("final event (-want +got):\n%s", diff)
	}

	close(e.attempts.events)
	if _, err := stream.Recv(); err != io.EOF {
		t.Errorf("after the final attempt: %v, want the end of the stream", err)
	}
}

func TestWatchAttemptClientCancels(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(e.as(alice))
	stream, err := e.att.WatchAttempt(ctx,
		&pb.WatchAttemptRequest{Name: "sandboxes/sb-alice/attempts/a-1"})
	if err != nil {
		t.Fatal(err)
	}
	r := proctor.Result{CheckID: "bpa", Verdict: proctor.VerdictPass}
	e.attempts.events <- proctor.AttemptEvent{Result: &r}
	if _, err := stream.Recv(); err != nil {
		t.Fatal(err)
	}
	cancel()
	_, err = stream.Recv()
	if code := status.Code(err); code != codes.Canceled {
		t.Errorf("after cancel: %v, want Canceled", err)
	}
	// The server's side ends too, and a client going away is no internal error.
	e.srv.GracefulStop()
	if strings.Contains(e.logs.String(), "rpc failed") {
		t.Errorf("a cancelled watch was logged as a failure:\n%s", e.logs.String())
	}
}
