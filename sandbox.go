package proctor

import (
	"context"
	"time"
)

// SandboxState is where a sandbox is in its lifecycle:
// PROVISIONING -> READY -> EXPIRED or DELETED (-> CLEANING -> gone), or FAILED, or QUARANTINED
// when its cleanup keeps failing.
type SandboxState string

// The sandbox states.
const (
	SandboxProvisioning SandboxState = "PROVISIONING"
	SandboxReady        SandboxState = "READY"
	SandboxFailed       SandboxState = "FAILED"
	SandboxExpired      SandboxState = "EXPIRED"
	SandboxDeleted      SandboxState = "DELETED"
	SandboxCleaning     SandboxState = "CLEANING"
	SandboxQuarantined  SandboxState = "QUARANTINED"
)

// Credentials are AWS credentials. They are secrets: String redacts them, and they are
// returned only to the owner of the sandbox they belong to.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
}

// String returns the access key id alone, so that credentials printed by mistake leak nothing.
func (c Credentials) String() string { return c.AccessKeyID + "/<redacted>" }

// GoString is String, for %#v.
func (c Credentials) GoString() string { return c.String() }

// Endpoint says how clients reach a sandbox's AWS API. It is empty for real AWS accounts.
type Endpoint struct {
	HTTP     string // e.g. "http://localhost:4566"
	HTTPS    string // e.g. "https://localhost:4567"
	CABundle string // path of the PEM file that verifies the HTTPS endpoint's certificate
	Proxy    string // an HTTP proxy that reaches the endpoint's account-prefixed host names
}

// Target is what it takes to call one sandbox account's AWS API with one set of
// credentials: the learner's, for steps, or the grader's, for validators.
type Target struct {
	AccountID   string
	Region      string
	Endpoint    Endpoint
	Credentials Credentials
}

// Sandbox is one AWS account lent to one learner for one lab.
type Sandbox struct {
	Name       string // "sandboxes/{id}"
	Owner      string // the learner's subject
	LabID      string
	Backend    string // "embedded", "localstack" or "aws"
	State      SandboxState
	Message    string // why the sandbox is FAILED or QUARANTINED
	AccountID  string
	Region     string
	Endpoint   Endpoint
	Learner    Credentials // the learner's credentials; a secret
	Grader     Credentials // read-only credentials for validators; never leave the server
	CreateTime time.Time
	ExpireTime time.Time
	RequestID  string // the client's idempotency key for the create request, if any
}

// LearnerTarget returns the target that acts with the learner's credentials.
func (s *Sandbox) LearnerTarget() Target {
	return Target{AccountID: s.AccountID, Region: s.Region, Endpoint: s.Endpoint,
		Credentials: s.Learner}
}

// GraderTarget returns the target that acts with the grader's read-only credentials.
func (s *Sandbox) GraderTarget() Target {
	return Target{AccountID: s.AccountID, Region: s.Region, Endpoint: s.Endpoint,
		Credentials: s.Grader}
}

// Account is what a Provisioner lends: an AWS account with its credentials.
type Account struct {
	ID       string
	Region   string
	Endpoint Endpoint
	Learner  Credentials
	Grader   Credentials
}

// Provisioner lends AWS accounts to sandboxes. The embedded emulator, LocalStack containers
// and a pool of real AWS accounts each implement it.
type Provisioner interface {
	// Backend returns the backend's name, e.g. "embedded".
	Backend() string
	// Supports returns nil when the backend can serve every service of the lab, and else an
	// EFailedPrecondition error that names the services it lacks.
	Supports(services []string) error
	// Provision lends a fresh, empty account.
	Provision(ctx context.Context) (*Account, error)
	// Release returns the account and destroys everything in it. Releasing an account that
	// is already gone is not an error.
	Release(ctx context.Context, accountID string) error
}

// SandboxFilter selects sandboxes in a listing.
type SandboxFilter struct {
	Owner string // empty means every owner
	Page  Page
}

// Page asks for one page of a listing.
type Page struct {
	Size  int    // at most this many items; the store caps it
	Token string // the opaque token of the previous page's end, or "" for the first page
}

// SandboxStore keeps sandboxes.
type SandboxStore interface {
	// CreateSandbox stores a new sandbox. It returns EConflict if the name is taken.
	CreateSandbox(ctx context.Context, s *Sandbox) error
	// Sandbox returns the sandbox with the given name, or ENotFound.
	Sandbox(ctx context.Context, name string) (*Sandbox, error)
	// SandboxByRequestID returns the owner's sandbox created with the request id, or
	// ENotFound.
	SandboxByRequestID(ctx context.Context, owner, requestID string) (*Sandbox, error)
	// Sandboxes returns one page of sandboxes, newest first, and the next page's token ("" at
	// the end).
	Sandboxes(ctx context.Context, f SandboxFilter) ([]*Sandbox, string, error)
	// UpdateSandbox replaces a stored sandbox; ENotFound if there is none of that name.
	UpdateSandbox(ctx context.Context, s *Sandbox) error
}
