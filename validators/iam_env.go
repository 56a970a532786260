package validators

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/proctorlabs/proctor/iampolicy"
)

// IAMAPI is the part of the IAM client that validators use: reading a role's inline and
// attached policies.
type IAMAPI interface {
	GetRole(context.Context, *iam.GetRoleInput,
		...func(*iam.Options)) (*iam.GetRoleOutput, error)
	ListRolePolicies(context.Context, *iam.ListRolePoliciesInput,
		...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error)
	GetRolePolicy(context.Context, *iam.GetRolePolicyInput,
		...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	ListAttachedRolePolicies(context.Context, *iam.ListAttachedRolePoliciesInput,
		...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
	GetPolicy(context.Context, *iam.GetPolicyInput,
		...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(context.Context, *iam.GetPolicyVersionInput,
		...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
}

// iamReader holds an IAM client in an unexported field and offers only its read calls, as
// s3Reader does for S3.
type iamReader struct{ c *iam.Client }

// GetRole reads a role: its ARN, path and trust policy.
func (r iamReader) GetRole(ctx context.Context, in *iam.GetRoleInput,
	o ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	return r.c.GetRole(ctx, in, o...)
}

// ListRolePolicies lists the names of a role's inline policies.
func (r iamReader) ListRolePolicies(ctx context.Context, in *iam.ListRolePoliciesInput,
	o ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	return r.c.ListRolePolicies(ctx, in, o...)
}

// GetRolePolicy reads one inline policy of a role.
func (r iamReader) GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput,
	o ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	return r.c.GetRolePolicy(ctx, in, o...)
}

// ListAttachedRolePolicies lists the managed policies attached to a role.
func (r iamReader) ListAttachedRolePolicies(ctx context.Context,
	in *iam.ListAttachedRolePoliciesInput,
	o ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	return r.c.ListAttachedRolePolicies(ctx, in, o...)
}

// GetPolicy reads a managed policy's metadata, its default version among them.
func (r iamReader) GetPolicy(ctx context.Context, in *iam.GetPolicyInput,
	o ...func(*iam.Options)) (*iam.GetPolicyOutput, error) {
	return r.c.GetPolicy(ctx, in, o...)
}

// GetPolicyVersion reads one version of a managed policy.
func (r iamReader) GetPolicyVersion(ctx context.Context, in *iam.GetPolicyVersionInput,
	o ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error) {
	return r.c.GetPolicyVersion(ctx, in, o...)
}

// TypeGrantList is a list of {action, resource} maps, such as
// [{action: s3:GetObject, resource: "arn:aws:s3:::b/*"}]; [Params.Grants] returns it.
const TypeGrantList ParamType = "grant_list"

// Grants returns a grant_list parameter's grants.
func (p Params) Grants(name string) []iampolicy.Grant {
	g, _ := p[name].([]iampolicy.Grant)
	return g
}

// convertGrants turns a decoded grant_list value into grants, or says which element is
// wrong and why.
func convertGrants(v any) (any, string) {
	list, ok := v.([]any)
	if !ok {
		if g, ok := v.([]iampolicy.Grant); ok {
			return append([]iampolicy.Grant(nil), g...), ""
		}
		return nil, fmt.Sprintf("want a list of {action, resource} maps, got %s", describe(v))
	}
	if len(list) == 0 {
		return nil, "want at least one {action, resource} map, got an empty list"
	}
	out := make([]iampolicy.Grant, 0, len(list))
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Sprintf("element %d: want a map with action and resource, got %s",
				i, describe(e))
		}
		var keys []string
		for k := range m {
			if k != "action" && k != "resource" {
				keys = append(keys, k)
			}
		}
		if len(keys) > 0 {
			sort.Strings(keys)
			return nil, fmt.Sprintf("element %d: unknown key %s (keys: action, resource)", i,
				strings.Join(keys, ", "))
		}
		action, _ := m["action"].(string)
		resource, _ := m["resource"].(string)
		switch {
		case action == "":
			return nil, fmt.Sprintf("element %d: action must be a non-empty string, such as "+
				"s3:GetObject", i)
		case !strings.Contains(action, ":") && action != "*":
			return nil, fmt.Sprintf("element %d: action %q has no service prefix, such as "+
				"s3:", i, action)
		case resource == "":
			return nil, fmt.Sprintf("element %d: resource must be a non-empty ARN pattern "+
				"or *", i)
		case resource != "*" && !strings.HasPrefix(resource, "arn:"):
			return nil, fmt.Sprintf("element %d: resource %q is neither * nor an ARN", i,
				resource)
		}
		out = append(out, iampolicy.Grant{Action: action, Resource: resource})
	}
	return out, ""
}
