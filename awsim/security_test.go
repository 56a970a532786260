package awsim_test

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/proctorlabs/proctor/awsim"
)

func TestSignatureFailures(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	wrongSecret := acct.Learner
	wrongSecret.SecretAccessKey = corrupt(wrongSecret.SecretAccessKey)
	unknown := awsim.Credentials{AccessKeyID: "ASIAUNKNOWNKEY000000", SecretAccessKey: "x",
		SessionToken: "y"}
	wrongToken := acct.Learner
	wrongToken.SessionToken = acct.Grader.SessionToken

	tests := []struct {
		creds awsim.Credentials
		name  string
		s3    string
		sts   string
		kms   string
	}{
		{wrongSecret, "wrong secret", "SignatureDoesNotMatch", "SignatureDoesNotMatch",
			"InvalidSignatureException"},
		{unknown, "unknown key", "InvalidAccessKeyId", "InvalidClientTokenId",
			"UnrecognizedClientException"},
		{wrongToken, "another key's session token", "InvalidToken", "InvalidClientTokenId",
			"UnrecognizedClientException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s3Client(srv, tt.creds, clientOpts{}).ListBuckets(ctx,
				&s3.ListBucketsInput{})
			wantCode(t, "S3 ListBuckets", err, tt.s3)
			_, err = stsClient(srv, tt.creds, true).GetCallerIdentity(ctx,
				&sts.GetCallerIdentityInput{})
			wantCode(t, "STS GetCallerIdentity", err, tt.sts)
			_, err = kmsClient(srv, tt.creds, false).ListKeys(ctx, &kms.ListKeysInput{})
			wantCode(t, "KMS ListKeys", err, tt.kms)
		})
	}
}

func TestDeletedAccountKeysStopWorking(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	c := s3Client(srv, acct.Learner, clientOpts{})
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("gone-" + acct.ID)})
	must(t, "CreateBucket", err)
	must(t, "DeleteAccount", srv.DeleteAccount(ctx, acct.ID))
	_, err = c.ListBuckets(ctx, &s3.ListBucketsInput{})
	wantCode(t, "ListBuckets after DeleteAccount", err, "InvalidAccessKeyId")

	// The bucket name is free again.
	other := newAccount(t, srv)
	_, err = s3Client(srv, other.Learner, clientOpts{}).CreateBucket(ctx,
		&s3.CreateBucketInput{Bucket: aws.String("gone-" + acct.ID)})
	must(t, "CreateBucket of a deleted account's bucket name", err)
	if err := srv.DeleteAccount(ctx, acct.ID); err == nil {
		t.Errorf("DeleteAccount of a deleted account succeeded")
	}
}

