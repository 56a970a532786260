package difftest

import (
	"slices"

	"github.com/proctorlabs/proctor/iampolicy"
)

// The known differences between iampolicy and iam-simulate, each decided by AWS
// documentation in iampolicy's favour and pinned by a test in known_test.go.
const (
	// WhySessionARN: a resource policy that names the role session's own ARN grants
	// whatever the session policy says. AWS, IAM User Guide, "Session policies"
	// (access_policies.html#policies_session): "if a resource-based policy specifies the
	// ARN of the session, the permissions in the resource-based policy are not limited
	// by the session policy". iam-simulate applies the session policy to every grant.
	WhySessionARN = "a resource policy naming the session ARN is not limited by the " +
		"session policy (IAM User Guide, access_policies.html#policies_session)"
	// WhyAllowNotPrincipal: AWS documents that NotPrincipal must be used with Deny and
	// that Allow with NotPrincipal is not supported (IAM User Guide,
	// reference_policies_elements_notprincipal.html); iampolicy grants nothing for such
	// a statement, iam-simulate grants to every principal not listed.
	WhyAllowNotPrincipal = "Allow with NotPrincipal is not supported and grants nothing " +
		"(IAM User Guide, reference_policies_elements_notprincipal.html)"
)

// Explain returns why iampolicy's decision differs from iam-simulate's on a case, when
// the difference is one of the known ones, or "" for an unexplained difference.
func Explain(c Case, ours, theirs iampolicy.Decision) string {
	p, err := Prepare(c)
	if err != nil {
		return ""
	}
	if ours == iampolicy.Allowed && theirs == iampolicy.ImplicitDeny &&
		sessionARNGrant(p, c.Principal) {
		return WhySessionARN
	}
	if ours == iampolicy.ImplicitDeny && theirs == iampolicy.Allowed &&
		allowNotPrincipalGrant(p) {
		return WhyAllowNotPrincipal
	}
	return ""
}

// sessionARNGrant reports whether the session policy alone does not allow the request
// while the decision rests on resource policy statements naming the session ARN.
func sessionARNGrant(p Prepared, session string) bool {
	if p.Input.Session == nil || p.Input.Resource == nil {
		return false
	}
	alone := iampolicy.Evaluate(iampolicy.Input{Identity: []*iampolicy.Policy{p.Input.Session}},
		p.Request)
	if alone.Decision == iampolicy.Allowed {
		return false
	}
	r := iampolicy.Evaluate(p.Input, p.Request)
	for _, ref := range r.Deciding {
		if ref.Policy != "resource" {
			continue
		}
		st := p.Input.Resource.Statements[ref.Index]
		if st.Principal != nil && !st.NotPrincipal && slices.Contains(st.Principal.AWS, session) {
			return true
		}
	}
	return false
}

// allowNotPrincipalGrant reports whether reading the resource policy's Allow statements
// with NotPrincipal as grants to every principal (as iam-simulate does) allows the
// request.
func allowNotPrincipalGrant(p Prepared) bool {
	if p.Input.Resource == nil {
		return false
	}
	changed := *p.Input.Resource
	changed.Statements = slices.Clone(changed.Statements)
	any := false
	for i, st := range changed.Statements {
		if st.Effect == iampolicy.Allow && st.NotPrincipal {
			if listsPrincipal(st.Principal, p.Request.Principal) {
				continue
			}
			changed.Statements[i].NotPrincipal = false
			changed.Statements[i].Principal = &iampolicy.PrincipalSet{Any: true}
			any = true
		}
	}
	if !any {
		return false
	}
	in := p.Input
	in.Resource = &changed
	return iampolicy.Evaluate(in, p.Request).Decision == iampolicy.Allowed
}

// listsPrincipal reports whether a principal set names the principal, its role or its
// account literally.
func listsPrincipal(ps *iampolicy.PrincipalSet, pr iampolicy.Principal) bool {
	role := principalArnKey(pr.ARN)
	for _, a := range ps.AWS {
		if a == pr.ARN || a == role || a == pr.Account ||
			a == "arn:aws:iam::"+pr.Account+":root" {
			return true
		}
	}
	return false
}
