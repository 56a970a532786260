package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/proctorlabs/proctor/iampolicy"
)

// probe is one request the grader imagines against a bucket, to learn what its policy
// decides.
type probe struct {
	Action   string
	Resource string // an ARN
	OnBucket bool   // whether Resource is the bucket's ARN (else an object's)
	Who      string // the caller's label
	When     string // the context's label, "" for the plain request
	Decision iampolicy.Decision
}

// bucketActions and objectActions are the requests that matter for a bucket: reads,
// writes, deletes, listings and changes to its policy and access settings.
var (
	bucketActions = []string{
		"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads",
		"s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy",
		"s3:GetBucketAcl", "s3:PutBucketAcl", "s3:PutBucketPublicAccessBlock",
		"s3:PutEncryptionConfiguration", "s3:DeleteBucket",
	}
	objectActions = []string{
		"s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAcl", "s3:PutObject",
		"s3:PutObjectAcl", "s3:DeleteObject", "s3:DeleteObjectVersion",
		"s3:AbortMultipartUpload",
	}
	// objectKeys are keys at the top and deep in the bucket, so that a statement covering
	// only a prefix is caught.
	objectKeys = []string{"proctor-probe.txt", "data/2026/private/proctor-probe.csv"}
)

// actionKinds names what each probed action does, for messages that say which kinds of
// request a policy leaves open.
var actionKinds = map[string]string{
	"s3:ListBucket": "lists", "s3:ListBucketVersions": "lists",
	"s3:ListBucketMultipartUploads": "lists",
	"s3:GetBucketPolicy":            "reads", "s3:GetBucketAcl": "reads", "s3:GetObject": "reads",
	"s3:GetObjectVersion": "reads", "s3:GetObjectAcl": "reads",
	"s3:PutObject": "writes", "s3:PutObjectAcl": "writes", "s3:AbortMultipartUpload": "writes",
	"s3:DeleteObject": "deletes", "s3:DeleteObjectVersion": "deletes",
	"s3:DeleteBucket":    "deletes",
	"s3:PutBucketPolicy": "policy and setting changes", "s3:DeleteBucketPolicy": "policy and " +
		"setting changes", "s3:PutBucketAcl": "policy and setting changes",
	"s3:PutBucketPublicAccessBlock": "policy and setting changes",
	"s3:PutEncryptionConfiguration": "policy and setting changes",
}

// kindOrder is the order kinds of request are reported in.
var kindOrder = []string{"lists", "reads", "writes", "deletes", "policy and setting changes"}

// caller is one principal the grader imagines making requests, with its label for
// messages.
type caller struct {
	Who       string // "anonymous", "same-account", "other-account" or "principal ARN"
	Principal iampolicy.Principal
}

// standardCallers returns the three kinds of principal a bucket policy must treat alike:
// no credentials at all, a principal of the bucket's account, and one of another account.
// The two with an account are probed with identity policies that allow everything.
func standardCallers(account string) []caller {
	// An id no documentation uses, so that a grant to a real partner account (or to the
	// examples' 111122223333) is never mistaken for one to everybody.
	other := "739105528461"
	if account == other {
		other = "739105528462"
	}
	return []caller{
		{"anonymous", iampolicy.Principal{}},
		{"same-account", iampolicy.Principal{ARN: "arn:aws:iam::" + account +
			":role/proctor-probe", Account: account}},
		{"other-account", iampolicy.Principal{ARN: "arn:aws:iam::" + other +
			":role/proctor-probe", Account: other}},
	}
}

// allowAll is the identity policy of the probing principals: they may do anything their
// own account can grant, so that only the bucket policy decides.
var allowAll = func() *iampolicy.Policy {
	p, err := iampolicy.Parse([]byte(`{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow","Action":"*","Resource":"*"}]}`))
	if err != nil {
		panic(err) // a fixed document; a failure is a bug
	}
	return p
}()

// requestContext is one set of condition keys the grader probes with, besides
// aws:SecureTransport, and how messages name it ("" for none).
type requestContext struct {
	When string
	Keys map[string][]string
}

// probeBucket evaluates every request that matters on the bucket (when onBucket) and its
// objects, for each caller in each context, and returns the decisions in a fixed order:
// objects first, then the bucket; by action, resource, context, then caller.
func probeBucket(pol *iampolicy.Policy, bucket, account string, onBucket bool,
	callers []caller, contexts []requestContext) []probe {
	type target struct {
		action, resource string
		onBucket         bool
	}
	var targets []target
	for _, a := range objectActions {
		for _, k := range objectKeys {
			targets = append(targets, target{a, bucketARN(bucket) + "/" + k, false})
		}
	}
	if onBucket {
		for _, a := range bucketActions {
			targets = append(targets, target{a, bucketARN(bucket), true})
		}
	}

	out := make([]probe, 0, len(targets)*len(callers)*len(contexts))
	for _, t := range targets {
		for _, c := range contexts {
			for _, w := range callers {
				in := iampolicy.Input{Resource: pol, ResourceAccount: account}
				if !w.Principal.Anonymous() {
					in.Identity = []*iampolicy.Policy{allowAll}
				}
				res := iampolicy.Evaluate(in, iampolicy.Request{Principal: w.Principal,
					Action: t.action, Resource: t.resource, Context: c.Keys})
				out = append(out, probe{Action: t.action, Resource: t.resource,
					OnBucket: t.onBucket, Who: w.Who, When: c.When, Decision: res.Decision})
			}
		}
	}
	return out
}

