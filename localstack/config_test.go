package localstack

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func noEnv(string) string { return "" }

func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestConfigDefaults(t *testing.T) {
	got := Config{}.withDefaults(envOf(map[string]string{AuthTokenEnv: "ls-token-from-env"}))
	want := Config{Image: "localstack/localstack:4.4.0",
		Services: []string{"config", "ec2", "events", "kms", "s3", "s3control", "sns", "ssm",
			"sts"},
		Region: "us-east-1", AuthToken: "ls-token-from-env", StartTimeout: 3 * time.Minute}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Config{}, "Logger")); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	if got.Logger == nil {
		t.Error("the default logger is nil")
	}
	if err := got.validate(); err != nil {
		t.Errorf("the defaults do not validate: %v", err)
	}
}

func TestConfigKeepsWhatIsSet(t *testing.T) {
	services := []string{"s3", "sts"}
	in := Config{Image: "localstack/localstack:3.8.1", Services: services, Region: "eu-west-1",
		AccountID: "111122223333", HostName: "docker.internal", AuthToken: "explicit",
		StartTimeout: time.Minute}
	got := in.withDefaults(envOf(map[string]string{AuthTokenEnv: "from-env"}))
	if diff := cmp.Diff(in, got, cmpopts.IgnoreFields(Config{}, "Logger")); diff != "" {
		t.Errorf("withDefaults changed set fields (-want +got):\n%s", diff)
	}
	services[0] = "kms"
	if got.Services[0] != "s3" {
		t.Error("withDefaults kept the caller's Services slice, which the caller may change")
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want []string // pieces of the error; nil means valid
	}{
		{name: "valid", edit: func(*Config) {}},
		{name: "image with digest", edit: func(c *Config) {
			c.Image = "registry.example.com:5000/mirror/localstack:4.4.0@sha256:" +
				strings.Repeat("ab", 32)
		}},
		{name: "image with a space", edit: func(c *Config) { c.Image = "localstack/localstack 4" },
			want: []string{`Image "localstack/localstack 4" is not a Docker image reference`}},
		{name: "image with shell characters",
			edit: func(c *Config) { c.Image = "localstack;rm -rf /" },
			want: []string{"Image"}},
		{name: "empty services", edit: func(c *Config) { c.Services = []string{} },
			want: []string{"Services is empty"}},
		{name: "refused service", edit: func(c *Config) { c.Services = []string{"s3", "cloudtrail"} },
			want: []string{`Services[1] "cloudtrail": LocalStack's free image has no CloudTrail`}},
		{name: "unknown service", edit: func(c *Config) { c.Services = []string{"lambda"} },
			want: []string{`Services[0] "lambda" is not a service the localstack backend serves`}},
		{name: "duplicate service", edit: func(c *Config) { c.Services = []string{"s3", "s3"} },
			want: []string{`Services[1] "s3" is listed twice`}},
		{name: "bad region", edit: func(c *Config) { c.Region = "US_EAST" },
			want: []string{`Region "US_EAST" is not an AWS region name`}},
		{name: "short account", edit: func(c *Config) { c.AccountID = "1234" },
			want: []string{`AccountID "1234" is not 12 digits`}},
		{name: "IP host name", edit: func(c *Config) { c.HostName = "10.0.0.7" },
			want: []string{`HostName "10.0.0.7" is not a DNS host name`}},
		{name: "host name with a path", edit: func(c *Config) { c.HostName = "docker/x" },
			want: []string{`HostName "docker/x"`}},
		{name: "negative timeout", edit: func(c *Config) { c.StartTimeout = -time.Second },
			want: []string{"StartTimeout -1s is negative"}},
		{name: "token with a newline, not shown",
			edit: func(c *Config) { c.AuthToken = "ls-secret\nX" },
			want: []string{"AuthToken contains a control character"}},
		{name: "every problem at once", edit: func(c *Config) {
			c.Region, c.AccountID = "nowhere", "x"
		}, want: []string{"Region", "; AccountID"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Config{}.withDefaults(noEnv)
			tt.edit(&c)
			err := c.validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("validate = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("validate = nil, want an error with %q", tt.want)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "localstack: invalid config: ") {
				t.Errorf("error %q lacks the package prefix", msg)
			}
			rest := msg
			for _, piece := range tt.want {
				i := strings.Index(rest, piece)
				if i < 0 {
					t.Fatalf("error %q lacks %q (in order)", msg, piece)
				}
				rest = rest[i+len(piece):]
			}
			if c.AuthToken != "" && strings.Contains(msg, c.AuthToken) {
				t.Errorf("error %q shows the auth token", msg)
			}
		})
	}
}

func TestConfigNeverShowsTheToken(t *testing.T) {
	const token = "ls-AbCd-1234-secret"
	c := Config{AuthToken: token}.withDefaults(noEnv)
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "config", c)
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "config", c)
	for name, text := range map[string]string{
		"%v": fmt.Sprintf("%v", c), "%+v": fmt.Sprintf("%+v", c), "%#v": fmt.Sprintf("%#v", c),
		"%s": fmt.Sprintf("%s", c), "slog": logged.String(),
	} {
		if strings.Contains(text, token) {
			t.Errorf("%s shows the token: %s", name, text)
		}
		if !strings.Contains(text, "4.4.0") {
			t.Errorf("%s does not describe the config: %s", name, text)
		}
	}
	if !strings.Contains(logged.String(), "auth_token_set=true") {
		t.Errorf("slog does not say a token is set: %s", logged.String())
	}
}

func TestEndpointHost(t *testing.T) {
	tests := []struct {
		dockerHost, want, wantErr string
	}{
		{dockerHost: "unix:///var/run/docker.sock", want: "localhost"},
		{dockerHost: "unix:///run/user/1000/docker.sock", want: "localhost"},
		{dockerHost: "tcp://127.0.0.1:2375", want: "localhost"},
		{dockerHost: "tcp://[::1]:2375", want: "localhost"},
		{dockerHost: "tcp://localhost:2376", want: "localhost"},
		{dockerHost: "tcp://docker.build.internal:2376", want: "docker.build.internal"},
		{dockerHost: "ssh://ops@engine.example.com", want: "engine.example.com"},
		{dockerHost: "tcp://10.1.2.3:2375", wantErr: "set Config.HostName to a DNS name for 10.1.2.3"},
		{dockerHost: "ftp://x", wantErr: `unknown scheme "ftp"`},
	}
	for _, tt := range tests {
		got, err := endpointHost(tt.dockerHost)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("endpointHost(%s) = %q, %v; want an error with %q", tt.dockerHost, got,
					err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("endpointHost(%s) = %q, %v; want %q", tt.dockerHost, got, err, tt.want)
		}
	}
}

func TestDockerHostFromEnv(t *testing.T) {
	if got := dockerHostFromEnv(noEnv); got != "unix:///var/run/docker.sock" {
		t.Errorf("default Docker host = %q", got)
	}
	env := envOf(map[string]string{"DOCKER_HOST": "tcp://127.0.0.1:2375"})
	if got := dockerHostFromEnv(env); got != "tcp://127.0.0.1:2375" {
		t.Errorf("Docker host from DOCKER_HOST = %q", got)
	}
}