// TestCrossAccountIsolation is the tenant boundary: nothing of account A is reachable with
// account B's keys, not even what A's policies open to "*".
func TestCrossAccountIsolation(t *testing.T) {
	srv := startServer(t, "")
	a, b := newAccount(t, srv), newAccount(t, srv)
	ca := s3Client(srv, a.Learner, clientOpts{secure: true})
	cb := s3Client(srv, b.Learner, clientOpts{secure: true})
	bucket := "tenant-a-" + a.ID
	_, err := ca.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	must(t, "CreateBucket", err)
	_, err = ca.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("secret.txt"),
		Body: strings.NewReader("a's data")})
	must(t, "PutObject", err)
	_, err = ca.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: &bucket})
	must(t, "DeletePublicAccessBlock", err)
	open := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",` +
		`"Action":"s3:*","Resource":["arn:aws:s3:::` + bucket + `",` +
		`"arn:aws:s3:::` + bucket + `/*"]}]}`
	_, err = ca.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &bucket, Policy: &open})
	must(t, "PutBucketPolicy", err)

	_, err = cb.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	wantCode(t, "CreateBucket of A's name by B", err, "BucketAlreadyExists")
	_, err = ca.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	wantCode(t, "CreateBucket of A's name by A", err, "BucketAlreadyOwnedByYou")

	k := aws.String("secret.txt")
	checks := []struct {
		name string
		call func() error
	}{
		{"GetObject", func() error {
			_, err := cb.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: k})
			return err
		}},
		{"PutObject", func() error {
			_, err := cb.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: k,
				Body: strings.NewReader("overwritten")})
			return err
		}},
		{"DeleteObject", func() error {
			_, err := cb.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket, Key: k})
			return err
		}},
		{"ListObjectsV2", func() error {
			_, err := cb.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket})
			return err
		}},
		{"GetBucketPolicy", func() error {
			_, err := cb.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &bucket})
			return err
		}},
		{"DeleteBucketPolicy", func() error {
			_, err := cb.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: &bucket})
			return err
		}},
		{"PutPublicAccessBlock", func() error {
			_, err := cb.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: &bucket,
				PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{}})
			return err
		}},
		{"DeleteBucketEncryption", func() error {
			_, err := cb.DeleteBucketEncryption(ctx,
				&s3.DeleteBucketEncryptionInput{Bucket: &bucket})
			return err
		}},
		{"DeleteBucket", func() error {
			_, err := cb.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &bucket})
			return err
		}},
	}
	for _, c := range checks {
		wantCode(t, "B's "+c.name+" on A's bucket", c.call(), "AccessDenied")
	}
	_, err = cb.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bucket})
	wantCode(t, "B's HeadBucket on A's bucket", err, "Forbidden")

	got, err := ca.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: k})
	must(t, "A's GetObject", err)
	body, _ := io.ReadAll(got.Body)
	if string(body) != "a's data" {
		t.Errorf("A's object = %q after B's attempts, want %q", body, "a's data")
	}
	if _, err := ca.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &bucket}); err != nil {
		t.Errorf("A's policy is gone after B's attempts: %v", err)
	}
	lb, err := cb.ListBuckets(ctx, &s3.ListBucketsInput{})
	must(t, "B's ListBuckets", err)
	if len(lb.Buckets) != 0 {
		t.Errorf("B's ListBuckets = %d buckets, want none of A's", len(lb.Buckets))
	}

	_, err = s3ControlClient(srv, b.Learner, true).GetPublicAccessBlock(ctx,
		&s3control.GetPublicAccessBlockInput{AccountId: &a.ID})
	wantCode(t, "B's S3 Control call for A's account", err, "AccessDenied")

	key, err := kmsClient(srv, a.Learner, true).CreateKey(ctx, &kms.CreateKeyInput{})
	must(t, "A's CreateKey", err)
	_, err = kmsClient(srv, b.Learner, true).DescribeKey(ctx,
		&kms.DescribeKeyInput{KeyId: key.KeyMetadata.Arn})
	wantCode(t, "B's DescribeKey of A's key", err, "NotFoundException")
	ct, err := kmsClient(srv, a.Learner, true).Encrypt(ctx, &kms.EncryptInput{
		KeyId: key.KeyMetadata.KeyId, Plaintext: []byte("x")})
	must(t, "A's Encrypt", err)
	_, err = kmsClient(srv, b.Learner, true).Decrypt(ctx,
		&kms.DecryptInput{CiphertextBlob: ct.CiphertextBlob})
	wantCode(t, "B's Decrypt of A's ciphertext", err, "InvalidCiphertextException")
}

func TestGraderIsReadOnly(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	learner := s3Client(srv, acct.Learner, clientOpts{secure: true})
	grader := s3Client(srv, acct.Grader, clientOpts{secure: true})
	bucket := "graded-" + acct.ID
	_, err := learner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	must(t, "CreateBucket", err)

	_, err = grader.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: &bucket})
	must(t, "grader GetPublicAccessBlock", err)
	_, err = grader.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: &bucket})
	must(t, "grader GetBucketEncryption", err)
	_, err = grader.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bucket})
	must(t, "grader HeadBucket", err)
	_, err = grader.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("g-" + acct.ID)})
	wantCode(t, "grader CreateBucket", err, "AccessDenied")
	_, err = grader.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: &bucket})
	wantCode(t, "grader DeletePublicAccessBlock", err, "AccessDenied")
	_, err = grader.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("k"),
		Body: strings.NewReader("x")})
	wantCode(t, "grader PutObject", err, "AccessDenied")
	_, err = kmsClient(srv, acct.Grader, true).CreateKey(ctx, &kms.CreateKeyInput{})
	wantCode(t, "grader CreateKey", err, "AccessDeniedException")
	_, err = kmsClient(srv, acct.Grader, true).ListKeys(ctx, &kms.ListKeysInput{})
	must(t, "grader ListKeys", err)
	_, err = s3ControlClient(srv, acct.Grader, true).PutPublicAccessBlock(ctx,
		&s3control.PutPublicAccessBlockInput{AccountId: &acct.ID,
			PublicAccessBlockConfiguration: &s3controlPAB})
	wantCode(t, "grader s3control PutPublicAccessBlock", err, "AccessDenied")
}

