package grading

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/internal/keyedmutex"
)

// Config configures a Service. Store, Sandboxes, Catalog and Validators are required.
type Config struct {
	Store      proctor.AttemptStore
	Sandboxes  proctor.SandboxStore
	Catalog    proctor.LabCatalog
	Validators Lookup
	// CheckTimeout bounds each check; 0 means DefaultCheckTimeout.
	CheckTimeout time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Logger receives operator logs; nil discards them.
	Logger *slog.Logger
}

// Service implements proctor.AttemptService. Create it with NewService and stop it with
// Close. Its methods are safe for concurrent use.
//
// Authorization follows the sandbox: a caller who may see the sandbox (its owner, an
// instructor, an admin) may read its attempts, and only the owner and admins submit. An
// attempt or sandbox the caller may not see is ENotFound.
//
// Only one attempt of a sandbox is graded at a time. A running attempt lives in memory,
// where watchers follow it, and is stored when it is graded. An attempt that a server left
// GRADING is graded again by the next NewService when its sandbox is still READY, and is
// marked FAILED otherwise.
type Service struct {
	store      proctor.AttemptStore
	sandboxes  proctor.SandboxStore
	catalog    proctor.LabCatalog
	validators Lookup
	timeout    time.Duration
	now        func() time.Time
	log        *slog.Logger

	base   context.Context // cancelled by Close; grading runs under it
	cancel context.CancelFunc
	wg     sync.WaitGroup

	submits keyedmutex.Map // serializes the submissions of one sandbox

	mu        sync.Mutex
	runs      map[string]*run // attempts being graded, by name
	bySandbox map[string]string
	closed    bool
	closeOnce sync.Once
}

var _ proctor.AttemptService = (*Service)(nil)

