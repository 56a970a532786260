package validators

import (
	"context"
	"errors"
	"fmt"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/iampolicy"
)

// insecure is the condition context of a request made without TLS.
var insecure = map[string][]string{"aws:SecureTransport": {"false"}}

// bucketTLSOnly establishes that the bucket policy explicitly denies every request that
// matters made without TLS, by any principal, on the bucket and its objects. It evaluates
// the policy, so an equivalent policy written differently passes and a lookalike that
// leaves a gap fails.
var bucketTLSOnly = Definition{
	Name: "s3.bucket_tls_only",
	Description: "The bucket policy denies every request without TLS (aws:SecureTransport " +
		"false), for every principal, on the bucket and its objects.",
	Services: []string{"s3"},
	Partial:  true,
	Params: []Param{
		{Name: "bucket", Type: TypeString, Required: true,
			Description: "the bucket's name"},
		{Name: "bucket_arn", Type: TypeBool, Default: true,
			Description: "whether requests on the bucket ARN itself (ListBucket, policy " +
				"changes, ...) must be denied too, not only requests on objects"},
	},
	Check: func(ctx context.Context, env *Env, p Params) proctor.Finding {
		bucket := p.String("bucket")
		arn := bucketARN(bucket)
		pol, _, err := bucketPolicy(ctx, env, bucket)
		if f, done := policyReadFinding(bucket, err); done {
			return f
		}
		if pol == nil {
			return proctor.Finding{Verdict: proctor.VerdictFail,
				Message: fmt.Sprintf("bucket %s has no bucket policy, so requests without "+
					"TLS are not denied", bucket),
				Evidence: []proctor.Evidence{{Resource: arn, Observed: "no bucket policy",
					Expected: "a Deny of every request with aws:SecureTransport false"}}}
		}

		callers := append(standardCallers(env.AccountID), namedCallers(pol, env.AccountID)...)
		probes := probeBucket(pol, bucket, env.AccountID, p.Bool("bucket_arn"), callers,
			conditionContexts(pol, insecure))
		gaps := groupProbes(probes, func(pr probe) bool {
			return pr.Decision != iampolicy.ExplicitDeny
		})
		expected := "EXPLICIT_DENY for every principal"
		if len(gaps) == 0 {
			return proctor.Finding{Verdict: proctor.VerdictPass,
				Message: fmt.Sprintf("the bucket policy denies all %d insecure requests probed",
					len(probes)),
				Evidence: []proctor.Evidence{{Resource: arn,
					Observed: "every probed request without TLS: EXPLICIT_DENY",
					Expected: expected}}}
		}

		denied := 0
		for _, pr := range probes {
			if pr.Decision == iampolicy.ExplicitDeny {
				denied++
			}
		}
		ev := make([]proctor.Evidence, 0, len(gaps))
		for _, g := range gaps {
			res := arn
			if !g.OnBucket {
				res = arn + "/*"
			}
			ev = append(ev, proctor.Evidence{Resource: res,
				Observed: fmt.Sprintf("%s without TLS: %s", g.Action, joinComma(g.Observed)),
				Expected: expected})
		}
		return proctor.Finding{Verdict: proctor.VerdictFail, Evidence: ev,
			Fraction: float64(denied) / float64(len(probes)),
			Message: "the bucket policy does not deny every request without TLS: " +
				listGaps(gaps, "not denied", func(g gap) string {
					return fmt.Sprintf("insecure %s on %s is not denied for %s", g.Action,
						g.on(), g.whoList())
				})}
	},
}

// policyReadFinding turns a failure to read a bucket policy into its finding: FAIL for a
// missing bucket, ERROR for anything else. done is false when err is nil.
func policyReadFinding(bucket string, err error) (proctor.Finding, bool) {
	var pe *parseError
	switch {
	case err == nil:
		return proctor.Finding{}, false
	case errors.Is(err, errNoBucket):
		return noBucket(bucket), true
	case errors.As(err, &pe):
		f := errorf("the grader could not evaluate the policy of bucket %s: %v", bucket, pe.err)
		f.Evidence = []proctor.Evidence{{Resource: bucketARN(bucket),
			Observed: "a policy the grader cannot read"}}
		return f, true
	}
	return awsError("read the policy of bucket "+bucket, bucketARN(bucket), err), true
}

// noBucket is the FAIL finding for a bucket that does not exist.
func noBucket(bucket string) proctor.Finding {
	return proctor.Finding{Verdict: proctor.VerdictFail,
		Message: fmt.Sprintf("bucket %s does not exist", bucket),
		Evidence: []proctor.Evidence{{Resource: bucketARN(bucket), Observed: "no such bucket",
			Expected: "the lab's bucket"}}}
}

func joinComma(s []string) string {
	out := ""
	for i, e := range s {
		if i > 0 {
			out += ", "
		}
		out += e
	}
	return out
}
