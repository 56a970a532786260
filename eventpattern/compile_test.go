package eventpattern_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor/eventpattern"
)

// bad is the *Error expected for an invalid pattern; an empty reason stands for a JSON syntax
// error, whose wording comes from the JSON parser.
func bad(path string, item int, reason string) eventpattern.Error {
	return eventpattern.Error{Path: path, Item: item, Reason: reason}
}

const (
	mixedList = "Inside anything but list, either all values are number or string, " +
		"mixed type is not supported"
	tooComplex = "Rule is too complex - try using fewer wildcard characters or fewer " +
		"repeating character sequences after a wildcard character"
)

func TestCompileRejects(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		want    eventpattern.Error
	}{
		{"not json", `{"a": [1}`,
			bad("", -1, "")},
		{"not an object", `["a"]`,
			bad("", -1, "Filter is not an object")},
		{"trailing data", `{"a": [1]} {}`,
			bad("", -1, "")},
		{"empty pattern", `{}`,
			bad("", -1, "Empty objects are not allowed")},
		{"empty nested object", `{"detail": {}}`,
			bad("detail", -1, "Empty objects are not allowed")},
		{"leaf not an array", `{"detail": {"severity": 7}}`,
			bad("detail.severity", -1, `"severity" must be an object or an array`)},
		{"empty array", `{"source": []}`,
			bad("source", -1, "Empty arrays are not allowed")},
		{"nested array value", `{"source": [["a"]]}`,
			bad("source", 0, "Match value must be String, number, true, false, or null")},
		{"empty expression", `{"a": [{}]}`,
			bad("a", 0, "Match expression name not found")},
		{"unknown operator", `{"a": ["x", {"regex": "a.*"}]}`,
			bad("a", 1, "Unrecognized match type regex")},
		{"operator case", `{"a": [{"Prefix": "x"}]}`,
			bad("a", 0, "Unrecognized match type Prefix")},
		{"two keys", `{"a": [{"prefix": "x", "suffix": "y"}]}`,
			bad("a", 0, "Only one key allowed in match expression")},
		{"prefix number", `{"a": [{"prefix": 1}]}`,
			bad("a", 0, "prefix match pattern must be a string")},
		{"suffix list", `{"a": [{"suffix": ["x"]}]}`,
			bad("a", 0, "suffix match pattern must be a string")},
		{"prefix unsupported object", `{"a": [{"prefix": {"wildcard": "x"}}]}`,
			bad("a", 0, "Unsupported prefix pattern: wildcard")},
		{"prefix ignore case number", `{"a": [{"prefix": {"equals-ignore-case": 1}}]}`,
			bad("a", 0, "equals-ignore-case match pattern must be a string")},
		{"equals-ignore-case list", `{"a": [{"equals-ignore-case": ["x"]}]}`,
			bad("a", 0, "equals-ignore-case match pattern must be a string")},
		{"exactly number", `{"a": [{"exactly": 1}]}`,
			bad("a", 0, "exact match pattern must be a string")},
		{"exists string", `{"a": [{"exists": "true"}]}`,
			bad("a", 0, "exists match pattern must be either true or false.")},
		{"numeric not array", `{"a": [{"numeric": 5}]}`,
			bad("a", 0, "Value of numeric must be an array.")},
		{"numeric empty", `{"a": [{"numeric": []}]}`,
			bad("a", 0, "Invalid member in numeric match: ]")},
		{"numeric number first", `{"a": [{"numeric": [5, ">"]}]}`,
			bad("a", 0, "Invalid member in numeric match: 5")},
		{"numeric bad operator", `{"a": [{"numeric": ["!=", 5]}]}`,
			bad("a", 0, "Unrecognized numeric range operator: !=")},
		{"numeric missing value", `{"a": [{"numeric": [">", 0, "<"]}]}`,
			bad("a", 0, "Value of < must be numeric")},
		{"numeric equals string", `{"a": [{"numeric": ["=", "5"]}]}`,
			bad("a", 0, "Value of equals must be numeric")},
		{"numeric two lower bounds", `{"a": [{"numeric": [">", 0, ">", 1]}]}`,
			bad("a", 0, "Bad numeric range operator: >")},
		{"numeric upper then more", `{"a": [{"numeric": ["<", 0, ">", 1]}]}`,
			bad("a", 0, "Too many elements in numeric expression")},
		{"numeric too many terms", `{"a": [{"numeric": [">", 0, "<", 1, "<", 2]}]}`,
			bad("a", 0, "Too many terms in numeric range expression")},
		{"numeric bottom not below top", `{"a": [{"numeric": [">=", 5, "<=", 5]}]}`,
			bad("a", 0, "Bottom must be less than top")},
		{"numeric second operand number", `{"a": [{"numeric": [">", 0, 5, 1]}]}`,
			bad("a", 0, "Bad value in numeric range: 5")},
		{"numeric uncomparable", `{"a": [{"numeric": [">", 12345678901234567890]}]}`,
			bad("a", 0, "Cannot compare number : 12345678901234567890")},
		{"numeric infinite", `{"a": [{"numeric": ["<", 1e400]}]}`,
			bad("a", 0, "Cannot compare number : 1e400")},
		{"anything-but null", `{"a": [{"anything-but": null}]}`,
			bad("a", 0, "Value of anything-but must be an array or single string/number value.")},
		{"anything-but mixed list", `{"a": [{"anything-but": ["x", 1]}]}`,
			bad("a", 0, mixedList)},
		{"anything-but empty list", `{"a": [{"anything-but": []}]}`,
			bad("a", 0, mixedList)},
		{"anything-but list with null", `{"a": [{"anything-but": ["x", null]}]}`,
			bad("a", 0, "Inside anything but list, start|null|boolean is not supported.")},
		{"anything-but unsupported", `{"a": [{"anything-but": {"numeric": [">", 1]}}]}`,
			bad("a", 0, "Unsupported anything-but pattern: numeric")},
		{"anything-but empty prefix", `{"a": [{"anything-but": {"prefix": ""}}]}`,
			bad("a", 0, "Null prefix/suffix not allowed")},
		{"anything-but suffix number", `{"a": [{"anything-but": {"suffix": [".x", 1]}}]}`,
			bad("a", 0, "prefix/suffix match pattern must be a string")},
		{"anything-but ignore case number",
			`{"a": [{"anything-but": {"equals-ignore-case": 1}}]}`,
			bad("a", 0, "Inside anything-but/equals-ignore-case list, "+
				"number|start|null|boolean is not supported.")},
		{"anything-but prefix object",
			`{"a": [{"anything-but": {"prefix": {"equals-ignore-case": "x"}}}]}`,
			bad("a", 0, "Value of anything-but must be an array or single string/number value.")},
		{"anything-but wildcard stars", `{"a": [{"anything-but": {"wildcard": ["a**"]}}]}`,
			bad("a", 0, "Consecutive wildcard characters at pos 2")},
		{"anything-but extra key", `{"a": [{"anything-but": "x", "prefix": "y"}]}`,
			bad("a", 0, "Too many elements in numeric expression")},
		{"wildcard consecutive", `{"a": [{"wildcard": "x**y"}]}`,
			bad("a", 0, "Consecutive wildcard characters at pos 2")},
		{"wildcard bad escape", `{"a": [{"wildcard": "x\\y"}]}`,
			bad("a", 0, "Invalid escape character at pos 2")},
		{"wildcard too complex", `{"arn": [{"wildcard": "*:*:*:*:*:event-bus/*"}]}`,
			bad("arn", -1, tooComplex)},
		{"wildcard values too complex together",
			`{"id": [{"wildcard": "*:stack/Shared/*"},
			{"wildcard": "*:stack/Compute/*"}, {"wildcard": "*:stack/Data/*"},
			{"wildcard": "*:stack/Monitoring/*"}]}`,
			bad("id", -1, tooComplex)},
		{"cidr not string", `{"ip": [{"cidr": ["10.0.0.0/8"]}]}`,
			bad("ip", 0, "prefix match pattern must be a string")},
		{"cidr no slash", `{"ip": [{"cidr": "10.0.0.0"}]}`,
			bad("ip", 0, "Malformed CIDR, one '/' required")},
		{"cidr bad bits", `{"ip": [{"cidr": "10.0.0.0/x"}]}`,
			bad("ip", 0, "Malformed CIDR, mask bits must be an integer")},
		{"cidr negative bits", `{"ip": [{"cidr": "10.0.0.0/-1"}]}`,
			bad("ip", 0, "Malformed CIDR, mask bits must not be negative")},
		{"cidr v4 32 bits", `{"ip": [{"cidr": "10.0.0.1/32"}]}`,
			bad("ip", 0, "IPv4 mask bits must be < 32")},
		{"cidr v6 128 bits", `{"ip": [{"cidr": "::1/128"}]}`,
			bad("ip", 0, "IPv6 mask bits must be < 128")},
		{"cidr hostname", `{"ip": [{"cidr": "example.com/8"}]}`,
			bad("ip", 0, "Nonstandard IP address: example.com")},
		{"cidr bad octet", `{"ip": [{"cidr": "10.0.0.256/24"}]}`,
			bad("ip", 0, "Invalid IP address: 10.0.0.256")},
		{"or not array, nor a valid field",
			`{"$or": {"a": [{"anything-but": {"wildcard": "x"}}]}}`,
			bad("$or", -1, "It must be an Array followed with $or.")},
		{"or one object", `{"$or": [{"a": [1]}]}`,
			bad("$or", -1, "There must have at least 2 Objects in $or relationship.")},
		{"or not objects", `{"$or": [{"a": [1]}, ["b"]]}`,
			bad("$or", 1, "Only JSON object is allowed in array of $or relationship.")},
		{"or reserved name", `{"detail": {"$or": [{"a": [1]}, {"prefix": ["x"]}]}}`,
			bad("detail.$or[1].prefix", -1,
				"prefix is Ruler reserved fieldName which cannot be used inside $or.")},
		{"or error names alternative", `{"detail": {"$or": [{"c": [1]}, {"d": []}]}}`,
			bad("detail.$or[1].d", -1, "Empty arrays are not allowed")},
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
			msg := err.Error()
			if !strings.Contains(msg, got.Reason) || !strings.HasPrefix(msg, "eventpattern: ") {
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
		`{"a": [{"anything-but": {"wildcard": ""}},
			{"anything-but": {"equals-ignore-case": []}}]}`,
		`{"a": [{"wildcard": "\\*literal\\\\*"}]}`,
		`{"a": [{"numeric": ["<", -1e308]}, {"numeric": [">", 0.1, "<=", 0.2]}]}`,
		`{"ip": [{"cidr": "2001:db8::/32"}, {"cidr": "0.0.0.0/0"}, "10.0.0.1"]}`,
		`{"a": [12345678901234567890, null, true, false, "x"]}`,
		`{"$or": [{"a": [1]}, {"$or": [{"b": [2]}, {"c": [3]}]}]}`,
		`{"a": [1], "a": [{"exists": false}]}`,
		// Not "$or" patterns, so read with "$or" as a field name, as EventBridge does.
		`{"source": ["aws.cloudwatch"], "$or": {"metricType": ["MetricType"]}}`,
		`{"detail": {"$or": [{"numeric": [">", 0, "<=", 5]}, {"cidr": "10.0.0.0/8"}]}}`,
		`{"$or": [{"cidr": "10.0.0.0/24"}]}`,
		`{"id": [{"wildcard": "*:stack/A/*"}, {"wildcard": "*:stack/B/*"},
			{"wildcard": "*:stack/C/*"}]}`,
	}
	for _, p := range patterns {
		if _, err := eventpattern.Compile([]byte(p)); err != nil {
			t.Errorf("Compile(%s): %v", p, err)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	e := &eventpattern.Error{Path: "detail.severity", Item: 1,
		Reason: "Value of > must be numeric"}
	want := "eventpattern: invalid pattern: detail.severity[1]: Value of > must be numeric"
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	want = "Event pattern is not valid. Reason: Value of > must be numeric"
	if got := e.AWSMessage(); got != want {
		t.Errorf("AWSMessage() = %q, want %q", got, want)
	}
	whole := &eventpattern.Error{Item: -1, Reason: "Filter is not an object"}
	want = "eventpattern: invalid pattern: Filter is not an object"
	if got := whole.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