// NewService returns a service after taking up the attempts that a previous server left
// GRADING: each is graded again if its sandbox is READY and its lab still offered, and
// marked FAILED otherwise. It fails when a required dependency is missing or the store
// cannot be read.
func NewService(cfg Config) (*Service, error) {
	switch {
	case cfg.Store == nil:
		return nil, errors.New("grading: config: Store is required")
	case cfg.Sandboxes == nil:
		return nil, errors.New("grading: config: Sandboxes is required")
	case cfg.Catalog == nil:
		return nil, errors.New("grading: config: Catalog is required")
	case cfg.Validators == nil:
		return nil, errors.New("grading: config: Validators is required")
	}
	s := &Service{
		store: cfg.Store, sandboxes: cfg.Sandboxes, catalog: cfg.Catalog,
		validators: cfg.Validators, timeout: cfg.CheckTimeout, now: cfg.Now, log: cfg.Logger,
		runs: map[string]*run{}, bySandbox: map[string]string{},
	}
	if s.timeout <= 0 {
		s.timeout = DefaultCheckTimeout
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.base, s.cancel = context.WithCancel(context.Background())

	ctx, cancel := context.WithTimeout(s.base, time.Minute)
	defer cancel()
	if err := s.recoverInterrupted(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close stops grading in progress and waits for it to stop. Attempts it interrupts stay
// GRADING in the store, for the next NewService to grade again, and their watchers get an
// EUnavailable error. It is safe to call more than once.
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

// checkSubmit validates the arguments of a submission, reporting every bad field.
func checkSubmit(sandbox, requestID string) error {
	var fields []proctor.FieldViolation
	if !proctor.ValidSandboxName(sandbox) {
		fields = append(fields, proctor.FieldViolation{Field: "sandbox", Description: fmt.Sprintf(
			"%q is not of the form sandboxes/{sandbox}", sandbox)})
	}
	if v := proctor.CheckRequestID("request_id", requestID); v != nil {
		fields = append(fields, *v)
	}
	if len(fields) > 0 {
		return proctor.InvalidFields("invalid submit attempt request", fields...)
	}
	return nil
}

// sandboxOf returns the sandbox of an attempt's name, or EInvalid on the field "name".
func sandboxOf(name string) (string, error) {
	sandbox, ok := proctor.ParseAttemptName(name)
	if !ok {
		return "", proctor.InvalidFields("invalid attempt name", proctor.FieldViolation{
			Field: "name", Description: fmt.Sprintf(
				"%q is not of the form sandboxes/{sandbox}/attempts/{attempt}", name)})
	}
	return sandbox, nil
}

func unauthenticated(c proctor.Caller) error {
	if c.Subject == "" {
		return proctor.Errorf(proctor.EUnauthenticated, "the caller has no subject")
	}
	return nil
}

func sandboxNotFound(name string) error {
	return proctor.Errorf(proctor.ENotFound, "sandbox %q not found", name).
		WithReason("SANDBOX_NOT_FOUND")
}

func attemptNotFound(name string) error {
	return proctor.Errorf(proctor.ENotFound, "attempt %q not found", name).
		WithReason("ATTEMPT_NOT_FOUND")
}

// visibleSandbox loads a sandbox the caller may see; any other is ENotFound.
func (s *Service) visibleSandbox(ctx context.Context, caller proctor.Caller, name string) (
	*proctor.Sandbox, error) {
	sb, err := s.sandboxes.Sandbox(ctx, name)
	if proctor.ErrorCodeOf(err) == proctor.ENotFound || (err == nil && !caller.CanSee(sb.Owner)) {
		return nil, sandboxNotFound(name)
	}
	return sb, err
}

// SubmitAttempt starts grading the sandbox and returns the attempt GRADING at once.
//
// Errors: a malformed sandbox name or request id is EInvalid; a sandbox the caller may not
// see is ENotFound; an instructor, who may see but not grade a learner's sandbox, gets
// EPermission; a sandbox that is not READY, is past its expiry time, has an attempt being
// graded, or whose lab is no longer offered is EFailedPrecondition. A request id used
// before on the sandbox returns the attempt created then, as it stands.
func (s *Service) SubmitAttempt(ctx context.Context, caller proctor.Caller, sandbox,
	requestID string) (*proctor.Attempt, error) {
	if err := unauthenticated(caller); err != nil {
		return nil, err
	}
	if err := checkSubmit(sandbox, requestID); err != nil {
		return nil, err
	}
	sb, err := s.visibleSandbox(ctx, caller, sandbox)
	if err != nil {
		return nil, err
	}
	if caller.Subject != sb.Owner && caller.Role != proctor.RoleAdmin {
		return nil, proctor.Errorf(proctor.EPermission,
			"only the owner or an admin may submit sandbox %s", sandbox).
			WithReason("NOT_SANDBOX_OWNER")
	}

	unlock := s.submits.Lock(sandbox)
	defer unlock()
	if requestID != "" {
		prev, err := s.store.AttemptByRequestID(ctx, sandbox, requestID)
		if err == nil {
			return s.current(prev), nil
		}
		if proctor.ErrorCodeOf(err) != proctor.ENotFound {
			return nil, err
		}
	}
	if err := s.gradable(sb); err != nil {
		return nil, err
	}
	lab, err := s.catalog.Lab(sb.LabID)
	if err != nil {
		return nil, proctor.WrapError(proctor.EFailedPrecondition, err,
			"the lab %q of sandbox %s is no longer offered", sb.LabID, sandbox).
			WithReason("LAB_NOT_OFFERED")
	}

	id, err := newID()
	if err != nil {
		return nil, proctor.WrapError(proctor.EInternal, err, "grading: new id")
	}
	a := &proctor.Attempt{
		Name: sandbox + "/attempts/" + id, Sandbox: sandbox, Owner: sb.Owner, LabID: lab.ID,
		State: proctor.AttemptGrading, CreateTime: s.now().UTC(), RequestID: requestID,
	}
	if err := s.store.CreateAttempt(ctx, a); err != nil {
		return nil, err
	}
	r, err := s.start(a, lab, sb.GraderTarget())
	if err != nil {
		// The attempt is stored GRADING; the next start grades it again.
		return nil, err
	}
	s.log.InfoContext(ctx, "attempt grading", "attempt", a.Name, "lab", lab.ID,
		"by", caller.Subject)
	return r.snapshot(), nil
}

// gradable reports why the sandbox cannot be graded now, or nil.
func (s *Service) gradable(sb *proctor.Sandbox) error {
	if reason, why := s.gradableState(sb); reason != "" {
		return proctor.Errorf(proctor.EFailedPrecondition,
			"sandbox %s cannot be graded: %s; only a READY, unexpired sandbox can be",
			sb.Name, why).
			WithReason(reason)
	}
	s.mu.Lock()
	running, busy := s.bySandbox[sb.Name]
	s.mu.Unlock()
	if busy {
		return proctor.Errorf(proctor.EFailedPrecondition,
			"attempt %s of sandbox %s is still being graded; watch it or wait", running, sb.Name).
			WithReason("ATTEMPT_IN_PROGRESS")
	}
	return nil
}

// newID returns a fresh attempt id: "at-" and 16 hexadecimal digits.
func newID() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "at-" + hex.EncodeToString(b[:]), nil
}

// current returns the attempt as it stands: the running one's snapshot, or a as stored.
func (s *Service) current(a *proctor.Attempt) *proctor.Attempt {
	s.mu.Lock()
	r := s.runs[a.Name]
	s.mu.Unlock()
	if r != nil {
		return r.snapshot()
	}
	return a
}

// Attempt returns the named attempt as it stands, with the results complete so far while it
// is graded. A malformed name is EInvalid; an attempt that does not exist or that the caller
// may not see is ENotFound.
func (s *Service) Attempt(ctx context.Context, caller proctor.Caller, name string) (
	*proctor.Attempt, error) {
	a, err := s.visibleAttempt(ctx, caller, name)
	if err != nil {
		return nil, err
	}
	return s.current(a), nil
}

// visibleAttempt loads an attempt the caller may see; any other is ENotFound.
func (s *Service) visibleAttempt(ctx context.Context, caller proctor.Caller, name string) (
	*proctor.Attempt, error) {
	if err := unauthenticated(caller); err != nil {
		return nil, err
	}
	if _, err := sandboxOf(name); err != nil {
		return nil, err
	}
	a, err := s.store.Attempt(ctx, name)
	if proctor.ErrorCodeOf(err) == proctor.ENotFound || (err == nil && !caller.CanSee(a.Owner)) {
		return nil, attemptNotFound(name)
	}
	return a, err
}

// Attempts lists the sandbox's attempts, newest first, each as it stands. A malformed
// sandbox name or page token is EInvalid; a sandbox the caller may not see is ENotFound.
func (s *Service) Attempts(ctx context.Context, caller proctor.Caller, sandbox string,
	page proctor.Page) ([]*proctor.Attempt, string, error) {
	if err := unauthenticated(caller); err != nil {
		return nil, "", err
	}
	if !proctor.ValidSandboxName(sandbox) {
		return nil, "", proctor.InvalidFields("invalid sandbox name", proctor.FieldViolation{
			Field: "parent", Description: fmt.Sprintf(
				"%q is not of the form sandboxes/{sandbox}", sandbox)})
	}
	if _, err := s.visibleSandbox(ctx, caller, sandbox); err != nil {
		return nil, "", err
	}
	list, next, err := s.store.Attempts(ctx, proctor.AttemptFilter{Sandbox: sandbox, Page: page})
	if err != nil {
		return nil, "", err
	}
	for i, a := range list {
		list[i] = s.current(a)
	}
	return list, next, nil
}