// gap is one action on one kind of resource that some principals get, grouped for
// reporting.
type gap struct {
	Action   string
	OnBucket bool
	Who      []string
	Observed []string // "who: DECISION" for each
	// Always is set when the plain request (no extra condition keys) is in the gap; else
	// When names the first context that is.
	Always bool
	When   string
}

// groupProbes keeps the probes for which bad reports true and groups them by action and
// resource kind, in probe order.
func groupProbes(probes []probe, bad func(probe) bool) []gap {
	var out []gap
	index := map[string]int{}
	for _, p := range probes {
		if !bad(p) {
			continue
		}
		key := fmt.Sprintf("%s|%t", p.Action, p.OnBucket)
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, gap{Action: p.Action, OnBucket: p.OnBucket})
		}
		g := &out[i]
		if !containsString(g.Who, p.Who) {
			g.Who = append(g.Who, p.Who)
			g.Observed = append(g.Observed, p.Who+": "+p.Decision.String())
		}
		if p.When == "" {
			g.Always = true
		} else if g.When == "" {
			g.When = p.When
		}
	}
	return out
}

// on names the resource kind of a gap as the messages say it.
func (g gap) on() string {
	if g.OnBucket {
		return "the bucket ARN"
	}
	return "object ARNs"
}

// listGaps names the kinds of request the gaps leave open, then describes one gap of each
// kind and counts the rest, so that a long list still shows every kind.
func listGaps(gaps []gap, label string, describe func(gap) string) string {
	first := map[string]int{}
	for i, g := range gaps {
		if _, ok := first[actionKinds[g.Action]]; !ok {
			first[actionKinds[g.Action]] = i
		}
	}
	var kinds, parts []string
	shown := map[int]bool{}
	for _, k := range kindOrder {
		if i, ok := first[k]; ok {
			kinds = append(kinds, k)
			parts = append(parts, describe(gaps[i]))
			shown[i] = true
		}
	}
	for i, g := range gaps {
		if !shown[i] && len(parts) < 3 {
			parts = append(parts, describe(g))
			shown[i] = true
		}
	}
	if rest := len(gaps) - len(shown); rest > 0 {
		parts = append(parts, fmt.Sprintf("and %d more", rest))
	}
	return strings.Join(parts, "; ") + " (" + label + ": " + strings.Join(kinds, ", ") + ")"
}

// whoList names the callers of a gap, and the context when only a special one opens it.
func (g gap) whoList() string {
	var who string
	switch {
	case len(g.Who) >= 3 && containsString(g.Who, "anonymous") &&
		containsString(g.Who, "same-account") && containsString(g.Who, "other-account"):
		who = "any principal"
	default:
		var kinds, named []string
		for _, w := range g.Who {
			if strings.HasPrefix(w, "principal ") {
				named = append(named, w)
			} else {
				kinds = append(kinds, w)
			}
		}
		if len(kinds) > 0 {
			named = append([]string{strings.Join(kinds, " and ") + " principals"}, named...)
		}
		who = strings.Join(named, " and ")
	}
	if !g.Always && g.When != "" {
		who += " " + g.When
	}
	return who
}

func containsString(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// bucketPolicy reads and parses a bucket's policy. It returns nil, nil for a bucket
// without a policy, and errNoBucket for a missing bucket.
func bucketPolicy(ctx context.Context, env *Env, bucket string) (*iampolicy.Policy, string,
	error) {
	out, err := env.S3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	switch awsCode(err) {
	case "NoSuchBucketPolicy":
		return nil, "", nil
	case "NoSuchBucket":
		return nil, "", errNoBucket
	}
	if err != nil {
		return nil, "", err
	}
	doc := aws.ToString(out.Policy)
	pol, err := iampolicy.Parse([]byte(doc))
	if err != nil {
		return nil, doc, &parseError{err}
	}
	return pol, doc, nil
}

// errNoBucket reports that the bucket a check names does not exist.
var errNoBucket = fmt.Errorf("validators: no such bucket")

// parseError is a bucket policy that S3 holds but iampolicy cannot read: a limit of the
// grader, never the learner's fault.
type parseError struct{ err error }

// Error returns the parser's message.
func (e *parseError) Error() string { return e.err.Error() }

// Unwrap returns the parser's error.
func (e *parseError) Unwrap() error { return e.err }
