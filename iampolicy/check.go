package iampolicy

import (
	"fmt"
	"slices"
	"strings"
)

// PolicyType is the kind of policy a document is used as; each kind has its own rules
// about which elements a statement may carry and how large the document may be.
type PolicyType int

// The policy types [Policy.Check] knows.
const (
	// IdentityPolicy is a managed or inline policy of a user, group or role.
	IdentityPolicy PolicyType = iota + 1
	// ResourcePolicy is a resource-based policy such as a bucket policy or key policy.
	ResourcePolicy
	// TrustPolicy is a role's trust policy (its assume-role policy document).
	TrustPolicy
	// PermissionsBoundaryPolicy is a managed policy used as a permissions boundary.
	PermissionsBoundaryPolicy
	// ServiceControlPolicy is an AWS Organizations service control policy.
	ServiceControlPolicy
	// ResourceControlPolicy is an AWS Organizations resource control policy.
	ResourceControlPolicy
	// SessionPolicy is a policy passed when a role session is created.
	SessionPolicy
)

var policyTypeNames = map[PolicyType]string{
	IdentityPolicy:            "identity policy",
	ResourcePolicy:            "resource policy",
	TrustPolicy:               "trust policy",
	PermissionsBoundaryPolicy: "permissions boundary",
	ServiceControlPolicy:      "service control policy",
	ResourceControlPolicy:     "resource control policy",
	SessionPolicy:             "session policy",
}

// article returns the type's name with "a" or "an" in front.
func (t PolicyType) article() string {
	n := t.String()
	if strings.ContainsRune("aeiou", rune(n[0])) {
		return "an " + n
	}
	return "a " + n
}

// String names the policy type in words, such as "identity policy".
func (t PolicyType) String() string {
	if n, ok := policyTypeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("PolicyType(%d)", int(t))
}

// maxSize is AWS's default quota of characters other than white space for each policy
// type: managed policies (identity and boundary), bucket policies, trust policies, SCPs
// and RCPs, and the plain text of session policies.
var maxSize = map[PolicyType]int{
	IdentityPolicy:            6144,
	ResourcePolicy:            20480,
	TrustPolicy:               2048,
	PermissionsBoundaryPolicy: 6144,
	ServiceControlPolicy:      5120,
	ResourceControlPolicy:     5120,
	SessionPolicy:             2048,
}

// CheckError lists every rule of a policy type that a policy breaks, each with its
// position in the document.
type CheckError struct {
	Type     PolicyType   // the policy type checked against
	Problems []ParseError // in document order within each rule
}

// Error returns one line per problem.
func (e *CheckError) Error() string {
	lines := make([]string, len(e.Problems))
	for i := range e.Problems {
		lines[i] = e.Problems[i].Error()
	}
	return fmt.Sprintf("iampolicy: not a valid %s: %s", e.Type, strings.Join(lines, "; "))
}

// Check reports, as a *CheckError, every rule of the policy type the policy breaks:
//
//   - identity policies, permissions boundaries, session policies and service control
//     policies may not name a Principal or NotPrincipal, and need Resource or NotResource;
//   - resource policies need a Principal or NotPrincipal and a Resource or NotResource,
//     and may not combine NotPrincipal with Allow (AWS documents it as unsupported);
//   - trust policies need a Principal, may not use NotPrincipal, Resource or NotResource,
//     and allow only sts: actions;
//   - resource control policies take only Principal "*", no NotAction, no Deny of the
//     action "*", and Allow only for every action on every resource (the AWS-managed
//     RCPFullAWSAccess);
//   - a principal holds no wildcard unless it is "*" itself;
//   - statement ids of identity, boundary, session and organization policies are
//     letters and digits only;
//   - the document stays within the policy type's default size quota;
//   - a ${...} in a document whose Version is not 2012-10-17 is reported, since AWS reads
//     it as literal text rather than as a policy variable.
//
// It returns nil when the policy follows every rule.
func (p *Policy) Check(t PolicyType) error {
	var probs []ParseError
	add := func(at position, format string, args ...any) {
		probs = append(probs, ParseError{Line: at.line, Column: at.col, Path: at.path,
			Reason: fmt.Sprintf(format, args...)})
	}
	if _, ok := policyTypeNames[t]; !ok {
		return fmt.Errorf("iampolicy: unknown policy type %d", int(t))
	}
	if limit := maxSize[t]; p.size > limit {
		add(position{line: 1, col: 1}, "the document has %d characters other than white "+
			"space, over the %d %s may have", p.size, limit, t.article())
	}
	for _, at := range p.literalVars {
		add(at, "${...} is literal text here: policy variables need \"Version\": %q",
			Version2012)
	}
	for i := range p.Statements {
		st := &p.Statements[i]
		checkStatement(st, t, func(element, format string, args ...any) {
			add(st.at(element), format, args...)
		})
	}
	if len(probs) == 0 {
		return nil
	}
	return &CheckError{Type: t, Problems: probs}
}

