package awsim_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor/awsim"
)

// rawResponse is a response read whole.
type rawResponse struct {
	status int
	header http.Header
	body   string
}

// signedRequest sends a request signed with the SDK's signer, the way a client would.
func signedRequest(t *testing.T, srv *awsim.Server, creds awsim.Credentials, service, method,
	url string, header map[string]string, body string) rawResponse {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	must(t, "NewRequest", err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	if service == "s3" {
		req.Header.Set("X-Amz-Content-Sha256", hash)
	}
	if creds.SessionToken != "" {
		req.Header.Set("X-Amz-Security-Token", creds.SessionToken)
	}
	err = v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = service == "s3" }).
		SignHTTP(context.Background(), aws.Credentials{AccessKeyID: creds.AccessKeyID,
			SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken}, req, hash,
			service, "us-east-1", time.Now())
	must(t, "sign", err)
	resp, err := httpClient(srv, false).Do(req)
	must(t, "send", err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return rawResponse{resp.StatusCode, resp.Header, string(b)}
}

// TestErrorForms checks each protocol's error body: S3's bare <Error>, S3 Control's
// <ErrorResponse>, the query protocol's <ErrorResponse> with <Type>, and JSON's __type.
func TestErrorForms(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	ep := srv.HTTPEndpoint()

	t.Run("s3", func(t *testing.T) {
		r := signedRequest(t, srv, acct.Learner, "s3", "GET", ep+"/no-such-bucket-x?policy",
			nil, "")
		var e struct {
			XMLName    xml.Name
			Code       string
			Message    string
			BucketName string
			RequestID  string `xml:"RequestId"`
		}
		must(t, "parse", xml.Unmarshal([]byte(r.body), &e))
		if r.status != 404 || e.XMLName.Local != "Error" || e.Code != "NoSuchBucket" ||
			e.BucketName != "no-such-bucket-x" || e.RequestID == "" ||
			e.RequestID != r.header.Get("x-amz-request-id") {
			t.Errorf("S3 error = %d %s", r.status, r.body)
		}
	})
	t.Run("s3control", func(t *testing.T) {
		r := signedRequest(t, srv, acct.Learner, "s3", "GET",
			ep+"/v20180820/configuration/publicAccessBlock",
			map[string]string{"x-amz-account-id": acct.ID}, "")
		var e struct {
			XMLName xml.Name
			Error   struct{ Code, Message string }
			ReqID   string `xml:"RequestId"`
		}
		must(t, "parse", xml.Unmarshal([]byte(r.body), &e))
		if r.status != 404 || e.XMLName.Local != "ErrorResponse" ||
			e.Error.Code != "NoSuchPublicAccessBlockConfiguration" || e.ReqID == "" {
			t.Errorf("S3 Control error = %d %s", r.status, r.body)
		}
	})
	t.Run("query", func(t *testing.T) {
		r := signedRequest(t, srv, acct.Learner, "sts", "POST", ep+"/",
			map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			"Action=AssumeRoot&Version=2011-06-15")
		var e struct {
			XMLName xml.Name
			Error   struct{ Type, Code, Message string }
			ReqID   string `xml:"RequestId"`
		}
		must(t, "parse", xml.Unmarshal([]byte(r.body), &e))
		if r.status != 400 || e.XMLName.Local != "ErrorResponse" || e.Error.Type != "Sender" ||
			e.Error.Code != "InvalidAction" || e.ReqID == "" {
			t.Errorf("query error = %d %s", r.status, r.body)
		}
	})
	t.Run("json", func(t *testing.T) {
		r := signedRequest(t, srv, acct.Learner, "kms", "POST", ep+"/",
			map[string]string{"Content-Type": "application/x-amz-json-1.1",
				"X-Amz-Target": "TrentService.DescribeKey"}, `{"KeyId":"alias/none"}`)
		var e map[string]string
		must(t, "parse", json.Unmarshal([]byte(r.body), &e))
		if r.status != 400 || e["__type"] != "NotFoundException" || e["message"] == "" ||
			r.header.Get("X-Amzn-ErrorType") != "NotFoundException" {
			t.Errorf("JSON error = %d %v %s", r.status, r.header, r.body)
		}
	})
}

const jsonType = "application/x-amz-json-1.1"

