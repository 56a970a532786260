package iampolicy

import (
	"fmt"
	"strings"
)

// Input gathers the policies that apply to one request.
//
// TODO: VPC endpoint policies, S3 ACLs and S3 Block Public Access are not modelled; a
// grader that relies on Evaluate alone cannot see a denial that comes from them.
type Input struct {
	// Identity holds the principal's identity policies: inline, managed and those of its
	// groups. A nil entry is skipped.
	Identity []*Policy
	// Resource is the resource policy (bucket policy, key policy, ...), nil when the
	// resource has none.
	Resource *Policy
	// ResourceAccount is the account that owns the resource; "" means the principal's
	// own account.
	ResourceAccount string
	// PermissionsBoundary is the principal's permissions boundary, nil when it has none.
	PermissionsBoundary *Policy
	// SCPs are the service control policies that apply to the principal's account. Each
	// entry stands for one level of the organization (root, each OU, the account), and
	// every level must allow the request. Combine the policies attached at one level with
	// [Merge]. SCPs do not apply to service principals or anonymous callers.
	SCPs []*Policy
	// RCPs are the resource control policies that apply to the resource's account. AWS
	// attaches RCPFullAWSAccess, which allows everything and cannot be detached, to every
	// level of the organization, so only their Deny statements decide. They apply to
	// every caller of the resource, anonymous ones included, but not to service
	// principals.
	RCPs []*Policy
	// RequireResourceTrust makes identity policies of the resource's own account count
	// only when the resource policy allows that account (names the account or its root),
	// as for KMS key policies and role trust policies. Evaluate sets it by itself for
	// KMS keys and for STS requests on a resource that has a resource policy.
	RequireResourceTrust bool
	// Session is the session policy passed when the role session was created, nil when
	// there is none.
	Session *Policy
}

// Decision is the outcome of evaluating a request.
type Decision int

// The three outcomes of an evaluation.
const (
	// ImplicitDeny: no applicable statement allows the request (the zero value).
	ImplicitDeny Decision = iota
	// Allowed: the request is allowed.
	Allowed
	// ExplicitDeny: a Deny statement applies; nothing can override it.
	ExplicitDeny
)

// String returns "ALLOWED", "EXPLICIT_DENY" or "IMPLICIT_DENY".
func (d Decision) String() string {
	switch d {
	case Allowed:
		return "ALLOWED"
	case ExplicitDeny:
		return "EXPLICIT_DENY"
	default:
		return "IMPLICIT_DENY"
	}
}

// Result is a decision and the statements that decided it: every Deny statement that
// applied for an explicit deny; for an allow, the Allow statements of each policy the
// decision needed (service control policies, resource policy, identity policies,
// permissions boundary, session policy). An implicit deny has no deciding statement;
// Missing then names the policies that lacked an Allow.
type Result struct {
	Decision Decision       // the outcome
	Deciding []StatementRef // the statements that decided it, in policy order
	// Missing names, for an implicit deny, each policy whose Allow was required but
	// absent: "identity", "resource", "permissionsBoundary", "session" or "scp[N]".
	Missing []string
}

// StatementRef names one statement of the Input.
type StatementRef struct {
	// Policy is "identity[N]", "resource", "permissionsBoundary", "scp[N]", "rcp[N]" or
	// "session".
	Policy string
	// Index is the statement's position in its policy.
	Index int
	// Sid is the statement's Sid, "" when it has none.
	Sid string
}

// String returns "POLICY/INDEX" or "POLICY/INDEX (SID)".
func (r StatementRef) String() string {
	if r.Sid != "" {
		return fmt.Sprintf("%s/%d (%s)", r.Policy, r.Index, r.Sid)
	}
	return fmt.Sprintf("%s/%d", r.Policy, r.Index)
}

