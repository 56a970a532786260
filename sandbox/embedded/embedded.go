// Package embedded lends sandboxes from awsim, the AWS-compatible endpoint that runs inside
// the Proctor process: each sandbox is one emulated account, created in microseconds and
// isolated from every other account by awsim.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/awsim"
)

// Backend is the backend name of the embedded provisioner.
const Backend = "embedded"

// defaultServices are the services awsim serves, by endpoint prefix, for a server that does
// not say.
var defaultServices = []string{"iam", "kms", "s3", "s3control", "sts"}

// Provisioner implements proctor.Provisioner on an awsim server. It is safe for concurrent
// use.
type Provisioner struct {
	srv      *awsim.Server
	services []string
}

var _ proctor.Provisioner = (*Provisioner)(nil)

// New returns a provisioner that lends accounts of srv. The server must be started before
// Provision is called, since a sandbox's endpoint is the server's listeners.
func New(srv *awsim.Server) *Provisioner {
	services := defaultServices
	// A server that lists its services is believed; awsim grows a service at a time.
	if lister, ok := any(srv).(interface{ Services() []string }); ok {
		services = slices.Clone(lister.Services())
		sort.Strings(services)
	}
	return &Provisioner{srv: srv, services: services}
}

// Backend returns "embedded".
func (p *Provisioner) Backend() string { return Backend }

// Services returns the services the provisioner's sandboxes serve, sorted.
func (p *Provisioner) Services() []string { return slices.Clone(p.services) }

// Supports returns nil when awsim serves every one of the services, and else an
// EFailedPrecondition error that names those it lacks.
func (p *Provisioner) Supports(services []string) error {
	var missing []string
	for _, s := range services {
		if !slices.Contains(p.services, s) && !slices.Contains(missing, s) {
			missing = append(missing, s)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return proctor.Errorf(proctor.EFailedPrecondition,
		"the embedded backend does not serve %s (it serves %s)",
		strings.Join(missing, ", "), strings.Join(p.services, ", ")).
		WithReason("BACKEND_LACKS_SERVICE")
}

// Provision creates a fresh account in awsim and returns it with the server's endpoints,
// CA bundle and proxy, and separate learner and grader credentials. A server that is not
// listening is EUnavailable.
func (p *Provisioner) Provision(ctx context.Context) (*proctor.Account, error) {
	ep := proctor.Endpoint{HTTP: p.srv.HTTPEndpoint(), HTTPS: p.srv.HTTPSEndpoint(),
		CABundle: p.srv.CAFile(), Proxy: p.srv.ProxyURL()}
	if ep.HTTP == "" || ep.HTTPS == "" {
		return nil, proctor.Errorf(proctor.EUnavailable, "the embedded AWS endpoint is not listening")
	}
	acct, err := p.srv.CreateAccount(ctx)
	if err != nil {
		return nil, fmt.Errorf("embedded: provision: %w", err)
	}
	return &proctor.Account{
		ID:       acct.ID,
		Region:   p.srv.Region(),
		Endpoint: ep,
		Learner:  credentials(acct.Learner),
		Grader:   credentials(acct.Grader),
	}, nil
}

func credentials(c awsim.Credentials) proctor.Credentials {
	return proctor.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey,
		SessionToken: c.SessionToken}
}

// Release deletes the account and everything in it from awsim; its credentials stop
// working at once. Releasing an account that is already gone is not an error.
func (p *Provisioner) Release(ctx context.Context, accountID string) error {
	err := p.srv.DeleteAccount(ctx, accountID)
	if errors.Is(err, awsim.ErrNoAccount) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("embedded: release %s: %w", accountID, err)
	}
	return nil
}
