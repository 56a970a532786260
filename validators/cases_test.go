package validators_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/awsclient"
	"github.com/proctorlabs/proctor/awsim"
	"github.com/proctorlabs/proctor/validators"
)

// The cases of the field (S3-1 ... S3-7) build their configuration in a real awsim sandbox
// through the AWS API, with the learner's credentials, and grade it with the grader's.

var (
	simOnce sync.Once
	sim     *awsim.Server
	simErr  error
)

// server returns one awsim server shared by the package's tests.
func server(t *testing.T) *awsim.Server {
	t.Helper()
	simOnce.Do(func() {
		dir, err := mkdirTemp()
		if err != nil {
			simErr = err
			return
		}
		sim, simErr = awsim.New(awsim.Config{DataDir: dir})
		if simErr == nil {
			simErr = sim.Start("127.0.0.1:0", "127.0.0.1:0")
		}
	})
	if simErr != nil {
		t.Fatalf("awsim: %v", simErr)
	}
	return sim
}

// sandbox is one account of the shared server, with SDK clients acting as its learner.
type sandbox struct {
	learner, grader proctor.Target
	bucket          string
	s3              *s3.Client
	s3control       *s3control.Client
}

func newSandbox(t *testing.T) *sandbox {
	t.Helper()
	srv := server(t)
	acct, err := srv.CreateAccount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	endpoint := proctor.Endpoint{HTTP: srv.HTTPEndpoint(), HTTPS: srv.HTTPSEndpoint(),
		CABundle: srv.CAFile(), Proxy: srv.ProxyURL()}
	sb := &sandbox{
		learner: proctor.Target{AccountID: acct.ID, Region: srv.Region(), Endpoint: endpoint,
			Credentials: proctor.Credentials(acct.Learner)},
		grader: proctor.Target{AccountID: acct.ID, Region: srv.Region(), Endpoint: endpoint,
			Credentials: proctor.Credentials(acct.Grader)},
		bucket: "case-data-" + acct.ID,
	}
	cfg, err := awsclient.Config(context.Background(), sb.learner)
	if err != nil {
		t.Fatal(err)
	}
	sb.s3, sb.s3control = awsclient.S3(cfg), awsclient.S3Control(cfg)
	return sb
}

// createOpenBucket creates the sandbox's bucket without bucket-level Block Public Access.
func (sb *sandbox) createOpenBucket(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if _, err := sb.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &sb.bucket}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	if _, err := sb.s3.DeletePublicAccessBlock(ctx,
		&s3.DeletePublicAccessBlockInput{Bucket: &sb.bucket}); err != nil {
		t.Fatalf("DeletePublicAccessBlock: %v", err)
	}
}

// putPolicy sets the bucket policy made of the statements, with B standing for the bucket.
func (sb *sandbox) putPolicy(t *testing.T, statements ...string) {
	t.Helper()
	doc := `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
	doc = strings.ReplaceAll(doc, "arn:aws:s3:::B", "arn:aws:s3:::"+sb.bucket)
	doc = strings.ReplaceAll(doc, "ACCOUNT", sb.learner.AccountID)
	if _, err := sb.s3.PutBucketPolicy(context.Background(),
		&s3.PutBucketPolicyInput{Bucket: &sb.bucket, Policy: &doc}); err != nil {
		t.Fatalf("PutBucketPolicy: %v", err)
	}
}

func (sb *sandbox) putAccountBPA(t *testing.T, a, b, c, d bool) {
	t.Helper()
	_, err := sb.s3control.PutPublicAccessBlock(context.Background(),
		&s3control.PutPublicAccessBlockInput{AccountId: &sb.learner.AccountID,
			PublicAccessBlockConfiguration: &s3ctltypes.PublicAccessBlockConfiguration{
				BlockPublicAcls: &a, IgnorePublicAcls: &b, BlockPublicPolicy: &c,
				RestrictPublicBuckets: &d}})
	if err != nil {
		t.Fatalf("PutPublicAccessBlock: %v", err)
	}
}

// grade runs the named built-in validator as the grader.
func (sb *sandbox) grade(t *testing.T, validator string, params map[string]any) proctor.Finding {
	t.Helper()
	reg := validators.WithBuiltins(validators.NewRegistry(nil, awsclient.WithRetryMaxAttempts(1)))
	v, ok := reg.Lookup(validator)
	if !ok {
		t.Fatalf("no validator %s", validator)
	}
	f, err := v.Validate(context.Background(), sb.grader, params)
	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	return f
}

func expect(t *testing.T, f proctor.Finding, verdict proctor.Verdict, says ...string) {
	t.Helper()
	if f.Verdict != verdict {
		t.Fatalf("verdict = %s (%s), want %s", f.Verdict, f.Message, verdict)
	}
	for _, s := range says {
		if !strings.Contains(f.Message, s) {
			t.Errorf("message %q does not say %q", f.Message, s)
		}
	}
}

const (
	caseDenyInsecure = `{"Effect":"Deny","Principal":"*","Action":"s3:*",
		"Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*"],
		"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	caseAllowRead = `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
		"Resource":"arn:aws:s3:::B/*"}`
	caseAllowAccount = `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::ACCOUNT:root"},
		"Action":["s3:PutObject","s3:ListBucket"],"Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*"]}`
)

func TestCaseS3_1ReferencePolicyPasses(t *testing.T) {
	sb := newSandbox(t)
	sb.createOpenBucket(t)
	sb.putPolicy(t, caseDenyInsecure)
	// The grader talks HTTPS, so the TLS-only policy does not blind it.
	expect(t, sb.grade(t, "s3.bucket_tls_only", map[string]any{"bucket": sb.bucket}),
		proctor.VerdictPass)
}

func TestCaseS3_2ExplicitDenyWins(t *testing.T) {
	sb := newSandbox(t)
	sb.createOpenBucket(t)
	sb.putPolicy(t, caseAllowRead, caseDenyInsecure, caseAllowAccount)
	expect(t, sb.grade(t, "s3.bucket_tls_only", map[string]any{"bucket": sb.bucket}),
		proctor.VerdictPass)
}

func TestCaseS3_3GetOnlyDenyFails(t *testing.T) {
	sb := newSandbox(t)
	sb.createOpenBucket(t)
	sb.putPolicy(t, `{"Effect":"Deny","Principal":"*","Action":"s3:Get*",
		"Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*"],
		"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)
	expect(t, sb.grade(t, "s3.bucket_tls_only", map[string]any{"bucket": sb.bucket}),
		proctor.VerdictFail, "insecure s3:PutObject on object ARNs is not denied",
		"insecure s3:DeleteObject on object ARNs is not denied", "writes, deletes")
}

