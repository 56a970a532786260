package eventpattern

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestComparableNumber(t *testing.T) {
	tests := []struct {
		lit  string
		want float64
		ok   bool
	}{
		{"0", 0, true},
		{"-0", 0, true},
		{"-0.0e5", 0, true},
		{"300", 300, true},
		{"300.0", 300, true},
		{"3.0e2", 300, true},
		{"3.018e2", 301.8, true},
		{"0.1", 0.1, true},
		{"-1.5", -1.5, true},
		{"123456789012345", 123456789012345, true},
		{"9007199254740993", 0, false}, // 2^53+1 rounds to 2^53
		{"9007199254740992", 9007199254740992, true},
		{"12345678901234567890", 0, false},
		{"1.7976931348623157e308", math.MaxFloat64, true},
		{"1e400", 0, false},
		{"-1e400", 0, false},
		{"1e-400", 0, false},
		{"5e-324", 5e-324, true}, // the smallest subnormal
		{"4.9406564584124654e-324", 5e-324, false},
		{"0.30000000000000004", 0.30000000000000004, true},
		{"0.3000000000000000444", 0, false},
		// 1e23 is not a double, but its nearest double's shortest form is "1e+23".
		{"100000000000000000000000", 1e23, true},
		{"1000000000000000000000", 1e21, true},
	}
	for _, tt := range tests {
		got, ok := comparableNumber(tt.lit)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("comparableNumber(%s) = %v, %v; want %v, %v", tt.lit, got, ok, tt.want, tt.ok)
		}
		if ok && got == 0 && math.Signbit(got) {
			t.Errorf("comparableNumber(%s) is negative zero", tt.lit)
		}
	}
}

func TestWildcardComplexity(t *testing.T) {
	// Expected values are EventBridge's own measures for these operands: the largest number of
	// partial matches one input keeps alive, counted over the quoted value.
	tests := []struct {
		wilds []string
		want  int
	}{
		{[]string{"abc"}, 1},
		{[]string{"/Users/*/doc.txt"}, 2},
		{[]string{"arn:aws:events:us-east-1:*:event-bus/*"}, 3},
		{[]string{"*/dir/*"}, 4},
		{[]string{"/Users/*/dir/dir/dir/dir/dir/doc.txt"}, 7},
		{[]string{"*/init/*", "*/dir/*"}, 7},
		{[]string{"*:stack/A/*", "*:stack/B/*", "*:stack/C/*"}, 9},
	}
	for _, tt := range tests {
		var ws []wildcard
		for _, s := range tt.wilds {
			w, why := parseWildcard(s)
			if why != "" {
				t.Fatalf("parseWildcard(%q): %s", s, why)
			}
			ws = append(ws, w)
		}
		if got := wildcardComplexity(ws); got != tt.want {
			t.Errorf("wildcardComplexity(%q) = %d, want %d", tt.wilds, got, tt.want)
		}
	}
	w, _ := parseWildcard("*:*:*:*:*:event-bus/*")
	if got := wildcardComplexity([]wildcard{w}); got <= maxWildcardComplexity {
		t.Errorf("wildcardComplexity(*:*:*:*:*:event-bus/*) = %d, want above %d", got,
			maxWildcardComplexity)
	}
}

func TestParseWildcard(t *testing.T) {
	tests := []struct {
		in        string
		wantParts []string
		wantWhy   string
	}{
		{"abc", []string{"abc"}, ""},
		{"*", []string{"", ""}, ""},
		{"a*b*", []string{"a", "b", ""}, ""},
		{`a\*b`, []string{"a*b"}, ""},
		{`a\\*`, []string{`a\`, ""}, ""},
		{`\**`, []string{"*", ""}, ""},
		{"a**", nil, "Consecutive wildcard characters at pos 2"},
		{`a\b`, nil, "Invalid escape character at pos 2"},
		{`a\`, nil, "Invalid escape character at pos 2"},
	}
	for _, tt := range tests {
		w, why := parseWildcard(tt.in)
		if why != tt.wantWhy {
			t.Errorf("parseWildcard(%q) reason = %q, want %q", tt.in, why, tt.wantWhy)
			continue
		}
		if diff := cmp.Diff(tt.wantParts, w.parts); why == "" && diff != "" {
			t.Errorf("parseWildcard(%q) parts (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestLooksLikeIP(t *testing.T) {
	tests := map[string]bool{
		"10.0.0.1": true, "1.2.3": false, "1.2.3.4.5": false, "1..2.3": false, "a.b.c.d": false,
		"::1": true, "2001:db8::": true, "fe80::1%eth0": false, "::ffff:1.2.3.4": false,
		"abc": false, "": false, "12:zz": false,
	}
	for in, want := range tests {
		if got := looksLikeIP(in); got != want {
			t.Errorf("looksLikeIP(%q) = %v, want %v", in, got, want)
		}
	}
}