// layer is what one policy contributed: the statements that applied, by effect.
type layer struct {
	name        string
	allow, deny []StatementRef
	// principal is the strongest principal match among resource policy allows.
	principal principalMatch
	// accountAllow: an allow names the principal's account (an account principal).
	accountAllow bool
}

// Evaluate decides the request against the policies in the input, in AWS's order:
//
//  1. an explicit Deny in any policy decides ExplicitDeny;
//  2. every service control policy must allow the request (resource control
//     policies only deny);
//  3. within the principal's own account, a resource policy that names the principal
//     allows on its own; one that names the role of a role session still needs the
//     permissions boundary and the session policy to allow, and one that names every
//     principal ("*") still needs the session policy to allow;
//  4. otherwise the identity policies must allow, and the permissions boundary and the
//     session policy, where present, must allow too;
//  5. across accounts (ResourceAccount differs from the principal's), the resource
//     policy must allow as well.
//
// The account root user is allowed whatever its identity policies say, in its own
// account, except where the resource policy must trust the account (a KMS key's root
// user needs the key policy too). Anonymous and service principals are allowed only by a
// resource policy.
func Evaluate(in Input, req Request) Result {
	return newEvaluator(in).evaluate(req)
}

// evaluator decides many requests against one Input, naming its policies once.
type evaluator struct {
	in                             Input
	scpNames, rcpNames, identNames []string
}

func newEvaluator(in Input) *evaluator {
	return &evaluator{in: in, scpNames: policyNames("scp", len(in.SCPs)),
		rcpNames:   policyNames("rcp", len(in.RCPs)),
		identNames: policyNames("identity", len(in.Identity))}
}

// staticNames avoids formatting the names of the first policies of each kind.
var staticNames = map[string][]string{
	"scp": {"scp[0]", "scp[1]", "scp[2]", "scp[3]", "scp[4]", "scp[5]"},
	"identity": {"identity[0]", "identity[1]", "identity[2]", "identity[3]", "identity[4]",
		"identity[5]", "identity[6]", "identity[7]", "identity[8]", "identity[9]"},
}

func policyNames(kind string, n int) []string {
	if st := staticNames[kind]; n <= len(st) {
		return st[:n]
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s[%d]", kind, i)
	}
	return out
}

