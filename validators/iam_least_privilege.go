package validators

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/iampolicy"
)

// roleLeastPrivilege establishes that a role's identity policies, inline and attached,
// allow exactly the required actions on the required resources. It compares the effective
// permissions with iampolicy's Compare, so the layout of the statements does not matter and
// a wildcard that reaches further than required is caught.
var roleLeastPrivilege = Definition{
	Name: "iam.role_least_privilege",
	Description: "The role's inline and attached policies allow exactly the required " +
		"actions on the required resources: nothing more, nothing less.",
	Services: []string{"iam"},
	Params: []Param{
		{Name: "role", Type: TypeString, Required: true, Description: "the role's name"},
		{Name: "grants", Type: TypeGrantList, Required: true,
			Description: "the permissions the role must have, as a list of {action, " +
				"resource} maps; both take the wildcards of a policy"},
	},
	Check: func(ctx context.Context, env *Env, p Params) proctor.Finding {
		role := p.String("role")
		arn := "arn:aws:iam::" + env.AccountID + ":role/" + role
		if env.IAM == nil {
			return errorf("the grader has no IAM client to read role %s", role)
		}
		pols, roleARN, err := rolePolicies(ctx, env.IAM, role)
		var pe *parseError
		switch {
		case errors.Is(err, errNoRole):
			return proctor.Finding{Verdict: proctor.VerdictFail,
				Message: fmt.Sprintf("role %s does not exist", role),
				Evidence: []proctor.Evidence{{Resource: arn, Observed: "no such role",
					Expected: "the lab's role"}}}
		case errors.As(err, &pe):
			f := errorf("the grader could not evaluate a policy of role %s: %v", role, pe.err)
			f.Evidence = []proctor.Evidence{{Resource: arn,
				Observed: "a policy the grader cannot read"}}
			return f
		case err != nil:
			return awsError("read the policies of role "+role, arn, err)
		}
		return compareGrants(env.AccountID, role, roleARN, pols, p.Grants("grants"))
	},
}

// errNoRole marks the failure to read a role that does not exist.
var errNoRole = errors.New("validators: no such role")

// namedPolicy is one identity policy of a role with where it came from.
type namedPolicy struct {
	source string // "inline policy NAME" or "managed policy ARN"
	policy *iampolicy.Policy
}

// rolePolicies reads a role's ARN and every inline and attached policy of it. A role that
// does not exist is an error wrapping errNoRole; a document that does not parse is a
// *parseError.
func rolePolicies(ctx context.Context, c IAMAPI, role string) ([]namedPolicy, string, error) {
	out, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: &role})
	if err != nil {
		if awsCode(err) == "NoSuchEntity" {
			return nil, "", fmt.Errorf("%w: %w", errNoRole, err)
		}
		return nil, "", err
	}
	arn := ""
	if out.Role != nil {
		arn = aws.ToString(out.Role.Arn)
	}
	pols, err := readRolePolicies(ctx, c, role)
	return pols, arn, err
}

// readRolePolicies reads every inline and attached policy of a role that exists.
func readRolePolicies(ctx context.Context, c IAMAPI, role string) ([]namedPolicy, error) {
	var out []namedPolicy
	var marker *string
	for {
		lp, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: &role,
			Marker: marker})
		if err != nil {
			return nil, err
		}
		for _, name := range lp.PolicyNames {
			gp, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: &role,
				PolicyName: aws.String(name)})
			if err != nil {
				return nil, err
			}
			pol, err := decodePolicy(aws.ToString(gp.PolicyDocument))
			if err != nil {
				return nil, &parseError{fmt.Errorf("inline policy %s: %w", name, err)}
			}
			out = append(out, namedPolicy{"inline policy " + name, pol})
		}
		if !lp.IsTruncated || lp.Marker == nil {
			break
		}
		marker = lp.Marker
	}
	marker = nil
	for {
		la, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{
			RoleName: &role, Marker: marker})
		if err != nil {
			return nil, err
		}
		for _, ap := range la.AttachedPolicies {
			pol, err := managedPolicy(ctx, c, aws.ToString(ap.PolicyArn))
			if err != nil {
				return nil, err
			}
			out = append(out, namedPolicy{"managed policy " + aws.ToString(ap.PolicyArn), pol})
		}
		if !la.IsTruncated || la.Marker == nil {
			break
		}
		marker = la.Marker
	}
	return out, nil
}

