package localstack

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// DefaultImage is the LocalStack image sandboxes run unless Config.Image says otherwise: a
// pinned community release from before LocalStack's March 2026 move to a single image that
// requires an auth token, so it starts without one.
const DefaultImage = "localstack/localstack:4.4.0"

// DefaultRegion is the region of sandboxes whose Config.Region is empty.
const DefaultRegion = "us-east-1"

// DefaultStartTimeout bounds how long Provision waits for a container to report its services
// ready when Config.StartTimeout is zero. A first start also pulls the image.
const DefaultStartTimeout = 3 * time.Minute

// AuthTokenEnv is the environment variable whose value New passes to every container when
// Config.AuthToken is empty.
const AuthTokenEnv = "LOCALSTACK_AUTH_TOKEN"

// Config configures a Provisioner. The zero value is valid: every field has a default.
type Config struct {
	// Image is the LocalStack image to run; "" means DefaultImage.
	Image string
	// Services are the services each container enables (its SERVICES variable), by endpoint
	// prefix; nil means every service of Served. Each must be one Served lists.
	Services []string
	// Region is the region every sandbox's Account reports; "" means DefaultRegion.
	Region string
	// AccountID, when set, is the 12-digit account id of every sandbox, and then only one
	// sandbox can be lent at a time. "" gives each sandbox its own random account id.
	AccountID string
	// HostName is the host name in each sandbox's endpoint URL. "" derives it from the Docker
	// host: "localhost" for a local socket or a loopback address, else the host's name. An
	// engine reached by a non-loopback IP address needs HostName, since clients need a name
	// (S3 Control puts the account id in front of it). The one name serves learners and
	// Proctor's graders alike, so a Proctor that runs in a container of its own, beside the
	// engine, needs a HostName both can reach.
	HostName string
	// AuthToken is passed to each container as LOCALSTACK_AUTH_TOKEN when not empty. New
	// fills it from the environment variable of that name when it is empty. It is a secret:
	// String and LogValue leave it out, and it is never logged.
	AuthToken string
	// StartTimeout bounds the wait for a container to be ready; 0 means DefaultStartTimeout.
	StartTimeout time.Duration
	// Logger receives the provisioner's log lines; nil discards them.
	Logger *slog.Logger
}

// String describes the configuration without its auth token.
func (c Config) String() string {
	return fmt.Sprintf("localstack.Config{Image:%s Services:%s Region:%s AccountID:%s "+
		"HostName:%s AuthToken:%s StartTimeout:%s}", c.Image, strings.Join(c.Services, ","),
		c.Region, c.AccountID, c.HostName, redacted(c.AuthToken), c.StartTimeout)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// LogValue describes the configuration for slog without its auth token.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("image", c.Image),
		slog.String("services", strings.Join(c.Services, ",")), slog.String("region", c.Region),
		slog.String("account", c.AccountID), slog.String("host", c.HostName),
		slog.Bool("auth_token_set", c.AuthToken != ""), slog.Duration("start_timeout",
			c.StartTimeout))
}

func redacted(secret string) string {
	if secret == "" {
		return `""`
	}
	return "<redacted>"
}

// withDefaults returns c with every empty field set to its default; getenv reads the
// environment.
func (c Config) withDefaults(getenv func(string) string) Config {
	if c.Image == "" {
		c.Image = DefaultImage
	}
	if c.Services == nil {
		c.Services = Served()
	} else {
		c.Services = slices.Clone(c.Services)
	}
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.AuthToken == "" {
		c.AuthToken = getenv(AuthTokenEnv)
	}
	if c.StartTimeout == 0 {
		c.StartTimeout = DefaultStartTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

var (
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	accountPattern = regexp.MustCompile(`^[0-9]{12}$`)
	// imagePattern is a Docker image reference: name components, an optional tag and an
	// optional digest, without whitespace or shell characters.
	imagePattern = regexp.MustCompile(
		`^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*` +
			`(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[0-9a-f]{64})?$`)
	hostPattern = regexp.MustCompile(
		`^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}` +
			`[A-Za-z0-9])?)*$`)
)

// validate reports every problem of a defaulted configuration at once, each naming its
// field.
func (c Config) validate() error {
	var problems []string
	if !imagePattern.MatchString(c.Image) {
		problems = append(problems, fmt.Sprintf("Image %q is not a Docker image reference", c.Image))
	}
	if len(c.Services) == 0 {
		problems = append(problems, "Services is empty; leave it nil for every served service")
	}
	for i, s := range c.Services {
		switch why, ok := refused[s]; {
		case ok:
			problems = append(problems, fmt.Sprintf("Services[%d] %q: %s", i, s, why))
		case !slices.Contains(served, s):
			problems = append(problems, fmt.Sprintf("Services[%d] %q is not a service the "+
				"localstack backend serves (%s)", i, s, strings.Join(served, ", ")))
		case slices.Index(c.Services, s) != i:
			problems = append(problems, fmt.Sprintf("Services[%d] %q is listed twice", i, s))
		}
	}
	if !regionPattern.MatchString(c.Region) {
		problems = append(problems, fmt.Sprintf("Region %q is not an AWS region name", c.Region))
	}
	if c.AccountID != "" && !accountPattern.MatchString(c.AccountID) {
		problems = append(problems, fmt.Sprintf("AccountID %q is not 12 digits", c.AccountID))
	}
	if c.HostName != "" && (!hostPattern.MatchString(c.HostName) || isIP(c.HostName)) {
		problems = append(problems, fmt.Sprintf("HostName %q is not a DNS host name", c.HostName))
	}
	if strings.ContainsAny(c.AuthToken, "\x00\r\n") {
		// The token itself stays out of the message.
		problems = append(problems, "AuthToken contains a control character")
	}
	if c.StartTimeout < 0 {
		problems = append(problems, fmt.Sprintf("StartTimeout %s is negative", c.StartTimeout))
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("localstack: invalid config: %s", strings.Join(problems, "; "))
}

func isIP(host string) bool { return net.ParseIP(strings.Trim(host, "[]")) != nil }

// endpointHost returns the host name clients use to reach containers of the Docker engine at
// dockerHost (a DOCKER_HOST value), or an error when the engine is reached by an IP address
// that is not a loopback one, for which no name is known.
func endpointHost(dockerHost string) (string, error) {
	u, err := url.Parse(dockerHost)
	if err != nil {
		return "", fmt.Errorf("localstack: Docker host %q: %w", dockerHost, err)
	}
	switch u.Scheme {
	case "unix", "npipe":
		return "localhost", nil
	case "tcp", "http", "https", "ssh":
	default:
		return "", fmt.Errorf("localstack: Docker host %q has an unknown scheme %q",
			dockerHost, u.Scheme)
	}
	host := u.Hostname()
	if host == "" || host == "localhost" {
		return "localhost", nil
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() {
			return "localhost", nil
		}
		return "", fmt.Errorf("localstack: the Docker engine at %s is reached by IP address; "+
			"set Config.HostName to a DNS name for %s", dockerHost, host)
	}
	return host, nil
}

// dockerHostFromEnv returns the Docker host testcontainers-go and the Docker CLI use when
// nothing else is configured: DOCKER_HOST, else the default local socket.
func dockerHostFromEnv(getenv func(string) string) string {
	if h := getenv("DOCKER_HOST"); h != "" {
		return h
	}
	return "unix:///var/run/docker.sock"
}