// TestMalformedInput checks that bad requests get a precise error and change nothing.
func TestMalformedInput(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	ep := srv.HTTPEndpoint()
	c := s3Client(srv, acct.Learner, clientOpts{})
	bucket := "malformed-" + acct.ID
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	must(t, "CreateBucket", err)

	tests := []struct {
		name, service, method, path, body string
		header                            map[string]string
		status                            int
		code, message                     string
	}{
		{name: "policy not JSON", service: "s3", method: "PUT", path: "/" + bucket + "?policy",
			body: `{"Version":"2012-10-17","Statement":[`, status: 400, code: "MalformedPolicy",
			message: "line 1"},
		{name: "policy without principal", service: "s3", method: "PUT",
			path: "/" + bucket + "?policy", status: 400, code: "MalformedPolicy",
			body: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",` +
				`"Resource":"arn:aws:s3:::` + bucket + `"}]}`, message: "Principal"},
		{name: "policy on another bucket", service: "s3", method: "PUT",
			path: "/" + bucket + "?policy", status: 400, code: "MalformedPolicy",
			body: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",` +
				`"Action":"s3:*","Resource":"arn:aws:s3:::other-bucket/*"}]}`,
			message: "invalid resource"},
		{name: "policy with an unknown S3 action", service: "s3", method: "PUT",
			path: "/" + bucket + "?policy", status: 400, code: "MalformedPolicy",
			body: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",` +
				`"Action":["s3:Get*","s3:Fly"],"Resource":"arn:aws:s3:::` + bucket + `"}]}`,
			message: "invalid action: s3:Fly"},
		{name: "policy with another service's action", service: "s3", method: "PUT",
			path: "/" + bucket + "?policy", status: 400, code: "MalformedPolicy",
			body: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",` +
				`"Action":"kms:Decrypt","Resource":"arn:aws:s3:::` + bucket + `"}]}`,
			message: "invalid action: kms:Decrypt"},
		{name: "policy with an unknown element", service: "s3", method: "PUT",
			path: "/" + bucket + "?policy", status: 400, code: "MalformedPolicy",
			body: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",` +
				`"Action":"s3:*","Resource":"arn:aws:s3:::` + bucket + `","Colour":"red"}]}`,
			message: "Colour"},
		{name: "public access block not XML", service: "s3", method: "PUT",
			path: "/" + bucket + "?publicAccessBlock", body: "<PublicAccessBlockConfiguration>",
			status: 400, code: "MalformedXML"},
		{name: "public access block wrong root", service: "s3", method: "PUT",
			path: "/" + bucket + "?publicAccessBlock", body: "<Other></Other>",
			status: 400, code: "MalformedXML", message: "PublicAccessBlockConfiguration"},
		{name: "public access block bad boolean", service: "s3", method: "PUT",
			path: "/" + bucket + "?publicAccessBlock", status: 400, code: "MalformedXML",
			body: "<PublicAccessBlockConfiguration><BlockPublicAcls>maybe</BlockPublicAcls>" +
				"</PublicAccessBlockConfiguration>", message: "BlockPublicAcls"},
		{name: "encryption algorithm", service: "s3", method: "PUT",
			path: "/" + bucket + "?encryption", status: 400, code: "MalformedXML",
			body: "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>" +
				"<SSEAlgorithm>ROT13</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>" +
				"</ServerSideEncryptionConfiguration>", message: "ROT13"},
		{name: "bucket name", service: "s3", method: "PUT", path: "/Bad_Name", status: 400,
			code: "InvalidBucketName"},
		{name: "content-md5 mismatch", service: "s3", method: "PUT", path: "/" + bucket + "/k",
			body: "data", header: map[string]string{"Content-MD5": "1B2M2Y8AsgTpgAmY7PhCfg=="},
			status: 400, code: "BadDigest"},
		{name: "kms body not JSON", service: "kms", method: "POST", path: "/", body: "{",
			header: map[string]string{"X-Amz-Target": "TrentService.CreateKey",
				"Content-Type": "application/x-amz-json-1.1"},
			status: 400, code: "SerializationException"},
		{name: "kms wrong type", service: "kms", method: "POST", path: "/",
			body: `{"Description":7}`, header: map[string]string{
				"X-Amz-Target": "TrentService.CreateKey", "Content-Type": jsonType},
			status: 400, code: "SerializationException", message: "Description"},
		{name: "kms missing member", service: "kms", method: "POST", path: "/", body: `{}`,
			header: map[string]string{"X-Amz-Target": "TrentService.DescribeKey",
				"Content-Type": "application/x-amz-json-1.1"},
			status: 400, code: "ValidationException", message: "KeyId"},
		{name: "kms bad key policy", service: "kms", method: "POST", path: "/",
			body: `{"Policy":"{\"Statement\":5}"}`, header: map[string]string{
				"X-Amz-Target": "TrentService.CreateKey", "Content-Type": jsonType},
			status: 400, code: "MalformedPolicyDocumentException"},
		{name: "kms unknown operation", service: "kms", method: "POST", path: "/", body: `{}`,
			header: map[string]string{"X-Amz-Target": "TrentService.Nope",
				"Content-Type": "application/x-amz-json-1.1"},
			status: 400, code: "UnknownOperationException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := signedRequest(t, srv, acct.Learner, tt.service, tt.method, ep+tt.path,
				tt.header, tt.body)
			code := ""
			if tt.service == "kms" {
				var e map[string]string
				_ = json.Unmarshal([]byte(r.body), &e)
				code = e["__type"]
			} else {
				var e struct{ Code, Message string }
				_ = xml.Unmarshal([]byte(r.body), &e)
				code = e.Code
			}
			if r.status != tt.status || code != tt.code ||
				!strings.Contains(r.body, tt.message) {
				t.Errorf("got %d %s, want %d %s mentioning %q", r.status, r.body, tt.status,
					tt.code, tt.message)
			}
		})
	}

	// None of the failed requests changed the bucket.
	_, err = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &bucket})
	wantCode(t, "GetBucketPolicy after bad puts", err, "NoSuchBucketPolicy")
	pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: &bucket})
	must(t, "GetPublicAccessBlock", err)
	if !aws.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicAcls) {
		t.Errorf("a malformed PutPublicAccessBlock changed the configuration")
	}
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("k")})
	wantCode(t, "HeadObject after a bad digest", err, "NotFound")
	keys, err := kmsClient(srv, acct.Learner, false).ListKeys(ctx, &kms.ListKeysInput{})
	must(t, "ListKeys", err)
	if len(keys.Keys) != 0 {
		t.Errorf("failed CreateKey calls created %d keys", len(keys.Keys))
	}
}

