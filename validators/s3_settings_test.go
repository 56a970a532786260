package validators

import (
	"strings"
	"testing"

	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor"
)

func TestAccountPublicAccessBlock(t *testing.T) {
	tests := []struct {
		name     string
		fake     fakeAWS
		params   map[string]any
		verdict  proctor.Verdict
		fraction float64
		message  string
	}{
		{name: "all four on", fake: fakeAWS{accountBPA: accountBPAOf(true, true, true, true)},
			verdict: proctor.VerdictPass, fraction: 1},
		{name: "S3-6 two of four", fake: fakeAWS{accountBPA: accountBPAOf(false, true, false, true)},
			verdict: proctor.VerdictFail, fraction: 2.0 / 4,
			message: "account-level Block Public Access leaves BlockPublicAcls, " +
				"BlockPublicPolicy off (2 of the 4 required settings)"},
		{name: "no configuration", verdict: proctor.VerdictFail, fraction: 0},
		{name: "only the required settings count",
			fake:    fakeAWS{accountBPA: accountBPAOf(false, true, false, true)},
			params:  map[string]any{"settings": []any{"IgnorePublicAcls", "RestrictPublicBuckets"}},
			verdict: proctor.VerdictPass, fraction: 1},
		{name: "bucket-level settings do not count",
			fake:    fakeAWS{bucketBPA: bucketBPAOf(true, true, true, true)},
			verdict: proctor.VerdictFail, fraction: 0},
		{name: "grader denied",
			fake: fakeAWS{fail: map[string]error{
				"s3control.GetPublicAccessBlock": apiErr("AccessDenied")}},
			verdict: proctor.VerdictError},
		{name: "endpoint down",
			fake: fakeAWS{fail: map[string]error{
				"s3control.GetPublicAccessBlock": errEndpointDown}},
			verdict: proctor.VerdictError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := tt.fake
			fake.account, fake.bucket = testAccount, testBucket
			got := run(t, accountPublicAccessBlock, fake.env(), tt.params)
			if got.Verdict != tt.verdict {
				t.Fatalf("verdict = %s (%s), want %s", got.Verdict, got.Message, tt.verdict)
			}
			if got.Verdict != proctor.VerdictError && got.Fraction != tt.fraction {
				t.Errorf("fraction = %v, want %v", got.Fraction, tt.fraction)
			}
			if tt.message != "" && got.Message != tt.message {
				t.Errorf("message = %q, want %q", got.Message, tt.message)
			}
			if want := "AWS::::Account:" + testAccount; len(got.Evidence) == 0 ||
				got.Evidence[0].Resource != want {
				t.Errorf("evidence %+v does not name %s", got.Evidence, want)
			}
		})
	}
}

