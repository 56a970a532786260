package validators

import (
	"net/netip"
	"regexp"
	"strings"

	"github.com/proctorlabs/proctor/iampolicy"
)

// The limits of what the grader derives from one policy, so that a huge policy cannot make
// grading slow: callers beyond the standard three, and contexts beyond the plain one.
const (
	maxNamedCallers = 8
	maxContexts     = 24
)

// principalKeys are condition keys that Evaluate derives from the caller, so probing them
// means probing callers, not contexts.
var principalKeys = map[string]bool{
	"aws:securetransport": true, "aws:principalarn": true, "aws:principalaccount": true,
	"aws:principalservicename": true,
}

var accountIDRE = regexp.MustCompile(`^[0-9]{12}$`)

// namedCallers returns a caller for every AWS principal the policy singles out: named in a
// Principal or NotPrincipal element, or in a condition on aws:PrincipalArn or
// aws:PrincipalAccount. A statement that exempts such a principal from a deny is only
// caught by probing as that principal. Wildcards in the names are filled in.
func namedCallers(pol *iampolicy.Policy, account string) []caller {
	var out []caller
	seen := map[string]bool{}
	add := func(arn string) {
		arn = fillWildcards(arn)
		if arn == "" || arn == "*" || seen[arn] || len(out) >= maxNamedCallers {
			return
		}
		if accountIDRE.MatchString(arn) {
			arn = "arn:aws:iam::" + arn + ":root"
		}
		parts := strings.SplitN(arn, ":", 6)
		if len(parts) < 6 || !accountIDRE.MatchString(parts[4]) {
			return
		}
		seen[arn] = true
		out = append(out, caller{Who: "principal " + arn,
			Principal: iampolicy.Principal{ARN: arn, Account: parts[4]}})
	}
	for _, st := range pol.Statements {
		if st.Principal != nil {
			for _, p := range st.Principal.AWS {
				add(p)
			}
		}
		for _, c := range st.Conditions {
			switch strings.ToLower(c.Key) {
			case "aws:principalarn":
				for _, v := range c.Values {
					add(v)
				}
			case "aws:principalaccount":
				for _, v := range c.Values {
					if v := fillWildcards(v); accountIDRE.MatchString(v) {
						add("arn:aws:iam::" + v + ":role/proctor-probe")
					}
				}
			}
		}
	}
	return out
}

// conditionContexts returns the contexts to probe a policy with: the plain one (base
// alone), then, for every condition key the policy tests apart from those the caller
// decides, one context per value that could change a condition's outcome. A deny
// limited to some source addresses, VPC endpoints or tags thus shows its gap.
func conditionContexts(pol *iampolicy.Policy, base map[string][]string) []requestContext {
	out := []requestContext{{Keys: base}}
	seen := map[string]bool{}
	add := func(key, value string) {
		id := strings.ToLower(key) + "=" + value
		if seen[id] || len(out) > maxContexts {
			return
		}
		seen[id] = true
		keys := make(map[string][]string, len(base)+1)
		for k, v := range base {
			keys[k] = v
		}
		keys[key] = []string{value}
		out = append(out, requestContext{When: "when " + key + " is " + value, Keys: keys})
	}
	for _, st := range pol.Statements {
		for _, c := range st.Conditions {
			if principalKeys[strings.ToLower(c.Key)] {
				continue
			}
			for _, v := range probeValues(c) {
				add(c.Key, v)
			}
		}
	}
	return out
}

// probeValues returns request values for a condition's key that make the condition's
// outcome differ: values inside and outside its networks, both booleans, each of its
// values with wildcards filled in, and one that matches none of them.
func probeValues(c iampolicy.Condition) []string {
	op := strings.ToLower(c.Operator)
	switch {
	case strings.Contains(op, "ipaddress"):
		out := []string{}
		for _, v := range c.Values {
			if a, ok := insideAddress(v); ok {
				out = append(out, a)
			}
		}
		return append(out, "198.51.100.23", "10.20.30.40", "2001:db8::23")
	case strings.Contains(op, "bool"):
		return []string{"true", "false"}
	case strings.Contains(op, "null"):
		return []string{"proctor-probe"}
	}
	out := make([]string, 0, len(c.Values)+1)
	for _, v := range c.Values {
		out = append(out, fillWildcards(v))
	}
	return append(out, "proctor-probe-other")
}

// insideAddress returns an address inside a network written as a CIDR or an address.
func insideAddress(v string) (string, bool) {
	if p, err := netip.ParsePrefix(v); err == nil {
		a := p.Masked().Addr()
		if p.Bits() < a.BitLen() {
			a = a.Next()
		}
		return a.String(), true
	}
	if a, err := netip.ParseAddr(v); err == nil {
		return a.String(), true
	}
	return "", false
}

// fillWildcards turns a pattern into one value it matches.
func fillWildcards(s string) string {
	return strings.NewReplacer("*", "proctor-probe", "?", "x").Replace(s)
}

// broadAddresses are source addresses spread over the IPv4 and IPv6 internet. A grant
// that holds from all of them is open to the internet, whatever its address condition.
var broadAddresses = []string{"3.3.3.3", "64.233.160.1", "151.101.1.1", "203.0.113.9",
	"198.51.100.23", "2001:db8::23", "2600:1f18::1"}

// broadContexts returns base with each of the broad source addresses.
func broadContexts(base map[string][]string) []requestContext {
	out := make([]requestContext, len(broadAddresses))
	for i, a := range broadAddresses {
		keys := map[string][]string{"aws:SourceIp": {a}}
		for k, v := range base {
			keys[k] = v
		}
		out[i] = requestContext{When: "from any address", Keys: keys}
	}
	return out
}