func TestRestartKeepsState(t *testing.T) {
	dir := t.TempDir()
	srv, err := awsim.New(awsim.Config{DataDir: dir})
	must(t, "New", err)
	must(t, "Start", srv.Start("127.0.0.1:0", "127.0.0.1:0"))
	acct := newAccount(t, srv)
	c := s3Client(srv, acct.Learner, clientOpts{secure: true})
	bucket := "durable-" + acct.ID
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	must(t, "CreateBucket", err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("k"),
		Body: strings.NewReader("kept")})
	must(t, "PutObject", err)
	policy := publicReadPolicy(bucket)
	_, err = c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: &bucket})
	must(t, "DeletePublicAccessBlock", err)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &bucket, Policy: &policy})
	must(t, "PutBucketPolicy", err)
	kc := kmsClient(srv, acct.Learner, true)
	key, err := kc.CreateKey(ctx, &kms.CreateKeyInput{})
	must(t, "CreateKey", err)
	_, err = kc.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/kept"),
		TargetKeyId: key.KeyMetadata.KeyId})
	must(t, "CreateAlias", err)
	ct, err := kc.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String("alias/kept"),
		Plaintext: []byte("still secret")})
	must(t, "Encrypt", err)
	gone := newAccount(t, srv)
	must(t, "DeleteAccount", srv.DeleteAccount(ctx, gone.ID))
	ca, err := os.ReadFile(srv.CAFile())
	must(t, "read CA", err)
	must(t, "Close", srv.Close())

	again := startServer(t, dir)
	ca2, err := os.ReadFile(again.CAFile())
	must(t, "read CA", err)
	if !bytes.Equal(ca, ca2) {
		t.Errorf("the CA changed across a restart")
	}
	c = s3Client(again, acct.Learner, clientOpts{secure: true})
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("k")})
	must(t, "GetObject after restart", err)
	body, _ := io.ReadAll(got.Body)
	if string(body) != "kept" {
		t.Errorf("object after restart = %q, want %q", body, "kept")
	}
	gp, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &bucket})
	must(t, "GetBucketPolicy after restart", err)
	if aws.ToString(gp.Policy) != policy {
		t.Errorf("policy after restart = %s", aws.ToString(gp.Policy))
	}
	if code, _ := anonymousGet(t, again, bucket, "k"); code != 200 {
		t.Errorf("anonymous read after restart = %d, want 200 (the policy is enforced)", code)
	}
	pt, err := kmsClient(again, acct.Learner, true).Decrypt(ctx,
		&kms.DecryptInput{CiphertextBlob: ct.CiphertextBlob})
	must(t, "Decrypt after restart", err)
	if string(pt.Plaintext) != "still secret" {
		t.Errorf("Decrypt after restart = %q", pt.Plaintext)
	}
	al, err := kmsClient(again, acct.Learner, true).ListAliases(ctx, &kms.ListAliasesInput{})
	must(t, "ListAliases after restart", err)
	if d := cmp.Diff(1, len(al.Aliases)); d != "" {
		t.Errorf("aliases after restart (-want +got):\n%s", d)
	}
	_, err = s3Client(again, acct.Grader, clientOpts{secure: true}).HeadBucket(ctx,
		&s3.HeadBucketInput{Bucket: &bucket})
	must(t, "grader HeadBucket after restart", err)
	_, err = stsClient(again, gone.Learner, true).GetCallerIdentity(ctx,
		&sts.GetCallerIdentityInput{})
	wantCode(t, "a deleted account's key after restart", err, "InvalidClientTokenId")
	info, err := os.Stat(filepath.Join(dir, "state.json"))
	must(t, "stat state", err)
	if info.Mode().Perm()&0o077 != 0 {
		t.Errorf("state file mode %v lets others read secrets", info.Mode().Perm())
	}
}

