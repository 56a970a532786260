package difftest

import (
	"encoding/json"
	"slices"
	"strings"

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
	// WhyRoot: the account's root user is allowed without any policy. AWS, IAM User Guide,
	// "Determining whether a request is allowed or denied within an account"
	// (reference_policies_evaluation-logic_policy-eval-denyallow.html): all requests are
	// implicitly denied "with the exception of the AWS account root user, which has full
	// access". iam-simulate evaluates the root user like any other principal.
	WhyRoot = "the account root user is allowed without a policy (IAM User Guide, " +
		"reference_policies_evaluation-logic_policy-eval-denyallow.html)"
	// WhyArnVariables: AWS lists policy variables as supported in the values of ARN
	// operators (IAM User Guide, reference_policies_elements_condition_operators.html,
	// "Amazon Resource Name (ARN) condition operators"); iam-simulate does not replace
	// them there.
	WhyArnVariables = "policy variables are replaced in ARN operators (IAM User Guide, " +
		"reference_policies_elements_condition_operators.html)"
	// WhyForAnyValueIfExists: AWS documents that an operator with IfExists (any operator
	// but Null) is true when the key is missing (IAM User Guide,
	// reference_policies_elements_condition_operators.html#Conditions_IfExists);
	// iam-simulate ignores IfExists after ForAnyValue and returns false.
	WhyForAnyValueIfExists = "...IfExists is true for a missing key, after ForAnyValue " +
		"too (IAM User Guide, reference_policies_elements_condition_operators.html" +
		"#Conditions_IfExists)"
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
	if ours == iampolicy.Allowed && theirs == iampolicy.ImplicitDeny &&
		c.Principal == "arn:aws:iam::"+c.ResourceAccount+":root" {
		return WhyRoot
	}
	if rewritten(c, theirs, rewriteArnVariables) {
		return WhyArnVariables
	}
	if rewritten(c, theirs, rewriteForAnyValueIfExists) {
		return WhyForAnyValueIfExists
	}
	both := func(doc json.RawMessage) (json.RawMessage, bool) {
		a, okA := rewriteArnVariables(doc)
		b, okB := rewriteForAnyValueIfExists(a)
		return b, okA || okB
	}
	if rewritten(c, theirs, both) {
		return WhyArnVariables + "; and " + WhyForAnyValueIfExists
	}
	return ""
}

// rewriteForAnyValueIfExists drops IfExists from every ForAnyValue operator of the
// document, which changes the condition only when its key is missing.
func rewriteForAnyValueIfExists(doc json.RawMessage) (json.RawMessage, bool) {
	return rewriteConditions(doc, func(op string, block map[string]any) (string, bool) {
		lower := strings.ToLower(op)
		if strings.HasPrefix(lower, "foranyvalue:") && strings.HasSuffix(lower, "ifexists") {
			return op[:len(op)-len("ifexists")], true
		}
		return op, false
	})
}

// unresolvedARN stands for a policy variable iam-simulate leaves in an ARN operator's
// value: it matches no ARN.
const unresolvedARN = "arn:proctor:unresolved:::"

// rewritten reports whether rewriting the case's policies the way iam-simulate reads them
// gives its decision.
func rewritten(c Case, theirs iampolicy.Decision,
	f func(json.RawMessage) (json.RawMessage, bool)) bool {
	changed := false
	rewrite := func(doc json.RawMessage) json.RawMessage {
		out, ok := f(doc)
		changed = changed || ok
		return out
	}
	c.IdentityPolicies = mapDocs(c.IdentityPolicies, rewrite)
	c.SCPs = mapDocs(c.SCPs, rewrite)
	c.RCPs = mapDocs(c.RCPs, rewrite)
	c.ResourcePolicy = rewrite(c.ResourcePolicy)
	c.PermissionsBoundary = rewrite(c.PermissionsBoundary)
	c.SessionPolicy = rewrite(c.SessionPolicy)
	if !changed {
		return false
	}
	p, err := Prepare(c)
	return err == nil && iampolicy.Evaluate(p.Input, p.Request).Decision == theirs
}

func mapDocs(docs []json.RawMessage, f func(json.RawMessage) json.RawMessage) []json.RawMessage {
	out := make([]json.RawMessage, len(docs))
	for i, d := range docs {
		out[i] = f(d)
	}
	return out
}

// rewriteArnVariables replaces, in every ARN operator of the document, the values that
// hold a policy variable by unresolvedARN.
func rewriteArnVariables(doc json.RawMessage) (json.RawMessage, bool) {
	return rewriteConditions(doc, func(op string, block map[string]any) (string, bool) {
		name := strings.ToLower(op[strings.LastIndexByte(op, ':')+1:])
		if !strings.HasPrefix(name, "arn") {
			return op, false
		}
		changed := false
		for k, v := range block {
			switch vv := v.(type) {
			case string:
				if strings.Contains(vv, "${") {
					block[k], changed = unresolvedARN, true
				}
			case []any:
				for i, e := range vv {
					if es, ok := e.(string); ok && strings.Contains(es, "${") {
						vv[i], changed = unresolvedARN, true
					}
				}
			}
		}
		return op, changed
	})
}

// rewriteConditions applies f to every condition operator of the document; f returns the
// operator's new name and whether it changed the operator or its block.
func rewriteConditions(doc json.RawMessage,
	f func(op string, block map[string]any) (string, bool)) (json.RawMessage, bool) {
	if len(doc) == 0 {
		return doc, false
	}
	var d map[string]any
	if json.Unmarshal(doc, &d) != nil {
		return doc, false
	}
	stmts, ok := d["Statement"].([]any)
	if !ok {
		stmts = []any{d["Statement"]}
	}
	changed := false
	for _, s := range stmts {
		st, _ := s.(map[string]any)
		cond, _ := st["Condition"].(map[string]any)
		for op, block := range cond {
			keys, _ := block.(map[string]any)
			name, ok := f(op, keys)
			if !ok {
				continue
			}
			if name != op {
				if _, taken := cond[name]; taken {
					continue // the plain operator is used too: leave the statement alone
				}
				delete(cond, op)
				cond[name] = block
			}
			changed = true
		}
	}
	if !changed {
		return doc, false
	}
	out, err := json.Marshal(d)
	if err != nil {
		return doc, false
	}
	return out, true
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
