package difftest

import (
	"fmt"
	"strings"

	"github.com/proctorlabs/proctor/iampolicy"
)

// Prepared is a case parsed for iampolicy.
type Prepared struct {
	Input   iampolicy.Input
	Request iampolicy.Request
}

// Generate returns n cases from the seed.
func Generate(seed uint64, n int) []Case {
	g := NewGenerator(seed)
	out := make([]Case, n)
	for i := range out {
		out[i] = g.Next(i)
	}
	return out
}

// Prepare parses a case's policies and builds its request.
func Prepare(c Case) (Prepared, error) {
	var p Prepared
	parse := func(doc []byte, what string) (*iampolicy.Policy, error) {
		if len(doc) == 0 {
			return nil, nil
		}
		pol, err := iampolicy.Parse(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		return pol, nil
	}
	for i, d := range c.IdentityPolicies {
		pol, err := parse(d, fmt.Sprintf("identity[%d]", i))
		if err != nil {
			return p, err
		}
		p.Input.Identity = append(p.Input.Identity, pol)
	}
	for i, d := range c.SCPs {
		pol, err := parse(d, fmt.Sprintf("scp[%d]", i))
		if err != nil {
			return p, err
		}
		p.Input.SCPs = append(p.Input.SCPs, pol)
	}
	for i, d := range c.RCPs {
		pol, err := parse(d, fmt.Sprintf("rcp[%d]", i))
		if err != nil {
			return p, err
		}
		p.Input.RCPs = append(p.Input.RCPs, pol)
	}
	var err error
	if p.Input.Resource, err = parse(c.ResourcePolicy, "resource"); err != nil {
		return p, err
	}
	if p.Input.PermissionsBoundary, err = parse(c.PermissionsBoundary, "boundary"); err != nil {
		return p, err
	}
	if p.Input.Session, err = parse(c.SessionPolicy, "session"); err != nil {
		return p, err
	}
	p.Input.ResourceAccount = c.ResourceAccount
	p.Request = iampolicy.Request{Principal: PrincipalOf(c.Principal), Action: c.Action,
		Resource: c.Resource, Context: c.Context}
	return p, nil
}

// PrincipalOf builds the principal of an ARN, a service principal name, or "" for an
// anonymous caller.
func PrincipalOf(s string) iampolicy.Principal {
	switch {
	case s == "":
		return iampolicy.Principal{}
	case strings.HasPrefix(s, "arn:"):
		parts := strings.SplitN(s, ":", 6)
		if len(parts) == 6 {
			return iampolicy.Principal{ARN: s, Account: parts[4]}
		}
		return iampolicy.Principal{ARN: s}
	default:
		return iampolicy.Principal{Service: s}
	}
}
