package localstack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	tclog "github.com/testcontainers/testcontainers-go/log"

	"github.com/proctorlabs/proctor"
)

// Backend is the backend name of the LocalStack provisioner.
const Backend = "localstack"

// The labels on every sandbox container. Release finds a sandbox's container by them.
const (
	LabelBackend = "proctor.backend"            // always "localstack"
	LabelAccount = "proctor.localstack.account" // the sandbox's account id
)

// servicePort is the port LocalStack serves every AWS API on inside its container.
const servicePort = "4566/tcp"

// engineProbeTimeout bounds the check that a Docker engine answers, so that a machine
// without one learns so at once instead of after testcontainers-go's retries.
const engineProbeTimeout = 1500 * time.Millisecond

// containerSpec is what the provisioner asks of the container engine for one sandbox.
type containerSpec struct {
	Image        string
	Env          map[string]string
	Labels       map[string]string
	Services     []string // the services the health endpoint must report ready
	StartTimeout time.Duration
	// Loopback binds the container's port on the host's loopback interface only, for an
	// engine on this machine: LocalStack checks no secret key, so whoever reaches the port
	// can use the sandbox.
	Loopback bool
}

// engine starts and removes sandbox containers. The Docker engine is the real one; tests use
// a fake.
type engine interface {
	// start runs a container and waits until its health endpoint reports the spec's services
	// ready; it returns the container's id and the host port mapped to servicePort. A
	// container that does not become ready is removed.
	start(ctx context.Context, spec containerSpec) (id, port string, err error)
	// remove removes every container labelled with the account id and returns how many it
	// removed; none is not an error.
	remove(ctx context.Context, accountID string) (int, error)
	// count returns how many containers are labelled with the account id.
	count(ctx context.Context, accountID string) (int, error)
}

// Provisioner implements proctor.Provisioner with one LocalStack container per sandbox. It is
// safe for concurrent use.
type Provisioner struct {
	cfg  Config
	host string // the host name in endpoint URLs
	// loopback says the engine's ports can be bound on the loopback interface alone: the
	// engine is this machine's and Proctor does not run in a container of its own, where
	// the host's loopback interface is out of reach.
	loopback bool
	eng      engine
	log      *slog.Logger

	mu       sync.Mutex
	starting map[string]bool // account ids whose containers are being started
}

var _ proctor.Provisioner = (*Provisioner)(nil)

// New validates cfg, fills its defaults (the auth token from LOCALSTACK_AUTH_TOKEN when
// cfg.AuthToken is empty) and returns a provisioner that starts containers on the Docker
// engine named by DOCKER_HOST, or the local socket. An invalid cfg is an error naming every
// field at fault. When no Docker engine answers within a second or two, New returns an
// EUnavailable *proctor.Error that names the engine's address.
func New(cfg Config) (*Provisioner, error) {
	cfg = cfg.withDefaults(os.Getenv)
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	dockerHost := dockerHostFromEnv(os.Getenv)
	host := cfg.HostName
	if host == "" {
		var err error
		if host, err = endpointHost(dockerHost); err != nil {
			return nil, err
		}
	}
	// testcontainers-go logs some lines (its reaper's, its provider's) through a logger of
	// its own; they go to this provisioner's logger instead of stderr. It is process-wide,
	// so the provisioner made last receives them.
	tclog.SetDefault(tcLogger{log: cfg.Logger, token: cfg.AuthToken})
	eng, err := newDockerEngine(dockerHost, cfg.Logger, cfg.AuthToken)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), engineProbeTimeout)
	defer cancel()
	if err := eng.probe(ctx); err != nil {
		eng.close()
		return nil, err
	}
	p := newProvisioner(cfg, host, eng)
	p.loopback = host == "localhost" && !inContainer()
	return p, nil
}

// inContainer reports whether this process runs in a Docker container.
func inContainer() bool {
	_, err := os.Stat("/.dockerenv")
	return err == nil
}

// newProvisioner returns a provisioner on eng for a defaulted, valid cfg.
func newProvisioner(cfg Config, host string, eng engine) *Provisioner {
	return &Provisioner{cfg: cfg, host: host, loopback: host == "localhost", eng: eng,
		log: cfg.Logger, starting: map[string]bool{}}
}

// Close releases the provisioner's connection to the Docker engine. Sandboxes already lent
// keep running; Release them first to end them.
func (p *Provisioner) Close() error {
	if c, ok := p.eng.(interface{ close() }); ok {
		c.close()
	}
	return nil
}

// Backend returns "localstack".
func (p *Provisioner) Backend() string { return Backend }

