// Package sandbox lends sandboxes to learners: it implements proctor.SandboxService on top
// of a proctor.SandboxStore, a proctor.Provisioner (the embedded emulator, LocalStack or a
// pool of real accounts) and the lab catalog.
//
// # Lifecycle
//
// CreateSandbox stores a PROVISIONING sandbox, borrows an account from the provisioner, runs
// the lab's setup steps with the learner's credentials and marks the sandbox READY. When
// the backend cannot lend an account, or a setup step fails, the sandbox becomes FAILED with
// a message and its account is released (when that release fails, the sandbox stays
// CLEANING until the reaper has released it, and then becomes FAILED). Provisioning runs
// on the service's own context, so a client that disconnects does not leave a half-made
// sandbox: a retry with the same request id finds the result.
//
// ExtendSandbox pushes a READY sandbox's expiry back, up to Config.MaxLifetime after its
// creation. DeleteSandbox and the reaper (for sandboxes past their expiry time) move a
// sandbox to CLEANING, release its account and mark it DELETED or EXPIRED. A release that
// fails leaves the sandbox CLEANING; the reaper retries it, and after MaxCleanupFailures
// failures in a row the sandbox is QUARANTINED for an operator. The reaper works from the
// store, so sandboxes that expired while the server was down are reaped when it starts, and
// a sandbox left PROVISIONING by a server that died is marked FAILED and its account
// released.
//
// # Authorization
//
// Only learners and admins create sandboxes. A caller sees their own sandboxes, and
// instructors and admins see every sandbox; a sandbox the caller may not see is ENotFound.
// Learner credentials are returned only to the sandbox's owner, and grader credentials
// never leave the service.
package sandbox

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/internal/keyedmutex"
)

// Defaults of Config.
const (
	DefaultTTL           = 2 * time.Hour
	DefaultMaxPerLearner = 3
	DefaultReapInterval  = 30 * time.Second
	DefaultSetupTimeout  = 2 * time.Minute
	DefaultMaxLifetime   = 8 * time.Hour
	// MaxCleanupFailures is the number of failed releases in a row after which a sandbox is
	// QUARANTINED.
	MaxCleanupFailures = 5
)

// Config configures a Service. Store, Provisioner, Catalog and Steps are required.
type Config struct {
	Store       proctor.SandboxStore
	Provisioner proctor.Provisioner
	Catalog     proctor.LabCatalog
	Steps       proctor.StepRunner
	// TTL is a sandbox's lifetime from its creation; 0 means DefaultTTL.
	TTL time.Duration
	// MaxPerLearner is the number of live (PROVISIONING or READY) sandboxes one owner may
	// hold; 0 means DefaultMaxPerLearner and a negative value means no limit.
	MaxPerLearner int
	// ReapInterval is how often the reaper runs; 0 means DefaultReapInterval and a negative
	// value disables the background reaper (Reap can still be called).
	ReapInterval time.Duration
	// SetupTimeout bounds provisioning and the lab's setup together; 0 means
	// DefaultSetupTimeout.
	SetupTimeout time.Duration
	// MaxLifetime bounds how long after its creation ExtendSandbox may push a sandbox's
	// expiry; 0 means DefaultMaxLifetime, and it is never less than TTL.
	MaxLifetime time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Logger receives operator logs; nil discards them.
	Logger *slog.Logger
}

// Service implements proctor.SandboxService. Create it with NewService and stop it with
// Close. Its methods are safe for concurrent use.
type Service struct {
	store    proctor.SandboxStore
	prov     proctor.Provisioner
	catalog  proctor.LabCatalog
	steps    proctor.StepRunner
	ttl      time.Duration
	maxLive  int
	setupFor time.Duration
	maxLife  time.Duration
	now      func() time.Time
	log      *slog.Logger

	base   context.Context // cancelled by Close; provisioning and reaping run under it
	cancel context.CancelFunc
	wg     sync.WaitGroup

	owners    keyedmutex.Map // serializes the quota check and insert of one owner
	sandboxes keyedmutex.Map // serializes state changes of one sandbox

	mu        sync.Mutex
	inflight  map[string]chan struct{} // sandboxes being provisioned; closed when done
	failures  map[string]int           // failed releases in a row, by sandbox
	closed    bool
	closeOnce sync.Once
}

var _ proctor.SandboxService = (*Service)(nil)

// NewService returns a service and starts its reaper, which makes a first pass at once. It
// fails when a required dependency is missing.
func NewService(cfg Config) (*Service, error) {
	switch {
	case cfg.Store == nil:
		return nil, errors.New("sandbox: config: Store is required")
	case cfg.Provisioner == nil:
		return nil, errors.New("sandbox: config: Provisioner is required")
	case cfg.Catalog == nil:
		return nil, errors.New("sandbox: config: Catalog is required")
	case cfg.Steps == nil:
		return nil, errors.New("sandbox: config: Steps is required")
	}
	s := &Service{
		store: cfg.Store, prov: cfg.Provisioner, catalog: cfg.Catalog, steps: cfg.Steps,
		ttl: cfg.TTL, maxLive: cfg.MaxPerLearner, setupFor: cfg.SetupTimeout,
		now: cfg.Now, log: cfg.Logger,
		inflight: map[string]chan struct{}{}, failures: map[string]int{},
	}
	if s.ttl <= 0 {
		s.ttl = DefaultTTL
	}
	if s.maxLive == 0 {
		s.maxLive = DefaultMaxPerLearner
	}
	if s.setupFor <= 0 {
		s.setupFor = DefaultSetupTimeout
	}
	s.maxLife = max(cfg.MaxLifetime, s.ttl)
	if cfg.MaxLifetime == 0 {
		s.maxLife = max(DefaultMaxLifetime, s.ttl)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.base, s.cancel = context.WithCancel(context.Background())

	every := cfg.ReapInterval
	if every == 0 {
		every = DefaultReapInterval
	}
	if every > 0 {
		s.wg.Add(1)
		go s.reapEvery(every)
	}
	return s, nil
}

// Close stops the reaper and cancels provisioning in progress, whose sandboxes become
// FAILED, and waits for them. It is safe to call more than once.
func (s *Service) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		s.cancel()
		s.wg.Wait()
	})
	return nil
}
