package eventpattern

import (
	"net/netip"
	"strconv"
	"strings"
)

// looksLikeIP reports whether s has the shape EventBridge checks before it treats a string as
// an IP address: four dot-separated runs of decimal digits, or hex digits and colons with at
// least one colon. Anything else (a zone suffix, an embedded IPv4 tail) is an ordinary string.
func looksLikeIP(s string) bool {
	if s == "" {
		return false
	}
	if strings.IndexByte(s, ':') >= 0 {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c != ':' && !isHex(c) {
				return false
			}
		}
		return true
	}
	parts := 0
	run := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			run++
		case c == '.':
			if run == 0 {
				return false
			}
			parts++
			run = 0
		default:
			return false
		}
	}
	return run > 0 && parts == 3
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// parseIP parses an IP literal the way EventBridge does: only strings that look like an IP are
// considered, and an IPv4-mapped IPv6 address counts as the IPv4 address it maps.
func parseIP(s string) (netip.Addr, bool) {
	if !looksLikeIP(s) {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// parseCIDR validates a "cidr" operand and returns the prefix it denotes, or the reason
// EventBridge gives for rejecting it. EventBridge requires fewer mask bits than the address
// has (at most /31 for IPv4, /127 for IPv6).
func parseCIDR(s string) (netip.Prefix, string) {
	ip, bits, found := strings.Cut(s, "/")
	if !found || strings.IndexByte(bits, '/') >= 0 {
		return netip.Prefix{}, "Malformed CIDR, one '/' required"
	}
	n, err := strconv.Atoi(bits)
	if err != nil {
		return netip.Prefix{}, "Malformed CIDR, mask bits must be an integer"
	}
	if n < 0 {
		return netip.Prefix{}, "Malformed CIDR, mask bits must not be negative"
	}
	if !looksLikeIP(ip) {
		return netip.Prefix{}, "Nonstandard IP address: " + ip
	}
	addr, ok := parseIP(ip)
	if !ok {
		return netip.Prefix{}, "Invalid IP address: " + ip
	}
	if addr.Is4() && n > 31 {
		return netip.Prefix{}, "IPv4 mask bits must be < 32"
	}
	if addr.Is6() && n > 127 {
		return netip.Prefix{}, "IPv6 mask bits must be < 128"
	}
	p, err := addr.Prefix(n)
	if err != nil {
		return netip.Prefix{}, "Invalid IP address: " + ip
	}
	return p, ""
}
