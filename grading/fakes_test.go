package grading_test

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/grading"
	"github.com/proctorlabs/proctor/store"
)

// validatorFunc adapts a function to proctor.Validator.
type validatorFunc func(ctx context.Context, t proctor.Target,
	p map[string]any) (proctor.Finding, error)

func (f validatorFunc) Validate(ctx context.Context, t proctor.Target,
	p map[string]any) (proctor.Finding, error) {
	return f(ctx, t, p)
}

// registry is a fake validator registry.
type registry map[string]proctor.Validator

func (r registry) Lookup(name string) (proctor.Validator, bool) {
	v, ok := r[name]
	return v, ok
}

// finding returns a validator that always answers f.
func finding(f proctor.Finding) proctor.Validator {
	return validatorFunc(func(context.Context, proctor.Target, map[string]any) (
		proctor.Finding, error) {
		return f, nil
	})
}

// The fixed validators of the tests.
var (
	pass = finding(proctor.Finding{Verdict: proctor.VerdictPass, Message: "ok"})
	fail = func(fraction float64) proctor.Validator {
		return finding(proctor.Finding{Verdict: proctor.VerdictFail, Message: "not ok",
			Fraction: fraction, Evidence: []proctor.Evidence{{Resource: "arn:aws:s3:::b",
				Observed: "Allow", Expected: "Deny"}}})
	}
	notApplicable = finding(proctor.Finding{Verdict: proctor.VerdictNotApplicable})
	errorFinding  = finding(proctor.Finding{Verdict: proctor.VerdictError, Message: "throttled"})
	badParams     = validatorFunc(func(context.Context, proctor.Target, map[string]any) (
		proctor.Finding, error) {
		return proctor.Finding{}, errors.New("parameter bucket is required")
	})
	panics = validatorFunc(func(context.Context, proctor.Target, map[string]any) (
		proctor.Finding, error) {
		panic("validator bug")
	})
	// ignoresContext answers PASS after a long while, whatever its context says.
	ignoresContext = validatorFunc(func(context.Context, proctor.Target, map[string]any) (
		proctor.Finding, error) {
		time.Sleep(2 * time.Second)
		return proctor.Finding{Verdict: proctor.VerdictPass}, nil
	})
	// honoursContext answers when its context ends.
	honoursContext = validatorFunc(func(ctx context.Context, _ proctor.Target,
		_ map[string]any) (proctor.Finding, error) {
		<-ctx.Done()
		return proctor.Finding{Verdict: proctor.VerdictError, Message: ctx.Err().Error()}, nil
	})
	unknownVerdict = finding(proctor.Finding{Verdict: "MAYBE"})
	nanFraction    = fail(math.NaN())
)

// gate is a validator that answers PASS once opened, recording that it started.
type gate struct {
	open    chan struct{}
	started chan struct{}
	mu      sync.Mutex
	targets []proctor.Target
}

func newGate() *gate {
	return &gate{open: make(chan struct{}), started: make(chan struct{}, 100)}
}

func (g *gate) Validate(ctx context.Context, t proctor.Target, _ map[string]any) (
	proctor.Finding, error) {
	g.mu.Lock()
	g.targets = append(g.targets, t)
	g.mu.Unlock()
	g.started <- struct{}{}
	select {
	case <-g.open:
		return proctor.Finding{Verdict: proctor.VerdictPass, Message: "ok"}, nil
	case <-ctx.Done():
		return proctor.Finding{Verdict: proctor.VerdictError, Message: "cancelled"}, nil
	}
}

func (g *gate) calls() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.targets)
}

// fakeCatalog holds the labs of the tests.
type fakeCatalog map[string]*proctor.Lab

func (c fakeCatalog) Lab(id string) (*proctor.Lab, error) {
	if l, ok := c[id]; ok {
		return l, nil
	}
	return nil, proctor.Errorf(proctor.ENotFound, "lab %q not found", id)
}

func (c fakeCatalog) Labs() []*proctor.Lab {
	var out []*proctor.Lab
	for _, l := range c {
		out = append(out, l)
	}
	return out
}

var (
	alice      = proctor.Caller{Subject: "alice", Role: proctor.RoleLearner}
	bob        = proctor.Caller{Subject: "bob", Role: proctor.RoleLearner}
	instructor = proctor.Caller{Subject: "ines", Role: proctor.RoleInstructor}
	admin      = proctor.Caller{Subject: "root", Role: proctor.RoleAdmin}
)

var now = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)

// env is a grading service on a real store, with sandboxes stored directly.
type env struct {
	svc  *grading.Service
	db   *store.DB
	path string
	cfg  grading.Config
}

func newEnv(t *testing.T, catalog fakeCatalog, validators grading.Lookup) *env {
	t.Helper()
	e := &env{path: filepath.Join(t.TempDir(), "proctor.db")}
	e.start(t, catalog, validators)
	return e
}

// start opens the store and a service on it, both closed at the end of the test.
func (e *env) start(t *testing.T, catalog fakeCatalog, validators grading.Lookup) {
	t.Helper()
	db, err := store.Open(context.Background(), e.path)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	e.cfg = grading.Config{Store: db, Sandboxes: db, Catalog: catalog, Validators: validators,
		CheckTimeout: 5 * time.Second, Now: func() time.Time { return now }}
	svc, err := grading.NewService(e.cfg)
	if err != nil {
		db.Close()
		t.Fatalf("NewService: %v", err)
	}
	e.svc, e.db = svc, db
	t.Cleanup(func() {
		svc.Close()
		db.Close()
	})
}

// stop closes the service and the store, as a server shutting down.
func (e *env) stop(t *testing.T) {
	t.Helper()
	e.svc.Close()
	e.db.Close()
}

// sandbox stores a READY sandbox of the lab owned by owner.
func (e *env) sandbox(t *testing.T, id, owner, lab string) *proctor.Sandbox {
	t.Helper()
	sb := &proctor.Sandbox{Name: "sandboxes/" + id, Owner: owner, LabID: lab,
		Backend: "fake", State: proctor.SandboxReady, AccountID: "111122223333",
		Region:     "us-east-1",
		Learner:    proctor.Credentials{AccessKeyID: "LEARNER", SecretAccessKey: "l"},
		Grader:     proctor.Credentials{AccessKeyID: "GRADER", SecretAccessKey: "g"},
		CreateTime: now.Add(-time.Minute), ExpireTime: now.Add(time.Hour)}
	if err := e.db.CreateSandbox(context.Background(), sb); err != nil {
		t.Fatalf("CreateSandbox: %v", err)
	}
	return sb
}

// wait watches the attempt to its end and returns the finished attempt.
func (e *env) wait(t *testing.T, c proctor.Caller, name string) *proctor.Attempt {
	t.Helper()
	var last *proctor.Attempt
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := e.svc.WatchAttempt(ctx, c, name, func(ev proctor.AttemptEvent) error {
		last = ev.Attempt
		return nil
	})
	if err != nil {
		t.Fatalf("WatchAttempt: %v", err)
	}
	return last
}

func codeOf(err error) proctor.ErrorCode { return proctor.ErrorCodeOf(err) }

func mustOpen(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	return db
}