func (e *evaluator) evaluate(req Request) Result {
	in := e.in
	ctx := &evalContext{req: &req}
	p := req.Principal
	hasBoundary := in.PermissionsBoundary != nil
	iamPrincipal := p.ARN != "" || p.Account != ""

	var scps []layer
	if iamPrincipal {
		for i, pol := range in.SCPs {
			if pol != nil {
				scps = append(scps, evalPolicy(pol, e.scpNames[i], ctx, false, false))
			}
		}
	}
	var rcps []layer
	if p.Service == "" {
		for i, pol := range in.RCPs {
			if pol != nil {
				rcps = append(rcps, evalPolicy(pol, e.rcpNames[i], ctx, true, false))
			}
		}
	}
	var res layer
	if in.Resource != nil {
		res = evalPolicy(in.Resource, "resource", ctx, true, hasBoundary)
	}
	var ident layer
	for i, pol := range in.Identity {
		if pol != nil {
			ident.add(pol, e.identNames[i], ctx, false, false)
		}
	}
	var pb, sess layer
	if hasBoundary {
		pb = evalPolicy(in.PermissionsBoundary, "permissionsBoundary", ctx, false, false)
	}
	if in.Session != nil {
		sess = evalPolicy(in.Session, "session", ctx, false, false)
	}

	var denies []StatementRef
	for _, l := range scps {
		denies = append(denies, l.deny...)
	}
	for _, l := range rcps {
		denies = append(denies, l.deny...)
	}
	denies = append(denies, res.deny...)
	denies = append(denies, ident.deny...)
	denies = append(denies, pb.deny...)
	denies = append(denies, sess.deny...)
	if len(denies) > 0 {
		return Result{Decision: ExplicitDeny, Deciding: denies}
	}

	var missing []string
	var deciding []StatementRef
	for _, l := range scps {
		if len(l.allow) == 0 {
			missing = append(missing, l.name)
		}
		deciding = append(deciding, l.allow...)
	}
	if len(missing) > 0 {
		return Result{Decision: ImplicitDeny, Missing: missing}
	}

	if !iamPrincipal {
		if res.principal >= roleMatch {
			return Result{Decision: Allowed, Deciding: append(deciding, res.allow...)}
		}
		return Result{Decision: ImplicitDeny, Missing: []string{"resource"}}
	}

	sameAccount := in.ResourceAccount == "" || in.ResourceAccount == p.Account
	isRoot := isRootARN(p.ARN)

	// Within one account a resource policy that names the principal grants on its own.
	// A grant to the role of a role session (or to the IAM user of a federated session)
	// is still limited by the permissions boundary; only a grant that names the session
	// itself escapes the session policy.
	if sameAccount && res.principal >= roleMatch {
		boundaryOK := !hasBoundary || len(pb.allow) > 0 || res.principal >= wildcardMatch
		sessionOK := in.Session == nil || len(sess.allow) > 0 || res.principal == exactMatch
		if boundaryOK && sessionOK {
			deciding = append(deciding, res.allow...)
			if res.principal < wildcardMatch {
				deciding = append(deciding, pb.allow...)
			}
			if res.principal < exactMatch {
				deciding = append(deciding, sess.allow...)
			}
			return Result{Decision: Allowed, Deciding: deciding}
		}
	}

	if !isRoot {
		if len(ident.allow) == 0 {
			missing = append(missing, "identity")
		}
		if hasBoundary && len(pb.allow) == 0 {
			missing = append(missing, "permissionsBoundary")
		}
		if in.Session != nil && len(sess.allow) == 0 {
			missing = append(missing, "session")
		}
	}
	if !sameAccount && res.principal == noMatch {
		missing = append(missing, "resource")
	}
	if sameAccount && requiresTrust(in, req) && !res.accountAllow {
		// The service trusts the account's identity policies (and its root user) only
		// through the resource policy.
		missing = append(missing, "resource")
	}
	if len(missing) > 0 {
		return Result{Decision: ImplicitDeny, Missing: missing}
	}
	if !sameAccount || requiresTrust(in, req) {
		deciding = append(deciding, res.allow...)
	}
	deciding = append(deciding, ident.allow...)
	deciding = append(deciding, pb.allow...)
	deciding = append(deciding, sess.allow...)
	return Result{Decision: Allowed, Deciding: deciding}
}

// requiresTrust reports whether the resource's service trusts identity policies of its
// own account only when the resource policy allows the account: KMS keys (a key policy
// must enable IAM policies) and STS resources with a resource policy (a role's trust
// policy), or whenever the input asks for it.
func requiresTrust(in Input, req Request) bool {
	if in.RequireResourceTrust {
		return true
	}
	service, _, _ := strings.Cut(req.Action, ":")
	switch strings.ToLower(service) {
	case "kms":
		var seg [6]string
		return splitARN(req.Resource, &seg, nil) == 6 && strings.HasPrefix(seg[5], "key/")
	case "sts":
		return in.Resource != nil
	}
	return false
}

// isRootARN reports whether arn is an account's root user, arn:PARTITION:iam::ACCOUNT:root.
func isRootARN(arn string) bool {
	var seg [6]string
	return splitARN(arn, &seg, nil) == 6 && seg[2] == "iam" && seg[5] == "root" &&
		isAccountID(seg[4])
}

// evalPolicy returns the statements of one policy that apply to the request. For a
// resource policy, statements must name the principal; hasBoundary makes a Deny with
// NotPrincipal apply whatever it lists.
func evalPolicy(pol *Policy, name string, ctx *evalContext, resource, hasBoundary bool) layer {
	l := layer{name: name}
	l.add(pol, name, ctx, resource, hasBoundary)
	return l
}

