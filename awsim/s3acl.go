package awsim

import (
	"strings"

	"github.com/proctorlabs/proctor/awsim/protocol"
)

// Buckets are always BucketOwnerEnforced, AWS's default since April 2023: ACLs are disabled,
// the bucket owner owns every object, and access is decided by policies alone.
//
// TODO: ACLs are not modelled, so ObjectWriter and BucketOwnerPreferred ownership are
// refused; labs about ACL-granted public access (BlockPublicAcls, IgnorePublicAcls) cannot
// run yet, though both settings are stored and reported.
const ownershipEnforced = "BucketOwnerEnforced"

func aclNotSupported() *protocol.Error {
	return &protocol.Error{Status: 400, Code: "AccessControlListNotSupported", Sender: true,
		Message: "The bucket does not allow ACLs"}
}

// getBucketACL reports the one grant an ACL-less bucket has: full control to its owner.
func getBucketACL(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	if err := c.allow("s3:GetBucketAcl", b, "", nil); err != nil {
		return nil, err
	}
	owner := protocol.Params{"ID": canonicalUserID(b.account),
		"DisplayName": "proctor-" + b.account}
	grantee := protocol.Params{"ID": canonicalUserID(b.account),
		"DisplayName": "proctor-" + b.account, "Type": "CanonicalUser"}
	return protocol.Params{"Owner": owner, "Grants": []any{
		protocol.Params{"Grantee": grantee, "Permission": "FULL_CONTROL"}}}, nil
}

// putBucketACL accepts only ACLs that grant nothing beyond the owner's full control, as
// S3 does for a bucket whose ACLs are disabled.
func putBucketACL(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	if err := c.allow("s3:PutBucketAcl", b, "", nil); err != nil {
		return nil, err
	}
	if acl := str(c.in, "ACL"); acl != "" && acl != "private" &&
		acl != "bucket-owner-full-control" {
		return nil, aclNotSupported()
	}
	for _, h := range []string{"GrantRead", "GrantWrite", "GrantReadACP", "GrantWriteACP"} {
		if str(c.in, h) != "" {
			return nil, aclNotSupported()
		}
	}
	if full := str(c.in, "GrantFullControl"); full != "" &&
		full != "id="+canonicalUserID(b.account) {
		return nil, aclNotSupported()
	}
	policy, _ := c.in["AccessControlPolicy"].(protocol.Params)
	grants, _ := policy["Grants"].([]any)
	for _, g := range grants {
		grant, _ := g.(protocol.Params)
		grantee, _ := grant["Grantee"].(protocol.Params)
		if str(grant, "Permission") != "FULL_CONTROL" ||
			!strings.EqualFold(str(grantee, "ID"), canonicalUserID(b.account)) {
			return nil, aclNotSupported()
		}
	}
	return protocol.Params{}, nil
}

func getOwnershipControls(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	if err := c.allow("s3:GetBucketOwnershipControls", b, "", nil); err != nil {
		return nil, err
	}
	return protocol.Params{"OwnershipControls": protocol.Params{"Rules": []any{
		protocol.Params{"ObjectOwnership": ownershipEnforced}}}}, nil
}

func putOwnershipControls(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	if err := c.allow("s3:PutBucketOwnershipControls", b, "", nil); err != nil {
		return nil, err
	}
	oc, _ := c.in["OwnershipControls"].(protocol.Params)
	rules, _ := oc["Rules"].([]any)
	if len(rules) != 1 {
		return nil, protocol.Errorf(400, "MalformedXML", "The XML you provided was not "+
			"well-formed or did not validate against our published schema: exactly one Rule "+
			"is required")
	}
	rule, _ := rules[0].(protocol.Params)
	if own := str(rule, "ObjectOwnership"); own != ownershipEnforced {
		return nil, protocol.Errorf(400, "InvalidArgument", "awsim supports only the %s "+
			"object ownership, not %q", ownershipEnforced, own)
	}
	return protocol.Params{}, nil
}