// Provision starts a LocalStack container for a new sandbox, waits until LocalStack reports
// every enabled service ready, and returns its account: the account id, the region, the HTTP
// endpoint on the container's mapped port, and separate learner and grader credentials that
// LocalStack maps to the account. A cancelled or expired ctx stops the start and removes the
// container. With Config.AccountID set, a second sandbox while one is lent is
// EResourceExhausted; a container that cannot be started is EUnavailable.
func (p *Provisioner) Provision(ctx context.Context) (*proctor.Account, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("localstack: provision: %w", err)
	}
	account, err := p.reserve(ctx)
	if err != nil {
		return nil, err
	}
	defer p.unreserve(account)

	learner, err := newCredentials(account)
	if err != nil {
		return nil, err
	}
	grader, err := newCredentials(account)
	if err != nil {
		return nil, err
	}

	start := time.Now()
	id, port, err := p.eng.start(ctx, p.spec(account))
	if err != nil {
		err = p.scrub(err)
		p.log.ErrorContext(ctx, "localstack container not started", "account", account,
			"image", p.cfg.Image, "error", err)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("localstack: provision %s: %w", account, ctx.Err())
		}
		return nil, proctor.WrapError(proctor.EUnavailable, err,
			"the LocalStack container for a new sandbox did not start").
			WithReason("BACKEND_UNAVAILABLE")
	}
	p.log.InfoContext(ctx, "localstack sandbox ready", "account", account, "container", id,
		"port", port, "took", time.Since(start).Round(time.Millisecond))

	return &proctor.Account{
		ID:       account,
		Region:   p.cfg.Region,
		Endpoint: proctor.Endpoint{HTTP: "http://" + p.host + ":" + port},
		Learner:  learner,
		Grader:   grader,
	}, nil
}

// spec returns the container the account's sandbox runs.
func (p *Provisioner) spec(account string) containerSpec {
	env := map[string]string{
		"SERVICES": servicesEnv(p.cfg.Services),
		// Start the services with the container, so that the health endpoint says they run
		// and a learner's first call is not the slow one.
		"EAGER_SERVICE_LOADING": "1",
	}
	if p.cfg.AuthToken != "" {
		env[AuthTokenEnv] = p.cfg.AuthToken
	}
	return containerSpec{
		Image:        p.cfg.Image,
		Env:          env,
		Labels:       map[string]string{LabelBackend: Backend, LabelAccount: account},
		Services:     sorted(p.cfg.Services),
		StartTimeout: p.cfg.StartTimeout,
		Loopback:     p.loopback,
	}
}

// reserve picks the account id of a new sandbox and marks it as starting.
func (p *Provisioner) reserve(ctx context.Context) (string, error) {
	if p.cfg.AccountID == "" {
		for {
			account, err := randomAccountID()
			if err != nil {
				return "", err
			}
			p.mu.Lock()
			taken := p.starting[account]
			p.starting[account] = true
			p.mu.Unlock()
			// Ids are random in a space of 10^12, so a clash with a live container is
			// not checked against the engine: it would cost a Docker call per sandbox.
			if !taken {
				return account, nil
			}
		}
	}

	account := p.cfg.AccountID
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.starting[account] {
		return "", lentError(account)
	}
	n, err := p.eng.count(ctx, account)
	if err != nil {
		return "", proctor.WrapError(proctor.EUnavailable, p.scrub(err),
			"the Docker engine did not say whether account %s is lent", account).
			WithReason("BACKEND_UNAVAILABLE")
	}
	if n > 0 {
		return "", lentError(account)
	}
	p.starting[account] = true
	return account, nil
}

func lentError(account string) error {
	return proctor.Errorf(proctor.EResourceExhausted,
		"the localstack backend lends one sandbox at a time with its fixed account id %s, "+
			"and that sandbox is lent", account).WithReason("NO_ACCOUNT_AVAILABLE")
}

func (p *Provisioner) unreserve(account string) {
	p.mu.Lock()
	delete(p.starting, account)
	p.mu.Unlock()
}

// Release removes the container of the sandbox with the account id, and with it everything
// in the account. Releasing an account whose container is already gone is not an error; an
// account id that is not 12 digits is EInvalid and removes nothing.
func (p *Provisioner) Release(ctx context.Context, accountID string) error {
	if !accountPattern.MatchString(accountID) {
		return proctor.Errorf(proctor.EInvalid, "account id %q is not 12 digits", accountID).
			WithReason("INVALID_ARGUMENT")
	}
	n, err := p.eng.remove(ctx, accountID)
	if err != nil {
		return fmt.Errorf("localstack: release %s: %w", accountID, p.scrub(err))
	}
	if n > 0 {
		p.log.InfoContext(ctx, "localstack sandbox removed", "account", accountID,
			"containers", n)
	}
	return nil
}

// scrub returns err with the auth token, should any message of the engine repeat it, replaced
// by a mark; the chain of a scrubbed error is lost, its text kept.
func (p *Provisioner) scrub(err error) error {
	return scrubToken(err, p.cfg.AuthToken)
}

func scrubToken(err error, token string) error {
	if err == nil || token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), token, "<redacted>"))
}
