package awsim

import (
	"net/netip"
	"strings"

	"github.com/proctorlabs/proctor/iampolicy"
)

// narrowingKeys are condition keys that, tested with a positive operator against fixed
// values, keep a statement naming "*" from being public, as S3's policy analysis treats them.
var narrowingKeys = map[string]bool{
	"aws:sourcearn": true, "aws:sourceaccount": true, "aws:sourceowner": true,
	"aws:sourcevpc": true, "aws:sourcevpce": true, "aws:principalorgid": true,
	"aws:principalorgpaths": true, "aws:principalaccount": true, "aws:principalarn": true,
	"aws:userid": true, "aws:sourceorgid": true, "aws:sourceorgpaths": true,
	"aws:sourceip": true, "aws:principalservicename": true, "s3:dataaccesspointarn": true,
	"s3:dataaccesspointaccount": true,
}

// positiveOperators are the operators whose fixed values narrow a statement.
var positiveOperators = map[string]bool{
	"stringequals": true, "stringequalsignorecase": true, "stringlike": true,
	"arnequals": true, "arnlike": true, "ipaddress": true,
}

// policyIsPublic reports whether a bucket policy grants access to everyone: an Allow whose
// principal is "*" (or that uses NotPrincipal) without a condition that limits it to fixed
// accounts, organisations, networks or source resources.
func policyIsPublic(p *iampolicy.Policy) bool {
	if p == nil {
		return false
	}
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect != iampolicy.Allow || st.Principal == nil {
			continue
		}
		if !st.NotPrincipal && !principalIsEveryone(st.Principal) {
			continue
		}
		if !narrowed(st.Conditions) {
			return true
		}
	}
	return false
}

func principalIsEveryone(ps *iampolicy.PrincipalSet) bool {
	if ps.Any {
		return true
	}
	for _, a := range ps.AWS {
		if a == "*" || strings.Contains(a, "*") && !strings.HasPrefix(a, "arn:aws:iam::") {
			return true
		}
	}
	return false
}

func narrowed(conds []iampolicy.Condition) bool {
	for _, c := range conds {
		op := strings.ToLower(c.Operator)
		if strings.HasPrefix(op, "forallvalues:") || strings.HasSuffix(op, "ifexists") {
			continue
		}
		op = strings.TrimPrefix(op, "foranyvalue:")
		key := strings.ToLower(c.Key)
		if !positiveOperators[op] || !narrowingKeys[key] || len(c.Values) == 0 {
			continue
		}
		fixed := true
		for _, v := range c.Values {
			if !fixedValue(key, v) {
				fixed = false
			}
		}
		if fixed {
			return true
		}
	}
	return false
}

// fixedValue reports whether a condition value names something specific: no wildcard, and
// for aws:SourceIp a network narrower than the whole address space.
func fixedValue(key, v string) bool {
	if v == "" || strings.ContainsAny(v, "*?") || strings.Contains(v, "${") {
		return false
	}
	if key == "aws:sourceip" {
		prefix, err := netip.ParsePrefix(v)
		if err != nil {
			addr, aerr := netip.ParseAddr(v)
			return aerr == nil && addr.IsValid()
		}
		// S3 treats wide ranges as public; /8 and wider admit a large part of the internet.
		if prefix.Addr().Is4() {
			return prefix.Bits() > 8
		}
		return prefix.Bits() > 32
	}
	return true
}
