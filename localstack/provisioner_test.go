package localstack

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor"
)

// fakeEngine records what the provisioner asks of it and keeps its "containers" by account.
type fakeEngine struct {
	mu         sync.Mutex
	specs      []containerSpec
	containers map[string]int // account id -> containers
	port       string
	startErr   error
	block      bool // start waits for its context to end
	removeErr  error
	removes    int
}

func (f *fakeEngine) start(ctx context.Context, spec containerSpec) (string, string, error) {
	if f.block {
		<-ctx.Done()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.specs = append(f.specs, spec)
	if f.startErr != nil {
		return "", "", f.startErr
	}
	if err := ctx.Err(); err != nil {
		return "", "", err
	}
	if f.containers == nil {
		f.containers = map[string]int{}
	}
	f.containers[spec.Labels[LabelAccount]]++
	return "c0ffee", f.port, nil
}

func (f *fakeEngine) remove(_ context.Context, account string) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.removes++
	if f.removeErr != nil {
		return 0, f.removeErr
	}
	n := f.containers[account]
	delete(f.containers, account)
	return n, nil
}

func (f *fakeEngine) count(_ context.Context, account string) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.containers[account], nil
}

// newTest returns a provisioner on a fake engine whose log goes to the returned buffer at
// debug level.
func newTest(t *testing.T, cfg Config) (*Provisioner, *fakeEngine, *bytes.Buffer) {
	t.Helper()
	var logged bytes.Buffer
	cfg.Logger = slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{
		Level: slog.LevelDebug}))
	cfg = cfg.withDefaults(noEnv)
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	eng := &fakeEngine{port: "32771"}
	return newProvisioner(cfg, "localhost", eng), eng, &logged
}

func TestProvisionMapsTheContainerToAnAccount(t *testing.T) {
	p, eng, _ := newTest(t, Config{Region: "eu-central-1"})
	acct, err := p.Provision(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	if !accountPattern.MatchString(acct.ID) || acct.ID == localStackDefaultAccount {
		t.Errorf("account id %q, want 12 digits of the sandbox's own", acct.ID)
	}
	want := proctor.Endpoint{HTTP: "http://localhost:32771"}
	if diff := cmp.Diff(want, acct.Endpoint); diff != "" {
		t.Errorf("endpoint (-want +got):\n%s", diff)
	}
	if acct.Region != "eu-central-1" {
		t.Errorf("region %q, want eu-central-1", acct.Region)
	}
	for name, c := range map[string]proctor.Credentials{"learner": acct.Learner,
		"grader": acct.Grader} {
		if got := decodeAccount(t, c.AccessKeyID); got != acct.ID {
			t.Errorf("%s key %s decodes to account %s, want %s", name, c.AccessKeyID, got,
				acct.ID)
		}
		if c.SecretAccessKey == "" {
			t.Errorf("%s has no secret key", name)
		}
	}
	if acct.Learner.AccessKeyID == acct.Grader.AccessKeyID {
		t.Error("learner and grader share an access key")
	}
	if !eng.specs[0].Loopback {
		t.Error("a sandbox on localhost is not bound to the loopback interface")
	}
	if got := eng.specs[0].Labels; !cmp.Equal(got, map[string]string{
		"proctor.backend": "localstack", "proctor.localstack.account": acct.ID}) {
		t.Errorf("labels %v", got)
	}

	other, err := p.Provision(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if other.ID == acct.ID {
		t.Errorf("two sandboxes share account %s", acct.ID)
	}
}

func TestRemoteEngineBindsEveryInterface(t *testing.T) {
	cfg := Config{}.withDefaults(noEnv)
	eng := &fakeEngine{port: "40001"}
	acct, err := newProvisioner(cfg, "docker.build.internal", eng).Provision(
		context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if acct.Endpoint.HTTP != "http://docker.build.internal:40001" {
		t.Errorf("endpoint %q", acct.Endpoint.HTTP)
	}
	if eng.specs[0].Loopback {
		t.Error("a sandbox on a remote engine is bound to that engine's loopback interface")
	}
}

func TestProvisionPassesTheEnvironment(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		token string // LOCALSTACK_AUTH_TOKEN in the process environment
		want  map[string]string
	}{
		{name: "no token", cfg: Config{Services: []string{"sts", "s3"}},
			want: map[string]string{"SERVICES": "s3,sts", "EAGER_SERVICE_LOADING": "1"}},
		{name: "token from the environment", cfg: Config{Services: []string{"kms"}},
			token: "ls-from-env-0001",
			want: map[string]string{"SERVICES": "kms", "EAGER_SERVICE_LOADING": "1",
				"LOCALSTACK_AUTH_TOKEN": "ls-from-env-0001"}},
		{name: "token in the config wins", token: "ls-from-env-0002",
			cfg: Config{Services: []string{"kms"}, AuthToken: "ls-from-config"},
			want: map[string]string{"SERVICES": "kms", "EAGER_SERVICE_LOADING": "1",
				"LOCALSTACK_AUTH_TOKEN": "ls-from-config"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logged bytes.Buffer
			cfg := tt.cfg
			cfg.Logger = slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{
				Level: slog.LevelDebug}))
			cfg = cfg.withDefaults(envOf(map[string]string{AuthTokenEnv: tt.token}))
			eng := &fakeEngine{port: "4566"}
			p := newProvisioner(cfg, "localhost", eng)
			if _, err := p.Provision(context.Background()); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, eng.specs[0].Env); diff != "" {
				t.Errorf("container environment (-want +got):\n%s", diff)
			}
			if eng.specs[0].Image != DefaultImage {
				t.Errorf("image %q, want %q", eng.specs[0].Image, DefaultImage)
			}
			if token := tt.want[AuthTokenEnv]; token != "" &&
				strings.Contains(logged.String(), token) {
				t.Errorf("the log shows the auth token:\n%s", logged.String())
			}
			if !strings.Contains(logged.String(), "localstack sandbox ready") {
				t.Errorf("the log does not say the sandbox is ready:\n%s", logged.String())
			}
		})
	}
}