func TestNewRejectsCorruptState(t *testing.T) {
	dir := t.TempDir()
	must(t, "write", os.WriteFile(filepath.Join(dir, "state.json"), []byte("{broken"), 0o600))
	if _, err := awsim.New(awsim.Config{DataDir: dir}); err == nil ||
		!strings.Contains(err.Error(), "state.json") {
		t.Errorf("New with a corrupt snapshot = %v, want an error naming state.json", err)
	}
}

// TestLogsNoSecrets: debug logging writes one line per request and never a secret, a
// session token or a signature.
func TestLogsNoSecrets(t *testing.T) {
	var buf bytes.Buffer
	srv, err := awsim.New(awsim.Config{DataDir: t.TempDir(),
		Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	must(t, "New", err)
	must(t, "Start", srv.Start("127.0.0.1:0", "127.0.0.1:0"))
	defer srv.Close()
	acct := newAccount(t, srv)
	c := s3Client(srv, acct.Learner, clientOpts{})
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("logged-" + acct.ID)})
	must(t, "CreateBucket", err)
	bad := acct.Learner
	bad.SecretAccessKey = corrupt(bad.SecretAccessKey)
	_, _ = s3Client(srv, bad, clientOpts{}).ListBuckets(ctx, &s3.ListBucketsInput{})
	log := buf.String()
	for _, secret := range []string{acct.Learner.SecretAccessKey, acct.Learner.SessionToken,
		acct.Grader.SecretAccessKey, "Signature="} {
		if strings.Contains(log, secret) {
			t.Errorf("the log contains a secret or signature %q", secret[:8])
		}
	}
	if n := strings.Count(log, "msg=\"awsim request\""); n != 2 {
		t.Errorf("log has %d request lines, want 2:\n%s", n, log)
	}
	if !strings.Contains(log, "operation=CreateBucket") || !strings.Contains(log,
		"account="+acct.ID) || !strings.Contains(log, "status=200") {
		t.Errorf("request line lacks operation, account or status:\n%s", log)
	}
	var jsonLog bytes.Buffer
	slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("sandbox", "account", acct,
		"creds", acct.Learner)
	for _, shown := range []string{acct.Learner.String(), fmt.Sprintf("%+v %#v", acct, acct),
		jsonLog.String()} {
		if strings.Contains(shown, acct.Learner.SecretAccessKey) ||
			strings.Contains(shown, acct.Learner.SessionToken) {
			t.Errorf("formatting an account shows its secrets: %s", shown)
		}
	}
}

func BenchmarkCreateAccount(b *testing.B) {
	srv, err := awsim.New(awsim.Config{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := srv.CreateAccount(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPutGetObject(b *testing.B) {
	srv := startServer(b, "")
	acct := newAccount(b, srv)
	c := s3Client(srv, acct.Learner, clientOpts{})
	bucket := "bench-" + acct.ID
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("k"),
			Body: strings.NewReader("v")})
		if err != nil {
			b.Fatal(err)
		}
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("k")})
		if err != nil {
			b.Fatal(err)
		}
		out.Body.Close()
	}
}
