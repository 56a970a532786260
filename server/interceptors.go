package server

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/proctorlabs/proctor"
)

// TokenVerifier checks a bearer token and returns the caller it names. *auth.Key
// implements it. An error should be a *proctor.Error with code EUnauthenticated; any other
// error is reported to the caller as an invalid token.
type TokenVerifier interface {
	Verify(token string) (proctor.Caller, error)
}

// openPrefixes are the method prefixes served without authentication: health checking, so
// that load balancers and orchestrators can probe, and reflection, so that tools can
// discover the API.
var openPrefixes = []string{
	"/grpc.health.v1.Health/",
	"/grpc.reflection.v1.ServerReflection/",
	"/grpc.reflection.v1alpha.ServerReflection/",
}

// callerKey is the context key of the authenticated caller.
type callerKey struct{}

// callerFrom returns the caller that authentication put in ctx.
func callerFrom(ctx context.Context) (proctor.Caller, error) {
	c, ok := ctx.Value(callerKey{}).(proctor.Caller)
	if !ok {
		return proctor.Caller{}, proctor.Errorf(proctor.EUnauthenticated,
			"server: the request is not authenticated").WithReason("MISSING_TOKEN")
	}
	return c, nil
}

// authenticator verifies bearer tokens and puts their caller in the context.
type authenticator struct {
	verifier TokenVerifier
	log      *slog.Logger
}

// authenticate returns ctx with the caller named by the request's bearer token, or an
// EUnauthenticated error. Open methods pass unchanged.
func (a *authenticator) authenticate(ctx context.Context, method string) (
	context.Context, error) {
	for _, p := range openPrefixes {
		if strings.HasPrefix(method, p) {
			return ctx, nil
		}
	}

	md, _ := metadata.FromIncomingContext(ctx)
	values := md.Get("authorization")
	switch len(values) {
	case 0:
		return nil, proctor.Errorf(proctor.EUnauthenticated, "server: the request has no "+
			"authorization metadata; send \"authorization: Bearer TOKEN\"").
			WithReason("MISSING_TOKEN")
	case 1:
	default:
		return nil, proctor.Errorf(proctor.EUnauthenticated, "server: the request has %d "+
			"authorization values; send exactly one", len(values)).WithReason("TOKEN_INVALID")
	}
	scheme, token, ok := strings.Cut(values[0], " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "bearer") || token == "" {
		return nil, proctor.Errorf(proctor.EUnauthenticated, "server: the authorization "+
			"metadata is not of the form \"Bearer TOKEN\"").WithReason("TOKEN_INVALID")
	}

	caller, err := a.verifier.Verify(token)
	if err != nil {
		a.log.InfoContext(ctx, "rpc unauthenticated", "method", method, "err",
			proctor.ErrorMessageOf(err))
		if proctor.ErrorCodeOf(err) != proctor.EUnauthenticated {
			return nil, &proctor.Error{Code: proctor.EUnauthenticated, Reason: "TOKEN_INVALID",
				Message: "server: the token is not valid", Err: err}
		}
		return nil, err
	}
	return context.WithValue(ctx, callerKey{}, caller), nil
}

// unary is the unary interceptor of authentication.
func (a *authenticator) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo,
	handler grpc.UnaryHandler) (any, error) {
	ctx, err := a.authenticate(ctx, info.FullMethod)
	if err != nil {
		return nil, err
	}
	return handler(ctx, req)
}

// stream is the stream interceptor of authentication.
func (a *authenticator) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo,
	handler grpc.StreamHandler) error {
	ctx, err := a.authenticate(ss.Context(), info.FullMethod)
	if err != nil {
		return err
	}
	return handler(srv, &contextStream{ServerStream: ss, ctx: ctx})
}

// contextStream is a server stream with a replaced context.
type contextStream struct {
	grpc.ServerStream
	ctx context.Context
}

// Context returns the replaced context.
func (s *contextStream) Context() context.Context { return s.ctx }

// errorMapper turns every error a handler returns into a gRPC status with details.
type errorMapper struct {
	log *slog.Logger
}

// unary is the unary interceptor of error mapping.
func (m *errorMapper) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo,
	handler grpc.UnaryHandler) (any, error) {
	resp, err := handler(ctx, req)
	if err != nil {
		return nil, toStatus(ctx, m.log, info.FullMethod, err)
	}
	return resp, nil
}

// stream is the stream interceptor of error mapping.
func (m *errorMapper) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo,
	handler grpc.StreamHandler) error {
	return toStatus(ss.Context(), m.log, info.FullMethod, handler(srv, ss))
}

// recoverUnary turns a panic of a unary handler into an internal error, so that one bad
// request cannot take the server down.
func recoverUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo,
	handler grpc.UnaryHandler) (resp any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = panicError(info.FullMethod, r)
		}
	}()
	return handler(ctx, req)
}

// recoverStream is recoverUnary for streams.
func recoverStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo,
	handler grpc.StreamHandler) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = panicError(info.FullMethod, r)
		}
	}()
	return handler(srv, ss)
}

// panicError returns an internal error whose cause (logged, never returned) is the panic
// value and its stack.
func panicError(method string, r any) error {
	return proctor.WrapError(proctor.EInternal,
		fmt.Errorf("panic in %s: %v\n%s", method, r, debug.Stack()),
		"internal error").WithReason("PANIC")
}
