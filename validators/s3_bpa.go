package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"

	"github.com/proctorlabs/proctor"
)

// bpaSettings are the four Block Public Access settings, in the order AWS lists them.
var bpaSettings = []string{
	"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets",
}

// bpa is one Block Public Access configuration: which settings are on.
type bpa map[string]bool

func newBPA(blockAcls, ignoreAcls, blockPolicy, restrict *bool) bpa {
	return bpa{
		"BlockPublicAcls":       aws.ToBool(blockAcls),
		"IgnorePublicAcls":      aws.ToBool(ignoreAcls),
		"BlockPublicPolicy":     aws.ToBool(blockPolicy),
		"RestrictPublicBuckets": aws.ToBool(restrict),
	}
}

// or returns the effective configuration when both b and c apply: a setting is on when
// either turns it on.
func (b bpa) or(c bpa) bpa {
	out := bpa{}
	for _, s := range bpaSettings {
		out[s] = b[s] || c[s]
	}
	return out
}

// describe lists the settings as "Name=true, ..." in AWS's order.
func (b bpa) describe(settings []string) string {
	parts := make([]string, len(settings))
	for i, s := range settings {
		parts[i] = fmt.Sprintf("%s=%t", s, b[s])
	}
	return strings.Join(parts, ", ")
}

// accountBPA reads the account's Block Public Access configuration; an account without
// one has every setting off.
func accountBPA(ctx context.Context, env *Env) (bpa, error) {
	out, err := env.S3Control.GetPublicAccessBlock(ctx,
		&s3control.GetPublicAccessBlockInput{AccountId: aws.String(env.AccountID)})
	if awsCode(err) == "NoSuchPublicAccessBlockConfiguration" {
		return bpa{}, nil
	}
	if err != nil {
		return nil, err
	}
	c := out.PublicAccessBlockConfiguration
	if c == nil {
		return bpa{}, nil
	}
	return newBPA(c.BlockPublicAcls, c.IgnorePublicAcls, c.BlockPublicPolicy,
		c.RestrictPublicBuckets), nil
}

// bucketBPA reads a bucket's own Block Public Access configuration; a bucket without one
// has every setting off.
func bucketBPA(ctx context.Context, env *Env, bucket string) (bpa, error) {
	out, err := env.S3.GetPublicAccessBlock(ctx,
		&s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)})
	if awsCode(err) == "NoSuchPublicAccessBlockConfiguration" {
		return bpa{}, nil
	}
	if err != nil {
		return nil, err
	}
	c := out.PublicAccessBlockConfiguration
	if c == nil {
		return bpa{}, nil
	}
	return newBPA(c.BlockPublicAcls, c.IgnorePublicAcls, c.BlockPublicPolicy,
		c.RestrictPublicBuckets), nil
}

// accountPublicAccessBlock establishes that the account-level Block Public Access turns on
// the required settings (all four by default). Partial credit is the share that is on.
var accountPublicAccessBlock = Definition{
	Name: "s3.account_public_access_block",
	Description: "The account-level S3 Block Public Access configuration turns on the " +
		"required settings.",
	Services: []string{"s3control"},
	Partial:  true,
	Params: []Param{{
		Name: "settings", Type: TypeStringList, Enum: bpaSettings,
		Description: "the settings that must be on; all four when absent",
		Default:     bpaSettings,
	}},
	Check: func(ctx context.Context, env *Env, p Params) proctor.Finding {
		required := p.StringList("settings")
		resource := accountResource(env.AccountID)
		got, err := accountBPA(ctx, env)
		if err != nil {
			return awsError("read the account's Block Public Access configuration",
				resource, err)
		}

		var off []string
		for _, s := range required {
			if !got[s] {
				off = append(off, s)
			}
		}
		ev := []proctor.Evidence{{Resource: resource, Observed: got.describe(bpaSettings),
			Expected: allTrue(required)}}
		if len(off) == 0 {
			return proctor.Finding{Verdict: proctor.VerdictPass, Evidence: ev,
				Message: "account-level Block Public Access turns on " +
					strings.Join(required, ", ")}
		}
		if len(required) == 0 {
			return proctor.Finding{Verdict: proctor.VerdictPass, Evidence: ev}
		}
		return proctor.Finding{Verdict: proctor.VerdictFail, Evidence: ev,
			Fraction: float64(len(required)-len(off)) / float64(len(required)),
			Message: fmt.Sprintf("account-level Block Public Access leaves %s off "+
				"(%d of the %d required settings)", strings.Join(off, ", "), len(off),
				len(required))}
	},
}

func allTrue(settings []string) string {
	parts := make([]string, len(settings))
	for i, s := range settings {
		parts[i] = s + "=true"
	}
	return strings.Join(parts, ", ")
}