// TestTLSOnlyPolicy: a policy that denies requests without TLS blocks GetObject on the HTTP
// listener and allows it on the HTTPS listener.
func TestTLSOnlyPolicy(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	secure := s3Client(srv, acct.Learner, clientOpts{secure: true})
	plain := s3Client(srv, acct.Learner, clientOpts{})
	bucket := "tls-only-" + acct.ID
	_, err := secure.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	must(t, "CreateBucket", err)
	_, err = secure.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("k"),
		Body: strings.NewReader("v")})
	must(t, "PutObject", err)
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",` +
		`"Action":"s3:*","Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket +
		`/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	_, err = secure.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &bucket,
		Policy: &policy})
	must(t, "PutBucketPolicy", err)

	_, err = plain.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("k")})
	wantCode(t, "GetObject over HTTP", err, "AccessDenied")
	_, err = plain.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("k"),
		Body: strings.NewReader("changed")})
	wantCode(t, "PutObject over HTTP", err, "AccessDenied")
	got, err := secure.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("k")})
	must(t, "GetObject over HTTPS", err)
	body, _ := io.ReadAll(got.Body)
	if string(body) != "v" {
		t.Errorf("GetObject over HTTPS = %q, want %q", body, "v")
	}
	// The grader reads over HTTPS too, so the learner's fix does not blind it.
	_, err = s3Client(srv, acct.Grader, clientOpts{secure: true}).GetBucketPolicy(ctx,
		&s3.GetBucketPolicyInput{Bucket: &bucket})
	must(t, "grader GetBucketPolicy over HTTPS", err)
}

func publicReadPolicy(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow",` +
		`"Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/*"}]}`
}

func anonymousGet(t *testing.T, srv *awsim.Server, bucket, key string) (int, string) {
	t.Helper()
	resp, err := httpClient(srv, false).Get(srv.HTTPSEndpoint() + "/" + bucket + "/" + key)
	must(t, "anonymous GET", err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAnonymousAndBlockPublicAccess(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	c := s3Client(srv, acct.Learner, clientOpts{secure: true})
	bucket := "public-" + acct.ID
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	must(t, "CreateBucket", err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("index.html"),
		Body: strings.NewReader("hello world")})
	must(t, "PutObject", err)

	if code, _ := anonymousGet(t, srv, bucket, "index.html"); code != 403 {
		t.Errorf("anonymous GET without a policy = %d, want 403", code)
	}
	policy := publicReadPolicy(bucket)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &bucket, Policy: &policy})
	wantCode(t, "public PutBucketPolicy under the default BlockPublicPolicy", err, "AccessDenied")
	_, err = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &bucket})
	if errorCode(err) != "NoSuchBucketPolicy" {
		t.Errorf("a refused PutBucketPolicy left a policy behind: %v", err)
	}
	narrow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",` +
		`"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/*",` +
		`"Condition":{"StringEquals":{"aws:SourceAccount":"` + acct.ID + `"}}}]}`
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &bucket, Policy: &narrow})
	must(t, "a non-public PutBucketPolicy under BlockPublicPolicy", err)
	st, err := c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: &bucket})
	must(t, "GetBucketPolicyStatus", err)
	if aws.ToBool(st.PolicyStatus.IsPublic) {
		t.Errorf("a policy narrowed by aws:SourceAccount is reported public")
	}

	_, err = c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: &bucket})
	must(t, "DeletePublicAccessBlock", err)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &bucket, Policy: &policy})
	must(t, "public PutBucketPolicy", err)
	st, err = c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: &bucket})
	must(t, "GetBucketPolicyStatus", err)
	if !aws.ToBool(st.PolicyStatus.IsPublic) {
		t.Errorf("a public-read policy is not reported public")
	}
	code, body := anonymousGet(t, srv, bucket, "index.html")
	if code != 200 || body != "hello world" {
		t.Errorf("anonymous GET of a public-read bucket = %d %q, want 200 %q", code, body,
			"hello world")
	}
	if code, _ := anonymousGet(t, srv, bucket, "missing.html"); code != 403 {
		t.Errorf("anonymous GET of a missing key without list rights = %d, want 403", code)
	}

	// Account-level RestrictPublicBuckets limits the public bucket to its own account.
	ctl := s3ControlClient(srv, acct.Learner, true)
	_, err = ctl.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{
		AccountId: &acct.ID, PublicAccessBlockConfiguration: &s3controlPAB})
	must(t, "account PutPublicAccessBlock", err)
	if code, _ := anonymousGet(t, srv, bucket, "index.html"); code != 403 {
		t.Errorf("anonymous GET under RestrictPublicBuckets = %d, want 403", code)
	}
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket,
		Key: aws.String("index.html")}); err != nil {
		t.Errorf("the owner's GetObject under RestrictPublicBuckets: %v", err)
	}
	// BlockPublicPolicy at the account level now refuses public policies on every bucket.
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &bucket, Policy: &policy})
	wantCode(t, "public PutBucketPolicy under account BlockPublicPolicy", err, "AccessDenied")

	_, err = ctl.DeletePublicAccessBlock(ctx, &s3control.DeletePublicAccessBlockInput{
		AccountId: &acct.ID})
	must(t, "account DeletePublicAccessBlock", err)
	_, err = c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: &bucket})
	must(t, "DeleteBucketPolicy", err)
	if code, _ := anonymousGet(t, srv, bucket, "index.html"); code != 403 {
		t.Errorf("anonymous GET after the fix = %d, want 403", code)
	}
}

