package awsim

import (
	"slices"
	"sort"
	"strings"

	"github.com/proctorlabs/proctor/awsim/protocol"
	"github.com/proctorlabs/proctor/iampolicy"
)

// attachmentsLocked counts the roles a managed policy is attached to; the caller holds c.s.mu.
func attachmentsLocked(st *iamState, arn string) int64 {
	var n int64
	for _, r := range st.Roles {
		if slices.Contains(r.Attached, arn) {
			n++
		}
	}
	return n
}

// policyParams is the Policy shape of a managed policy.
func policyParams(st *iamState, p *iamManagedPolicy, withTags bool) protocol.Params {
	out := protocol.Params{
		"PolicyName": p.Name, "PolicyId": p.ID, "Arn": p.ARN, "Path": p.Path,
		"DefaultVersionId": iamDefaultVersion, "AttachmentCount": attachmentsLocked(st, p.ARN),
		"PermissionsBoundaryUsageCount": int64(0), "IsAttachable": true,
		"CreateDate": p.CreatedAt, "UpdateDate": p.CreatedAt,
	}
	if p.Description != "" {
		out["Description"] = p.Description
	}
	if withTags && len(p.Tags) > 0 {
		out["Tags"] = tagParams(p.Tags)
	}
	return out
}

func createPolicy(c *call) (protocol.Params, error) {
	e, perr := c.readEntity("policy", "PolicyName", iamPolicyNameRE, "iam:CreatePolicy",
		"PolicyDocument", iampolicy.IdentityPolicy)
	if perr != nil {
		return nil, perr
	}
	name, path, arn, doc, tags := e.name, e.path, e.arn, e.doc, e.tags
	id, err := newIAMID("ANPA")
	if err != nil {
		return nil, err
	}
	p := &iamManagedPolicy{Name: name, ID: id, Path: path, ARN: arn,
		Description: str(c.in, "Description"), CreatedAt: c.now.UTC(), Document: doc,
		Tags: tags}

	c.s.mu.Lock()
	st := c.iamLocked(true)
	if st == nil {
		c.s.mu.Unlock()
		return nil, authError(c.svc, errUnknownKey, "")
	}
	for _, old := range st.Policies {
		if strings.EqualFold(old.Name, name) {
			c.s.mu.Unlock()
			return nil, iamError(409, "EntityAlreadyExists", "A policy called %s already "+
				"exists. Duplicate names are not allowed.", name)
		}
	}
	if len(st.Policies) >= iamMaxPolicies {
		c.s.mu.Unlock()
		return nil, iamError(409, "LimitExceeded", "Cannot exceed quota for "+
			"PoliciesPerAccount: %d", iamMaxPolicies)
	}
	st.Policies[arn] = p
	out := policyParams(st, p, true)
	c.s.mu.Unlock()
	c.s.changed(c.key.Account)
	return protocol.Params{"Policy": out}, nil
}

// policyLocked returns a customer managed policy of the caller's account by ARN, nil when
// there is none; the caller holds c.s.mu.
func (c *call) policyLocked(arn string) (*iamState, *iamManagedPolicy) {
	st := c.iamLocked(false)
	if st == nil {
		return nil, nil
	}
	return st, st.Policies[arn]
}

// noPolicy answers a policy ARN that names nothing awsim holds, saying so when the ARN is an
// AWS managed policy's.
//
// TODO: AWS managed policies (arn:aws:iam::aws:policy/...) are not modelled, so labs cannot
// attach ReadOnlyAccess and similar; they must write customer managed policies.
func noPolicy(arn string) *protocol.Error {
	if strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") {
		return iamError(404, "NoSuchEntity", "Policy %s does not exist or is not attachable: "+
			"awsim does not model AWS managed policies.", arn)
	}
	return iamNoPolicy(arn)
}

func getPolicy(c *call) (protocol.Params, error) {
	arn := str(c.in, "PolicyArn")
	if err := c.iamAllow("iam:GetPolicy", arn); err != nil {
		return nil, err
	}
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	st, p := c.policyLocked(arn)
	if p == nil {
		return nil, noPolicy(arn)
	}
	return protocol.Params{"Policy": policyParams(st, p, true)}, nil
}

