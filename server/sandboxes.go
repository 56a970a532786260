package server

import (
	"context"
	"time"

	"github.com/proctorlabs/proctor"
	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
	"github.com/proctorlabs/proctor/labs/placeholder"
)

// sandboxServer implements proctor.v1.SandboxService over the domain's sandbox service,
// which authorizes every call.
type sandboxServer struct {
	pb.UnimplementedSandboxServiceServer
	svc   proctor.SandboxService
	labs  proctor.LabCatalog
	caPEM func(path string) string
}

// withInstructions sets the lab's instructions, filled with the sandbox's values, on out.
// A lab gone from the catalog leaves them empty.
func (s *sandboxServer) withInstructions(out *pb.Sandbox, sb *proctor.Sandbox) *pb.Sandbox {
	lab, err := s.labs.Lab(sb.LabID)
	if err != nil {
		return out
	}
	values := placeholder.ForTarget(sb.LearnerTarget())
	if text, err := placeholder.Fill(lab.Instructions, values); err == nil {
		out.Instructions = text
	}
	return out
}

// CreateSandbox provisions a sandbox for the caller.
func (s *sandboxServer) CreateSandbox(ctx context.Context, req *pb.CreateSandboxRequest) (
	*pb.CreateSandboxResponse, error) {
	caller, err := callerFrom(ctx)
	if err != nil {
		return nil, err
	}
	var v violations
	labID := v.labName("lab", req.GetLab())
	requestID := v.requestID("request_id", req.GetRequestId())
	if err := v.err(); err != nil {
		return nil, err
	}

	sb, err := s.svc.CreateSandbox(ctx, caller, labID, requestID)
	if err != nil {
		return nil, err
	}
	return &pb.CreateSandboxResponse{
		Sandbox: s.withInstructions(sandboxProto(sb, caller, s.caPEM), sb)}, nil
}

// GetSandbox returns one sandbox.
func (s *sandboxServer) GetSandbox(ctx context.Context, req *pb.GetSandboxRequest) (
	*pb.GetSandboxResponse, error) {
	caller, err := callerFrom(ctx)
	if err != nil {
		return nil, err
	}
	var v violations
	name := v.sandboxName("name", req.GetName())
	if err := v.err(); err != nil {
		return nil, err
	}

	sb, err := s.svc.Sandbox(ctx, caller, name)
	if err != nil {
		return nil, err
	}
	return &pb.GetSandboxResponse{
		Sandbox: s.withInstructions(sandboxProto(sb, caller, s.caPEM), sb)}, nil
}

// ListSandboxes returns one page of the sandboxes the caller may see.
func (s *sandboxServer) ListSandboxes(ctx context.Context, req *pb.ListSandboxesRequest) (
	*pb.ListSandboxesResponse, error) {
	caller, err := callerFrom(ctx)
	if err != nil {
		return nil, err
	}
	var v violations
	size := v.pageSize("page_size", req.GetPageSize())
	position := v.pageToken("page_token", req.GetPageToken(), "sandboxes", "", caller)
	if err := v.err(); err != nil {
		return nil, err
	}

	sbs, next, err := s.svc.Sandboxes(ctx, caller, proctor.Page{Size: size, Token: position})
	if err != nil {
		return nil, err
	}
	resp := &pb.ListSandboxesResponse{
		NextPageToken: encodePageToken("sandboxes", "", caller, next),
	}
	for _, sb := range sbs {
		resp.Sandboxes = append(resp.Sandboxes, sandboxProto(sb, caller, s.caPEM))
	}
	return resp, nil
}

// DeleteSandbox releases a sandbox.
func (s *sandboxServer) DeleteSandbox(ctx context.Context, req *pb.DeleteSandboxRequest) (
	*pb.DeleteSandboxResponse, error) {
	caller, err := callerFrom(ctx)
	if err != nil {
		return nil, err
	}
	var v violations
	name := v.sandboxName("name", req.GetName())
	if err := v.err(); err != nil {
		return nil, err
	}

	sb, err := s.svc.DeleteSandbox(ctx, caller, name)
	if err != nil {
		return nil, err
	}
	return &pb.DeleteSandboxResponse{Sandbox: sandboxProto(sb, caller, s.caPEM)}, nil
}

// maxExtension bounds one ExtendSandbox request; the service bounds the whole lifetime.
const maxExtension = 24 * time.Hour

// ExtendSandbox gives the caller's sandbox more time.
func (s *sandboxServer) ExtendSandbox(ctx context.Context, req *pb.ExtendSandboxRequest) (
	*pb.ExtendSandboxResponse, error) {
	caller, err := callerFrom(ctx)
	if err != nil {
		return nil, err
	}
	var v violations
	name := v.sandboxName("name", req.GetName())
	var by time.Duration
	switch ext := req.GetExtension(); {
	case ext == nil:
		v.add("extension", "required, e.g. 3600s")
	case ext.CheckValid() != nil || ext.AsDuration() <= 0 || ext.AsDuration() > maxExtension:
		v.add("extension", "must be positive and at most %s", maxExtension)
	default:
		by = ext.AsDuration()
	}
	if err := v.err(); err != nil {
		return nil, err
	}

	sb, err := s.svc.ExtendSandbox(ctx, caller, name, by)
	if err != nil {
		return nil, err
	}
	return &pb.ExtendSandboxResponse{Sandbox: sandboxProto(sb, caller, s.caPEM)}, nil
}
