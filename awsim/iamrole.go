package awsim

import (
	"sort"
	"strings"

	"github.com/proctorlabs/proctor/awsim/protocol"
	"github.com/proctorlabs/proctor/iampolicy"
)

// roleParams is the Role shape of a role. Tags are listed only where AWS lists them (GetRole,
// CreateRole), not in ListRoles.
func roleParams(r *iamRole, withTags bool) protocol.Params {
	p := protocol.Params{
		"Path": r.Path, "RoleName": r.Name, "RoleId": r.ID, "Arn": r.ARN,
		"CreateDate":               r.CreatedAt,
		"AssumeRolePolicyDocument": encodePolicy(r.TrustPolicy),
		"MaxSessionDuration":       r.MaxSessionDuration,
	}
	if r.Description != "" {
		p["Description"] = r.Description
	}
	if withTags && len(r.Tags) > 0 {
		p["Tags"] = tagParams(r.Tags)
	}
	return p
}

func createRole(c *call) (protocol.Params, error) {
	e, perr := c.readEntity("role", "RoleName", iamRoleNameRE, "iam:CreateRole",
		"AssumeRolePolicyDocument", iampolicy.TrustPolicy)
	if perr != nil {
		return nil, perr
	}
	name, path, arn, trust, tags := e.name, e.path, e.arn, e.doc, e.tags
	maxSession := int64(3600)
	if n, ok := c.in["MaxSessionDuration"].(int64); ok {
		maxSession = n
	}
	id, err := newIAMID("AROA")
	if err != nil {
		return nil, err
	}
	r := &iamRole{Name: name, ID: id, Path: path, ARN: arn, CreatedAt: c.now.UTC(),
		TrustPolicy: trust, Description: str(c.in, "Description"),
		MaxSessionDuration: maxSession, Tags: tags, Inline: map[string]string{}}

	c.s.mu.Lock()
	st := c.iamLocked(true)
	switch {
	case st == nil:
		c.s.mu.Unlock()
		return nil, authError(c.svc, errUnknownKey, "")
	case st.Roles[strings.ToLower(name)] != nil || strings.EqualFold(name, roleLearner) ||
		strings.EqualFold(name, roleGrader):
		c.s.mu.Unlock()
		return nil, iamError(409, "EntityAlreadyExists", "Role with name %s already exists.",
			name)
	case len(st.Roles) >= iamMaxRoles:
		c.s.mu.Unlock()
		return nil, iamError(409, "LimitExceeded", "Cannot exceed quota for "+
			"RolesPerAccount: %d", iamMaxRoles)
	}
	st.Roles[strings.ToLower(name)] = r
	out := roleParams(r, true)
	c.s.mu.Unlock()
	c.s.changed(c.key.Account)
	return protocol.Params{"Role": out}, nil
}

// roleResource is the ARN an action on a role is authorised against: the role's own ARN
// when it exists, else one with the default path.
func (c *call) roleResource(name string) string {
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	if r := c.roleLocked(name); r != nil {
		return r.ARN
	}
	return "arn:aws:iam::" + c.key.Account + ":role/" + name
}

func getRole(c *call) (protocol.Params, error) {
	name := str(c.in, "RoleName")
	if err := c.iamAllow("iam:GetRole", c.roleResource(name)); err != nil {
		return nil, err
	}
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	r := c.roleLocked(name)
	if r == nil {
		return nil, iamNoRole(name)
	}
	return protocol.Params{"Role": roleParams(r, true)}, nil
}

func listRoles(c *call) (protocol.Params, error) {
	if err := c.iamAllow("iam:ListRoles", "*"); err != nil {
		return nil, err
	}
	prefix, perr := pathPrefixOf(c.in)
	if perr != nil {
		return nil, perr
	}
	c.s.mu.RLock()
	var roles []protocol.Params
	var names []string
	byName := map[string]*iamRole{}
	if st := c.iamLocked(false); st != nil {
		for k, r := range st.Roles {
			if strings.HasPrefix(r.Path, prefix) {
				names = append(names, k)
				byName[k] = r
			}
		}
	}
	sort.Strings(names)
	for _, k := range names {
		roles = append(roles, roleParams(byName[k], false))
	}
	c.s.mu.RUnlock()
	return iamList(c, roles, "Roles")
}

