package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/iampolicy"
)

// keyActions are the KMS requests on a key that matter: using it, and taking it over.
var keyActions = []string{
	"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom",
	"kms:CreateGrant", "kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy",
	"kms:DisableKey", "kms:ScheduleKeyDeletion",
}

// keyPolicyNotPublic establishes that a KMS key's policy grants nothing to anonymous
// principals or to principals of other accounts, by evaluating the policy for each
// action that matters rather than reading its text. Grants limited by conditions to
// fixed accounts, organizations or networks are not public.
var keyPolicyNotPublic = Definition{
	Name: "kms.key_policy_not_public",
	Description: "The KMS key's policy grants nothing to anonymous principals or to " +
		"principals of other accounts.",
	Services: []string{"kms"},
	Params: []Param{
		{Name: "key", Type: TypeString, Required: true,
			Description: "a key id, key ARN or alias"},
	},
	Check: checkKeyPolicy,
}

func checkKeyPolicy(ctx context.Context, env *Env, p Params) proctor.Finding {
	key := p.String("key")
	out, err := env.KMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(key)})
	if awsCode(err) == "NotFoundException" {
		return proctor.Finding{Verdict: proctor.VerdictFail,
			Message:  fmt.Sprintf("KMS key %s does not exist", key),
			Evidence: []proctor.Evidence{{Resource: key, Observed: "no such key"}}}
	}
	if err != nil {
		return awsError("describe KMS key "+key, key, err)
	}
	if out.KeyMetadata == nil {
		return errorf("the grader could not describe KMS key %s: the answer has no metadata",
			key)
	}
	arn := aws.ToString(out.KeyMetadata.Arn)

	pout, err := env.KMS.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{
		KeyId: out.KeyMetadata.KeyId, PolicyName: aws.String("default")})
	if err != nil {
		return awsError("read the policy of KMS key "+arn, arn, err)
	}
	pol, err := iampolicy.Parse([]byte(aws.ToString(pout.Policy)))
	if err != nil {
		f := errorf("the grader could not evaluate the policy of KMS key %s: %v", arn, err)
		f.Evidence = []proctor.Evidence{{Resource: arn, Observed: "a policy the grader " +
			"cannot read"}}
		return f
	}

	open := publicKeyActions(pol, arn, env.AccountID)
	const expected = "no action allowed to anonymous or other-account principals"
	if len(open) == 0 {
		return proctor.Finding{Verdict: proctor.VerdictPass,
			Message: fmt.Sprintf("the policy of KMS key %s grants nothing public", arn),
			Evidence: []proctor.Evidence{{Resource: arn, Observed: "no public grant",
				Expected: expected}}}
	}
	return proctor.Finding{Verdict: proctor.VerdictFail,
		Message: fmt.Sprintf("the policy of KMS key %s allows %s", arn,
			strings.Join(open, "; ")),
		Evidence: []proctor.Evidence{{Resource: arn,
			Observed: "allowed: " + strings.Join(open, "; "), Expected: expected}}}
}

// publicKeyActions lists the key actions the policy allows anonymous or other-account
// callers, with whom, for a plain request or from every internet address.
func publicKeyActions(pol *iampolicy.Policy, keyARN, account string) []string {
	callers := standardCallers(account)
	callers = []caller{callers[0], callers[2]}
	contexts := append([]requestContext{{Keys: secure}}, broadContexts(secure)...)
	var out []string
	for _, action := range keyActions {
		var who []string
		for _, c := range callers {
			allowedEverywhere := true
			plain := false
			for i, ctx := range contexts {
				in := iampolicy.Input{Resource: pol, ResourceAccount: account}
				if !c.Principal.Anonymous() {
					in.Identity = []*iampolicy.Policy{allowAll}
				}
				res := iampolicy.Evaluate(in, iampolicy.Request{Principal: c.Principal,
					Action: action, Resource: keyARN, Context: ctx.Keys})
				ok := res.Decision == iampolicy.Allowed
				if i == 0 {
					plain = ok
				} else {
					allowedEverywhere = allowedEverywhere && ok
				}
			}
			if plain || allowedEverywhere {
				who = append(who, c.Who)
			}
		}
		if len(who) > 0 {
			out = append(out, fmt.Sprintf("%s to %s principals", action,
				strings.Join(who, " and ")))
		}
	}
	return out
}
