package server

import (
	"context"
	"errors"
	"log/slog"

	rpccode "google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/proctorlabs/proctor"
)

// ErrorDomain is the domain of every google.rpc.ErrorInfo the server returns.
const ErrorDomain = "proctor.dev"

// internalMessage is all a caller learns of an internal error.
const internalMessage = "internal error"

// statusOf is the one table that maps each domain error code to a gRPC status code, with
// the reason an error of that code carries when it names none of its own.
var statusOf = map[proctor.ErrorCode]struct {
	code   codes.Code
	reason string
}{
	proctor.EInvalid:            {codes.InvalidArgument, "INVALID_ARGUMENT"},
	proctor.ENotFound:           {codes.NotFound, "NOT_FOUND"},
	proctor.EPermission:         {codes.PermissionDenied, "PERMISSION_DENIED"},
	proctor.EUnauthenticated:    {codes.Unauthenticated, "UNAUTHENTICATED"},
	proctor.EConflict:           {codes.AlreadyExists, "ALREADY_EXISTS"},
	proctor.EFailedPrecondition: {codes.FailedPrecondition, "FAILED_PRECONDITION"},
	proctor.EResourceExhausted:  {codes.ResourceExhausted, "RESOURCE_EXHAUSTED"},
	proctor.EUnavailable:        {codes.Unavailable, "UNAVAILABLE"},
	proctor.EInternal:           {codes.Internal, "INTERNAL"},
}

// toStatus turns an error returned by a handler into a gRPC status error that carries a
// google.rpc.ErrorInfo, and a google.rpc.BadRequest when the error lists field violations.
//
// A *proctor.Error is mapped by statusOf; the end of the RPC's context becomes CANCELLED or
// DEADLINE_EXCEEDED; a status error (from the transport) keeps its code; anything else is
// internal. Internal errors are logged with their cause and returned without it;
// unavailable ones are logged as warnings, since a dependency is down.
func toStatus(ctx context.Context, log *slog.Logger, method string, err error) error {
	if err == nil {
		return nil
	}
	var de *proctor.Error
	st, isStatus := status.FromError(err)
	if !errors.As(err, &de) && isStatus && len(st.Details()) > 0 {
		return err
	}

	code, reason, message := codes.Internal, statusOf[proctor.EInternal].reason, internalMessage
	var fields []proctor.FieldViolation
	switch {
	case de != nil:
		if entry, ok := statusOf[de.Code]; ok && entry.code != codes.Internal {
			code, reason, message, fields = entry.code, entry.reason, de.Message, de.Fields
		}
		if de.Reason != "" {
			reason = de.Reason
		}
	case errors.Is(err, context.Canceled):
		code, reason, message = codes.Canceled, "CANCELLED", "the request was cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		code, reason, message = codes.DeadlineExceeded, "DEADLINE_EXCEEDED",
			"the request's deadline passed"
	case isStatus && st.Code() != codes.Unknown && st.Code() != codes.Internal:
		code, reason, message = st.Code(), rpccode.Code_name[int32(st.Code())], st.Message()
	}

	// A failure that follows the caller going away is their cancellation, not a fault.
	if code == codes.Internal && ctx.Err() != nil {
		code, reason, message = codes.Canceled, "CANCELLED", "the request was cancelled"
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			code, reason, message = codes.DeadlineExceeded, "DEADLINE_EXCEEDED",
				"the request's deadline passed"
		}
	}
	switch code {
	case codes.Internal:
		log.ErrorContext(ctx, "rpc failed", "method", method, "reason", reason, "err", err)
	case codes.Unavailable:
		log.WarnContext(ctx, "rpc unavailable", "method", method, "reason", reason, "err", err)
	}

	s, derr := status.New(code, message).WithDetails(
		&errdetails.ErrorInfo{Reason: reason, Domain: ErrorDomain})
	if derr != nil {
		log.ErrorContext(ctx, "attach error details", "method", method, "err", derr)
		return status.Error(code, message)
	}
	if len(fields) > 0 {
		br := &errdetails.BadRequest{}
		for _, f := range fields {
			br.FieldViolations = append(br.FieldViolations,
				&errdetails.BadRequest_FieldViolation{Field: f.Field, Description: f.Description})
		}
		if withBR, err := s.WithDetails(br); err == nil {
			s = withBR
		}
	}
	return s.Err()
}
