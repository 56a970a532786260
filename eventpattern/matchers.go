package eventpattern

import (
	"net/netip"
	"strings"
	"unicode/utf8"
)

// matcher is one compiled element of a field's value array. A field matches a leaf when any of
// its matchers does.
type matcher interface {
	match(v *leaf) bool
}

// exactString matches a string equal to s, character for character.
type exactString struct{ s string }

func (m exactString) match(v *leaf) bool { return v.kind == kindString && v.text == m.s }

// exactLiteral matches true, false or null, or a number literal spelled exactly as written
// when the number is too precise or too large to compare numerically.
type exactLiteral struct {
	kind valueKind
	text string
}

func (m exactLiteral) match(v *leaf) bool {
	if v.kind != m.kind {
		return false
	}
	if m.kind != kindNumber {
		return true
	}
	if _, ok := v.number(); ok {
		return false
	}
	return v.text == m.text
}

// numberRange matches a comparable number within the bounds; equality is a range whose bounds
// coincide and are both closed.
type numberRange struct {
	lo, hi         float64
	hasLo, hasHi   bool
	openLo, openHi bool
}

func (m numberRange) match(v *leaf) bool {
	f, ok := v.number()
	if !ok {
		return false
	}
	if m.hasLo && (f < m.lo || (m.openLo && f == m.lo)) {
		return false
	}
	if m.hasHi && (f > m.hi || (m.openHi && f == m.hi)) {
		return false
	}
	return true
}

// ipEqual matches a string holding the same IP address, however it is spelled.
type ipEqual struct{ addr netip.Addr }

func (m ipEqual) match(v *leaf) bool {
	a, ok := v.addr()
	return ok && a == m.addr
}

// cidrMatch matches a string holding an IP address inside the prefix.
type cidrMatch struct{ prefix netip.Prefix }

func (m cidrMatch) match(v *leaf) bool {
	a, ok := v.addr()
	return ok && m.prefix.Contains(a)
}

// prefixMatch matches a string that begins with s (case-insensitively when fold is set).
type prefixMatch struct {
	s    string
	fold foldString
}

func (m prefixMatch) match(v *leaf) bool {
	if v.kind != kindString {
		return false
	}
	if m.fold != nil {
		return m.fold.hasPrefix(v.text)
	}
	return strings.HasPrefix(v.text, m.s)
}

// suffixMatch matches a string that ends with s (case-insensitively when fold is set).
type suffixMatch struct {
	s    string
	fold foldString
}

func (m suffixMatch) match(v *leaf) bool {
	if v.kind != kindString {
		return false
	}
	if m.fold != nil {
		return m.fold.hasSuffix(v.text)
	}
	return strings.HasSuffix(v.text, m.s)
}

// equalsIgnoreCase matches a string equal to the operand up to case.
type equalsIgnoreCase struct{ fold foldString }

func (m equalsIgnoreCase) match(v *leaf) bool {
	return v.kind == kindString && m.fold.equal(v.text)
}

// wildcardMatch matches a string against a wildcard operand.
type wildcardMatch struct{ w wildcard }

func (m wildcardMatch) match(v *leaf) bool { return v.kind == kindString && m.w.match(v.text) }

// existsMatch matches any leaf value, null included.
type existsMatch struct{}

func (existsMatch) match(*leaf) bool { return true }

// anythingBut matches any leaf value except those it excludes. Exclusions only apply to values
// of their own type: a string exclusion never excludes a number, and a numeric exclusion never
// excludes a string, so both let null through.
type anythingBut struct {
	strs     []string
	nums     []float64
	prefixes []string
	suffixes []string
	folds    []foldString
	wilds    []wildcard
}

func (m *anythingBut) match(v *leaf) bool {
	if f, ok := v.number(); ok {
		for _, n := range m.nums {
			if n == f {
				return false
			}
		}
		return true
	}
	if v.kind != kindString {
		return true
	}
	s := v.text
	for _, x := range m.strs {
		if s == x {
			return false
		}
	}
	for _, x := range m.prefixes {
		if strings.HasPrefix(s, x) {
			return false
		}
	}
	for _, x := range m.suffixes {
		if strings.HasSuffix(s, x) {
			return false
		}
	}
	for _, x := range m.folds {
		if x.equal(s) {
			return false
		}
	}
	for _, x := range m.wilds {
		if x.match(s) {
			return false
		}
	}
	return true
}

// foldString is an operand compiled for case-insensitive comparison: for each character of the
// operand, a value character matches when it is the operand character's lower-case or
// upper-case form, the comparison EventBridge makes.
type foldString []foldChar

type foldChar struct{ lower, upper string }

func newFoldString(s string) foldString {
	f := make(foldString, 0, len(s))
	for _, r := range s {
		c := string(r)
		f = append(f, foldChar{lower: strings.ToLower(c), upper: strings.ToUpper(c)})
	}
	return f
}

// consumePrefix returns what follows the operand at the start of s, and false when s does not
// begin with it.
func (f foldString) consumePrefix(s string) (string, bool) {
	for _, c := range f {
		switch {
		case strings.HasPrefix(s, c.lower):
			s = s[len(c.lower):]
		case strings.HasPrefix(s, c.upper):
			s = s[len(c.upper):]
		default:
			return "", false
		}
	}
	return s, true
}

func (f foldString) equal(s string) bool {
	rest, ok := f.consumePrefix(s)
	return ok && rest == ""
}

func (f foldString) hasPrefix(s string) bool {
	_, ok := f.consumePrefix(s)
	return ok
}

func (f foldString) hasSuffix(s string) bool {
	for i := len(f) - 1; i >= 0; i-- {
		c := f[i]
		switch {
		case strings.HasSuffix(s, c.lower):
			s = s[:len(s)-len(c.lower)]
		case strings.HasSuffix(s, c.upper):
			s = s[:len(s)-len(c.upper)]
		default:
			return false
		}
	}
	return true
}

// runeLen is the number of characters in s, for the pattern length limit.
func runeLen(b []byte) int { return utf8.RuneCount(b) }
