package iampolicy

import "strings"

// principalMatch says how a principal element matched a request's principal. The kinds
// differ in what else must allow the request: an account-level match only delegates to
// the account's own identity policies.
type principalMatch int

const (
	noMatch principalMatch = iota
	// accountMatch: the element names the principal's account (an account id or
	// arn:aws:iam::ACCOUNT:root).
	accountMatch
	// roleMatch: the element names the role of the principal's role session.
	roleMatch
	// userMatch: the element names the IAM user of a federated-user session.
	userMatch
	// wildcardMatch: the element is "*" (or {"AWS": "*"}).
	wildcardMatch
	// exactMatch: the element names the principal itself.
	exactMatch
)

// match returns the strongest way the set names the principal.
func (ps *PrincipalSet) match(p Principal) principalMatch {
	if p.Anonymous() {
		if ps.Any {
			return wildcardMatch
		}
		return noMatch
	}
	best := noMatch
	if ps.Any {
		best = wildcardMatch
	}
	for _, s := range ps.Service {
		if p.Service != "" && s == p.Service {
			return exactMatch
		}
	}
	for _, f := range ps.Federated {
		if p.Federated != "" && f == p.Federated {
			return exactMatch
		}
	}
	for _, c := range ps.CanonicalUser {
		if p.CanonicalUser != "" && c == p.CanonicalUser {
			return exactMatch
		}
	}
	if p.ARN == "" && p.Account == "" {
		return best
	}
	role, isSession := roleOfSession(p.ARN)
	user, isFedUser := userOfFederatedSession(p.ARN)
	for _, a := range ps.AWS {
		switch {
		case p.ARN != "" && a == p.ARN:
			return exactMatch
		case isSession && roleWithoutPath(a) == role:
			best = max(best, roleMatch)
		case isFedUser && a == user:
			best = max(best, userMatch)
		case p.Account != "" && accountOf(a) == p.Account:
			best = max(best, accountMatch)
		}
	}
	return best
}

// namesAccount reports whether the set names the account itself (its id or its root).
func (ps *PrincipalSet) namesAccount(account string) bool {
	if account == "" {
		return false
	}
	for _, a := range ps.AWS {
		if accountOf(a) == account {
			return true
		}
	}
	return false
}

// accountOf returns the account an account principal names: the id itself, or the
// account of arn:PARTITION:iam::ACCOUNT:root. Any other value returns "".
func accountOf(a string) string {
	if isAccountID(a) {
		return a
	}
	var seg [6]string
	if splitARN(a, &seg, nil) == 6 && seg[2] == "iam" && seg[5] == "root" {
		return seg[4]
	}
	return ""
}

// roleWithoutPath drops the path of an IAM role ARN, since a role session's ARN names
// the role without it; other values are returned unchanged.
func roleWithoutPath(a string) string {
	var seg [6]string
	if splitARN(a, &seg, nil) != 6 || seg[2] != "iam" {
		return a
	}
	rest, ok := strings.CutPrefix(seg[5], "role/")
	if !ok {
		return a
	}
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		rest = rest[i+1:]
	}
	return "arn:" + seg[1] + ":iam::" + seg[4] + ":role/" + rest
}
