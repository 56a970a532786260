package validators

import (
	"testing"

	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/proctorlabs/proctor"
)

// key returns the metadata of a key of the test account.
func key(id string, manager kmstypes.KeyManagerType, spec kmstypes.KeySpec,
	origin kmstypes.OriginType) kmstypes.KeyMetadata {
	arn := "arn:aws:kms:us-east-1:" + testAccount + ":key/" + id
	return kmstypes.KeyMetadata{KeyId: &id, Arn: &arn, AWSAccountId: strPtr(testAccount),
		KeyManager: manager, KeySpec: spec, Origin: origin, KeyState: kmstypes.KeyStateEnabled}
}

func TestKeyRotation(t *testing.T) {
	const (
		customer = kmstypes.KeyManagerTypeCustomer
		managed  = kmstypes.KeyManagerTypeAws
		sym      = kmstypes.KeySpecSymmetricDefault
		kmsMade  = kmstypes.OriginTypeAwsKms
	)
	keys := map[string]kmstypes.KeyMetadata{
		"sym":      key("sym", customer, sym, kmsMade),
		"sym2":     key("sym2", customer, sym, kmsMade),
		"rsa":      key("rsa", customer, kmstypes.KeySpecRsa4096, kmsMade),
		"ecc":      key("ecc", customer, kmstypes.KeySpecEccNistP521, kmsMade),
		"hmac":     key("hmac", customer, kmstypes.KeySpecHmac256, kmsMade),
		"imported": key("imported", customer, sym, kmstypes.OriginTypeExternal),
		"aws-s3":   key("aws-s3", managed, sym, kmsMade),
	}
	arn := func(id string) string { return *keys[id].Arn }
	tests := []struct {
		name     string
		key      string
		order    []string
		rotating map[string]bool
		fail     map[string]error
		verdict  proctor.Verdict
		fraction float64
		message  string
	}{
		{name: "KMS-1 RSA_4096", key: "rsa", verdict: proctor.VerdictNotApplicable,
			message: "automatic rotation does not apply to KMS key " + arn("rsa") +
				": it is a key of spec RSA_4096, which cannot rotate automatically"},
		{name: "KMS-1 ECC_NIST_P521", key: "ecc", verdict: proctor.VerdictNotApplicable},
		{name: "KMS-1 HMAC_256", key: "hmac", verdict: proctor.VerdictNotApplicable},
		{name: "imported material", key: "imported", verdict: proctor.VerdictNotApplicable},
		{name: "KMS-2 symmetric, rotation off", key: "sym", verdict: proctor.VerdictFail,
			message: "automatic rotation is off for " + arn("sym")},
		{name: "symmetric, rotation on", key: "sym", rotating: map[string]bool{"sym": true},
			verdict: proctor.VerdictPass, fraction: 1},
		{name: "KMS-3 AWS managed key named", key: "aws-s3",
			verdict: proctor.VerdictNotApplicable},
		{name: "named key missing", key: "nope", verdict: proctor.VerdictFail,
			message: "KMS key nope does not exist"},
		{name: "every key, one of two rotating",
			order:    []string{"aws-s3", "sym", "rsa", "sym2"},
			rotating: map[string]bool{"sym2": true}, verdict: proctor.VerdictFail,
			fraction: 0.5, message: "automatic rotation is off for " + arn("sym")},
		{name: "every key rotating, AWS managed keys left out",
			order:    []string{"aws-s3", "sym", "hmac", "sym2"},
			rotating: map[string]bool{"sym": true, "sym2": true}, verdict: proctor.VerdictPass,
			fraction: 1, message: "automatic rotation is on for all 2 customer managed keys " +
				"where it applies"},
		{name: "no key that can rotate", order: []string{"aws-s3", "rsa"},
			verdict: proctor.VerdictNotApplicable,
			message: "the account has no customer managed key that can rotate automatically"},
		{name: "grader may not read rotation", key: "sym",
			fail:    map[string]error{"GetKeyRotationStatus": apiErr("AccessDeniedException")},
			verdict: proctor.VerdictError},
		{name: "grader may not list keys",
			fail:    map[string]error{"ListKeys": apiErr("ThrottlingException")},
			verdict: proctor.VerdictError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeAWS{account: testAccount, keys: keys, keyOrder: tt.order,
				rotating: tt.rotating, fail: tt.fail}
			params := map[string]any{}
			if tt.key != "" {
				params["key"] = tt.key
			}
			got := run(t, keyRotation, fake.env(), params)
			if got.Verdict != tt.verdict {
				t.Fatalf("verdict = %s (%s), want %s", got.Verdict, got.Message, tt.verdict)
			}
			if tt.verdict != proctor.VerdictError && got.Fraction != tt.fraction {
				t.Errorf("fraction = %v, want %v", got.Fraction, tt.fraction)
			}
			if tt.message != "" && got.Message != tt.message {
				t.Errorf("message = %q, want %q", got.Message, tt.message)
			}
		})
	}
}
