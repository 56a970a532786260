package validators

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor"
)

const (
	testAccount = "123456789012"
	testBucket  = "lab-data-123456789012"
)

// run checks the raw parameters against the definition and grades env with them.
func run(t *testing.T, d Definition, env *Env, raw map[string]any) proctor.Finding {
	t.Helper()
	p, problems := d.params(raw)
	if len(problems) > 0 {
		t.Fatalf("params %v: %v", raw, problems)
	}
	f := d.Check(context.Background(), env, p)
	if f.Verdict == proctor.VerdictPass {
		f.Fraction = 1
	}
	return f
}

// The statements of the cases, with B standing for the bucket's name.
const (
	denyInsecure = `{"Sid":"DenyInsecure","Effect":"Deny","Principal":"*","Action":"s3:*",
		"Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*"],
		"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	allowRead = `{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket"],
		"Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*"]}`
	allowAccount = `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},
		"Action":"s3:*","Resource":"*"}`
	denyGets = `{"Effect":"Deny","Principal":"*","Action":"s3:Get*",
		"Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*"],
		"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	denyObjectsOnly = `{"Effect":"Deny","Principal":"*","Action":"*",
		"Resource":"arn:aws:s3:::B/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	denyAnonymousOnly = `{"Effect":"Deny","Principal":"*","Action":"s3:*",
		"Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*"],
		"Condition":{"Bool":{"aws:SecureTransport":"false"},
		"Null":{"aws:PrincipalAccount":"true"}}}`
	denyPrefix = `{"Effect":"Deny","Principal":"*","Action":"s3:*",
		"Resource":["arn:aws:s3:::B","arn:aws:s3:::B/data/*"],
		"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	denyAlways = `{"Effect":"Deny","Principal":"*","Action":"s3:*",
		"Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*"]}`
)

func policyOf(statements ...string) string {
	doc := `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
	return strings.ReplaceAll(doc, "arn:aws:s3:::B", "arn:aws:s3:::"+testBucket)
}