func getPolicyVersion(c *call) (protocol.Params, error) {
	arn, version := str(c.in, "PolicyArn"), str(c.in, "VersionId")
	if err := c.iamAllow("iam:GetPolicyVersion", arn); err != nil {
		return nil, err
	}
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	_, p := c.policyLocked(arn)
	if p == nil {
		return nil, noPolicy(arn)
	}
	if version != iamDefaultVersion {
		return nil, iamError(404, "NoSuchEntity", "Policy %s version %s does not exist or is "+
			"not attachable.", arn, version)
	}
	return protocol.Params{"PolicyVersion": protocol.Params{
		"Document": encodePolicy(p.Document), "VersionId": iamDefaultVersion,
		"IsDefaultVersion": true, "CreateDate": p.CreatedAt,
	}}, nil
}

func listPolicies(c *call) (protocol.Params, error) {
	if err := c.iamAllow("iam:ListPolicies", "*"); err != nil {
		return nil, err
	}
	prefix, perr := pathPrefixOf(c.in)
	if perr != nil {
		return nil, perr
	}
	scope := str(c.in, "Scope")
	onlyAttached := boolean(c.in, "OnlyAttached")
	usage := str(c.in, "PolicyUsageFilter")
	c.s.mu.RLock()
	var items []protocol.Params
	// Only customer managed policies exist in awsim, so Scope AWS lists none, and none is
	// used as a permissions boundary.
	if st := c.iamLocked(false); st != nil && scope != "AWS" && usage != "PermissionsBoundary" {
		ps := make([]*iamManagedPolicy, 0, len(st.Policies))
		for _, p := range st.Policies {
			if !strings.HasPrefix(p.Path, prefix) {
				continue
			}
			if onlyAttached && attachmentsLocked(st, p.ARN) == 0 {
				continue
			}
			ps = append(ps, p)
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
		for _, p := range ps {
			items = append(items, policyParams(st, p, false))
		}
	}
	c.s.mu.RUnlock()
	return iamList(c, items, "Policies")
}

func attachRolePolicy(c *call) (protocol.Params, error) {
	name, arn := str(c.in, "RoleName"), str(c.in, "PolicyArn")
	if err := c.iamAllow("iam:AttachRolePolicy", c.roleResource(name)); err != nil {
		return nil, err
	}
	c.s.mu.Lock()
	r := c.roleLocked(name)
	_, p := c.policyLocked(arn)
	switch {
	case r == nil:
		c.s.mu.Unlock()
		return nil, iamNoRole(name)
	case p == nil:
		c.s.mu.Unlock()
		return nil, noPolicy(arn)
	case slices.Contains(r.Attached, arn):
		c.s.mu.Unlock()
		return protocol.Params{}, nil
	case len(r.Attached) >= iamMaxAttachedPerRole:
		c.s.mu.Unlock()
		return nil, iamError(409, "LimitExceeded", "Cannot exceed quota for "+
			"PoliciesPerRole: %d", iamMaxAttachedPerRole)
	}
	r.Attached = append(r.Attached, arn)
	c.s.mu.Unlock()
	c.s.changed(c.key.Account)
	return protocol.Params{}, nil
}

func detachRolePolicy(c *call) (protocol.Params, error) {
	name, arn := str(c.in, "RoleName"), str(c.in, "PolicyArn")
	if err := c.iamAllow("iam:DetachRolePolicy", c.roleResource(name)); err != nil {
		return nil, err
	}
	c.s.mu.Lock()
	r := c.roleLocked(name)
	if r == nil {
		c.s.mu.Unlock()
		return nil, iamNoRole(name)
	}
	i := slices.Index(r.Attached, arn)
	if i < 0 {
		c.s.mu.Unlock()
		return nil, iamError(404, "NoSuchEntity", "Policy %s was not found.", arn)
	}
	r.Attached = slices.Delete(r.Attached, i, i+1)
	c.s.mu.Unlock()
	c.s.changed(c.key.Account)
	return protocol.Params{}, nil
}

func listAttachedRolePolicies(c *call) (protocol.Params, error) {
	name := str(c.in, "RoleName")
	if err := c.iamAllow("iam:ListAttachedRolePolicies", c.roleResource(name)); err != nil {
		return nil, err
	}
	prefix, perr := pathPrefixOf(c.in)
	if perr != nil {
		return nil, perr
	}
	c.s.mu.RLock()
	r := c.roleLocked(name)
	if r == nil {
		c.s.mu.RUnlock()
		return nil, iamNoRole(name)
	}
	st := c.iamLocked(false)
	var items []protocol.Params
	for _, arn := range r.Attached {
		p := st.Policies[arn]
		if p == nil || !strings.HasPrefix(p.Path, prefix) {
			continue
		}
		items = append(items, protocol.Params{"PolicyName": p.Name, "PolicyArn": p.ARN})
	}
	c.s.mu.RUnlock()
	return iamList(c, items, "AttachedPolicies")
}
