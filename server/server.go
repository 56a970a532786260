package server

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/reflection"

	"github.com/proctorlabs/proctor"
	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
)

// maxRecvBytes bounds the size of one request message; the API's requests are small.
const maxRecvBytes = 1 << 20

// Options configure a Server. Labs, Sandboxes, Attempts and Verifier are required.
type Options struct {
	// Labs is the catalog LabService serves.
	Labs proctor.LabCatalog
	// Sandboxes lends and authorizes sandboxes for SandboxService.
	Sandboxes proctor.SandboxService
	// Attempts grades sandboxes for AttemptService.
	Attempts proctor.AttemptService
	// Verifier checks bearer tokens, e.g. an *auth.Key.
	Verifier TokenVerifier
	// Logger receives operator logs: internal errors with their cause, refused tokens
	// (never the token). Nil discards them.
	Logger *slog.Logger
	// TLS, when set, makes the server speak gRPC over TLS; nil serves plaintext, which
	// only suits loopback listeners.
	TLS *tls.Config
}

// Server serves the proctor.v1 API, grpc.health.v1 and reflection on one gRPC server.
type Server struct {
	grpc    *grpc.Server
	health  *health.Server
	metrics *metrics
	log     *slog.Logger
}

// New returns a server for the options. It panics when a required option is missing,
// which is a programming error rather than bad input.
func New(o Options) *Server {
	switch {
	case o.Labs == nil:
		panic("server: Options.Labs is nil")
	case o.Sandboxes == nil:
		panic("server: Options.Sandboxes is nil")
	case o.Attempts == nil:
		panic("server: Options.Attempts is nil")
	case o.Verifier == nil:
		panic("server: Options.Verifier is nil")
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}

	s := &Server{health: health.NewServer(), metrics: newMetrics(), log: log}
	authn := &authenticator{verifier: o.Verifier, log: log}
	errs := &errorMapper{log: log}
	opts := []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(s.metrics.unary, errs.unary, recoverUnary, authn.unary),
		grpc.ChainStreamInterceptor(s.metrics.stream, errs.stream, recoverStream,
			authn.stream),
		grpc.MaxRecvMsgSize(maxRecvBytes),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{
			MinTime: 10 * time.Second, PermitWithoutStream: true}),
	}
	if o.TLS != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(o.TLS)))
	}
	s.grpc = grpc.NewServer(opts...)

	pb.RegisterLabServiceServer(s.grpc, &labServer{catalog: o.Labs})
	pb.RegisterSandboxServiceServer(s.grpc, &sandboxServer{svc: o.Sandboxes,
		labs: o.Labs, caPEM: newCAReader(log).read})
	pb.RegisterAttemptServiceServer(s.grpc, &attemptServer{svc: o.Attempts})
	healthpb.RegisterHealthServer(s.grpc, s.health)
	reflection.Register(s.grpc)

	for _, name := range []string{"", pb.LabService_ServiceDesc.ServiceName,
		pb.SandboxService_ServiceDesc.ServiceName, pb.AttemptService_ServiceDesc.ServiceName} {
		s.health.SetServingStatus(name, healthpb.HealthCheckResponse_SERVING)
	}
	return s
}

// Serve accepts connections on lis until the server stops. It returns nil after
// GracefulStop, Stop or Shutdown, and the listener's error otherwise.
func (s *Server) Serve(lis net.Listener) error {
	return s.grpc.Serve(lis)
}

// GracefulStop reports NOT_SERVING to health checks, stops accepting connections and waits
// for the RPCs in flight, including open WatchAttempt streams, to finish.
func (s *Server) GracefulStop() {
	s.health.Shutdown()
	s.grpc.GracefulStop()
}

// Shutdown stops gracefully, as GracefulStop does, but closes every connection at once
// when ctx ends first. It returns ctx's error in that case.
func (s *Server) Shutdown(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		s.GracefulStop()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.grpc.Stop()
		<-done
		return ctx.Err()
	}
}

// Stop closes every connection and listener at once, cancelling the RPCs in flight.
func (s *Server) Stop() {
	s.health.Shutdown()
	s.grpc.Stop()
}

// MetricsHandler serves the server's Prometheus metrics (RPC counts by code and latency
// histograms by method, with Go runtime and process metrics) in the text format, for
// mounting at /metrics on an HTTP listener.
func (s *Server) MetricsHandler() http.Handler {
	return s.metrics.handler()
}

// GRPCServer returns the underlying gRPC server, e.g. to wrap it for gRPC-Web. Services
// must not be registered on it after Serve.
//
// TODO: gRPC-Web is not served directly; until it is, a browser frontend needs a
// translating proxy (such as Envoy) in front of the server.
func (s *Server) GRPCServer() *grpc.Server {
	return s.grpc
}

// caReader reads CA bundles for Endpoint.ca_pem, rereading a file only when it changes.
type caReader struct {
	log   *slog.Logger
	mu    sync.Mutex
	cache map[string]caFile
}

// caFile is one cached CA bundle.
type caFile struct {
	modTime time.Time
	size    int64
	pem     string
}

// maxCABytes bounds the size of a CA bundle the server returns.
const maxCABytes = 1 << 20

func newCAReader(log *slog.Logger) *caReader {
	return &caReader{log: log, cache: map[string]caFile{}}
}

// read returns the certificates of the PEM file at path, or "" (and a log line) when it
// cannot be read. Any other block, such as a private key, is left out.
func (r *caReader) read(path string) string {
	info, err := os.Stat(path)
	if err != nil || !info.Mode().IsRegular() || info.Size() > maxCABytes {
		r.log.Warn("read sandbox CA bundle", "path", path, "err", err)
		return ""
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.cache[path]; ok && c.modTime.Equal(info.ModTime()) && c.size == info.Size() {
		return c.pem
	}
	b, err := os.ReadFile(path)
	if err != nil {
		r.log.Warn("read sandbox CA bundle", "path", path, "err", err)
		return ""
	}
	certs, skipped := certificatesOnly(b)
	if skipped > 0 {
		r.log.Warn("sandbox CA bundle holds blocks that are not certificates; they are "+
			"not returned", "path", path, "blocks", skipped)
	}
	r.cache[path] = caFile{modTime: info.ModTime(), size: info.Size(), pem: certs}
	return certs
}

// certificatesOnly returns the CERTIFICATE blocks of a PEM file, re-encoded, and how many
// other blocks it left out. A bundle written together with its private key (as some tools
// write them) must never hand the key to callers, who could then impersonate the endpoint.
func certificatesOnly(data []byte) (certs string, skipped int) {
	var b strings.Builder
	for {
		block, rest := pem.Decode(data)
		if block == nil {
			break
		}
		data = rest
		if block.Type != "CERTIFICATE" || len(block.Headers) > 0 {
			skipped++
			continue
		}
		b.Write(pem.EncodeToMemory(block))
	}
	return b.String(), skipped
}