// add appends to the layer the statements of pol that apply to the request.
func (l *layer) add(pol *Policy, name string, ctx *evalContext, resource, hasBoundary bool) {
	for i := range pol.Statements {
		st := &pol.Statements[i]
		pm := exactMatch
		if resource {
			pm = st.principalMatch(ctx.req.Principal, hasBoundary)
			if pm == noMatch {
				continue
			}
		}
		if !st.appliesTo(ctx) {
			continue
		}
		ref := StatementRef{Policy: name, Index: i, Sid: st.Sid}
		if st.Effect == Deny {
			l.deny = append(l.deny, ref)
		} else {
			l.allow = append(l.allow, ref)
			l.principal = max(l.principal, pm)
			if resource && !l.accountAllow {
				l.accountAllow = pm == accountMatch ||
					(st.Principal != nil && !st.NotPrincipal &&
						st.Principal.namesAccount(ctx.req.Principal.Account))
			}
		}
	}
}

// principalMatch decides the statement's Principal or NotPrincipal element for a
// resource policy.
func (st *Statement) principalMatch(p Principal, hasBoundary bool) principalMatch {
	if st.Principal == nil {
		return noMatch
	}
	if !st.NotPrincipal {
		return st.Principal.match(p)
	}
	if st.Effect == Allow {
		// AWS documents NotPrincipal with Allow as not supported: it grants nothing.
		return noMatch
	}
	if hasBoundary {
		return exactMatch
	}
	if st.Principal.match(p) != noMatch {
		return noMatch
	}
	return exactMatch
}

// appliesTo reports whether the statement's action, resource and conditions all match.
func (st *Statement) appliesTo(ctx *evalContext) bool {
	return st.matchesAction(ctx.req.Action) && st.matchesResource(ctx) &&
		st.conditionsHold(ctx)
}

func (st *Statement) matchesAction(action string) bool {
	svc, name, ok := strings.Cut(action, ":")
	hit := false
	for i := range st.actions {
		if st.actions[i].matches(svc, name, ok) {
			hit = true
			break
		}
	}
	return hit != st.NotAction
}

// matchesResource decides the Resource or NotResource element. A pattern whose policy
// variable the request lacks matches nothing. In NotResource such a pattern makes the
// statement not apply at all when the pattern's partition, service, region, account and
// resource type match the resource, since what it excludes is then unknown.
func (st *Statement) matchesResource(ctx *evalContext) bool {
	if st.Resources == nil {
		return true
	}
	hit := false
	for i := range st.resources {
		r, ok := st.resources[i].resolve(ctx)
		if !ok {
			if st.NotResource && matchARNHead(st.resources[i].widened(), ctx.req.Resource) {
				return false
			}
			continue
		}
		if matchARN(r, ctx.req.Resource) {
			hit = true
			break
		}
	}
	return hit != st.NotResource
}

func (st *Statement) conditionsHold(ctx *evalContext) bool {
	for i := range st.Conditions {
		if !st.Conditions[i].eval(ctx) {
			return false
		}
	}
	return true
}

// Merge returns one policy holding the statements of all the given policies in order,
// for example the service control policies attached at one level of an organization.
// Statement ids stay as they are; nil policies are skipped.
func Merge(policies ...*Policy) *Policy {
	out := &Policy{Version: Version2012}
	for _, p := range policies {
		if p == nil {
			continue
		}
		out.Statements = append(out.Statements, p.Statements...)
	}
	return out
}

// String returns the statement's Sid, or a short description when it has none.
func (st *Statement) String() string {
	if st.Sid != "" {
		return st.Sid
	}
	verb := "Action"
	if st.NotAction {
		verb = "NotAction"
	}
	return fmt.Sprintf("%s %s %s", st.Effect, verb, strings.Join(st.Actions, ","))
}