// at returns the position of one of the statement's elements, or of the statement.
func (st *Statement) at(element string) position {
	for _, e := range st.elements {
		if strings.HasSuffix(e.path, "."+element) {
			return e
		}
	}
	return st.pos
}

func checkStatement(st *Statement, t PolicyType, add func(element, format string,
	args ...any)) {
	principalElement := "Principal"
	if st.NotPrincipal {
		principalElement = "NotPrincipal"
	}
	resourceElement := "Resource"
	if st.NotResource {
		resourceElement = "NotResource"
	}

	switch t {
	case IdentityPolicy, PermissionsBoundaryPolicy, SessionPolicy, ServiceControlPolicy:
		if st.Principal != nil {
			add(principalElement, "%s may not have a %s element", t.article(),
				principalElement)
		}
		if st.Resources == nil {
			add("", "a statement of a %s needs a Resource or NotResource element", t)
		}
	case ResourcePolicy:
		if st.Principal == nil {
			add("", "a statement of a resource policy needs a Principal or NotPrincipal "+
				"element")
		}
		if st.Resources == nil {
			add("", "a statement of a resource policy needs a Resource or NotResource "+
				"element")
		}
		if st.NotPrincipal && st.Effect == Allow {
			add("NotPrincipal", "NotPrincipal is supported only with \"Effect\": \"Deny\"")
		}
	case TrustPolicy:
		if st.Principal == nil || st.NotPrincipal {
			add(principalElement, "a statement of a trust policy needs a Principal "+
				"element (NotPrincipal is not allowed)")
		}
		if st.Resources != nil {
			add(resourceElement, "a trust policy may not have a %s element",
				resourceElement)
		}
		for _, a := range st.Actions {
			if a != "*" && !strings.HasPrefix(strings.ToLower(a), "sts:") {
				add("Action", "a trust policy allows only sts: actions, not %q", a)
			}
		}
	case ResourceControlPolicy:
		if st.Principal == nil || st.NotPrincipal || !st.Principal.Any {
			add(principalElement, "a resource control policy takes only \"Principal\": \"*\"")
		}
		if st.Resources == nil {
			add("", "a statement of a resource control policy needs a Resource or "+
				"NotResource element")
		}
		if st.NotAction {
			add("NotAction", "a resource control policy may not have a NotAction element")
		}
		if st.Effect == Deny && slices.Contains(st.Actions, "*") {
			add("Action", "a resource control policy may not deny the action \"*\"; name "+
				"each service, such as \"s3:*\"")
		}
		if st.Effect == Allow && !(len(st.Actions) == 1 && st.Actions[0] == "*" &&
			!st.NotAction && len(st.Resources) == 1 && st.Resources[0] == "*" &&
			!st.NotResource && len(st.Conditions) == 0) {
			add("Effect", "a resource control policy may Allow only \"*\" on \"*\" "+
				"without conditions")
		}
	}
	if st.Principal != nil {
		for _, a := range st.Principal.AWS {
			if a != "*" && hasWildcard(a) {
				add(principalElement, "the principal %q holds a wildcard: only \"*\" alone "+
					"is allowed; match ARNs with aws:PrincipalArn and ArnLike instead", a)
			}
		}
	}
	switch t {
	case IdentityPolicy, PermissionsBoundaryPolicy, SessionPolicy, ServiceControlPolicy,
		ResourceControlPolicy:
		for _, c := range st.Sid {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				add("Sid", "the Sid %q of %s may hold only letters and digits", st.Sid,
					t.article())
				break
			}
		}
	}
}