func TestBucketTLSOnly(t *testing.T) {
	tests := []struct {
		name     string
		policy   string
		params   map[string]any
		fail     map[string]error
		verdict  proctor.Verdict
		messages []string // substrings the message must hold
	}{
		{name: "S3-1 reference policy", policy: policyOf(denyInsecure),
			verdict: proctor.VerdictPass},
		{name: "S3-2 deny plus unconditional allows", policy: policyOf(allowRead, denyInsecure,
			allowAccount), verdict: proctor.VerdictPass},
		{name: "denying every request also denies insecure ones", policy: policyOf(denyAlways),
			verdict: proctor.VerdictPass},
		{name: "S3-3 only Get actions denied", policy: policyOf(denyGets),
			verdict: proctor.VerdictFail, messages: []string{
				"insecure s3:ListBucket on the bucket ARN is not denied for any principal",
				"insecure s3:PutObject on object ARNs is not denied",
				"insecure s3:DeleteObject on object ARNs is not denied",
			}},
		{name: "S3-4 objects only", policy: policyOf(denyObjectsOnly),
			verdict: proctor.VerdictFail, messages: []string{
				"insecure s3:ListBucket on the bucket ARN is not denied",
			}},
		{name: "S3-4 objects only, lab does not require the bucket ARN",
			policy: policyOf(denyObjectsOnly), params: map[string]any{"bucket_arn": false},
			verdict: proctor.VerdictPass},
		{name: "deny limited to anonymous callers", policy: policyOf(denyAnonymousOnly),
			verdict: proctor.VerdictFail, messages: []string{
				"insecure s3:ListBucket on the bucket ARN is not denied for same-account " +
					"and other-account principals",
			}},
		{name: "deny limited to a prefix", policy: policyOf(denyPrefix),
			verdict: proctor.VerdictFail, messages: []string{
				"insecure s3:GetObject on object ARNs is not denied for any principal",
			}},
		{name: "deny exempting private addresses", policy: policyOf(`{"Effect":"Deny",
			"Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*"],
			"Condition":{"Bool":{"aws:SecureTransport":"false"},
			"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`),
			verdict: proctor.VerdictFail, messages: []string{
				"insecure s3:GetObject on object ARNs is not denied for any principal when " +
					"aws:SourceIp is 10.0.0.1",
			}},
		{name: "deny exempting one VPC endpoint", policy: policyOf(`{"Effect":"Deny",
			"Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*"],
			"Condition":{"Bool":{"aws:SecureTransport":"false"},
			"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c"}}}`),
			verdict: proctor.VerdictFail, messages: []string{
				"when aws:SourceVpce is vpce-1a2b3c",
			}},
		{name: "deny exempting an admin role", policy: policyOf(`{"Effect":"Deny",
			"NotPrincipal":{"AWS":"arn:aws:iam::123456789012:role/Admin"},"Action":"s3:*",
			"Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*"],
			"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`),
			verdict: proctor.VerdictFail, messages: []string{
				"is not denied for principal arn:aws:iam::123456789012:role/Admin",
			}},
		{name: "deny exempting roles by ARN pattern", policy: policyOf(`{"Effect":"Deny",
			"Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*"],
			"Condition":{"Bool":{"aws:SecureTransport":"false"},
			"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/ops-*"}}}`),
			verdict: proctor.VerdictFail, messages: []string{
				"principal arn:aws:iam::123456789012:role/ops-proctor-probe",
			}},
		{name: "deny whatever the address", policy: policyOf(`{"Effect":"Deny",
			"Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*"],
			"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, `{"Effect":"Allow",
			"Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::B/*",
			"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`),
			verdict: proctor.VerdictPass},
		{name: "public read policy without deny", policy: policyOf(allowRead),
			verdict: proctor.VerdictFail},
		{name: "no policy", verdict: proctor.VerdictFail,
			messages: []string{"has no bucket policy"}},
		{name: "S3-5 grader denied", policy: policyOf(denyInsecure),
			fail:    map[string]error{"GetBucketPolicy": apiErr("AccessDenied")},
			verdict: proctor.VerdictError, messages: []string{"AccessDenied"}},
		{name: "S3-5 endpoint down", policy: policyOf(denyInsecure),
			fail:    map[string]error{"GetBucketPolicy": errEndpointDown},
			verdict: proctor.VerdictError, messages: []string{"connection refused"}},
		{name: "throttled", policy: policyOf(denyInsecure),
			fail:    map[string]error{"GetBucketPolicy": apiErr("SlowDown")},
			verdict: proctor.VerdictError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeAWS{account: testAccount, bucket: testBucket, policy: tt.policy,
				fail: tt.fail}
			params := map[string]any{"bucket": testBucket}
			for k, v := range tt.params {
				params[k] = v
			}
			got := run(t, bucketTLSOnly, fake.env(), params)
			if got.Verdict != tt.verdict {
				t.Fatalf("verdict = %s (%s), want %s", got.Verdict, got.Message, tt.verdict)
			}
			for _, m := range tt.messages {
				if !strings.Contains(got.Message, m) {
					t.Errorf("message %q does not say %q", got.Message, m)
				}
			}
			if len(got.Evidence) == 0 || !strings.HasPrefix(got.Evidence[0].Resource,
				"arn:aws:s3:::"+testBucket) {
				t.Errorf("evidence %+v does not name the bucket", got.Evidence)
			}
		})
	}
}

func TestBucketTLSOnlyMissingBucket(t *testing.T) {
	fake := &fakeAWS{account: testAccount, bucket: "other"}
	got := run(t, bucketTLSOnly, fake.env(), map[string]any{"bucket": testBucket})
	want := "bucket " + testBucket + " does not exist"
	if got.Verdict != proctor.VerdictFail || got.Message != want {
		t.Errorf("got %s %q, want FAIL %q", got.Verdict, got.Message, want)
	}
}

// TestProbeFraction checks that partial credit is the share of probed requests denied:
// denying only Get actions denies exactly the probes whose action starts with s3:Get.
func TestProbeFraction(t *testing.T) {
	fake := &fakeAWS{account: testAccount, bucket: testBucket, policy: policyOf(denyGets)}
	got := run(t, bucketTLSOnly, fake.env(), map[string]any{"bucket": testBucket})

	total, gets := 0, 0
	for _, a := range bucketActions {
		total += 3
		if strings.HasPrefix(a, "s3:Get") {
			gets += 3
		}
	}
	for _, a := range objectActions {
		total += 3 * len(objectKeys)
		if strings.HasPrefix(a, "s3:Get") {
			gets += 3 * len(objectKeys)
		}
	}
	if diff := cmp.Diff(float64(gets)/float64(total), got.Fraction); diff != "" {
		t.Errorf("fraction (-want +got):\n%s", diff)
	}
}
