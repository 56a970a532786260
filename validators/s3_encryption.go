package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/proctorlabs/proctor"
)

// bucketDefaultEncryption establishes that a bucket encrypts new objects by default with
// one of the allowed algorithms and, when required, with a customer managed KMS key of the
// sandbox's account that can encrypt. An AWS managed key such as aws/s3 is not the
// learner's key and does not count as one.
var bucketDefaultEncryption = Definition{
	Name: "s3.bucket_default_encryption",
	Description: "The bucket's default encryption uses SSE-KMS with a customer managed key " +
		"of the account.",
	Services: []string{"s3", "kms"},
	Params: []Param{
		{Name: "bucket", Type: TypeString, Required: true, Description: "the bucket's name"},
		{Name: "algorithms", Type: TypeStringList,
			Enum:        []string{"AES256", "aws:kms", "aws:kms:dsse"},
			Default:     []string{"aws:kms", "aws:kms:dsse"},
			Description: "the default encryption algorithms that pass"},
		{Name: "customer_managed_key", Type: TypeBool, Default: true,
			Description: "whether a KMS algorithm must use a customer managed key"},
	},
	Check: checkDefaultEncryption,
}

func checkDefaultEncryption(ctx context.Context, env *Env, p Params) proctor.Finding {
	bucket := p.String("bucket")
	arn := bucketARN(bucket)
	allowed := p.StringList("algorithms")
	expected := "default encryption with " + strings.Join(allowed, " or ")
	if p.Bool("customer_managed_key") {
		expected += " and a customer managed key"
	}

	out, err := env.S3.GetBucketEncryption(ctx,
		&s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	switch awsCode(err) {
	case "ServerSideEncryptionConfigurationNotFoundError":
		return proctor.Finding{Verdict: proctor.VerdictFail,
			Message: fmt.Sprintf("bucket %s has no default encryption", bucket),
			Evidence: []proctor.Evidence{{Resource: arn, Observed: "no default encryption",
				Expected: expected}}}
	case "NoSuchBucket":
		return noBucket(bucket)
	}
	if err != nil {
		return awsError("read the default encryption of bucket "+bucket, arn, err)
	}

	rule := defaultRule(out.ServerSideEncryptionConfiguration)
	if rule == nil {
		return proctor.Finding{Verdict: proctor.VerdictFail,
			Message: fmt.Sprintf("bucket %s has no default encryption rule", bucket),
			Evidence: []proctor.Evidence{{Resource: arn, Observed: "no default encryption rule",
				Expected: expected}}}
	}
	algo := string(rule.SSEAlgorithm)
	key := aws.ToString(rule.KMSMasterKeyID)
	observed := "SSEAlgorithm=" + algo
	if key != "" {
		observed += ", KMSMasterKeyID=" + key
	}
	fail := func(format string, args ...any) proctor.Finding {
		return proctor.Finding{Verdict: proctor.VerdictFail, Message: fmt.Sprintf(format, args...),
			Evidence: []proctor.Evidence{{Resource: arn, Observed: observed, Expected: expected}}}
	}
	if !containsString(allowed, algo) {
		return fail("bucket %s encrypts by default with %s, not %s", bucket, algo,
			strings.Join(allowed, " or "))
	}
	if !strings.HasPrefix(algo, "aws:kms") || !p.Bool("customer_managed_key") {
		return proctor.Finding{Verdict: proctor.VerdictPass,
			Message:  fmt.Sprintf("bucket %s encrypts by default with %s", bucket, algo),
			Evidence: []proctor.Evidence{{Resource: arn, Observed: observed, Expected: expected}}}
	}
	if key == "" {
		return fail("bucket %s uses SSE-KMS with the AWS managed key aws/s3, not a customer "+
			"managed key", bucket)
	}

	f := checkCustomerKey(ctx, env, bucket, key)
	f.Evidence = append([]proctor.Evidence{{Resource: arn, Observed: observed,
		Expected: expected}}, f.Evidence...)
	return f
}

// defaultRule returns the first rule of a configuration that sets default encryption.
func defaultRule(
	c *s3types.ServerSideEncryptionConfiguration) *s3types.ServerSideEncryptionByDefault {
	if c == nil {
		return nil
	}
	for _, r := range c.Rules {
		if r.ApplyServerSideEncryptionByDefault != nil {
			return r.ApplyServerSideEncryptionByDefault
		}
	}
	return nil
}

// checkCustomerKey decides whether the key a bucket's default encryption names is a
// customer managed, enabled, symmetric encryption key of the sandbox's account.
func checkCustomerKey(ctx context.Context, env *Env, bucket, key string) proctor.Finding {
	out, err := env.KMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(key)})
	if awsCode(err) == "NotFoundException" {
		return proctor.Finding{Verdict: proctor.VerdictFail,
			Message: fmt.Sprintf("bucket %s encrypts with KMS key %s, which does not exist",
				bucket, key),
			Evidence: []proctor.Evidence{{Resource: key, Observed: "no such key",
				Expected: "a customer managed key"}}}
	}
	if err != nil {
		return awsError("describe KMS key "+key, key, err)
	}
	m := out.KeyMetadata
	if m == nil {
		return errorf("the grader could not describe KMS key %s: the answer has no metadata", key)
	}
	keyARN := aws.ToString(m.Arn)
	observed := fmt.Sprintf("KeyManager=%s, KeyState=%s, KeySpec=%s", m.KeyManager,
		m.KeyState, m.KeySpec)
	ev := []proctor.Evidence{{Resource: keyARN, Observed: observed,
		Expected: "KeyManager=CUSTOMER, KeyState=Enabled, KeySpec=SYMMETRIC_DEFAULT"}}
	fail := func(format string, args ...any) proctor.Finding {
		return proctor.Finding{Verdict: proctor.VerdictFail, Message: fmt.Sprintf(format, args...),
			Evidence: ev}
	}
	switch {
	case m.KeyManager != kmstypes.KeyManagerTypeCustomer:
		return fail("bucket %s encrypts with %s, an AWS managed key, not a customer managed key",
			bucket, keyARN)
	case aws.ToString(m.AWSAccountId) != env.AccountID:
		return fail("bucket %s encrypts with key %s of account %s, not of this account",
			bucket, keyARN, aws.ToString(m.AWSAccountId))
	case m.KeySpec != "" && m.KeySpec != kmstypes.KeySpecSymmetricDefault:
		return fail("bucket %s names key %s of spec %s; S3 needs a symmetric encryption key",
			bucket, keyARN, m.KeySpec)
	case m.KeyState != kmstypes.KeyStateEnabled:
		return fail("bucket %s encrypts with key %s, which is %s, so S3 cannot use it",
			bucket, keyARN, m.KeyState)
	}
	return proctor.Finding{Verdict: proctor.VerdictPass, Evidence: ev,
		Message: fmt.Sprintf("bucket %s encrypts by default with SSE-KMS and customer managed "+
			"key %s", bucket, keyARN)}
}
