package validators

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/smithy-go"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/awsclient"
)

// S3API is the part of the S3 client that validators use.
type S3API interface {
	GetBucketPolicy(context.Context, *s3.GetBucketPolicyInput,
		...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
	GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput,
		...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
	GetBucketEncryption(context.Context, *s3.GetBucketEncryptionInput,
		...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
	GetBucketAcl(context.Context, *s3.GetBucketAclInput,
		...func(*s3.Options)) (*s3.GetBucketAclOutput, error)
}

// S3ControlAPI is the part of the S3 Control client that validators use.
type S3ControlAPI interface {
	GetPublicAccessBlock(context.Context, *s3control.GetPublicAccessBlockInput,
		...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error)
}

// KMSAPI is the part of the KMS client that validators use.
type KMSAPI interface {
	DescribeKey(context.Context, *kms.DescribeKeyInput,
		...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
	ListKeys(context.Context, *kms.ListKeysInput,
		...func(*kms.Options)) (*kms.ListKeysOutput, error)
	GetKeyRotationStatus(context.Context, *kms.GetKeyRotationStatusInput,
		...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error)
	GetKeyPolicy(context.Context, *kms.GetKeyPolicyInput,
		...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error)
}

// Env is what a validator grades through: the target's account and region, and AWS
// clients that act with the target's credentials.
type Env struct {
	AccountID string
	Region    string
	S3        S3API
	S3Control S3ControlAPI
	KMS       KMSAPI
	// IAM reads roles and their policies; nil in environments built by [NewEnv].
	IAM IAMAPI
}

// newEnv builds the clients of an environment for the target.
func newEnv(ctx context.Context, t proctor.Target, opts []awsclient.Option) (*Env, error) {
	cfg, err := awsclient.Config(ctx, t, opts...)
	if err != nil {
		return nil, err
	}
	return &Env{
		AccountID: t.AccountID,
		Region:    t.Region,
		S3:        s3Reader{awsclient.S3(cfg)},
		S3Control: s3ControlReader{awsclient.S3Control(cfg)},
		KMS:       kmsReader{awsclient.KMS(cfg)},
		IAM:       iamReader{iam.NewFromConfig(cfg)},
	}, nil
}

// s3Reader, s3ControlReader and kmsReader hold an SDK client in an unexported field and
// offer only its read calls, so that a validator cannot recover the full client (by a type
// assertion or reflection) and change the sandbox it grades. The grader's read-only
// credentials are the other half of that promise; this half also holds on a backend whose
// grader credentials are broader than they should be.
type (
	s3Reader        struct{ c *s3.Client }
	s3ControlReader struct{ c *s3control.Client }
	kmsReader       struct{ c *kms.Client }
)

// GetBucketPolicy reads a bucket's policy.
func (r s3Reader) GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput,
	o ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	return r.c.GetBucketPolicy(ctx, in, o...)
}

// GetPublicAccessBlock reads a bucket's Block Public Access configuration.
func (r s3Reader) GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput,
	o ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	return r.c.GetPublicAccessBlock(ctx, in, o...)
}

// GetBucketEncryption reads a bucket's default encryption.
func (r s3Reader) GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput,
	o ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	return r.c.GetBucketEncryption(ctx, in, o...)
}

// GetBucketAcl reads a bucket's access control list.
func (r s3Reader) GetBucketAcl(ctx context.Context, in *s3.GetBucketAclInput,
	o ...func(*s3.Options)) (*s3.GetBucketAclOutput, error) {
	return r.c.GetBucketAcl(ctx, in, o...)
}

// GetPublicAccessBlock reads an account's Block Public Access configuration.
func (r s3ControlReader) GetPublicAccessBlock(ctx context.Context,
	in *s3control.GetPublicAccessBlockInput,
	o ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error) {
	return r.c.GetPublicAccessBlock(ctx, in, o...)
}

// DescribeKey reads a key's metadata.
func (r kmsReader) DescribeKey(ctx context.Context, in *kms.DescribeKeyInput,
	o ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	return r.c.DescribeKey(ctx, in, o...)
}

// ListKeys lists the account's keys.
func (r kmsReader) ListKeys(ctx context.Context, in *kms.ListKeysInput,
	o ...func(*kms.Options)) (*kms.ListKeysOutput, error) {
	return r.c.ListKeys(ctx, in, o...)
}

// GetKeyRotationStatus reads whether a key rotates automatically.
func (r kmsReader) GetKeyRotationStatus(ctx context.Context, in *kms.GetKeyRotationStatusInput,
	o ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error) {
	return r.c.GetKeyRotationStatus(ctx, in, o...)
}

// GetKeyPolicy reads a key's policy.
func (r kmsReader) GetKeyPolicy(ctx context.Context, in *kms.GetKeyPolicyInput,
	o ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error) {
	return r.c.GetKeyPolicy(ctx, in, o...)
}

// NewEnv returns an environment over the given clients, for running a definition's Check
// directly (in tests, or against clients built elsewhere).
func NewEnv(accountID, region string, s3c S3API, s3ctl S3ControlAPI, kmsc KMSAPI) *Env {
	return &Env{AccountID: accountID, Region: region, S3: s3c, S3Control: s3ctl, KMS: kmsc}
}

// awsCode returns the AWS error code of err ("" when err is not an API error).
func awsCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// errorf returns an ERROR finding: the grader could not tell.
func errorf(format string, args ...any) proctor.Finding {
	return proctor.Finding{Verdict: proctor.VerdictError, Message: fmt.Sprintf(format, args...)}
}

// awsError returns the ERROR finding for an AWS call the grader could not make. The
// message names the call and the resource; the AWS error's code and message say why.
func awsError(call, resource string, err error) proctor.Finding {
	f := errorf("the grader could not %s: %s", call, errText(err))
	f.Evidence = []proctor.Evidence{{Resource: resource, Observed: "error: " + errSummary(err)}}
	return f
}

// errText is "Code: message" for an AWS error, and the error's text for anything else
// (a connection refused, a deadline): what an operator needs, without the SDK's wrapping.
func errText(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if msg := ae.ErrorMessage(); msg != "" {
			return ae.ErrorCode() + ": " + msg
		}
		return ae.ErrorCode()
	}
	var ne *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "the request timed out"
	case errors.Is(err, context.Canceled):
		return "grading was cancelled"
	case errors.As(err, &ne):
		return ne.Error()
	}
	return err.Error()
}

// errSummary is the AWS error code, or the error text for other failures.
func errSummary(err error) string {
	if c := awsCode(err); c != "" {
		return c
	}
	return err.Error()
}

// bucketARN returns the ARN of a bucket.
// TODO: buckets in the aws-cn and aws-us-gov partitions get "aws" ARNs, so evidence and
// policy evaluation there name the wrong partition; only the commercial partition is graded.
func bucketARN(bucket string) string { return "arn:aws:s3:::" + bucket }

// accountResource names an account in evidence, in the form Security Hub uses.
func accountResource(account string) string { return "AWS::::Account:" + account }
