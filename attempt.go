package proctor

import (
	"context"
	"time"
)

// Verdict is the outcome of one check.
type Verdict string

// The verdicts. ERROR means the grader could not tell, and never costs the learner points.
const (
	VerdictPass          Verdict = "PASS"
	VerdictFail          Verdict = "FAIL"
	VerdictNotApplicable Verdict = "NOT_APPLICABLE"
	VerdictError         Verdict = "ERROR"
)

// Evidence is what a validator saw on one resource.
type Evidence struct {
	Resource string // an ARN
	Observed string
	Expected string
}

// Finding is what a validator returns for one check.
type Finding struct {
	Verdict  Verdict
	Message  string
	Evidence []Evidence
	// Fraction is the share of the check that holds, in [0, 1], for checks with partial
	// credit; a PASS is always 1.
	Fraction float64
}

// Result is the graded outcome of one check of an attempt.
type Result struct {
	CheckID   string
	Title     string
	Verdict   Verdict
	Message   string
	Evidence  []Evidence
	Hint      string // the check's hint, set when the verdict is FAIL
	Controls  []string
	Points    float64 // points earned
	MaxPoints int     // the check's points
	Duration  time.Duration
}

// AttemptState is where an attempt is in its grading.
type AttemptState string

// The attempt states.
const (
	AttemptGrading AttemptState = "GRADING"
	AttemptGraded  AttemptState = "GRADED"
	AttemptFailed  AttemptState = "FAILED" // grading itself could not run
)

// Attempt is one submission of a sandbox for grading.
type Attempt struct {
	Name         string // "sandboxes/{sandbox}/attempts/{attempt}"
	Sandbox      string // the sandbox's name
	Owner        string
	LabID        string
	State        AttemptState
	Message      string
	Results      []Result // in the lab's check order once graded
	Score        float64
	MaxScore     int // the points of the checks that could be graded
	Passed       bool
	CreateTime   time.Time
	CompleteTime time.Time
	RequestID    string
}

// AttemptFilter selects attempts in a listing.
type AttemptFilter struct {
	Sandbox string // the sandbox's name; required
	Page    Page
}

// AttemptStore keeps attempts and their results.
type AttemptStore interface {
	// CreateAttempt stores a new attempt.
	CreateAttempt(ctx context.Context, a *Attempt) error
	// Attempt returns the attempt with the given name, or ENotFound.
	Attempt(ctx context.Context, name string) (*Attempt, error)
	// AttemptByRequestID returns the sandbox's attempt created with the request id, or
	// ENotFound.
	AttemptByRequestID(ctx context.Context, sandbox, requestID string) (*Attempt, error)
	// Attempts returns one page of a sandbox's attempts, newest first, and the next token.
	Attempts(ctx context.Context, f AttemptFilter) ([]*Attempt, string, error)
	// UpdateAttempt replaces a stored attempt and its results.
	UpdateAttempt(ctx context.Context, a *Attempt) error
}

// Validator decides one check against a sandbox, reading it through the AWS API with the
// grader's read-only credentials. It never changes the sandbox.
type Validator interface {
	// Validate grades the check with the given parameters. A failure to observe the sandbox
	// (access denied to the grader, throttling, a backend fault) is a Finding with
	// VerdictError, not an error; an error means the parameters are invalid.
	Validate(ctx context.Context, target Target, params map[string]any) (Finding, error)
}