// managedPolicy reads the default version of a managed policy.
func managedPolicy(ctx context.Context, c IAMAPI, arn string) (*iampolicy.Policy, error) {
	gp, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
	if err != nil {
		return nil, err
	}
	if gp.Policy == nil || gp.Policy.DefaultVersionId == nil {
		return nil, &parseError{fmt.Errorf("managed policy %s has no default version", arn)}
	}
	gv, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &arn,
		VersionId: gp.Policy.DefaultVersionId})
	if err != nil {
		return nil, err
	}
	if gv.PolicyVersion == nil {
		return nil, &parseError{fmt.Errorf("managed policy %s: version %s has no document",
			arn, aws.ToString(gp.Policy.DefaultVersionId))}
	}
	pol, err := decodePolicy(aws.ToString(gv.PolicyVersion.Document))
	if err != nil {
		return nil, &parseError{fmt.Errorf("managed policy %s: %w", arn, err)}
	}
	return pol, nil
}

// decodePolicy undoes IAM's URL encoding of a policy document and parses it. A document
// that is not URL-encoded (already JSON) is parsed as it is.
func decodePolicy(doc string) (*iampolicy.Policy, error) {
	if !strings.HasPrefix(strings.TrimSpace(doc), "{") {
		d, err := url.QueryUnescape(doc)
		if err != nil {
			return nil, fmt.Errorf("the document is not URL-encoded JSON: %w", err)
		}
		doc = d
	}
	return iampolicy.Parse([]byte(doc))
}

// adminProbes are requests that only a principal allowed nearly everything may make: if a
// role's policies allow all of them, it is effectively an administrator.
func adminProbes(account string) []iampolicy.Request {
	return []iampolicy.Request{
		{Action: "iam:CreateUser", Resource: "arn:aws:iam::" + account + ":user/proctor-probe"},
		{Action: "iam:AttachRolePolicy", Resource: "arn:aws:iam::" + account +
			":role/proctor-probe"},
		{Action: "ec2:RunInstances", Resource: "*"},
		{Action: "s3:DeleteBucket", Resource: "arn:aws:s3:::proctor-probe"},
	}
}

// maxNamed bounds how many actions or resources a message lists before "and N more".
const maxNamed = 6

// compareGrants grades a role's policies against the required grants.
func compareGrants(account, role, arn string, pols []namedPolicy,
	grants []iampolicy.Grant) proctor.Finding {
	if arn == "" {
		arn = "arn:aws:iam::" + account + ":role/" + role
	}
	in := iampolicy.Input{ResourceAccount: account}
	for _, np := range pols {
		in.Identity = append(in.Identity, np.policy)
	}
	principal := iampolicy.Principal{ARN: arn, Account: account}
	res := iampolicy.DefaultCatalog().Compare(in, iampolicy.Request{Principal: principal},
		grants)
	expected := "exactly " + describeGrants(grants)

	if res.Comparison == iampolicy.Equal {
		return proctor.Finding{Verdict: proctor.VerdictPass,
			Message: fmt.Sprintf("role %s is allowed exactly what it needs: %s", role,
				describeGrants(grants)),
			Evidence: []proctor.Evidence{{Resource: arn, Observed: fmt.Sprintf(
				"%d policies, allowing exactly the required permissions", len(pols)),
				Expected: expected}}}
	}

	admin := len(pols) > 0
	for _, req := range adminProbes(account) {
		req.Principal = principal
		if iampolicy.Evaluate(in, req).Decision != iampolicy.Allowed {
			admin = false
			break
		}
	}
	var parts []string
	var ev []proctor.Evidence
	if len(res.Extra) > 0 {
		onRequired, beyond, beyondActions := splitExtra(res, grants, principal)
		var msgs []string
		if len(onRequired) > 0 {
			msgs = append(msgs, "on the required resources it also allows "+
				namedList(rankActions(onRequired, grants), "action"))
		}
		if len(beyond) > 0 {
			msgs = append(msgs, "it reaches resources beyond those required, such as "+
				namedList(beyond, "resource")+", with "+
				namedList(rankActions(beyondActions, grants), "action"))
		}
		msg := strings.Join(msgs, "; ")
		if admin {
			msg = "it is effectively an administrator: " + msg
		}
		parts = append(parts, msg)
		for _, pr := range firstProbes(res.Extra) {
			ev = append(ev, proctor.Evidence{Resource: pr.Resource,
				Observed: pr.Action + ": allowed", Expected: "not allowed"})
		}
	}
	if len(res.Missing) > 0 {
		parts = append(parts, "it is not allowed "+namedList(res.MissingActions, "action")+
			" on the required resources")
		for _, pr := range firstProbes(res.Missing) {
			ev = append(ev, proctor.Evidence{Resource: pr.Resource,
				Observed: pr.Action + ": " + pr.Result.Decision.String(),
				Expected: "allowed"})
		}
	}
	if len(pols) == 0 {
		parts = append(parts, "the role has no inline or attached policy")
	}
	ev = append(ev, proctor.Evidence{Resource: arn, Observed: fmt.Sprintf("%s, from %s",
		strings.ToLower(res.Comparison.String())+" than required", policySources(pols)),
		Expected: expected})
	if res.Comparison == iampolicy.Different {
		ev[len(ev)-1].Observed = "different from what is required, from " + policySources(pols)
	}
	return proctor.Finding{Verdict: proctor.VerdictFail, Evidence: ev,
		Message: fmt.Sprintf("role %s is not least privilege: %s", role,
			strings.Join(parts, "; "))}
}

