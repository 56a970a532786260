package localstack

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/proctorlabs/proctor"
)

// newContainerProvisioner returns a provisioner on the machine's Docker engine, or skips the
// test when no engine answers: New asks the engine with a timeout of a second or two, so a
// machine without one skips at once.
func newContainerProvisioner(t *testing.T, cfg Config) *Provisioner {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: LocalStack container tests skipped")
	}
	cfg.Logger = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	p, err := New(cfg)
	var perr *proctor.Error
	if errors.As(err, &perr) && perr.Code == proctor.EUnavailable {
		t.Skipf("%s: LocalStack container tests skipped", perr.Message)
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// testWriter sends log lines to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// TestContainerSandbox runs one sandbox end to end on a real LocalStack container: provision,
// identify and store an object with the learner's keys, read it with the grader's, release.
func TestContainerSandbox(t *testing.T) {
	p := newContainerProvisioner(t, Config{Services: []string{"s3", "sts"}})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	acct, err := p.Provision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	released := false
	defer func() {
		if !released {
			_ = p.Release(context.Background(), acct.ID)
		}
	}()
	if !strings.HasPrefix(acct.Endpoint.HTTP, "http://localhost:") {
		t.Errorf("endpoint %q, want one on localhost", acct.Endpoint.HTTP)
	}

	learner := awsConfig(acct, acct.Learner)
	who, err := sts.NewFromConfig(learner, func(o *sts.Options) {
		o.BaseEndpoint = aws.String(acct.Endpoint.HTTP)
	}).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(who.Account); got != acct.ID {
		t.Errorf("LocalStack says the learner is in account %s, want %s", got, acct.ID)
	}

	bucket := "proctor-localstack-" + acct.ID
	s3c := s3Client(acct, acct.Learner)
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
	body := "graded by what the sandbox does"
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("k"),
		Body: strings.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
	listed, err := s3Client(acct, acct.Grader).ListObjectsV2(ctx,
		&s3.ListObjectsV2Input{Bucket: &bucket})
	if err != nil {
		t.Fatal(err)
	}
	if len(listed.Contents) != 1 || aws.ToString(listed.Contents[0].Key) != "k" ||
		aws.ToInt64(listed.Contents[0].Size) != int64(len(body)) {
		t.Errorf("the grader lists %+v, want the one object k", listed.Contents)
	}

	if err := p.Release(ctx, acct.ID); err != nil {
		t.Fatal(err)
	}
	released = true
	if n, err := p.eng.count(ctx, acct.ID); err != nil || n != 0 {
		t.Errorf("after Release, %d containers (%v) of account %s remain", n, err, acct.ID)
	}
	if err := p.Release(ctx, acct.ID); err != nil {
		t.Errorf("second Release = %v, want nil", err)
	}
}

func awsConfig(acct *proctor.Account, c proctor.Credentials) aws.Config {
	return aws.Config{Region: acct.Region,
		Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID,
			c.SecretAccessKey, c.SessionToken)}
}

func s3Client(acct *proctor.Account, c proctor.Credentials) *s3.Client {
	return s3.NewFromConfig(awsConfig(acct, c), func(o *s3.Options) {
		o.BaseEndpoint = aws.String(acct.Endpoint.HTTP)
		o.UsePathStyle = true // sandbox host names have no bucket subdomains
	})
}
