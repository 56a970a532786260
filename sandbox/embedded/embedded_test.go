package embedded_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/awsim"
	"github.com/proctorlabs/proctor/sandbox/embedded"
)

func startServer(t testing.TB) *awsim.Server {
	t.Helper()
	srv, err := awsim.New(awsim.Config{DataDir: t.TempDir(), Region: "eu-west-1"})
	if err != nil {
		t.Fatalf("awsim.New: %v", err)
	}
	if err := srv.Start("127.0.0.1:0", "127.0.0.1:0"); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// callerAccount calls STS GetCallerIdentity on the account's HTTPS endpoint, trusting only
// the CA bundle the account names, and returns the account id awsim answers with.
func callerAccount(t *testing.T, acct *proctor.Account, c proctor.Credentials) (string, error) {
	t.Helper()
	pem, err := os.ReadFile(acct.Endpoint.CABundle)
	if err != nil {
		t.Fatalf("CA bundle: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("CA bundle %s holds no certificate", acct.Endpoint.CABundle)
	}
	client := sts.NewFromConfig(aws.Config{
		Region: acct.Region,
		Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID,
			c.SecretAccessKey, c.SessionToken),
		HTTPClient: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: pool}}},
		BaseEndpoint:     aws.String(acct.Endpoint.HTTPS),
		RetryMaxAttempts: 1,
	})
	out, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Account), nil
}

func TestProvisionAndRelease(t *testing.T) {
	srv := startServer(t)
	p := embedded.New(srv)
	ctx := context.Background()
	if p.Backend() != "embedded" {
		t.Errorf("Backend = %q, want embedded", p.Backend())
	}
	acct, err := p.Provision(ctx)
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	wantEndpoint := proctor.Endpoint{HTTP: srv.HTTPEndpoint(), HTTPS: srv.HTTPSEndpoint(),
		CABundle: srv.CAFile(), Proxy: srv.ProxyURL()}
	if diff := cmp.Diff(wantEndpoint, acct.Endpoint); diff != "" {
		t.Errorf("endpoint (-want +got):\n%s", diff)
	}
	if acct.Region != "eu-west-1" || len(acct.ID) != 12 {
		t.Errorf("account %s in %s, want a 12-digit id in eu-west-1", acct.ID, acct.Region)
	}
	if acct.Learner.AccessKeyID == acct.Grader.AccessKeyID || acct.Learner.SecretAccessKey == "" {
		t.Errorf("learner and grader credentials are not separate keys")
	}
	for name, c := range map[string]proctor.Credentials{"learner": acct.Learner,
		"grader": acct.Grader} {
		got, err := callerAccount(t, acct, c)
		if err != nil || got != acct.ID {
			t.Errorf("%s GetCallerIdentity = %q, %v; want account %s", name, got, err, acct.ID)
		}
	}
	other, err := p.Provision(ctx)
	if err != nil {
		t.Fatalf("second Provision: %v", err)
	}
	if other.ID == acct.ID {
		t.Errorf("two sandboxes got the same account %s", acct.ID)
	}

	if err := p.Release(ctx, acct.ID); err != nil {
		t.Fatalf("Release: %v", err)
	}
	if _, err := callerAccount(t, acct, acct.Learner); err == nil {
		t.Errorf("the learner's key still works after Release")
	}
	if got, err := callerAccount(t, other, other.Learner); err != nil || got != other.ID {
		t.Errorf("releasing one account broke another: %q, %v", got, err)
	}
	if err := p.Release(ctx, acct.ID); err != nil {
		t.Errorf("releasing a released account: %v, want nil", err)
	}
}

func TestSupports(t *testing.T) {
	p := embedded.New(startServer(t))
	tests := []struct {
		services []string
		want     proctor.ErrorCode
	}{
		{nil, ""},
		{[]string{"s3", "s3control", "kms", "sts"}, ""},
		{[]string{"s3", "guardduty"}, proctor.EFailedPrecondition},
		{[]string{"cloudtrail"}, proctor.EFailedPrecondition},
	}
	for _, tt := range tests {
		err := p.Supports(tt.services)
		if got := proctor.ErrorCodeOf(err); got != tt.want {
			t.Errorf("Supports(%v) = %v, want code %q", tt.services, err, tt.want)
		}
	}
	err := p.Supports([]string{"s3", "guardduty", "cloudtrail"})
	for _, name := range []string{"guardduty", "cloudtrail"} {
		if !strings.Contains(proctor.ErrorMessageOf(err), name) {
			t.Errorf("message %q does not name %s", proctor.ErrorMessageOf(err), name)
		}
	}
}

func TestProvisionBeforeStart(t *testing.T) {
	srv, err := awsim.New(awsim.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatalf("awsim.New: %v", err)
	}
	defer srv.Close()
	if _, err := embedded.New(srv).Provision(context.Background()); proctor.ErrorCodeOf(err) !=
		proctor.EUnavailable {
		t.Errorf("Provision before Start: %v, want EUnavailable", err)
	}
}
