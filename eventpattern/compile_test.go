package eventpattern_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor/eventpattern"
)

func TestCompileRejects(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		want    eventpattern.Error
	}{
		{"not json", `{"a": [1}`, eventpattern.Error{Item: -1}},
		{"not an object", `["a"]`, eventpattern.Error{Item: -1, Reason: "Filter is not an object"}},
		{"trailing data", `{"a": [1]} {}`, eventpattern.Error{Item: -1}},
		{"empty pattern", `{}`, eventpattern.Error{Item: -1, Reason: "Empty objects are not allowed"}},
		{"empty nested object", `{"detail": {}}`,
			eventpattern.Error{Path: "detail", Item: -1, Reason: "Empty objects are not allowed"}},
		{"leaf not an array", `{"detail": {"severity": 7}}`, eventpattern.Error{Path: "detail.severity",
			Item: -1, Reason: `"severity" must be an object or an array`}},
		{"empty array", `{"source": []}`,
			eventpattern.Error{Path: "source", Item: -1, Reason: "Empty arrays are not allowed"}},
		{"nested array value", `{"source": [["a"]]}`, eventpattern.Error{Path: "source", Item: 0,
			Reason: "Match value must be String, number, true, false, or null"}},
		{"empty expression", `{"a": [{}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Match expression name not found"}},
		{"unknown operator", `{"a": ["x", {"regex": "a.*"}]}`,
			eventpattern.Error{Path: "a", Item: 1, Reason: "Unrecognized match type regex"}},
		{"operator case", `{"a": [{"Prefix": "x"}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Unrecognized match type Prefix"}},
		{"two keys", `{"a": [{"prefix": "x", "suffix": "y"}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Only one key allowed in match expression"}},
		{"prefix number", `{"a": [{"prefix": 1}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "prefix match pattern must be a string"}},
		{"suffix list", `{"a": [{"suffix": ["x"]}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "suffix match pattern must be a string"}},
		{"prefix unsupported object", `{"a": [{"prefix": {"wildcard": "x"}}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Unsupported prefix pattern: wildcard"}},
		{"prefix ignore case number", `{"a": [{"prefix": {"equals-ignore-case": 1}}]}`,
			eventpattern.Error{Path: "a", Item: 0,
				Reason: "equals-ignore-case match pattern must be a string"}},
		{"equals-ignore-case list", `{"a": [{"equals-ignore-case": ["x"]}]}`, eventpattern.Error{
			Path: "a", Item: 0, Reason: "equals-ignore-case match pattern must be a string"}},
		{"exactly number", `{"a": [{"exactly": 1}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "exact match pattern must be a string"}},
		{"exists string", `{"a": [{"exists": "true"}]}`, eventpattern.Error{Path: "a", Item: 0,
			Reason: "exists match pattern must be either true or false."}},
		{"numeric not array", `{"a": [{"numeric": 5}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Value of numeric must be an array."}},
		{"numeric empty", `{"a": [{"numeric": []}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Invalid member in numeric match: ]"}},
		{"numeric number first", `{"a": [{"numeric": [5, ">"]}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Invalid member in numeric match: 5"}},
		{"numeric bad operator", `{"a": [{"numeric": ["!=", 5]}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Unrecognized numeric range operator: !="}},
		{"numeric missing value", `{"a": [{"numeric": [">", 0, "<"]}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Value of < must be numeric"}},
		{"numeric equals string", `{"a": [{"numeric": ["=", "5"]}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Value of equals must be numeric"}},
		{"numeric two lower bounds", `{"a": [{"numeric": [">", 0, ">", 1]}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Bad numeric range operator: >"}},
		{"numeric upper then more", `{"a": [{"numeric": ["<", 0, ">", 1]}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Too many elements in numeric expression"}},
		{"numeric too many terms", `{"a": [{"numeric": [">", 0, "<", 1, "<", 2]}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Too many terms in numeric range expression"}},
		{"numeric bottom not below top", `{"a": [{"numeric": [">=", 5, "<=", 5]}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Bottom must be less than top"}},
		{"numeric second operand number", `{"a": [{"numeric": [">", 0, 5, 1]}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Bad value in numeric range: 5"}},
		{"numeric uncomparable", `{"a": [{"numeric": [">", 12345678901234567890]}]}`,
			eventpattern.Error{Path: "a", Item: 0,
				Reason: "Cannot compare number : 12345678901234567890"}},
		{"numeric infinite", `{"a": [{"numeric": ["<", 1e400]}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Cannot compare number : 1e400"}},
		{"anything-but null", `{"a": [{"anything-but": null}]}`, eventpattern.Error{Path: "a",
			Item: 0, Reason: "Value of anything-but must be an array or single string/number value."}},
		{"anything-but mixed list", `{"a": [{"anything-but": ["x", 1]}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Inside anything but list, either all " +
				"values are number or string, mixed type is not supported"}},
		{"anything-but empty list", `{"a": [{"anything-but": []}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Inside anything but list, either all " +
				"values are number or string, mixed type is not supported"}},
		{"anything-but list with null", `{"a": [{"anything-but": ["x", null]}]}`,
			eventpattern.Error{Path: "a", Item: 0,
				Reason: "Inside anything but list, start|null|boolean is not supported."}},
		{"anything-but unsupported", `{"a": [{"anything-but": {"numeric": [">", 1]}}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Unsupported anything-but pattern: numeric"}},
		{"anything-but empty prefix", `{"a": [{"anything-but": {"prefix": ""}}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Null prefix/suffix not allowed"}},
		{"anything-but suffix number", `{"a": [{"anything-but": {"suffix": [".x", 1]}}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "prefix/suffix match pattern must be a string"}},
		{"anything-but ignore case number", `{"a": [{"anything-but": {"equals-ignore-case": 1}}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Inside anything-but/equals-ignore-case " +
				"list, number|start|null|boolean is not supported."}},
		{"anything-but prefix object", `{"a": [{"anything-but": {"prefix": {"equals-ignore-case": "x"}}}]}`,
			eventpattern.Error{Path: "a", Item: 0,
				Reason: "Value of anything-but must be an array or single string/number value."}},
		{"anything-but wildcard stars", `{"a": [{"anything-but": {"wildcard": ["a**"]}}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Consecutive wildcard characters at pos 2"}},
		{"anything-but extra key", `{"a": [{"anything-but": "x", "prefix": "y"}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Too many elements in numeric expression"}},
		{"wildcard consecutive", `{"a": [{"wildcard": "x**y"}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Consecutive wildcard characters at pos 2"}},
		{"wildcard bad escape", `{"a": [{"wildcard": "x\\y"}]}`,
			eventpattern.Error{Path: "a", Item: 0, Reason: "Invalid escape character at pos 2"}},
		{"wildcard too complex", `{"arn": [{"wildcard": "*:*:*:*:*:event-bus/*"}]}`,
			eventpattern.Error{Path: "arn", Item: -1, Reason: "Rule is too complex - try using " +
				"fewer wildcard characters or fewer repeating character sequences after a " +
				"wildcard character"}},
		{"wildcard values too complex together", `{"id": [{"wildcard": "*:stack/Shared/*"},
			{"wildcard": "*:stack/Compute/*"}, {"wildcard": "*:stack/Data/*"},
			{"wildcard": "*:stack/Monitoring/*"}]}`,
			eventpattern.Error{Path: "id", Item: -1, Reason: "Rule is too complex - try using " +
				"fewer wildcard characters or fewer repeating character sequences after a " +
				"wildcard character"}},
		{"cidr not string", `{"ip": [{"cidr": ["10.0.0.0/8"]}]}`,
			eventpattern.Error{Path: "ip", Item: 0, Reason: "prefix match pattern must be a string"}},
		{"cidr no slash", `{"ip": [{"cidr": "10.0.0.0"}]}`,
			eventpattern.Error{Path: "ip", Item: 0, Reason: "Malformed CIDR, one '/' required"}},
		{"cidr bad bits", `{"ip": [{"cidr": "10.0.0.0/x"}]}`, eventpattern.Error{Path: "ip", Item: 0,
			Reason: "Malformed CIDR, mask bits must be an integer"}},
		{"cidr negative bits", `{"ip": [{"cidr": "10.0.0.0/-1"}]}`, eventpattern.Error{Path: "ip",
			Item: 0, Reason: "Malformed CIDR, mask bits must not be negative"}},
		{"cidr v4 32 bits", `{"ip": [{"cidr": "10.0.0.1/32"}]}`,
			eventpattern.Error{Path: "ip", Item: 0, Reason: "IPv4 mask bits must be < 32"}},
		{"cidr v6 128 bits", `{"ip": [{"cidr": "::1/128"}]}`,
			eventpattern.Error{Path: "ip", Item: 0, Reason: "IPv6 mask bits must be < 128"}},
		{"cidr hostname", `{"ip": [{"cidr": "example.com/8"}]}`,
			eventpattern.Error{Path: "ip", Item: 0, Reason: "Nonstandard IP address: example.com"}},
		{"cidr bad octet", `{"ip": [{"cidr": "10.0.0.256/24"}]}`,
			eventpattern.Error{Path: "ip", Item: 0, Reason: "Invalid IP address: 10.0.0.256"}},
		{"or not array", `{"$or": {"a": [1]}}`,
			eventpattern.Error{Path: "$or", Item: -1, Reason: "It must be an Array followed with $or."}},
		{"or one object", `{"$or": [{"a": [1]}]}`, eventpattern.Error{Path: "$or", Item: -1,
			Reason: "There must have at least 2 Objects in $or relationship."}},
		{"or not objects", `{"$or": [{"a": [1]}, ["b"]]}`, eventpattern.Error{Path: "$or", Item: 1,
			Reason: "Only JSON object is allowed in array of $or relationship."}},
		{"or reserved name", `{"detail": {"$or": [{"a": [1]}, {"prefix": ["x"]}]}}`,
			eventpattern.Error{Path: "detail.$or[1].prefix", Item: -1,
				Reason: "prefix is Ruler reserved fieldName which cannot be used inside $or."}},
		{"or error names alternative", `{"detail": {"$or": [{"c": [1]}, {"d": []}]}}`,
			eventpattern.Error{Path: "detail.$or[1].d", Item: -1, Reason: "Empty arrays are not allowed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := eventpattern.Compile([]byte(tt.pattern))
			if err == nil {
				t.Fatalf("Compile(%s) = %v, want an error", tt.pattern, p)
			}
			var got *eventpattern.Error
			if !errors.As(err, &got) {
				t.Fatalf("Compile error %v is not an *Error", err)
			}
			want := tt.want
			if want.Reason == "" {
				// Syntax errors: only the location is checked; the reason comes from the parser.
				want.Reason = got.Reason
				if !strings.HasPrefix(got.Reason, "Filter is not valid JSON") {
					t.Errorf("Reason = %q, want a JSON syntax error", got.Reason)
				}
			}
			if diff := cmp.Diff(want, *got); diff != "" {
				t.Errorf("Compile(%s) error mismatch (-want +got):\n%s", tt.pattern, diff)
			}
			if !strings.Contains(err.Error(), got.Reason) || !strings.HasPrefix(err.Error(), "eventpattern: ") {
				t.Errorf("Error() = %q does not carry the reason", err.Error())
			}
		})
	}
}

func TestCompileLength(t *testing.T) {
	long := `{"a": ["` + strings.Repeat("x", eventpattern.MaxPatternLength) + `"]}`
	if _, err := eventpattern.Compile([]byte(long)); err == nil {
		t.Errorf("Compile accepted a %d-character pattern", len(long))
	}
	// Characters, not bytes, are counted: 1000 four-byte characters fit.
	wide := `{"a": ["` + strings.Repeat("🚀", 1000) + `"]}`
	if _, err := eventpattern.Compile([]byte(wide)); err != nil {
		t.Errorf("Compile(1000 emoji): %v", err)
	}
}

func TestCompileOrLimit(t *testing.T) {
	// Eleven sibling "$or" of two alternatives each expand to 2^11 alternatives.
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 11; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"f` + string(rune('a'+i)) + `": {"$or": [{"x": [1]}, {"y": [2]}]}`)
	}
	b.WriteString("}")
	_, err := eventpattern.Compile([]byte(b.String()))
	var perr *eventpattern.Error
	if !errors.As(err, &perr) || !strings.Contains(perr.Reason, "alternatives") {
		t.Errorf("Compile(2^11 alternatives) error = %v, want the alternatives limit", err)
	}
}

func TestCompileAccepts(t *testing.T) {
	patterns := []string{
		`{"source": ["aws.guardduty"], "detail": {"severity": [{"numeric": [">=", 7]}]}}`,
		`{"a": [{"prefix": ""}, {"suffix": {"equals-ignore-case": ".PNG"}}]}`,
		`{"a": [{"anything-but": {"wildcard": ""}}, {"anything-but": {"equals-ignore-case": []}}]}`,
		`{"a": [{"wildcard": "\\*literal\\\\*"}]}`,
		`{"a": [{"numeric": ["<", -1e308]}, {"numeric": [">", 0.1, "<=", 0.2]}]}`,
		`{"ip": [{"cidr": "2001:db8::/32"}, {"cidr": "0.0.0.0/0"}, "10.0.0.1"]}`,
		`{"a": [12345678901234567890, null, true, false, "x"]}`,
		`{"$or": [{"a": [1]}, {"$or": [{"b": [2]}, {"c": [3]}]}]}`,
		`{"a": [1], "a": [{"exists": false}]}`,
		`{"id": [{"wildcard": "*:stack/A/*"}, {"wildcard": "*:stack/B/*"}, {"wildcard": "*:stack/C/*"}]}`,
	}
	for _, p := range patterns {
		if _, err := eventpattern.Compile([]byte(p)); err != nil {
			t.Errorf("Compile(%s): %v", p, err)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	e := &eventpattern.Error{Path: "detail.severity", Item: 1, Reason: "Value of > must be numeric"}
	if got, want := e.Error(), "eventpattern: invalid pattern: detail.severity[1]: Value of > must be numeric"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := e.AWSMessage(), "Event pattern is not valid. Reason: Value of > must be numeric"; got != want {
		t.Errorf("AWSMessage() = %q, want %q", got, want)
	}
	whole := &eventpattern.Error{Item: -1, Reason: "Filter is not an object"}
	if got, want := whole.Error(), "eventpattern: invalid pattern: Filter is not an object"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
