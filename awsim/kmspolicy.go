package awsim

import (
	"github.com/proctorlabs/proctor/awsim/protocol"
	"github.com/proctorlabs/proctor/iampolicy"
)

// keyPolicyOf returns a key's parsed policy, parsing it when the key has none parsed yet. k
// must be the caller's own copy or held under the write lock.
func keyPolicyOf(k *kmsKey) *iampolicy.Policy {
	if k.parsedPolicy == nil && k.Policy != "" {
		if p, err := iampolicy.Parse([]byte(k.Policy)); err == nil {
			k.parsedPolicy = p
		}
	}
	return k.parsedPolicy
}

// otherAccount stands for "not the key's account" when the key policy is evaluated the way
// KMS does: an identity policy counts only if the key policy grants the principal, directly
// or through its account, which is how iampolicy treats a cross-account request.
const otherAccount = "000000000000"

// allowedByKeyPolicy decides an action on a key as KMS does. The key policy is the primary
// control: it allows on its own when it names the principal; identity policies count only
// when the key policy also allows the principal's account ("Enable IAM User Permissions");
// an explicit deny in either wins.
func (c *call) allowedByKeyPolicy(action string, k *kmsKey, pol *iampolicy.Policy) bool {
	if c.key == nil || pol == nil {
		return false
	}
	var ident []*iampolicy.Policy
	if c.key.Role != roleRoot {
		p, err := identityPolicy(c.key.Role)
		if err != nil {
			return false
		}
		ident = []*iampolicy.Policy{p}
	}
	req := iampolicy.Request{Principal: c.principal, Action: action, Resource: k.ARN,
		Context: c.conditionContext()}
	both := iampolicy.Evaluate(iampolicy.Input{Identity: ident, Resource: pol,
		ResourceAccount: k.Account}, req)
	if both.Decision == iampolicy.ExplicitDeny {
		return false
	}
	direct := iampolicy.Evaluate(iampolicy.Input{Resource: pol, ResourceAccount: k.Account}, req)
	if direct.Decision == iampolicy.Allowed && c.key.Role != roleRoot {
		return true
	}
	delegated := iampolicy.Evaluate(iampolicy.Input{Identity: ident, Resource: pol,
		ResourceAccount: otherAccount}, req)
	return delegated.Decision == iampolicy.Allowed
}

// kmsAllowKey authorises an action on one key (a copy made under the lock) with its key
// policy and the caller's identity policy.
func (c *call) kmsAllowKey(action string, k *kmsKey) *protocol.Error {
	if !c.allowedByKeyPolicy(action, k, keyPolicyOf(k)) {
		return kmsError("AccessDeniedException", "User: %s is not authorized to perform: %s "+
			"on resource: %s because no key policy or identity-based policy allows it",
			callerARN(c.key), action, k.ARN)
	}
	return nil
}

// lockoutSafe reports whether a new key policy still lets the caller change it, the check
// KMS applies unless BypassPolicyLockoutSafetyCheck is set.
func (c *call) lockoutSafe(k *kmsKey, pol *iampolicy.Policy) *protocol.Error {
	if boolean(c.in, "BypassPolicyLockoutSafetyCheck") ||
		c.allowedByKeyPolicy("kms:PutKeyPolicy", k, pol) {
		return nil
	}
	return kmsError("MalformedPolicyDocumentException", "The new key policy will not allow "+
		"you to update the key policy in the future.")
}

func getKeyPolicy(c *call) (protocol.Params, error) {
	k, err := c.lookupKey()
	if err != nil {
		return nil, err
	}
	if err := c.kmsAllowKey("kms:GetKeyPolicy", &k); err != nil {
		return nil, err
	}
	if name := str(c.in, "PolicyName"); name != "default" {
		return nil, kmsError("NotFoundException", "No such policy exists: %q; the only key "+
			"policy name is default", name)
	}
	return protocol.Params{"Policy": k.Policy}, nil
}

func putKeyPolicy(c *call) (protocol.Params, error) {
	k, err := c.lookupKey()
	if err != nil {
		return nil, err
	}
	if err := c.kmsAllowKey("kms:PutKeyPolicy", &k); err != nil {
		return nil, err
	}
	if name := str(c.in, "PolicyName"); name != "default" {
		return nil, kmsError("NotFoundException", "No such policy exists: %q; the only key "+
			"policy name is default", name)
	}
	doc := str(c.in, "Policy")
	pol, perr := iampolicy.Parse([]byte(doc))
	if perr != nil {
		return nil, kmsError("MalformedPolicyDocumentException", "The key policy is not "+
			"valid: %v", perr)
	}
	if err := c.lockoutSafe(&k, pol); err != nil {
		return nil, err
	}
	c.s.mu.Lock()
	if live, ok := c.s.resolveKeyLocked(c.key.Account, k.ID); ok {
		live.Policy, live.parsedPolicy = doc, pol
	}
	c.s.mu.Unlock()
	c.s.changed(c.key.Account)
	return protocol.Params{}, nil
}

func enableKey(c *call) (protocol.Params, error)  { return setKeyEnabled(c, true) }
func disableKey(c *call) (protocol.Params, error) { return setKeyEnabled(c, false) }

func setKeyEnabled(c *call, on bool) (protocol.Params, error) {
	k, err := c.lookupKey()
	if err != nil {
		return nil, err
	}
	action := "kms:DisableKey"
	if on {
		action = "kms:EnableKey"
	}
	if err := c.kmsAllowKey(action, &k); err != nil {
		return nil, err
	}
	if k.State == "PendingDeletion" || k.State == "PendingImport" {
		return nil, kmsError("KMSInvalidStateException", "%s is %s.", k.ARN, k.State)
	}
	c.s.mu.Lock()
	if live, ok := c.s.resolveKeyLocked(c.key.Account, k.ID); ok {
		live.State = "Disabled"
		if on {
			live.State = "Enabled"
		}
	}
	c.s.mu.Unlock()
	c.s.changed(c.key.Account)
	return protocol.Params{}, nil
}