// splitExtra sorts the extra probes by whether a required grant's resource pattern covers
// their resource: the distinct actions allowed on the required resources, and the distinct
// resources beyond them (other buckets, other roles, "*") with their distinct actions, all
// sorted. Coverage is decided by evaluating a policy that allows every action on the grants'
// resources.
func splitExtra(res iampolicy.CompareResult, grants []iampolicy.Grant,
	principal iampolicy.Principal) (onRequired, beyond, beyondActions []string) {
	type statement struct {
		Effect   string
		Action   string
		Resource []string
	}
	st := statement{Effect: "Allow", Action: "*"}
	for _, g := range grants {
		st.Resource = append(st.Resource, g.Resource)
	}
	doc, _ := json.Marshal(map[string]any{"Version": iampolicy.Version2012,
		"Statement": []statement{st}})
	cover, err := iampolicy.Parse(doc)
	in := iampolicy.Input{Identity: []*iampolicy.Policy{cover}}
	covered := map[string]bool{}
	onSet, resSet, actSet := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, pr := range res.Extra {
		c, known := covered[pr.Resource]
		if !known {
			c = err == nil && iampolicy.Evaluate(in, iampolicy.Request{Principal: principal,
				Action: pr.Action, Resource: pr.Resource}).Decision == iampolicy.Allowed
			covered[pr.Resource] = c
		}
		if c {
			onSet[pr.Action] = true
		} else {
			resSet[pr.Resource] = true
			actSet[pr.Action] = true
		}
	}
	return sortedSet(onSet), sortedSet(resSet), sortedSet(actSet)
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// accessRank orders the catalog's access levels from the most to the least dangerous.
var accessRank = map[string]int{"Permissions management": 0, "Write": 1, "Tagging": 2,
	"Read": 3, "List": 4}

// rankActions orders actions for a learner: those of the grants' services first, then by
// access level (permissions management, write, tagging, read, list; deletions first among
// writes), then by name. The extra s3:DeleteObject of an S3 role matters more than the
// thousands of other services' actions an administrator policy also allows.
func rankActions(actions []string, grants []iampolicy.Grant) []string {
	services := map[string]bool{}
	for _, g := range grants {
		if svc, _, ok := strings.Cut(g.Action, ":"); ok {
			services[strings.ToLower(svc)] = true
		}
	}
	cat := iampolicy.DefaultCatalog()
	type ranked struct {
		name              string
		other, level, del int
	}
	rs := make([]ranked, len(actions))
	for i, a := range actions {
		svc, name, _ := strings.Cut(a, ":")
		r := ranked{name: a, level: len(accessRank)}
		if !services[strings.ToLower(svc)] {
			r.other = 1
		}
		if act, ok := cat.Action(a); ok {
			// An action may have several levels ("Permissions management, Write").
			for _, lvl := range strings.Split(act.AccessLevel, ",") {
				if l, ok := accessRank[strings.TrimSpace(lvl)]; ok && l < r.level {
					r.level = l
				}
			}
		}
		if !strings.HasPrefix(name, "Delete") {
			r.del = 1
		}
		rs[i] = r
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.other != b.other {
			return a.other < b.other
		}
		if a.level != b.level {
			return a.level < b.level
		}
		if a.del != b.del {
			return a.del < b.del
		}
		return a.name < b.name
	})
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.name
	}
	return out
}

func firstProbes(ps []iampolicy.Probe) []iampolicy.Probe {
	if len(ps) > maxNamed {
		return ps[:maxNamed]
	}
	return ps
}

// namedList names up to maxNamed items, then how many more there are.
func namedList(items []string, noun string) string {
	if len(items) <= maxNamed {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more %ss", strings.Join(items[:maxNamed], ", "),
		len(items)-maxNamed, noun)
}

func describeGrants(grants []iampolicy.Grant) string {
	parts := make([]string, len(grants))
	for i, g := range grants {
		parts[i] = g.Action + " on " + g.Resource
	}
	return strings.Join(parts, ", ")
}

func policySources(pols []namedPolicy) string {
	if len(pols) == 0 {
		return "no policy"
	}
	names := make([]string, len(pols))
	for i, np := range pols {
		names[i] = np.source
	}
	return strings.Join(names, ", ")
}