func deleteRole(c *call) (protocol.Params, error) {
	name := str(c.in, "RoleName")
	if err := c.iamAllow("iam:DeleteRole", c.roleResource(name)); err != nil {
		return nil, err
	}
	c.s.mu.Lock()
	r := c.roleLocked(name)
	switch {
	case r == nil:
		c.s.mu.Unlock()
		return nil, iamNoRole(name)
	case len(r.Inline) > 0:
		c.s.mu.Unlock()
		return nil, iamError(409, "DeleteConflict", "Cannot delete entity, must delete "+
			"policies first.")
	case len(r.Attached) > 0:
		c.s.mu.Unlock()
		return nil, iamError(409, "DeleteConflict", "Cannot delete entity, must detach all "+
			"policies first.")
	}
	delete(c.iamLocked(false).Roles, strings.ToLower(name))
	c.s.mu.Unlock()
	c.s.changed(c.key.Account)
	return protocol.Params{}, nil
}

// iamMaxInlineChars is AWS's quota for the inline policies of one role: their characters
// other than white space, added up.
const iamMaxInlineChars = 10240

func nonSpace(s string) int {
	n := 0
	for _, r := range s {
		if r != ' ' && r != '\t' && r != '\n' && r != '\r' {
			n++
		}
	}
	return n
}

func putRolePolicy(c *call) (protocol.Params, error) {
	name, policyName := str(c.in, "RoleName"), str(c.in, "PolicyName")
	doc := str(c.in, "PolicyDocument")
	if err := checkName(iamPolicyNameRE, "PolicyName", policyName); err != nil {
		return nil, err
	}
	if err := c.iamAllow("iam:PutRolePolicy", c.roleResource(name)); err != nil {
		return nil, err
	}
	// TODO: Check applies the 6,144-character quota of a managed policy to each inline
	// document too, so one inline document between 6,144 and 10,240 characters is refused
	// although AWS would take it.
	if err := checkPolicyDocument(doc, iampolicy.IdentityPolicy); err != nil {
		return nil, err
	}
	c.s.mu.Lock()
	r := c.roleLocked(name)
	if r == nil {
		c.s.mu.Unlock()
		return nil, iamNoRole(name)
	}
	total := nonSpace(doc)
	for n, d := range r.Inline {
		if n != policyName {
			total += nonSpace(d)
		}
	}
	if total > iamMaxInlineChars {
		c.s.mu.Unlock()
		return nil, iamError(409, "LimitExceeded", "Maximum policy size of %d bytes exceeded "+
			"for role %s", iamMaxInlineChars, r.Name)
	}
	if r.Inline == nil {
		r.Inline = map[string]string{}
	}
	r.Inline[policyName] = doc
	c.s.mu.Unlock()
	c.s.changed(c.key.Account)
	return protocol.Params{}, nil
}

func getRolePolicy(c *call) (protocol.Params, error) {
	name, policyName := str(c.in, "RoleName"), str(c.in, "PolicyName")
	if err := c.iamAllow("iam:GetRolePolicy", c.roleResource(name)); err != nil {
		return nil, err
	}
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	r := c.roleLocked(name)
	if r == nil {
		return nil, iamNoRole(name)
	}
	doc, ok := r.Inline[policyName]
	if !ok {
		return nil, iamError(404, "NoSuchEntity", "The role policy with name %s cannot be "+
			"found.", policyName)
	}
	return protocol.Params{"RoleName": r.Name, "PolicyName": policyName,
		"PolicyDocument": encodePolicy(doc)}, nil
}

func listRolePolicies(c *call) (protocol.Params, error) {
	name := str(c.in, "RoleName")
	if err := c.iamAllow("iam:ListRolePolicies", c.roleResource(name)); err != nil {
		return nil, err
	}
	c.s.mu.RLock()
	r := c.roleLocked(name)
	if r == nil {
		c.s.mu.RUnlock()
		return nil, iamNoRole(name)
	}
	names := make([]string, 0, len(r.Inline))
	for n := range r.Inline {
		names = append(names, n)
	}
	c.s.mu.RUnlock()
	sort.Strings(names)
	return iamList(c, names, "PolicyNames")
}

func deleteRolePolicy(c *call) (protocol.Params, error) {
	name, policyName := str(c.in, "RoleName"), str(c.in, "PolicyName")
	if err := c.iamAllow("iam:DeleteRolePolicy", c.roleResource(name)); err != nil {
		return nil, err
	}
	c.s.mu.Lock()
	r := c.roleLocked(name)
	if r == nil {
		c.s.mu.Unlock()
		return nil, iamNoRole(name)
	}
	if _, ok := r.Inline[policyName]; !ok {
		c.s.mu.Unlock()
		return nil, iamError(404, "NoSuchEntity", "The role policy with name %s cannot be "+
			"found.", policyName)
	}
	delete(r.Inline, policyName)
	c.s.mu.Unlock()
	c.s.changed(c.key.Account)
	return protocol.Params{}, nil
}
