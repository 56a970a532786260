package localstack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tclocalstack "github.com/testcontainers/testcontainers-go/modules/localstack"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/proctorlabs/proctor"
)

// dockerEngine runs sandbox containers on a Docker engine: testcontainers-go's LocalStack
// module starts them, and a plain Docker client finds and removes them by label.
type dockerEngine struct {
	host  string // the DOCKER_HOST the engine answers at
	cli   *client.Client
	log   *slog.Logger
	token string // the auth token, kept out of every log line
}

var _ engine = (*dockerEngine)(nil)

func newDockerEngine(host string, log *slog.Logger, token string) (*dockerEngine, error) {
	cli, err := client.New(client.FromEnv, client.WithHost(host),
		client.WithAPIVersionNegotiation())
	if err != nil {
		return nil, fmt.Errorf("localstack: Docker client for %s: %w", host, err)
	}
	return &dockerEngine{host: host, cli: cli, log: log, token: token}, nil
}

func (d *dockerEngine) close() { _ = d.cli.Close() }

// probe returns nil when the Docker engine answers a ping before ctx ends, and else an
// EUnavailable error that names the engine's address.
func (d *dockerEngine) probe(ctx context.Context) error {
	if _, err := d.cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		return proctor.WrapError(proctor.EUnavailable, err,
			"no Docker engine answers at %s", d.host).WithReason("BACKEND_UNAVAILABLE")
	}
	return nil
}

func (d *dockerEngine) start(ctx context.Context, spec containerSpec) (id, port string,
	err error) {
	// testcontainers-go panics when it cannot find a Docker engine, which may have gone
	// away since New asked.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("localstack: testcontainers: %v", r)
		}
	}()

	ready := wait.ForHTTP(healthPath).WithPort(servicePort).
		WithResponseMatcher(healthMatcher(spec.Services)).
		WithStartupTimeout(spec.StartTimeout)
	ctr, err := tclocalstack.Run(ctx, spec.Image,
		testcontainers.WithEnv(spec.Env),
		testcontainers.WithLabels(spec.Labels),
		testcontainers.WithHostConfigModifier(hostConfig(spec)),
		testcontainers.WithWaitStrategyAndDeadline(spec.StartTimeout, ready),
		testcontainers.WithLogger(tcLogger{log: d.log, token: d.token}),
	)
	if err != nil {
		if ctr != nil {
			d.terminate(ctr)
		}
		return "", "", fmt.Errorf("localstack: start %s: %w", spec.Image, err)
	}

	mapped, err := ctr.MappedPort(ctx, servicePort)
	if err != nil {
		d.terminate(ctr)
		return "", "", fmt.Errorf("localstack: port of container %s: %w",
			ctr.GetContainerID(), err)
	}
	return ctr.GetContainerID(), mapped.Port(), nil
}

// hostConfig returns the changes a sandbox container makes to the module's host
// configuration.
func hostConfig(spec containerSpec) func(*container.HostConfig) {
	return func(hc *container.HostConfig) {
		// The module mounts the host's Docker socket for Lambda; a learner's sandbox must
		// not hold the engine.
		hc.Binds = nil
		if spec.Loopback {
			hc.PortBindings = network.PortMap{network.MustParsePort(servicePort): {
				{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: "0"}}}
		}
	}
}

// terminate removes a container that did not become a sandbox, even when the caller's
// context is done.
func (d *dockerEngine) terminate(ctr *tclocalstack.LocalStackContainer) {
	if err := testcontainers.TerminateContainer(ctr); err != nil {
		d.log.Warn("localstack container not removed", "container", ctr.GetContainerID(),
			"error", scrubToken(err, d.token))
	}
}

func (d *dockerEngine) list(ctx context.Context, accountID string) ([]string, error) {
	filters := make(client.Filters).
		Add("label", LabelBackend+"="+Backend).
		Add("label", LabelAccount+"="+accountID)
	res, err := d.cli.ContainerList(ctx, client.ContainerListOptions{All: true,
		Filters: filters})
	if err != nil {
		return nil, fmt.Errorf("localstack: list containers of account %s: %w", accountID, err)
	}
	ids := make([]string, 0, len(res.Items))
	for _, c := range res.Items {
		ids = append(ids, c.ID)
	}
	return ids, nil
}

func (d *dockerEngine) count(ctx context.Context, accountID string) (int, error) {
	ids, err := d.list(ctx, accountID)
	return len(ids), err
}

func (d *dockerEngine) remove(ctx context.Context, accountID string) (int, error) {
	ids, err := d.list(ctx, accountID)
	if err != nil {
		return 0, err
	}
	removed := 0
	var errs []error
	for _, id := range ids {
		_, err := d.cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true,
			RemoveVolumes: true})
		switch {
		case err == nil:
			removed++
		case errdefs.IsNotFound(err):
			// Gone between the listing and now: what Release wanted.
		default:
			errs = append(errs, fmt.Errorf("remove container %s: %w", id, err))
		}
	}
	return removed, errors.Join(errs...)
}

// tcLogger passes testcontainers-go's log lines to slog at debug level, with the auth token
// replaced should a line ever carry it.
type tcLogger struct {
	log   *slog.Logger
	token string
}

// Printf logs one line of testcontainers-go.
func (l tcLogger) Printf(format string, args ...any) {
	msg := strings.TrimSpace(fmt.Sprintf(format, args...))
	if l.token != "" {
		msg = strings.ReplaceAll(msg, l.token, "<redacted>")
	}
	l.log.Debug("testcontainers", "message", msg)
}
