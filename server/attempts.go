package server

import (
	"context"

	"github.com/proctorlabs/proctor"
	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
)

// attemptServer implements proctor.v1.AttemptService over the domain's attempt service,
// which authorizes every call.
type attemptServer struct {
	pb.UnimplementedAttemptServiceServer
	svc proctor.AttemptService
}

// CreateAttempt submits a sandbox for grading.
func (s *attemptServer) CreateAttempt(ctx context.Context, req *pb.CreateAttemptRequest) (
	*pb.CreateAttemptResponse, error) {
	caller, err := callerFrom(ctx)
	if err != nil {
		return nil, err
	}
	var v violations
	parent := v.sandboxName("parent", req.GetParent())
	requestID := v.requestID("request_id", req.GetRequestId())
	if err := v.err(); err != nil {
		return nil, err
	}

	a, err := s.svc.SubmitAttempt(ctx, caller, parent, requestID)
	if err != nil {
		return nil, err
	}
	return &pb.CreateAttemptResponse{Attempt: attemptProto(a)}, nil
}

// GetAttempt returns one attempt.
func (s *attemptServer) GetAttempt(ctx context.Context, req *pb.GetAttemptRequest) (
	*pb.GetAttemptResponse, error) {
	caller, err := callerFrom(ctx)
	if err != nil {
		return nil, err
	}
	var v violations
	name := v.attemptName("name", req.GetName())
	if err := v.err(); err != nil {
		return nil, err
	}

	a, err := s.svc.Attempt(ctx, caller, name)
	if err != nil {
		return nil, err
	}
	return &pb.GetAttemptResponse{Attempt: attemptProto(a)}, nil
}

// ListAttempts returns one page of a sandbox's attempts.
func (s *attemptServer) ListAttempts(ctx context.Context, req *pb.ListAttemptsRequest) (
	*pb.ListAttemptsResponse, error) {
	caller, err := callerFrom(ctx)
	if err != nil {
		return nil, err
	}
	var v violations
	parent := v.sandboxName("parent", req.GetParent())
	size := v.pageSize("page_size", req.GetPageSize())
	position := v.pageToken("page_token", req.GetPageToken(), "attempts", req.GetParent(),
		caller)
	if err := v.err(); err != nil {
		return nil, err
	}

	as, next, err := s.svc.Attempts(ctx, caller, parent, proctor.Page{Size: size,
		Token: position})
	if err != nil {
		return nil, err
	}
	resp := &pb.ListAttemptsResponse{
		NextPageToken: encodePageToken("attempts", parent, caller, next),
	}
	for _, a := range as {
		resp.Attempts = append(resp.Attempts, attemptProto(a))
	}
	return resp, nil
}

// WatchAttempt streams an attempt's grading. An event that carries a check's result is
// sent as that result; an event without one is the finished attempt, sent last.
func (s *attemptServer) WatchAttempt(req *pb.WatchAttemptRequest,
	stream pb.AttemptService_WatchAttemptServer) error {
	ctx := stream.Context()
	caller, err := callerFrom(ctx)
	if err != nil {
		return err
	}
	var v violations
	name := v.attemptName("name", req.GetName())
	if err := v.err(); err != nil {
		return err
	}

	return s.svc.WatchAttempt(ctx, caller, name, func(ev proctor.AttemptEvent) error {
		resp := &pb.WatchAttemptResponse{}
		switch {
		case ev.Result != nil:
			resp.Event = &pb.WatchAttemptResponse_Result{Result: resultProto(ev.Result)}
		case ev.Attempt != nil:
			resp.Event = &pb.WatchAttemptResponse_Attempt{Attempt: attemptProto(ev.Attempt)}
		default:
			return nil
		}
		return stream.Send(resp)
	})
}
