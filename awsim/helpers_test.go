package awsim_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/proctorlabs/proctor/awsim"
)

// startServer starts a server on loopback ports with its state in dir (a new temporary
// directory when dir is empty) and closes it when the test ends.
func startServer(t testing.TB, dir string) *awsim.Server {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	srv, err := awsim.New(awsim.Config{DataDir: dir})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := srv.Start("127.0.0.1:0", "127.0.0.1:0"); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

func newAccount(t testing.TB, srv *awsim.Server) *awsim.Account {
	t.Helper()
	acct, err := srv.CreateAccount(context.Background())
	if err != nil {
		t.Fatalf("CreateAccount: %v", err)
	}
	return acct
}

// clientOpts selects how a test client reaches awsim.
type clientOpts struct {
	secure bool
	// virtualHost makes S3 requests go to bucket.localhost through awsim's proxy; otherwise
	// path style is used and requests go straight to the listener.
	virtualHost bool
}

func httpClient(srv *awsim.Server, proxy bool) *http.Client {
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.CAPool()}}
	if proxy {
		u, _ := url.Parse(srv.ProxyURL())
		tr.Proxy = http.ProxyURL(u)
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

func awsConfig(srv *awsim.Server, c awsim.Credentials, o clientOpts) aws.Config {
	endpoint := srv.HTTPEndpoint()
	if o.secure {
		endpoint = srv.HTTPSEndpoint()
	}
	return aws.Config{
		Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID,
			c.SecretAccessKey, c.SessionToken),
		HTTPClient:       httpClient(srv, o.virtualHost),
		BaseEndpoint:     aws.String(endpoint),
		RetryMaxAttempts: 1,
	}
}

func s3Client(srv *awsim.Server, c awsim.Credentials, o clientOpts) *s3.Client {
	return s3.NewFromConfig(awsConfig(srv, c, o), func(opt *s3.Options) {
		opt.UsePathStyle = !o.virtualHost
	})
}

// s3ControlClient reaches S3 Control through awsim's proxy, because the SDK puts the account
// id in front of the endpoint's host name.
func s3ControlClient(srv *awsim.Server, c awsim.Credentials, secure bool) *s3control.Client {
	return s3control.NewFromConfig(awsConfig(srv, c, clientOpts{secure: secure,
		virtualHost: true}))
}

func kmsClient(srv *awsim.Server, c awsim.Credentials, secure bool) *kms.Client {
	return kms.NewFromConfig(awsConfig(srv, c, clientOpts{secure: secure}))
}

func stsClient(srv *awsim.Server, c awsim.Credentials, secure bool) *sts.Client {
	return sts.NewFromConfig(awsConfig(srv, c, clientOpts{secure: secure}))
}

// errorCode returns the AWS error code of err, "" when err is nil or carries none.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// wantCode fails the test unless err carries the AWS error code want.
func wantCode(t testing.TB, what string, err error, want string) {
	t.Helper()
	if got := errorCode(err); got != want {
		t.Errorf("%s: error code %q (%v), want %q", what, got, err, want)
	}
}

func must(t testing.TB, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

var ctx = context.Background()

// corrupt returns s with its first character changed, so that it is never s itself.
func corrupt(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}
