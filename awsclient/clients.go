package awsclient

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
)

// S3 returns an S3 client for cfg. On an emulated endpoint it addresses buckets in the path
// ("https://host/bucket/key") rather than in the host name.
func S3(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		if Emulated(cfg) {
			o.UsePathStyle = true
		}
	})
}

// S3Control returns an S3 Control client for cfg. On an emulated endpoint its requests go to
// the endpoint's own host: the account id travels only in the x-amz-account-id header.
func S3Control(cfg aws.Config) *s3control.Client {
	return s3control.NewFromConfig(cfg, func(o *s3control.Options) {
		if Emulated(cfg) {
			o.EndpointResolverV2 = accountHostResolver{s3control.NewDefaultEndpointResolverV2()}
		}
	})
}

// KMS returns a KMS client for cfg.
func KMS(cfg aws.Config) *kms.Client { return kms.NewFromConfig(cfg) }

// STS returns an STS client for cfg.
func STS(cfg aws.Config) *sts.Client { return sts.NewFromConfig(cfg) }

// accountHostResolver resolves S3 Control endpoints with the SDK's rules, then removes the
// "{AccountId}." label those rules put in front of the host.
type accountHostResolver struct {
	next s3control.EndpointResolverV2
}

// ResolveEndpoint implements s3control.EndpointResolverV2.
func (r accountHostResolver) ResolveEndpoint(ctx context.Context,
	params s3control.EndpointParameters) (smithyendpoints.Endpoint, error) {
	ep, err := r.next.ResolveEndpoint(ctx, params)
	if err != nil || params.AccountId == nil {
		return ep, err
	}
	prefix := *params.AccountId + "."
	if strings.HasPrefix(ep.URI.Host, prefix) {
		u := ep.URI
		u.Host = strings.TrimPrefix(u.Host, prefix)
		ep.URI = u
	}
	return ep, nil
}
