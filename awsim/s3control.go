package awsim

import (
	"github.com/proctorlabs/proctor/awsim/protocol"
	"github.com/proctorlabs/proctor/iampolicy"
)

func s3ControlHandlers() map[string]handlerFunc {
	return map[string]handlerFunc{
		"GetPublicAccessBlock":    getAccountPublicAccessBlock,
		"PutPublicAccessBlock":    putAccountPublicAccessBlock,
		"DeletePublicAccessBlock": deleteAccountPublicAccessBlock,
	}
}

// allowControl authorises an S3 Control action. The x-amz-account-id header must name the
// caller's own account: the host's account-id prefix is ignored, and another account is
// refused whatever the caller's policies say.
func (c *call) allowControl(action string) *protocol.Error {
	if c.key == nil || str(c.in, "AccountId") != c.key.Account {
		return accessDenied()
	}
	if c.authorize(action, "*", nil, "", nil).Decision != iampolicy.Allowed {
		return accessDenied()
	}
	return nil
}

func getAccountPublicAccessBlock(c *call) (protocol.Params, error) {
	if err := c.allowControl("s3:GetAccountPublicAccessBlock"); err != nil {
		return nil, err
	}
	c.s.mu.RLock()
	var pab *publicAccessBlock
	if a := c.s.st.Accounts[c.key.Account]; a != nil && a.PublicAccessBlock != nil {
		cp := *a.PublicAccessBlock
		pab = &cp
	}
	c.s.mu.RUnlock()
	if pab == nil {
		return nil, noSuchPAB()
	}
	return protocol.Params{"PublicAccessBlockConfiguration": pabParams(pab)}, nil
}

func (c *call) setAccountPAB(pab *publicAccessBlock) error {
	c.s.mu.Lock()
	a := c.s.st.Accounts[c.key.Account]
	if a == nil {
		c.s.mu.Unlock()
		return accessDenied()
	}
	a.PublicAccessBlock = pab
	c.s.mu.Unlock()
	c.s.changed(c.key.Account)
	return nil
}

func putAccountPublicAccessBlock(c *call) (protocol.Params, error) {
	if err := c.allowControl("s3:PutAccountPublicAccessBlock"); err != nil {
		return nil, err
	}
	cfg, _ := c.in["PublicAccessBlockConfiguration"].(protocol.Params)
	return protocol.Params{}, c.setAccountPAB(pabFrom(cfg))
}

func deleteAccountPublicAccessBlock(c *call) (protocol.Params, error) {
	if err := c.allowControl("s3:PutAccountPublicAccessBlock"); err != nil {
		return nil, err
	}
	return protocol.Params{}, c.setAccountPAB(nil)
}