func TestProvisionFailureHidesTheToken(t *testing.T) {
	const token = "ls-very-secret-token"
	p, eng, logged := newTest(t, Config{AuthToken: token})
	eng.startErr = errors.New("create container: env LOCALSTACK_AUTH_TOKEN=" + token +
		" rejected")
	_, err := p.Provision(context.Background())
	if proctor.ErrorCodeOf(err) != proctor.EUnavailable {
		t.Fatalf("Provision = %v, want EUnavailable", err)
	}
	if strings.Contains(err.Error(), token) {
		t.Errorf("the error shows the token: %v", err)
	}
	if !strings.Contains(err.Error(), "<redacted>") {
		t.Errorf("the error lost the engine's message: %v", err)
	}
	if strings.Contains(logged.String(), token) {
		t.Errorf("the log shows the token:\n%s", logged.String())
	}
	if !strings.Contains(logged.String(), "localstack container not started") {
		t.Errorf("the failure is not logged:\n%s", logged.String())
	}
}

func TestProvisionHonoursTheContext(t *testing.T) {
	p, eng, _ := newTest(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := p.Provision(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Provision(cancelled) = %v, want context.Canceled", err)
	}
	if len(eng.specs) != 0 {
		t.Errorf("a cancelled Provision started %d containers", len(eng.specs))
	}

	// Cancelled while the container starts: the context's error, not the backend's.
	eng.block = true
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = p.Provision(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Provision past its deadline = %v, want context.DeadlineExceeded", err)
	}
	if len(eng.containers) != 0 {
		t.Errorf("a Provision past its deadline left containers %v", eng.containers)
	}
}

func TestPinnedAccountLendsOneSandboxAtATime(t *testing.T) {
	p, _, _ := newTest(t, Config{AccountID: "000000000000"})
	first, err := p.Provision(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if first.ID != "000000000000" {
		t.Errorf("account %q, want the pinned 000000000000", first.ID)
	}
	if got := decodeAccount(t, first.Learner.AccessKeyID); got != first.ID {
		t.Errorf("learner key decodes to %s", got)
	}
	_, err = p.Provision(context.Background())
	if proctor.ErrorCodeOf(err) != proctor.EResourceExhausted {
		t.Fatalf("second Provision = %v, want EResourceExhausted", err)
	}
	if err := p.Release(context.Background(), first.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Provision(context.Background()); err != nil {
		t.Errorf("Provision after Release = %v", err)
	}
}

func TestRelease(t *testing.T) {
	p, eng, logged := newTest(t, Config{})
	acct, err := p.Provision(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	keep, err := p.Provision(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	if err := p.Release(context.Background(), acct.ID); err != nil {
		t.Fatalf("Release = %v", err)
	}
	if eng.containers[acct.ID] != 0 || eng.containers[keep.ID] != 1 {
		t.Errorf("after Release of %s, containers are %v", acct.ID, eng.containers)
	}
	if !strings.Contains(logged.String(), "localstack sandbox removed") {
		t.Errorf("the release is not logged:\n%s", logged.String())
	}
	if err := p.Release(context.Background(), acct.ID); err != nil {
		t.Errorf("Release of a gone sandbox = %v, want nil", err)
	}

	removes := eng.removes
	for _, bad := range []string{"", "12345", "label=x", "1234567890123"} {
		err := p.Release(context.Background(), bad)
		if proctor.ErrorCodeOf(err) != proctor.EInvalid {
			t.Errorf("Release(%q) = %v, want EInvalid", bad, err)
		}
	}
	if eng.removes != removes {
		t.Errorf("bad account ids reached the engine %d times", eng.removes-removes)
	}

	eng.removeErr = errors.New("engine on fire")
	err = p.Release(context.Background(), keep.ID)
	if err == nil || !strings.Contains(err.Error(), "localstack: release "+keep.ID) {
		t.Errorf("Release with a failing engine = %v", err)
	}
}

func TestNewWithoutAnEngine(t *testing.T) {
	sock := "unix://" + filepath.Join(t.TempDir(), "no-docker.sock")
	t.Setenv("DOCKER_HOST", sock)
	_, err := New(Config{})
	if proctor.ErrorCodeOf(err) != proctor.EUnavailable {
		t.Fatalf("New without an engine = %v, want EUnavailable", err)
	}
	if want := "no Docker engine answers at " + sock; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("New = %q, want it to start %q", err, want)
	}
}

func TestNewRejects(t *testing.T) {
	t.Setenv("DOCKER_HOST", "tcp://10.9.8.7:2375")
	if _, err := New(Config{}); err == nil ||
		!strings.Contains(err.Error(), "set Config.HostName") {
		t.Errorf("New with an engine at an IP = %v, want a HostName error", err)
	}
	if _, err := New(Config{Region: "mars"}); err == nil ||
		!strings.Contains(err.Error(), `Region "mars"`) {
		t.Errorf("New with a bad region = %v", err)
	}
}

func TestTestcontainersLogRedactsTheToken(t *testing.T) {
	var logged bytes.Buffer
	l := tcLogger{log: slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{
		Level: slog.LevelDebug})), token: "ls-tok-42"}
	l.Printf("env: %s\n", "LOCALSTACK_AUTH_TOKEN=ls-tok-42")
	if strings.Contains(logged.String(), "ls-tok-42") || !strings.Contains(logged.String(),
		"<redacted>") {
		t.Errorf("log line %q", logged.String())
	}
}
