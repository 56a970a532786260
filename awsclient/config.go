package awsclient

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/proctorlabs/proctor"
)

// Option changes the configuration that [Config] builds, after the target's settings are
// applied; tests use it, for example, to limit retries.
type Option func(*aws.Config)

// WithRetryMaxAttempts sets how many times a client tries one operation, first attempt
// included; 1 disables retries.
func WithRetryMaxAttempts(n int) Option {
	return func(c *aws.Config) { c.RetryMaxAttempts = n }
}

// Config returns the SDK configuration that calls the target's AWS API with the target's
// credentials in its region.
//
// For an emulated endpoint it uses the HTTPS address when there is one (and the plain HTTP
// address otherwise), trusting only the certificates of Endpoint.CABundle (the system's
// roots when it is empty), and never an HTTP proxy from the environment. For a real
// account (an empty Endpoint) it leaves endpoints and transport to the SDK. It reads no
// environment variable and no shared configuration file, so a developer's AWS profile
// cannot leak into a sandbox.
//
// Config fails when the region or the access key is missing, when the endpoint is not an
// absolute http or https URL, or when the CA bundle cannot be read or holds no certificate.
func Config(ctx context.Context, t proctor.Target, opts ...Option) (aws.Config, error) {
	if t.Region == "" {
		return aws.Config{}, errors.New("awsclient: target has no region")
	}
	if t.Credentials.AccessKeyID == "" || t.Credentials.SecretAccessKey == "" {
		return aws.Config{}, errors.New("awsclient: target has no access key")
	}

	cfg := aws.Config{
		Region: t.Region,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
			t.Credentials.AccessKeyID, t.Credentials.SecretAccessKey,
			t.Credentials.SessionToken)),
	}

	if endpoint := pickEndpoint(t.Endpoint); endpoint != "" {
		u, err := url.Parse(endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return aws.Config{}, fmt.Errorf("awsclient: endpoint %q is not an http or https URL",
				endpoint)
		}
		client, err := httpClient(t.Endpoint.CABundle, u.Scheme == "https")
		if err != nil {
			return aws.Config{}, err
		}
		cfg.BaseEndpoint = aws.String(endpoint)
		cfg.HTTPClient = client
	}

	for _, o := range opts {
		o(&cfg)
	}
	return cfg, nil
}

// Emulated reports whether cfg addresses an emulated endpoint rather than real AWS.
func Emulated(cfg aws.Config) bool { return cfg.BaseEndpoint != nil }

// pickEndpoint returns the address clients should use: HTTPS when offered.
func pickEndpoint(e proctor.Endpoint) string {
	if e.HTTPS != "" {
		return e.HTTPS
	}
	return e.HTTP
}

// clients caches one HTTP client per CA bundle content, so that the checks of an attempt
// share connections (and TLS sessions) instead of each paying for a handshake.
var clients sync.Map // [sha256 of the bundle, or zero for none]*awshttp.BuildableClient

// httpClient returns a client that trusts exactly the certificates of the PEM file at
// caFile (when tls is set and caFile is not empty) and ignores proxy settings.
func httpClient(caFile string, tls bool) (aws.HTTPClient, error) {
	var pem []byte
	if tls && caFile != "" {
		var err error
		if pem, err = os.ReadFile(caFile); err != nil {
			return nil, fmt.Errorf("awsclient: read CA bundle: %w", err)
		}
	}
	key := sha256.Sum256(pem)
	if c, ok := clients.Load(key); ok {
		return c.(aws.HTTPClient), nil
	}

	var pool *x509.CertPool
	if len(pem) > 0 {
		pool = x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("awsclient: CA bundle %s holds no PEM certificate", caFile)
		}
	}
	client := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.Proxy = nil
		if pool != nil {
			tr.TLSClientConfig.RootCAs = pool
		}
	})
	c, _ := clients.LoadOrStore(key, client)
	return c.(aws.HTTPClient), nil
}
