package awsclient_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/awsclient"
)

// recorder is a TLS server that remembers the host, path and account header of each request
// and answers every request with an empty 200.
type recorder struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []seen
}

type seen struct{ Host, Path, Account string }

func newRecorder(t *testing.T) (*recorder, string) {
	t.Helper()
	r := &recorder{}
	r.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, q *http.Request) {
		r.mu.Lock()
		r.seen = append(r.seen, seen{q.Host, q.URL.Path, q.Header.Get("X-Amz-Account-Id")})
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(r.srv.Close)

	ca := filepath.Join(t.TempDir(), "ca.pem")
	block := &pem.Block{Type: "CERTIFICATE", Bytes: r.srv.Certificate().Raw}
	if err := os.WriteFile(ca, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return r, ca
}

func target(endpoint, ca string) proctor.Target {
	return proctor.Target{
		AccountID:   "123456789012",
		Region:      "us-east-1",
		Endpoint:    proctor.Endpoint{HTTP: "http://unused.invalid", HTTPS: endpoint, CABundle: ca},
		Credentials: proctor.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"},
	}
}

func TestS3ControlKeepsAccountOutOfHost(t *testing.T) {
	rec, ca := newRecorder(t)
	ctx := context.Background()
	cfg, err := awsclient.Config(ctx, target(rec.srv.URL, ca), awsclient.WithRetryMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	// The empty answer does not decode into a configuration; only the request matters.
	_, _ = awsclient.S3Control(cfg).GetPublicAccessBlock(ctx,
		&s3control.GetPublicAccessBlockInput{AccountId: aws.String("123456789012")})

	host := strings.TrimPrefix(rec.srv.URL, "https://")
	want := []seen{{host, "/v20180820/configuration/publicAccessBlock", "123456789012"}}
	if diff := cmp.Diff(want, rec.seen); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

func TestS3UsesPathStyle(t *testing.T) {
	rec, ca := newRecorder(t)
	ctx := context.Background()
	cfg, err := awsclient.Config(ctx, target(rec.srv.URL, ca), awsclient.WithRetryMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = awsclient.S3(cfg).GetBucketPolicy(ctx,
		&s3.GetBucketPolicyInput{Bucket: aws.String("lab-bucket")})

	host := strings.TrimPrefix(rec.srv.URL, "https://")
	want := []seen{{host, "/lab-bucket", ""}}
	if diff := cmp.Diff(want, rec.seen); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

func TestUntrustedCertificateFails(t *testing.T) {
	rec, _ := newRecorder(t)
	otherCA := writeOtherCA(t)
	ctx := context.Background()
	cfg, err := awsclient.Config(ctx, target(rec.srv.URL, otherCA),
		awsclient.WithRetryMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	_, err = awsclient.S3(cfg).GetBucketPolicy(ctx,
		&s3.GetBucketPolicyInput{Bucket: aws.String("lab-bucket")})
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("GetBucketPolicy with the wrong CA: err = %v, want a certificate error", err)
	}
	if len(rec.seen) != 0 {
		t.Errorf("the server saw %d requests through an untrusted connection", len(rec.seen))
	}
}

// writeOtherCA writes a freshly generated self-signed certificate, which signed nothing the
// test server presents.
func writeOtherCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "other CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "other.pem")
	block := &pem.Block{Type: "CERTIFICATE", Bytes: der}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRealAWSUsesSDKDefaults(t *testing.T) {
	tg := target("", "")
	tg.Endpoint = proctor.Endpoint{}
	cfg, err := awsclient.Config(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	if awsclient.Emulated(cfg) || cfg.HTTPClient != nil {
		t.Errorf("real AWS: BaseEndpoint = %v, HTTPClient = %v; want both unset",
			cfg.BaseEndpoint, cfg.HTTPClient)
	}
	got, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessKeyID != "AKIDEXAMPLE" || got.SecretAccessKey != "secret" {
		t.Errorf("credentials = %s, want the target's", got.AccessKeyID)
	}
}

func TestConfigRejectsBadTargets(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		change func(*proctor.Target)
		want   string
	}{
		{"no region", func(t *proctor.Target) { t.Region = "" }, "awsclient: target has no region"},
		{"no key", func(t *proctor.Target) { t.Credentials = proctor.Credentials{} },
			"awsclient: target has no access key"},
		{"relative endpoint", func(t *proctor.Target) { t.Endpoint.HTTPS = "localhost:4567" },
			`awsclient: endpoint "localhost:4567" is not an http or https URL`},
		{"ftp endpoint", func(t *proctor.Target) { t.Endpoint.HTTPS = "ftp://localhost" },
			`awsclient: endpoint "ftp://localhost" is not an http or https URL`},
		{"missing bundle", func(t *proctor.Target) { t.Endpoint.CABundle = dir + "/none.pem" },
			"awsclient: read CA bundle: open " + dir + "/none.pem: no such file or directory"},
		{"bundle without certificates", func(t *proctor.Target) { t.Endpoint.CABundle = notPEM },
			"awsclient: CA bundle " + notPEM + " holds no PEM certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := target("https://localhost:4567", "")
			tt.change(&tg)
			_, err := awsclient.Config(context.Background(), tg)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Config error = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestConfigConcurrent builds configurations for one CA bundle from many goroutines; they
// must all share one HTTP client. Run it with -race.
func TestConfigConcurrent(t *testing.T) {
	rec, ca := newRecorder(t)
	var wg sync.WaitGroup
	clients := make([]any, 16)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cfg, err := awsclient.Config(context.Background(), target(rec.srv.URL, ca))
			if err != nil {
				t.Error(err)
				return
			}
			clients[i] = cfg.HTTPClient
		}()
	}
	wg.Wait()
	for i, c := range clients {
		if c != clients[0] {
			t.Errorf("configuration %d has its own HTTP client", i)
		}
	}
}
