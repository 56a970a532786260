package validators

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/iampolicy"
)

// The grantee groups that make an ACL grant public.
const (
	allUsersURI  = "http://acs.amazonaws.com/groups/global/AllUsers"
	authUsersURI = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
)

// secure is the condition context of a request made over TLS.
var secure = map[string][]string{"aws:SecureTransport": {"true"}}

// bucketNotPublic establishes that a bucket is protected from public access in effect:
// Block Public Access of the bucket or of the account (a setting on at either level
// counts) neutralizes its policy and ACLs, or else the policy grants nothing to anonymous
// or foreign principals and no ACL grants to everyone.
var bucketNotPublic = Definition{
	Name: "s3.bucket_not_public",
	Description: "The bucket is not public: Block Public Access (bucket or account level) " +
		"restricts it, or its policy and ACL grant nothing public.",
	Services: []string{"s3", "s3control"},
	Params: []Param{
		{Name: "bucket", Type: TypeString, Required: true, Description: "the bucket's name"},
	},
	Check: checkNotPublic,
}

func checkNotPublic(ctx context.Context, env *Env, p Params) proctor.Finding {
	bucket := p.String("bucket")
	arn := bucketARN(bucket)
	const expected = "no public access in effect"

	account, err := accountBPA(ctx, env)
	if err != nil {
		return awsError("read the account's Block Public Access configuration",
			accountResource(env.AccountID), err)
	}
	own, err := bucketBPA(ctx, env, bucket)
	if awsCode(err) == "NoSuchBucket" {
		return noBucket(bucket)
	}
	if err != nil {
		return awsError("read the Block Public Access configuration of bucket "+bucket, arn,
			err)
	}
	eff := account.or(own)
	ev := []proctor.Evidence{{Resource: arn,
		Observed: "effective Block Public Access: " + eff.describe(bpaSettings),
		Expected: expected}}

	var exposures []string
	if !eff["RestrictPublicBuckets"] {
		pol, _, err := bucketPolicy(ctx, env, bucket)
		if f, done := policyReadFinding(bucket, err); done {
			return f
		}
		if pol != nil {
			if g := publicGrants(pol, bucket, env.AccountID); len(g) > 0 {
				exposures = append(exposures, "its policy allows "+g)
				ev = append(ev, proctor.Evidence{Resource: arn,
					Observed: "bucket policy allows " + g, Expected: expected})
			}
		}
	}
	// A public policy already decides; the ACL is read only when it could change the verdict.
	if !eff["IgnorePublicAcls"] && len(exposures) == 0 {
		grants, err := publicACLGrants(ctx, env, bucket)
		if errors.Is(err, errNoBucket) {
			return noBucket(bucket)
		}
		if err != nil {
			return awsError("read the ACL of bucket "+bucket, arn, err)
		}
		if len(grants) > 0 {
			g := "its ACL grants " + strings.Join(grants, ", ")
			exposures = append(exposures, g)
			ev = append(ev, proctor.Evidence{Resource: arn, Observed: g, Expected: expected})
		}
	}

	if len(exposures) == 0 {
		return proctor.Finding{Verdict: proctor.VerdictPass, Evidence: ev,
			Message: fmt.Sprintf("bucket %s is not public", bucket)}
	}
	return proctor.Finding{Verdict: proctor.VerdictFail, Evidence: ev,
		Message: fmt.Sprintf("bucket %s is public: %s, and Block Public Access does not "+
			"restrict it", bucket, strings.Join(exposures, "; "))}
}

// publicGrants describes what the policy allows anonymous or foreign principals over TLS
// on the bucket and its objects, or returns "" when it allows them nothing.
//
// A grant is public when it holds for a plain request, or from every one of a spread of
// internet addresses (an address condition as wide as the internet). Grants limited to
// fixed addresses, VPC endpoints, organizations or named accounts are not public, as AWS
// rules them.
func publicGrants(pol *iampolicy.Policy, bucket, account string) string {
	callers := standardCallers(account)
	callers = []caller{callers[0], callers[2]} // anonymous and other-account
	contexts := append([]requestContext{{Keys: secure}}, broadContexts(secure)...)
	probes := probeBucket(pol, bucket, account, true, callers, contexts)

	// Probes come grouped by target, context, then caller: per target and caller, the
	// plain context first, then the broad ones.
	var public []probe
	per := len(contexts) * len(callers)
	for t := 0; t+per <= len(probes); t += per {
		for c := range callers {
			plain := probes[t+c]
			broad := true
			for x := 1; x < len(contexts); x++ {
				broad = broad && probes[t+x*len(callers)+c].Decision == iampolicy.Allowed
			}
			if plain.Decision == iampolicy.Allowed || broad {
				plain.When = ""
				public = append(public, plain)
			}
		}
	}
	gaps := groupProbes(public, func(probe) bool { return true })
	if len(gaps) == 0 {
		return ""
	}
	return listGaps(gaps, "allowed", func(g gap) string {
		return fmt.Sprintf("%s on %s to %s", g.Action, g.on(), g.whoList())
	})
}

// publicACLGrants lists the bucket ACL's grants to everyone or to every AWS user.
func publicACLGrants(ctx context.Context, env *Env, bucket string) ([]string, error) {
	out, err := env.S3.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(bucket)})
	switch awsCode(err) {
	case "NoSuchBucket":
		return nil, errNoBucket
	case "NotImplemented", "MethodNotAllowed":
		// An endpoint without ACLs (the embedded one) cannot hold a public ACL either: there
		// is no call that would have set one.
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var grants []string
	for _, g := range out.Grants {
		if g.Grantee == nil || g.Grantee.Type != s3types.TypeGroup {
			continue
		}
		switch aws.ToString(g.Grantee.URI) {
		case allUsersURI:
			grants = append(grants, fmt.Sprintf("%s to AllUsers", g.Permission))
		case authUsersURI:
			grants = append(grants, fmt.Sprintf("%s to AuthenticatedUsers", g.Permission))
		}
	}
	return grants, nil
}
