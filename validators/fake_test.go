package validators

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/smithy-go"
)

// fakeAWS is an in-memory account with one bucket, answering the calls validators make the
// way S3, S3 Control and KMS answer them, including their error codes. It stands in for a
// sandbox in unit tests; the case tests run against awsim.
type fakeAWS struct {
	account     string
	bucket      string // "" for an account without the bucket
	policy      string // "" for none
	bucketBPA   *s3types.PublicAccessBlockConfiguration
	accountBPA  *s3ctltypes.PublicAccessBlockConfiguration
	encryption  *s3types.ServerSideEncryptionByDefault
	aclGrants   []s3types.Grant
	keys        map[string]kmstypes.KeyMetadata // by id, ARN or alias
	keyOrder    []string                        // the ids ListKeys returns, in order
	rotating    map[string]bool                 // by key id
	keyPolicies map[string]string               // by key id
	fail        map[string]error                // by operation name
	calls       []string
}

func apiErr(code string) error {
	return &smithy.GenericAPIError{Code: code, Message: code + " (fake)"}
}

func (f *fakeAWS) call(op, bucket string) error {
	f.calls = append(f.calls, op)
	if err := f.fail[op]; err != nil {
		return err
	}
	if bucket != "" && bucket != f.bucket {
		return apiErr("NoSuchBucket")
	}
	return nil
}

func (f *fakeAWS) GetBucketPolicy(_ context.Context, in *s3.GetBucketPolicyInput,
	_ ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	if err := f.call("GetBucketPolicy", aws.ToString(in.Bucket)); err != nil {
		return nil, err
	}
	if f.policy == "" {
		return nil, apiErr("NoSuchBucketPolicy")
	}
	return &s3.GetBucketPolicyOutput{Policy: aws.String(f.policy)}, nil
}

func (f *fakeAWS) GetPublicAccessBlock(_ context.Context, in *s3.GetPublicAccessBlockInput,
	_ ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	if err := f.call("GetPublicAccessBlock", aws.ToString(in.Bucket)); err != nil {
		return nil, err
	}
	if f.bucketBPA == nil {
		return nil, apiErr("NoSuchPublicAccessBlockConfiguration")
	}
	return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: f.bucketBPA}, nil
}

func (f *fakeAWS) GetBucketEncryption(_ context.Context, in *s3.GetBucketEncryptionInput,
	_ ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	if err := f.call("GetBucketEncryption", aws.ToString(in.Bucket)); err != nil {
		return nil, err
	}
	if f.encryption == nil {
		return nil, apiErr("ServerSideEncryptionConfigurationNotFoundError")
	}
	return &s3.GetBucketEncryptionOutput{
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
			Rules: []s3types.ServerSideEncryptionRule{
				{ApplyServerSideEncryptionByDefault: f.encryption},
			},
		},
	}, nil
}

func (f *fakeAWS) GetBucketAcl(_ context.Context, in *s3.GetBucketAclInput,
	_ ...func(*s3.Options)) (*s3.GetBucketAclOutput, error) {
	if err := f.call("GetBucketAcl", aws.ToString(in.Bucket)); err != nil {
		return nil, err
	}
	return &s3.GetBucketAclOutput{Grants: f.aclGrants}, nil
}

type fakeControl struct{ *fakeAWS }

func (f fakeControl) GetPublicAccessBlock(_ context.Context,
	in *s3control.GetPublicAccessBlockInput,
	_ ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error) {
	if err := f.call("s3control.GetPublicAccessBlock", ""); err != nil {
		return nil, err
	}
	if aws.ToString(in.AccountId) != f.account {
		return nil, apiErr("AccessDenied")
	}
	if f.accountBPA == nil {
		return nil, apiErr("NoSuchPublicAccessBlockConfiguration")
	}
	return &s3control.GetPublicAccessBlockOutput{
		PublicAccessBlockConfiguration: f.accountBPA}, nil
}

func (f *fakeAWS) DescribeKey(_ context.Context, in *kms.DescribeKeyInput,
	_ ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	if err := f.call("DescribeKey", ""); err != nil {
		return nil, err
	}
	m, ok := f.keys[aws.ToString(in.KeyId)]
	if !ok {
		return nil, apiErr("NotFoundException")
	}
	return &kms.DescribeKeyOutput{KeyMetadata: &m}, nil
}

func (f *fakeAWS) ListKeys(_ context.Context, in *kms.ListKeysInput,
	_ ...func(*kms.Options)) (*kms.ListKeysOutput, error) {
	if err := f.call("ListKeys", ""); err != nil {
		return nil, err
	}
	// One key a page, so that tests cover paging.
	ids := f.keyOrder
	start := 0
	if in.Marker != nil {
		for i, id := range ids {
			if id == *in.Marker {
				start = i
			}
		}
	}
	out := &kms.ListKeysOutput{}
	if start < len(ids) {
		out.Keys = []kmstypes.KeyListEntry{{KeyId: aws.String(ids[start])}}
	}
	if start+1 < len(ids) {
		out.Truncated, out.NextMarker = true, aws.String(ids[start+1])
	}
	return out, nil
}

func (f *fakeAWS) GetKeyRotationStatus(_ context.Context, in *kms.GetKeyRotationStatusInput,
	_ ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error) {
	if err := f.call("GetKeyRotationStatus", ""); err != nil {
		return nil, err
	}
	return &kms.GetKeyRotationStatusOutput{KeyId: in.KeyId,
		KeyRotationEnabled: f.rotating[aws.ToString(in.KeyId)]}, nil
}

func (f *fakeAWS) GetKeyPolicy(_ context.Context, in *kms.GetKeyPolicyInput,
	_ ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error) {
	if err := f.call("GetKeyPolicy", ""); err != nil {
		return nil, err
	}
	doc, ok := f.keyPolicies[aws.ToString(in.KeyId)]
	if !ok {
		return nil, apiErr("NotFoundException")
	}
	return &kms.GetKeyPolicyOutput{Policy: aws.String(doc), PolicyName: aws.String("default")},
		nil
}

func (f *fakeAWS) env() *Env {
	return NewEnv(f.account, "us-east-1", f, fakeControl{f}, f)
}

// errEndpointDown is what the SDK returns when it cannot connect.
var errEndpointDown = errors.New("dial tcp 127.0.0.1:1: connect: connection refused")

func boolp(b bool) *bool { return &b }

func accountBPAOf(a, b, c, d bool) *s3ctltypes.PublicAccessBlockConfiguration {
	return &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: boolp(a),
		IgnorePublicAcls: boolp(b), BlockPublicPolicy: boolp(c), RestrictPublicBuckets: boolp(d)}
}

func bucketBPAOf(a, b, c, d bool) *s3types.PublicAccessBlockConfiguration {
	return &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: boolp(a),
		IgnorePublicAcls: boolp(b), BlockPublicPolicy: boolp(c), RestrictPublicBuckets: boolp(d)}
}
