package server_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/auth"
	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
	"github.com/proctorlabs/proctor/server"
)

// testSecret signs the tokens of the test servers.
var testSecret = []byte("test-secret-test-secret-test-secret!")

// The callers of the tests.
var (
	alice      = proctor.Caller{Subject: "alice", Role: proctor.RoleLearner}
	bob        = proctor.Caller{Subject: "bob", Role: proctor.RoleLearner}
	instructor = proctor.Caller{Subject: "irene", Role: proctor.RoleInstructor}
)

// env is a server on an in-memory listener with clients and the fakes behind it.
type env struct {
	t         testing.TB
	srv       *server.Server
	conn      *grpc.ClientConn
	key       *auth.Key
	catalog   *fakeCatalog
	sandboxes *fakeSandboxes
	attempts  *fakeAttempts
	labs      pb.LabServiceClient
	sbx       pb.SandboxServiceClient
	att       pb.AttemptServiceClient
	logs      *syncBuffer
	served    chan error
}

// syncBuffer is a bytes.Buffer safe for the server's concurrent log writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// aliceSandbox is a READY sandbox of alice with learner and grader credentials.
func aliceSandbox() *proctor.Sandbox {
	return &proctor.Sandbox{
		Name: "sandboxes/sb-alice", Owner: "alice", LabID: "s3-data-protection",
		Backend: "embedded", State: proctor.SandboxReady, AccountID: "000000000001",
		Region: "us-east-1",
		Endpoint: proctor.Endpoint{HTTP: "http://localhost:4566",
			HTTPS: "https://localhost:4567", Proxy: "http://localhost:4566"},
		Learner: proctor.Credentials{AccessKeyID: "AKIAALICE", SecretAccessKey: "alice-secret",
			SessionToken: "alice-session"},
		Grader: proctor.Credentials{AccessKeyID: "AKIAGRADER",
			SecretAccessKey: "grader-secret"},
		CreateTime: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC),
		ExpireTime: time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC),
	}
}

// newEnv starts a server with alice's sandbox, one of bob's, and an attempt on each.
func newEnv(t testing.TB) *env {
	t.Helper()
	key, err := auth.NewKey(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	bobs := &proctor.Sandbox{Name: "sandboxes/sb-bob", Owner: "bob",
		LabID: "s3-data-protection", State: proctor.SandboxReady,
		Learner: proctor.Credentials{AccessKeyID: "AKIABOB", SecretAccessKey: "bob-secret"}}
	e := &env{t: t, key: key, logs: &syncBuffer{}, served: make(chan error, 1)}
	e.catalog = &fakeCatalog{labs: []*proctor.Lab{
		{ID: "audit-trail", Title: "Audit", Pillar: proctor.PillarAudit},
		{ID: "iam-least-privilege", Title: "IAM", Pillar: proctor.PillarIAM},
		{ID: "kms-rotation", Title: "KMS", Pillar: proctor.PillarKMS},
		{ID: "network-reachability", Title: "Network", Pillar: proctor.PillarNetwork},
		{ID: "s3-data-protection", Title: "S3", Pillar: proctor.PillarS3},
	}}
	e.sandboxes = newFakeSandboxes(aliceSandbox(), bobs)
	e.attempts = &fakeAttempts{sandboxes: e.sandboxes, events: make(chan proctor.AttemptEvent),
		attempts: map[string]*proctor.Attempt{
			"sandboxes/sb-alice/attempts/a-1": {Name: "sandboxes/sb-alice/attempts/a-1",
				Sandbox: "sandboxes/sb-alice", Owner: "alice", LabID: "s3-data-protection",
				State: proctor.AttemptGrading},
			"sandboxes/sb-bob/attempts/a-1": {Name: "sandboxes/sb-bob/attempts/a-1",
				Sandbox: "sandboxes/sb-bob", Owner: "bob", LabID: "s3-data-protection",
				State: proctor.AttemptGraded},
		}}

	e.srv = server.New(server.Options{
		Labs: e.catalog, Sandboxes: e.sandboxes, Attempts: e.attempts, Verifier: key,
		Logger: slog.New(slog.NewTextHandler(e.logs, nil)),
	})
	lis := bufconn.Listen(1 << 20)
	go func() { e.served <- e.srv.Serve(lis) }()
	conn, err := grpc.NewClient("passthrough:///bufconn",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) {
			return lis.DialContext(ctx)
		}),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	e.conn = conn
	e.labs = pb.NewLabServiceClient(conn)
	e.sbx = pb.NewSandboxServiceClient(conn)
	e.att = pb.NewAttemptServiceClient(conn)
	t.Cleanup(func() {
		conn.Close()
		e.srv.Stop()
	})
	return e
}

// as returns a context that carries a fresh token of the caller.
func (e *env) as(c proctor.Caller) context.Context {
	e.t.Helper()
	tok, err := e.key.Issue(c, time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	return withToken(e.t, tok)
}

// withToken returns a context of the test with the given bearer token.
func withToken(t testing.TB, tok string) context.Context {
	return metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+tok)
}

// statusDetails returns err's code, its ErrorInfo and its BadRequest field violations, and
// fails the test when err is no status or lacks an ErrorInfo of domain proctor.dev.
func statusDetails(t *testing.T, err error) (codes.Code, *errdetails.ErrorInfo,
	map[string]string) {
	t.Helper()
	st, ok := status.FromError(err)
	if !ok {
		t.Fatalf("error %v is not a gRPC status", err)
	}
	var info *errdetails.ErrorInfo
	fields := map[string]string{}
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			info = d
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				fields[v.GetField()] = v.GetDescription()
			}
		}
	}
	if info == nil {
		t.Fatalf("status %v has no ErrorInfo", st)
	}
	if info.GetDomain() != "proctor.dev" {
		t.Errorf("ErrorInfo domain = %q, want proctor.dev", info.GetDomain())
	}
	if info.GetReason() == "" {
		t.Error("ErrorInfo has no reason")
	}
	return st.Code(), info, fields
}

// recvAll reads a watch stream to its end.
func recvAll(stream grpc.ServerStreamingClient[pb.WatchAttemptResponse]) (
	[]*pb.WatchAttemptResponse, error) {
	var out []*pb.WatchAttemptResponse
	for {
		m, err := stream.Recv()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return out, err
		}
		out = append(out, m)
	}
}
