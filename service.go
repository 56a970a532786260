package proctor

import (
	"context"
	"time"
)

// Role is what a caller may do.
type Role string

// The roles. A learner works in their own sandboxes; an instructor also reads every
// learner's sandboxes and attempts; an admin may do anything.
const (
	RoleLearner    Role = "learner"
	RoleInstructor Role = "instructor"
	RoleAdmin      Role = "admin"
)

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	return r == RoleLearner || r == RoleInstructor || r == RoleAdmin
}

// Caller is the authenticated subject of a request.
type Caller struct {
	Subject string
	Role    Role
}

// CanSee reports whether the caller may read resources owned by owner: their own, or any
// when the caller is an instructor or admin.
func (c Caller) CanSee(owner string) bool {
	return c.Subject == owner || c.Role == RoleInstructor || c.Role == RoleAdmin
}

// SandboxService lends sandboxes to learners. Every method authorizes the caller: a
// sandbox the caller may not see is reported as ENotFound, so that its existence leaks
// nothing.
type SandboxService interface {
	// CreateSandbox provisions a sandbox for the lab, owned by the caller, runs the lab's
	// setup and returns it READY. A repeated requestID of the same caller returns the sandbox
	// created the first time. A lab whose services the backend lacks is EFailedPrecondition.
	CreateSandbox(ctx context.Context, caller Caller, labID, requestID string) (*Sandbox, error)
	// Sandbox returns a sandbox by name.
	Sandbox(ctx context.Context, caller Caller, name string) (*Sandbox, error)
	// Sandboxes lists the sandboxes the caller may see, newest first.
	Sandboxes(ctx context.Context, caller Caller, page Page) ([]*Sandbox, string, error)
	// DeleteSandbox releases the sandbox's account and marks it DELETED.
	DeleteSandbox(ctx context.Context, caller Caller, name string) (*Sandbox, error)
	// ExtendSandbox pushes a READY sandbox's expiry back by the duration, within the
	// service's longest lifetime; only its owner or an admin may.
	ExtendSandbox(ctx context.Context, caller Caller, name string,
		by time.Duration) (*Sandbox, error)
}

// AttemptEvent is one step of an attempt's grading: a check's result as it completes, then
// the finished attempt.
type AttemptEvent struct {
	Result  *Result  // set for a completed check
	Attempt *Attempt // the attempt as it stands; State is final on the last event
}

// AttemptService grades sandboxes. It authorizes the caller as SandboxService does.
type AttemptService interface {
	// SubmitAttempt starts grading the sandbox, which must be READY, and returns the attempt
	// in state GRADING at once. A repeated requestID returns the first attempt.
	SubmitAttempt(ctx context.Context, caller Caller, sandbox, requestID string) (*Attempt, error)
	// Attempt returns an attempt by name.
	Attempt(ctx context.Context, caller Caller, name string) (*Attempt, error)
	// Attempts lists a sandbox's attempts, newest first.
	Attempts(ctx context.Context, caller Caller, sandbox string, page Page) ([]*Attempt, string, error)
	// WatchAttempt calls fn with every completed check's result, in completion order
	// (results already complete first), then once with the finished attempt, and returns.
	// It returns early with fn's error or the context's.
	WatchAttempt(ctx context.Context, caller Caller, name string, fn func(AttemptEvent) error) error
}
