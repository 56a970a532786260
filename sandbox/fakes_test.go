package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/sandbox"
	"github.com/proctorlabs/proctor/store"
)

// fakeProvisioner lends numbered accounts and records which are out.
type fakeProvisioner struct {
	mu          sync.Mutex
	services    []string
	next        int
	out         map[string]bool // accounts lent and not released
	provisions  int
	failLend    bool
	failRelease int // the next n releases fail
}

func newProvisioner() *fakeProvisioner {
	return &fakeProvisioner{services: []string{"s3", "kms", "sts"}, out: map[string]bool{}}
}

func (p *fakeProvisioner) Backend() string { return "fake" }

func (p *fakeProvisioner) Supports(services []string) error {
	for _, s := range services {
		if !slices.Contains(p.services, s) {
			return proctor.Errorf(proctor.EFailedPrecondition, "the fake backend lacks %s", s)
		}
	}
	return nil
}

func (p *fakeProvisioner) Provision(ctx context.Context) (*proctor.Account, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.provisions++
	if p.failLend {
		return nil, errors.New("fake: no accounts left")
	}
	p.next++
	id := fmt.Sprintf("%012d", p.next)
	p.out[id] = true
	return &proctor.Account{
		ID: id, Region: "us-east-1",
		Endpoint: proctor.Endpoint{HTTP: "http://localhost:1"},
		Learner:  proctor.Credentials{AccessKeyID: "L" + id, SecretAccessKey: "learner-secret"},
		Grader:   proctor.Credentials{AccessKeyID: "G" + id, SecretAccessKey: "grader-secret"},
	}, nil
}

func (p *fakeProvisioner) Release(ctx context.Context, id string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failRelease > 0 {
		p.failRelease--
		return errors.New("fake: release failed")
	}
	delete(p.out, id)
	return nil
}

// lent reports whether the account is out.
func (p *fakeProvisioner) lent(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out[id]
}

func (p *fakeProvisioner) counts() (provisions, out int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.provisions, len(p.out)
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

var catalog = fakeCatalog{
	"s3-lab": {ID: "s3-lab", Services: []string{"s3"}, Setup: []proctor.Step{
		{Service: "s3", Action: "CreateBucket"}, {Service: "s3", Action: "PutBucketPolicy"}}},
	"kms-lab": {ID: "kms-lab", Services: []string{"kms"}},
	"broken-lab": {ID: "broken-lab", Services: []string{"s3"}, Setup: []proctor.Step{
		{Service: "s3", Action: "CreateBucket"}, {Service: "s3", Action: "Fail"}}},
	"slow-lab": {ID: "slow-lab", Services: []string{"s3"}, Setup: []proctor.Step{
		{Service: "s3", Action: "Block"}}},
	"guardduty-lab": {ID: "guardduty-lab", Services: []string{"s3", "guardduty"}},
	// A setup whose error is long and not ASCII: "x" and then 400 two-byte letters.
	"accented-lab": {ID: "accented-lab", Services: []string{"s3"}, Setup: []proctor.Step{
		{Service: "s3", Action: "FailWith",
			Input: map[string]any{"message": "x" + strings.Repeat("é", 400)}}}},
}

// fakeSteps records the targets it ran steps for. A step whose action is "Fail" fails, one
// whose action is "FailWith" fails with its input's message, and one whose action is
// "Block" waits for release (or the context).
type fakeSteps struct {
	mu      sync.Mutex
	targets []proctor.Target
	release chan struct{}
	started chan struct{}
}

func newSteps() *fakeSteps {
	return &fakeSteps{release: make(chan struct{}), started: make(chan struct{}, 100)}
}

func (f *fakeSteps) RunSteps(ctx context.Context, t proctor.Target, steps []proctor.Step) error {
	f.mu.Lock()
	f.targets = append(f.targets, t)
	f.mu.Unlock()
	for i, s := range steps {
		switch s.Action {
		case "Fail":
			return fmt.Errorf("step %d (%s.%s): AccessDenied", i+1, s.Service, s.Action)
		case "FailWith":
			return errors.New(s.Input["message"].(string))
		case "Block":
			f.started <- struct{}{}
			select {
			case <-f.release:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return nil
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is one service under test with its fakes and store.
type env struct {
	svc   *sandbox.Service
	db    *store.DB
	path  string
	prov  *fakeProvisioner
	steps *fakeSteps
	clock *clock
}

var (
	alice      = proctor.Caller{Subject: "alice", Role: proctor.RoleLearner}
	bob        = proctor.Caller{Subject: "bob", Role: proctor.RoleLearner}
	instructor = proctor.Caller{Subject: "ines", Role: proctor.RoleInstructor}
	admin      = proctor.Caller{Subject: "root", Role: proctor.RoleAdmin}
)

// newEnv starts a service on a fresh store; edit tweaks its config.
func newEnv(t *testing.T, edit func(*sandbox.Config)) *env {
	t.Helper()
	e := &env{path: filepath.Join(t.TempDir(), "proctor.db"), prov: newProvisioner(),
		steps: newSteps(), clock: &clock{now: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}}
	e.start(t, edit)
	return e
}

// start opens the store and starts a service on it, both closed at the end of the test.
func (e *env) start(t *testing.T, edit func(*sandbox.Config)) {
	t.Helper()
	db, err := store.Open(context.Background(), e.path)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	cfg := sandbox.Config{Store: db, Provisioner: e.prov, Catalog: catalog, Steps: e.steps,
		TTL: time.Hour, MaxPerLearner: 10, ReapInterval: -1, Now: e.clock.Now}
	if edit != nil {
		edit(&cfg)
	}
	svc, err := sandbox.NewService(cfg)
	if err != nil {
		t.Fatalf("NewService: %v", err)
	}
	e.svc, e.db = svc, db
	t.Cleanup(func() {
		svc.Close()
		db.Close()
	})
}

// stop closes the service and its store, as a server shutting down.
func (e *env) stop(t *testing.T) {
	t.Helper()
	if err := e.svc.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := e.db.Close(); err != nil {
		t.Fatalf("store Close: %v", err)
	}
}

// stored reads a sandbox straight from the store.
func (e *env) stored(t *testing.T, name string) *proctor.Sandbox {
	t.Helper()
	sb, err := e.db.Sandbox(context.Background(), name)
	if err != nil {
		t.Fatalf("store: %v", err)
	}
	return sb
}

// create creates a sandbox and fails the test on error.
func (e *env) create(t *testing.T, c proctor.Caller, lab, requestID string) *proctor.Sandbox {
	t.Helper()
	sb, err := e.svc.CreateSandbox(context.Background(), c, lab, requestID)
	if err != nil {
		t.Fatalf("CreateSandbox(%s, %s, %q): %v", c.Subject, lab, requestID, err)
	}
	return sb
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
