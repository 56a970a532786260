package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/proctorlabs/proctor"
)

// maxKeys bounds how many keys one grading reads, so that an account full of keys cannot
// make grading slow.
const maxKeys = 200

// keyRotation establishes that automatic rotation is on for a customer managed KMS key,
// or for every such key of the account, where rotation applies: symmetric encryption keys
// whose material KMS made. Asymmetric, HMAC, imported and custom key store keys cannot
// rotate automatically and are NOT_APPLICABLE, as are AWS managed keys, which are not the
// learner's.
var keyRotation = Definition{
	Name: "kms.key_rotation",
	Description: "Automatic rotation is on for the customer managed key (or every one " +
		"of the account) where rotation applies.",
	Services: []string{"kms"},
	Partial:  true,
	Params: []Param{
		{Name: "key", Type: TypeString,
			Description: "a key id, key ARN or alias; every customer managed key of the " +
				"account when absent"},
	},
	Check: checkKeyRotation,
}

// rotationTarget is one key's part of the verdict.
type rotationTarget struct {
	arn        string
	applicable string // why rotation does not apply, "" when it does
	enabled    bool
}

func checkKeyRotation(ctx context.Context, env *Env, p Params) proctor.Finding {
	var ids []string
	if key := p.String("key"); key != "" {
		ids = []string{key}
	} else {
		var err error
		if ids, err = listKeys(ctx, env); err != nil {
			return awsError("list the account's KMS keys", accountResource(env.AccountID), err)
		}
	}

	var targets []rotationTarget
	for _, id := range ids {
		t, f, ok := rotationOf(ctx, env, id, p.String("key") != "")
		if !ok {
			return f
		}
		if t.arn != "" {
			targets = append(targets, t)
		}
	}
	return rotationVerdict(targets, p.String("key"))
}

// listKeys returns the ids of the account's keys, at most maxKeys.
func listKeys(ctx context.Context, env *Env) ([]string, error) {
	var ids []string
	in := &kms.ListKeysInput{}
	for len(ids) < maxKeys {
		out, err := env.KMS.ListKeys(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, k := range out.Keys {
			ids = append(ids, aws.ToString(k.KeyId))
		}
		if !out.Truncated || out.NextMarker == nil {
			break
		}
		in = &kms.ListKeysInput{Marker: out.NextMarker}
	}
	return ids, nil
}

// rotationOf describes one key and, where rotation applies, reads its rotation status.
// When named is false (a sweep over the account), AWS managed keys are left out entirely.
// ok is false when the finding f ends the grading.
func rotationOf(ctx context.Context, env *Env, id string, named bool) (rotationTarget,
	proctor.Finding, bool) {
	out, err := env.KMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
	if awsCode(err) == "NotFoundException" && named {
		return rotationTarget{}, proctor.Finding{Verdict: proctor.VerdictFail,
			Message: fmt.Sprintf("KMS key %s does not exist", id),
			Evidence: []proctor.Evidence{{Resource: id, Observed: "no such key",
				Expected: "a customer managed key with automatic rotation"}}}, false
	}
	if err != nil {
		return rotationTarget{}, awsError("describe KMS key "+id, id, err), false
	}
	m := out.KeyMetadata
	if m == nil {
		return rotationTarget{}, errorf("the grader could not describe KMS key %s: the "+
			"answer has no metadata", id), false
	}
	t := rotationTarget{arn: aws.ToString(m.Arn)}
	switch {
	case m.KeyManager != kmstypes.KeyManagerTypeCustomer:
		if !named {
			return rotationTarget{}, proctor.Finding{}, true
		}
		t.applicable = "an AWS managed key, which AWS rotates and the learner does not own"
	case m.KeySpec != "" && m.KeySpec != kmstypes.KeySpecSymmetricDefault:
		t.applicable = fmt.Sprintf("a key of spec %s, which cannot rotate automatically",
			m.KeySpec)
	case m.Origin != "" && m.Origin != kmstypes.OriginTypeAwsKms:
		t.applicable = fmt.Sprintf("a key of origin %s, which cannot rotate automatically",
			m.Origin)
	case m.KeyState == kmstypes.KeyStatePendingDeletion ||
		m.KeyState == kmstypes.KeyStatePendingReplicaDeletion:
		t.applicable = "a key pending deletion"
	}
	if t.applicable != "" {
		return t, proctor.Finding{}, true
	}

	st, err := env.KMS.GetKeyRotationStatus(ctx,
		&kms.GetKeyRotationStatusInput{KeyId: m.KeyId})
	if err != nil {
		return rotationTarget{}, awsError("read the rotation status of KMS key "+t.arn, t.arn,
			err), false
	}
	t.enabled = st.KeyRotationEnabled
	return t, proctor.Finding{}, true
}

// rotationVerdict combines the keys' parts: FAIL when a key where rotation applies does
// not rotate, NOT_APPLICABLE when rotation applies to no key, else PASS.
func rotationVerdict(targets []rotationTarget, named string) proctor.Finding {
	const expected = "KeyRotationEnabled=true"
	var ev []proctor.Evidence
	var off []string
	applicable := 0
	for _, t := range targets {
		switch {
		case t.applicable != "":
			ev = append(ev, proctor.Evidence{Resource: t.arn,
				Observed: "rotation does not apply: " + t.applicable})
		case t.enabled:
			applicable++
			ev = append(ev, proctor.Evidence{Resource: t.arn,
				Observed: "KeyRotationEnabled=true", Expected: expected})
		default:
			applicable++
			off = append(off, t.arn)
			ev = append(ev, proctor.Evidence{Resource: t.arn,
				Observed: "KeyRotationEnabled=false", Expected: expected})
		}
	}

	switch {
	case len(off) > 0:
		return proctor.Finding{Verdict: proctor.VerdictFail, Evidence: ev,
			Fraction: float64(applicable-len(off)) / float64(applicable),
			Message: fmt.Sprintf("automatic rotation is off for %s",
				strings.Join(off, ", "))}
	case applicable == 0 && named != "" && len(targets) == 1:
		return proctor.Finding{Verdict: proctor.VerdictNotApplicable, Evidence: ev,
			Message: fmt.Sprintf("automatic rotation does not apply to KMS key %s: it is %s",
				targets[0].arn, targets[0].applicable)}
	case applicable == 0:
		return proctor.Finding{Verdict: proctor.VerdictNotApplicable, Evidence: ev,
			Message: "the account has no customer managed key that can rotate automatically"}
	}
	return proctor.Finding{Verdict: proctor.VerdictPass, Evidence: ev,
		Message: fmt.Sprintf("automatic rotation is on for all %d customer managed keys "+
			"where it applies", applicable)}
}
