package iampolicy

import "strings"

// Principal is who makes a request.
type Principal struct {
	// ARN is the principal's ARN, such as arn:aws:iam::123456789012:role/app or
	// arn:aws:sts::123456789012:assumed-role/app/sess; "" for an anonymous or service
	// principal.
	ARN string
	// Account is the principal's 12-digit account id; "" for anonymous and service
	// principals.
	Account string
	// Service is a service principal such as "events.amazonaws.com", else "".
	Service string
	// Federated is the identity provider of a web identity or SAML federated principal
	// (for trust policies), else "".
	Federated string
	// CanonicalUser is an S3 canonical user id, else "".
	CanonicalUser string
}

// Anonymous reports whether the principal is unauthenticated.
func (p Principal) Anonymous() bool {
	return p.ARN == "" && p.Account == "" && p.Service == "" && p.Federated == "" &&
		p.CanonicalUser == ""
}

// Request is one API call to decide.
type Request struct {
	Principal Principal // who makes the request
	// Action is the IAM action, such as "s3:GetObject"; it is compared case-insensitively.
	Action string
	// Resource is the ARN of the resource the action acts on, or "*" for actions that
	// take none.
	Resource string
	// Context holds the condition keys of the request; names are case-insensitive and
	// a key with no values counts as missing. Evaluate adds aws:PrincipalArn,
	// aws:PrincipalAccount, aws:PrincipalServiceName and (for IAM users) aws:username
	// from the principal when the context does not carry them.
	Context map[string][]string
}

// evalContext resolves condition keys and policy variables for one request.
type evalContext struct {
	req *Request
}

// lookup returns the values of a condition key given in lower case: from the request's
// context, compared case-insensitively, or else derived from the principal.
func (c *evalContext) lookup(lower string) ([]string, bool) {
	for k, v := range c.req.Context {
		if len(k) == len(lower) && strings.EqualFold(k, lower) {
			return v, true
		}
	}
	p := c.req.Principal
	var v string
	switch lower {
	case "aws:principalarn":
		v = principalARNKey(p.ARN)
	case "aws:principalaccount":
		v = p.Account
	case "aws:principalservicename":
		v = p.Service
	case "aws:username":
		v = userName(p.ARN)
	}
	if v == "" {
		return nil, false
	}
	return []string{v}, true
}

// userName returns the name of an IAM user ARN (without its path), "" for any other ARN:
// AWS sets aws:username only for IAM users.
func userName(arn string) string {
	var seg [6]string
	if splitARN(arn, &seg, nil) != 6 || seg[2] != "iam" {
		return ""
	}
	rest, ok := strings.CutPrefix(seg[5], "user/")
	if !ok {
		return ""
	}
	return rest[strings.LastIndexByte(rest, '/')+1:]
}

// principalARNKey returns the value AWS gives aws:PrincipalArn: the role's ARN for a role
// session, the principal's ARN otherwise. A role session's ARN does not carry the role's
// path, so the role ARN is returned without one.
func principalARNKey(arn string) string {
	if role, ok := roleOfSession(arn); ok {
		return role
	}
	return arn
}

// roleOfSession returns the role ARN (without a path) of an assumed-role session ARN.
func roleOfSession(arn string) (string, bool) {
	var seg [6]string
	if splitARN(arn, &seg, nil) != 6 || seg[2] != "sts" {
		return "", false
	}
	rest, ok := strings.CutPrefix(seg[5], "assumed-role/")
	if !ok {
		return "", false
	}
	name, _, ok := strings.Cut(rest, "/")
	if !ok || name == "" {
		return "", false
	}
	return "arn:" + seg[1] + ":iam::" + seg[4] + ":role/" + name, true
}

// userOfFederatedSession returns the IAM user ARN of a federated-user session ARN
// (arn:aws:sts::ACCOUNT:federated-user/NAME).
func userOfFederatedSession(arn string) (string, bool) {
	var seg [6]string
	if splitARN(arn, &seg, nil) != 6 || seg[2] != "sts" {
		return "", false
	}
	name, ok := strings.CutPrefix(seg[5], "federated-user/")
	if !ok || name == "" {
		return "", false
	}
	return "arn:" + seg[1] + ":iam::" + seg[4] + ":user/" + name, true
}
