package validators

import (
	"strings"
	"testing"

	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/proctorlabs/proctor"
)

func TestKeyPolicyNotPublic(t *testing.T) {
	k := key("k1", kmstypes.KeyManagerTypeCustomer, kmstypes.KeySpecSymmetricDefault,
		kmstypes.OriginTypeAwsKms)
	keys := map[string]kmstypes.KeyMetadata{"k1": k, "alias/app": k}
	doc := func(statements ...string) string {
		return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
	}
	const (
		ownAccount = `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},
			"Action":"kms:*","Resource":"*"}`
		everyone = `{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}`
		orgOnly  = `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*",
			"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}`
		anyIP = `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Encrypt",
			"Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["0.0.0.0/0","::/0"]}}}`
		partner = `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
			"Action":"kms:Decrypt","Resource":"*"}`
	)
	tests := []struct {
		name    string
		policy  string
		fail    map[string]error
		verdict proctor.Verdict
		message string
	}{
		{name: "default key policy", policy: doc(ownAccount), verdict: proctor.VerdictPass},
		{name: "everyone may do anything", policy: doc(ownAccount, everyone),
			verdict: proctor.VerdictFail,
			message: "the policy of KMS key " + *k.Arn + " allows kms:Decrypt to anonymous " +
				"and other-account principals"},
		{name: "organization only", policy: doc(ownAccount, orgOnly), verdict: proctor.VerdictPass},
		{name: "any address", policy: doc(ownAccount, anyIP), verdict: proctor.VerdictFail,
			message: "kms:Encrypt to anonymous and other-account principals"},
		{name: "a named partner account is not public", policy: doc(ownAccount, partner),
			verdict: proctor.VerdictPass},
		{name: "grader denied", policy: doc(ownAccount),
			fail:    map[string]error{"GetKeyPolicy": apiErr("AccessDeniedException")},
			verdict: proctor.VerdictError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeAWS{account: testAccount, keys: keys, fail: tt.fail,
				keyPolicies: map[string]string{"k1": tt.policy}}
			got := run(t, keyPolicyNotPublic, fake.env(), map[string]any{"key": "alias/app"})
			if got.Verdict != tt.verdict {
				t.Fatalf("verdict = %s (%s), want %s", got.Verdict, got.Message, tt.verdict)
			}
			if !strings.Contains(got.Message, tt.message) {
				t.Errorf("message %q does not say %q", got.Message, tt.message)
			}
		})
	}
}