func TestBucketNotPublic(t *testing.T) {
	publicRead := policyOf(allowRead)
	allUsers := []s3types.Grant{{Permission: s3types.PermissionRead,
		Grantee: &s3types.Grantee{Type: s3types.TypeGroup, URI: strPtr(allUsersURI)}}}
	tests := []struct {
		name    string
		fake    fakeAWS
		verdict proctor.Verdict
		message string
		calls   []string
	}{
		{name: "S3-7 account-level settings protect the bucket",
			fake: fakeAWS{policy: publicRead, accountBPA: accountBPAOf(true, true, true, true)},
			// Neither the policy nor the ACL can matter, so neither is read.
			verdict: proctor.VerdictPass,
			calls:   []string{"s3control.GetPublicAccessBlock", "GetPublicAccessBlock"}},
		{name: "bucket-level settings protect the bucket",
			fake:    fakeAWS{policy: publicRead, bucketBPA: bucketBPAOf(true, true, true, true)},
			verdict: proctor.VerdictPass},
		{name: "settings split across levels combine",
			fake: fakeAWS{policy: publicRead, aclGrants: allUsers,
				accountBPA: accountBPAOf(false, true, false, false),
				bucketBPA:  bucketBPAOf(false, false, false, true)},
			verdict: proctor.VerdictPass},
		{name: "public-read policy, no Block Public Access", fake: fakeAWS{policy: publicRead},
			verdict: proctor.VerdictFail,
			message: "bucket " + testBucket + " is public: its policy allows s3:ListBucket " +
				"on the bucket ARN to anonymous and other-account principals; s3:GetObject on " +
				"object ARNs to anonymous and other-account principals (allowed: lists, " +
				"reads), and Block Public Access does not restrict it"},
		{name: "BlockPublicPolicy alone leaves an existing public policy in force",
			fake: fakeAWS{policy: publicRead,
				accountBPA: accountBPAOf(true, true, true, false)},
			verdict: proctor.VerdictFail},
		{name: "grant from an internal network is not public",
			fake: fakeAWS{policy: policyOf(`{"Effect":"Allow","Principal":"*",
				"Action":"s3:GetObject","Resource":"arn:aws:s3:::B/*",
				"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`)},
			verdict: proctor.VerdictPass},
		{name: "grant from every address is public",
			fake: fakeAWS{policy: policyOf(`{"Effect":"Allow","Principal":"*",
				"Action":"s3:GetObject","Resource":"arn:aws:s3:::B/*",
				"Condition":{"IpAddress":{"aws:SourceIp":["0.0.0.0/0","::/0"]}}}`)},
			verdict: proctor.VerdictFail,
			message: "bucket " + testBucket + " is public: its policy allows s3:GetObject on " +
				"object ARNs to anonymous and other-account principals (allowed: reads), and " +
				"Block Public Access does not restrict it"},
		{name: "grant to one VPC endpoint is not public",
			fake: fakeAWS{policy: policyOf(`{"Effect":"Allow","Principal":"*",
				"Action":"s3:GetObject","Resource":"arn:aws:s3:::B/*",
				"Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c"}}}`)},
			verdict: proctor.VerdictPass},
		{name: "policy granting only the account is not public",
			fake:    fakeAWS{policy: policyOf(allowAccount)},
			verdict: proctor.VerdictPass},
		{name: "TLS-only deny alone is not public", fake: fakeAWS{policy: policyOf(denyInsecure)},
			verdict: proctor.VerdictPass},
		{name: "public ACL", fake: fakeAWS{aclGrants: allUsers}, verdict: proctor.VerdictFail,
			message: "bucket " + testBucket + " is public: its ACL grants READ to AllUsers, " +
				"and Block Public Access does not restrict it"},
		{name: "public ACL ignored by IgnorePublicAcls",
			fake:    fakeAWS{aclGrants: allUsers, bucketBPA: bucketBPAOf(false, true, false, false)},
			verdict: proctor.VerdictPass},
		{name: "grader denied the bucket policy",
			fake: fakeAWS{policy: publicRead, fail: map[string]error{
				"GetBucketPolicy": apiErr("AccessDenied")}},
			verdict: proctor.VerdictError},
		{name: "grader denied the account settings",
			fake: fakeAWS{fail: map[string]error{
				"s3control.GetPublicAccessBlock": apiErr("AccessDenied")}},
			verdict: proctor.VerdictError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := tt.fake
			fake.account, fake.bucket = testAccount, testBucket
			got := run(t, bucketNotPublic, fake.env(), map[string]any{"bucket": testBucket})
			if got.Verdict != tt.verdict {
				t.Fatalf("verdict = %s (%s), want %s", got.Verdict, got.Message, tt.verdict)
			}
			if tt.message != "" && got.Message != tt.message {
				t.Errorf("message = %q, want %q", got.Message, tt.message)
			}
			if tt.calls != nil {
				if diff := cmp.Diff(tt.calls, fake.calls); diff != "" {
					t.Errorf("calls (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func strPtr(s string) *string { return &s }

func TestBucketDefaultEncryption(t *testing.T) {
	cmkID := "1234abcd-12ab-34cd-56ef-1234567890ab"
	cmkARN := "arn:aws:kms:us-east-1:" + testAccount + ":key/" + cmkID
	cmk := kmstypes.KeyMetadata{KeyId: &cmkID, Arn: &cmkARN, AWSAccountId: strPtr(testAccount),
		KeyManager: kmstypes.KeyManagerTypeCustomer, KeyState: kmstypes.KeyStateEnabled,
		KeySpec: kmstypes.KeySpecSymmetricDefault}
	awsKeyARN := "arn:aws:kms:us-east-1:" + testAccount + ":key/aws-managed"
	awsKey := cmk
	awsKey.Arn, awsKey.KeyManager = &awsKeyARN, kmstypes.KeyManagerTypeAws
	disabled := cmk
	disabled.KeyState = kmstypes.KeyStateDisabled
	foreignARN := "arn:aws:kms:us-east-1:999999999999:key/" + cmkID
	foreign := cmk
	foreign.Arn, foreign.AWSAccountId = &foreignARN, strPtr("999999999999")
	rsa := cmk
	rsa.KeySpec = kmstypes.KeySpecRsa4096

	kmsRule := func(key string) *s3types.ServerSideEncryptionByDefault {
		r := &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms}
		if key != "" {
			r.KMSMasterKeyID = &key
		}
		return r
	}
	keys := func(m kmstypes.KeyMetadata, names ...string) map[string]kmstypes.KeyMetadata {
		out := map[string]kmstypes.KeyMetadata{}
		for _, n := range names {
			out[n] = m
		}
		return out
	}
	tests := []struct {
		name    string
		fake    fakeAWS
		params  map[string]any
		verdict proctor.Verdict
		message string
	}{
		{name: "customer managed key by id",
			fake:    fakeAWS{encryption: kmsRule(cmkID), keys: keys(cmk, cmkID)},
			verdict: proctor.VerdictPass},
		{name: "customer managed key by alias",
			fake:    fakeAWS{encryption: kmsRule("alias/lab"), keys: keys(cmk, "alias/lab")},
			verdict: proctor.VerdictPass},
		{name: "no default encryption", verdict: proctor.VerdictFail,
			message: "bucket " + testBucket + " has no default encryption"},
		{name: "SSE-S3", fake: fakeAWS{encryption: &s3types.ServerSideEncryptionByDefault{
			SSEAlgorithm: s3types.ServerSideEncryptionAes256}}, verdict: proctor.VerdictFail,
			message: "bucket " + testBucket + " encrypts by default with AES256, not " +
				"aws:kms or aws:kms:dsse"},
		{name: "SSE-S3 allowed by the lab", fake: fakeAWS{
			encryption: &s3types.ServerSideEncryptionByDefault{
				SSEAlgorithm: s3types.ServerSideEncryptionAes256}},
			params: map[string]any{"algorithms": []any{"AES256"}}, verdict: proctor.VerdictPass},
		{name: "KMS-3 SSE-KMS without a key is aws/s3", fake: fakeAWS{encryption: kmsRule("")},
			verdict: proctor.VerdictFail,
			message: "bucket " + testBucket + " uses SSE-KMS with the AWS managed key aws/s3, " +
				"not a customer managed key"},
		{name: "KMS-3 the aws/s3 alias named explicitly",
			fake:    fakeAWS{encryption: kmsRule("alias/aws/s3"), keys: keys(awsKey, "alias/aws/s3")},
			verdict: proctor.VerdictFail,
			message: "bucket " + testBucket + " encrypts with " + awsKeyARN + ", an AWS managed " +
				"key, not a customer managed key"},
		{name: "AWS managed key accepted when the lab does not ask for a CMK",
			fake:    fakeAWS{encryption: kmsRule("")},
			params:  map[string]any{"customer_managed_key": false},
			verdict: proctor.VerdictPass},
		{name: "disabled key", fake: fakeAWS{encryption: kmsRule(cmkID), keys: keys(disabled, cmkID)},
			verdict: proctor.VerdictFail},
		{name: "another account's key",
			fake:    fakeAWS{encryption: kmsRule(foreignARN), keys: keys(foreign, foreignARN)},
			verdict: proctor.VerdictFail},
		{name: "asymmetric key", fake: fakeAWS{encryption: kmsRule(cmkID), keys: keys(rsa, cmkID)},
			verdict: proctor.VerdictFail},
		{name: "deleted key", fake: fakeAWS{encryption: kmsRule(cmkID)},
			verdict: proctor.VerdictFail},
		{name: "grader may not describe the key",
			fake: fakeAWS{encryption: kmsRule(cmkID), keys: keys(cmk, cmkID),
				fail: map[string]error{"DescribeKey": apiErr("AccessDeniedException")}},
			verdict: proctor.VerdictError},
		{name: "grader may not read the encryption",
			fake:    fakeAWS{fail: map[string]error{"GetBucketEncryption": apiErr("AccessDenied")}},
			verdict: proctor.VerdictError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := tt.fake
			fake.account, fake.bucket = testAccount, testBucket
			params := map[string]any{"bucket": testBucket}
			for k, v := range tt.params {
				params[k] = v
			}
			got := run(t, bucketDefaultEncryption, fake.env(), params)
			if got.Verdict != tt.verdict {
				t.Fatalf("verdict = %s (%s), want %s", got.Verdict, got.Message, tt.verdict)
			}
			if tt.message != "" && got.Message != tt.message {
				t.Errorf("message = %q, want %q", got.Message, tt.message)
			}
			if !strings.HasPrefix(got.Evidence[0].Resource, "arn:aws:s3:::"+testBucket) {
				t.Errorf("first evidence %+v does not name the bucket", got.Evidence[0])
			}
		})
	}
}