func TestCaseS3_4ObjectsOnlyFails(t *testing.T) {
	sb := newSandbox(t)
	sb.createOpenBucket(t)
	sb.putPolicy(t, `{"Effect":"Deny","Principal":"*","Action":"*",
		"Resource":"arn:aws:s3:::B/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)
	expect(t, sb.grade(t, "s3.bucket_tls_only", map[string]any{"bucket": sb.bucket}),
		proctor.VerdictFail, "insecure s3:ListBucket on the bucket ARN is not denied")
	// A lab that asks only for the objects accepts the same policy.
	expect(t, sb.grade(t, "s3.bucket_tls_only",
		map[string]any{"bucket": sb.bucket, "bucket_arn": false}), proctor.VerdictPass)
}

func TestCaseS3_5GraderDeniedIsError(t *testing.T) {
	sb := newSandbox(t)
	sb.createOpenBucket(t)
	sb.putPolicy(t, caseDenyInsecure, `{"Effect":"Deny",
		"Principal":{"AWS":"arn:aws:iam::ACCOUNT:role/ProctorGrader"},
		"Action":"s3:GetBucketPolicy","Resource":"arn:aws:s3:::B"}`)
	expect(t, sb.grade(t, "s3.bucket_tls_only", map[string]any{"bucket": sb.bucket}),
		proctor.VerdictError, "AccessDenied")
}

// TestCaseS3_5EndpointDownIsError checks that every built-in validator of S3 and KMS says
// ERROR, never FAIL, when the grader cannot reach the endpoint at all.
func TestCaseS3_5EndpointDownIsError(t *testing.T) {
	sb := newSandbox(t)
	sb.grader.Endpoint = proctor.Endpoint{HTTPS: "https://127.0.0.1:1",
		CABundle: sb.grader.Endpoint.CABundle}
	for _, v := range []string{"s3.bucket_tls_only", "s3.bucket_not_public",
		"s3.bucket_default_encryption", "s3.account_public_access_block",
		"kms.key_rotation", "kms.key_policy_not_public"} {
		params := map[string]any{"bucket": sb.bucket}
		switch v {
		case "s3.account_public_access_block", "kms.key_rotation":
			params = nil
		case "kms.key_policy_not_public":
			params = map[string]any{"key": "alias/data"}
		}
		t.Run(v, func(t *testing.T) {
			expect(t, sb.grade(t, v, params), proctor.VerdictError)
		})
	}
}

func TestCaseS3_6AllFourSettingsRequired(t *testing.T) {
	sb := newSandbox(t)
	sb.putAccountBPA(t, false, true, false, true)
	f := sb.grade(t, "s3.account_public_access_block", nil)
	expect(t, f, proctor.VerdictFail, "BlockPublicAcls, BlockPublicPolicy off")
	if f.Fraction != 0.5 {
		t.Errorf("fraction = %v, want 0.5 (two of four settings)", f.Fraction)
	}
}

func TestCaseS3_7AccountSettingsProtectTheBucket(t *testing.T) {
	sb := newSandbox(t)
	sb.createOpenBucket(t)
	sb.putPolicy(t, caseAllowRead)
	expect(t, sb.grade(t, "s3.bucket_not_public", map[string]any{"bucket": sb.bucket}),
		proctor.VerdictFail, "s3:GetObject on object ARNs to anonymous and other-account")

	sb.putAccountBPA(t, true, true, true, true)
	expect(t, sb.grade(t, "s3.bucket_not_public", map[string]any{"bucket": sb.bucket}),
		proctor.VerdictPass)
}

func TestCaseKMS3AWSManagedKeyIsNotACMK(t *testing.T) {
	sb := newSandbox(t)
	sb.createOpenBucket(t)
	_, err := sb.s3.PutBucketEncryption(context.Background(), &s3.PutBucketEncryptionInput{
		Bucket: &sb.bucket,
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
			Rules: []s3types.ServerSideEncryptionRule{{
				ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{
					SSEAlgorithm: s3types.ServerSideEncryptionAwsKms}}}}})
	if err != nil {
		t.Fatalf("PutBucketEncryption: %v", err)
	}
	expect(t, sb.grade(t, "s3.bucket_default_encryption", map[string]any{"bucket": sb.bucket}),
		proctor.VerdictFail, "AWS managed key aws/s3")
}

func TestBucketWithoutPolicyOrSettingsIsNotPublic(t *testing.T) {
	sb := newSandbox(t)
	sb.createOpenBucket(t)
	sb.putPolicy(t, caseDenyInsecure)
	expect(t, sb.grade(t, "s3.bucket_not_public", map[string]any{"bucket": sb.bucket}),
		proctor.VerdictPass)
}

// kmsClient returns a KMS client acting as the sandbox's learner.
func (sb *sandbox) kmsClient(t *testing.T) *kms.Client {
	t.Helper()
	cfg, err := awsclient.Config(context.Background(), sb.learner)
	if err != nil {
		t.Fatal(err)
	}
	return awsclient.KMS(cfg)
}

func (sb *sandbox) createKey(t *testing.T, spec kmstypes.KeySpec,
	usage kmstypes.KeyUsageType) string {
	t.Helper()
	out, err := sb.kmsClient(t).CreateKey(context.Background(),
		&kms.CreateKeyInput{KeySpec: spec, KeyUsage: usage})
	if err != nil {
		t.Fatalf("CreateKey %s: %v", spec, err)
	}
	return *out.KeyMetadata.KeyId
}

func TestCaseKMS1RotationDoesNotApply(t *testing.T) {
	sb := newSandbox(t)
	for _, k := range []struct {
		spec  kmstypes.KeySpec
		usage kmstypes.KeyUsageType
	}{
		{kmstypes.KeySpecRsa4096, kmstypes.KeyUsageTypeSignVerify},
		{kmstypes.KeySpecEccNistP521, kmstypes.KeyUsageTypeSignVerify},
		{kmstypes.KeySpecHmac256, kmstypes.KeyUsageTypeGenerateVerifyMac},
	} {
		t.Run(string(k.spec), func(t *testing.T) {
			id := sb.createKey(t, k.spec, k.usage)
			expect(t, sb.grade(t, "kms.key_rotation", map[string]any{"key": id}),
				proctor.VerdictNotApplicable, "cannot rotate automatically")
		})
	}
	// The account's keys together: none can rotate.
	expect(t, sb.grade(t, "kms.key_rotation", nil), proctor.VerdictNotApplicable)
}

func TestCaseKMS2SymmetricKeyWithoutRotationFails(t *testing.T) {
	sb := newSandbox(t)
	id := sb.createKey(t, kmstypes.KeySpecSymmetricDefault, kmstypes.KeyUsageTypeEncryptDecrypt)
	expect(t, sb.grade(t, "kms.key_rotation", map[string]any{"key": id}),
		proctor.VerdictFail, "automatic rotation is off")

	if _, err := sb.kmsClient(t).EnableKeyRotation(context.Background(),
		&kms.EnableKeyRotationInput{KeyId: &id}); err != nil {
		t.Fatalf("EnableKeyRotation: %v", err)
	}
	expect(t, sb.grade(t, "kms.key_rotation", nil), proctor.VerdictPass)
}

func TestKeyPolicyOpenToEveryoneFails(t *testing.T) {
	sb := newSandbox(t)
	id := sb.createKey(t, kmstypes.KeySpecSymmetricDefault, kmstypes.KeyUsageTypeEncryptDecrypt)
	expect(t, sb.grade(t, "kms.key_policy_not_public", map[string]any{"key": id}),
		proctor.VerdictPass)

	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"AWS":"arn:aws:iam::` + sb.learner.AccountID + `:root"},"Action":"kms:*",
		"Resource":"*"},{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}`
	if _, err := sb.kmsClient(t).PutKeyPolicy(context.Background(), &kms.PutKeyPolicyInput{
		KeyId: &id, Policy: &doc, PolicyName: aws.String("default")}); err != nil {
		t.Fatalf("PutKeyPolicy: %v", err)
	}
	expect(t, sb.grade(t, "kms.key_policy_not_public", map[string]any{"key": id}),
		proctor.VerdictFail, "kms:Decrypt to anonymous and other-account principals")
}