var s3controlPAB = s3controlTypesAll()

func TestLearnerLockedOutButRootIsNot(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	c := s3Client(srv, acct.Learner, clientOpts{secure: true})
	bucket := "locked-" + acct.ID
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	must(t, "CreateBucket", err)
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",` +
		`"Action":"s3:*","Resource":["arn:aws:s3:::` + bucket + `",` +
		`"arn:aws:s3:::` + bucket + `/*"]}]}`
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &bucket, Policy: &deny})
	must(t, "PutBucketPolicy", err)
	_, err = c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: &bucket})
	wantCode(t, "the learner's DeleteBucketPolicy of a deny-all policy", err, "AccessDenied")

	root := s3Client(srv, awsim.RootCredentials(t, srv, acct.ID), clientOpts{secure: true})
	_, err = root.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket})
	wantCode(t, "the root user's ListObjectsV2 under a deny-all policy", err, "AccessDenied")
	_, err = root.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: &bucket})
	must(t, "the root user's DeleteBucketPolicy", err)
	_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket})
	must(t, "the learner's ListObjectsV2 after the root user's fix", err)
}

func TestProxyRefusesForeignHosts(t *testing.T) {
	srv := startServer(t, "")
	proxy := strings.TrimPrefix(srv.ProxyURL(), "http://")
	httpsPort := srv.HTTPSEndpoint()[strings.LastIndex(srv.HTTPSEndpoint(), ":")+1:]
	tests := []struct {
		name   string
		method string
		target string // the request target: host:port for CONNECT, a URL otherwise
		status int
	}{
		{"CONNECT foreign host", "CONNECT", "example.com:443", 403},
		{"CONNECT own name other port", "CONNECT", "localhost:22", 403},
		{"CONNECT other loopback address", "CONNECT", "127.0.0.2:" + httpsPort, 403},
		{"CONNECT suffix trick", "CONNECT", "localhost.evil.com:" + httpsPort, 403},
		{"absolute-form foreign host", "GET", "http://example.com/", 403},
		{"CONNECT own HTTPS listener", "CONNECT", "123456789012.localhost:" + httpsPort, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", proxy)
			must(t, "dial", err)
			defer conn.Close()
			host := strings.TrimSuffix(strings.TrimPrefix(tt.target, "http://"), "/")
			fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: %s\r\n\r\n", tt.method, tt.target, host)
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			must(t, "read response", err)
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.status)
			}
		})
	}
}

func s3controlTypesAll() s3ctypes.PublicAccessBlockConfiguration {
	return s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true),
		IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true),
		RestrictPublicBuckets: aws.Bool(true)}
}

// TestCertificateNames: the HTTPS certificate, issued by the CA in CAFile, is valid for
// localhost, *.localhost and the loopback addresses.
func TestCertificateNames(t *testing.T) {
	srv := startServer(t, "")
	addr := strings.TrimPrefix(srv.HTTPSEndpoint(), "https://localhost")
	pem, err := os.ReadFile(srv.CAFile())
	must(t, "read CA", err)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("CAFile %s holds no PEM certificate", srv.CAFile())
	}
	for _, name := range []string{"localhost", "my-bucket.localhost", "123456789012.localhost",
		"127.0.0.1", "::1"} {
		conn, err := tls.Dial("tcp", "127.0.0.1"+addr, &tls.Config{RootCAs: pool,
			ServerName: name})
		if err != nil {
			t.Errorf("TLS to %s: %v", name, err)
			continue
		}
		conn.Close()
	}
	_, err = tls.Dial("tcp", "127.0.0.1"+addr, &tls.Config{RootCAs: pool,
		ServerName: "example.com"})
	if err == nil {
		t.Errorf("the certificate is valid for example.com")
	}
}
