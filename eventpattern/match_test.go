package eventpattern_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/proctorlabs/proctor/eventpattern"
)

type matchCase struct {
	name    string
	pattern string
	event   string
	want    bool
}

var matchCases = []matchCase{
	// Exact values.
	{"string equal", `{"a": ["x"]}`, `{"a": "x"}`, true},
	{"string case differs", `{"a": ["x"]}`, `{"a": "X"}`, false},
	{"string vs number", `{"a": ["300"]}`, `{"a": 300}`, false},
	{"number vs string", `{"a": [300]}`, `{"a": "300"}`, false},
	{"number spellings", `{"a": [300]}`, `{"a": 3.0e2}`, true},
	{"number fraction", `{"a": [0.1]}`, `{"a": 1e-1}`, true},
	{"number differs", `{"a": [300]}`, `{"a": 300.5}`, false},
	{"negative zero is zero", `{"a": [0]}`, `{"a": -0.0}`, true},
	{"big integer literal", `{"a": [123456789012345678901]}`,
		`{"a": 123456789012345678901}`, true},
	{"big integer other spelling", `{"a": [123456789012345678901]}`,
		`{"a": 1.23456789012345678901e20}`, false},
	{"true", `{"a": [true]}`, `{"a": true}`, true},
	{"true vs string", `{"a": [true]}`, `{"a": "true"}`, false},
	{"null", `{"a": [null]}`, `{"a": null}`, true},
	{"null vs missing", `{"a": [null]}`, `{}`, false},
	{"empty string", `{"a": [""]}`, `{"a": ""}`, true},
	{"ip spellings", `{"ip": ["2001:db8::1"]}`, `{"ip": "2001:0db8:0:0:0:0:0:1"}`, true},
	{"ip mapped", `{"ip": ["10.0.0.1"]}`, `{"ip": "::ffff:a00:1"}`, true},
	{"ip differs", `{"ip": ["10.0.0.1"]}`, `{"ip": "10.0.0.2"}`, false},
	{"unicode", `{"a": ["🚀 \u00e9"]}`, `{"a": "\ud83d\ude80 é"}`, true},
	{"escaped member name", `{"a b": ["x"]}`, `{"a\u0020b": "x"}`, true},

	// Arrays on either side and nesting.
	{"event array any element", `{"r": ["b"]}`, `{"r": ["a", "b"]}`, true},
	{"event array none", `{"r": ["c"]}`, `{"r": ["a", "b"]}`, false},
	{"nested event array", `{"r": ["c"]}`, `{"r": [["a"], ["b", ["c"]]]}`, true},
	{"pattern values any", `{"r": ["c", "b"]}`, `{"r": "b"}`, true},
	{"all fields must match", `{"a": ["x"], "b": ["y"]}`, `{"a": "x", "b": "z"}`, false},
	{"nested objects", `{"d": {"e": {"f": [1]}}}`, `{"d": {"e": {"f": 1, "g": 2}}}`, true},
	{"object where leaf expected", `{"d": [1]}`, `{"d": {"e": 1}}`, false},
	{"leaf where object expected", `{"d": {"e": [1]}}`, `{"d": 1}`, false},
	{"dotted event name", `{"d": {"e": ["x"]}}`, `{"d.e": "x"}`, true},
	{"dotted pattern name", `{"d.e": ["x"]}`, `{"d": {"e": "x"}}`, true},
	{"dotted both", `{"a.b": {"c": ["x"]}}`, `{"a": {"b.c": "x"}}`, true},
	{"duplicate event member last wins", `{"a": ["x"]}`, `{"a": "x", "a": "y"}`, false},
	{"duplicate event member last wins 2", `{"a": ["y"]}`, `{"a": "x", "a": "y"}`, true},
	{"duplicate pattern member last wins", `{"a": ["x"], "a": ["y"]}`, `{"a": "y"}`, true},
	{"dotted and nested objects merge", `{"a": {"b": [1], "c": [3]}}`, `{"a.b": 1, "a": {"c": 3}}`,
		true},
	{"dotted and nested values pooled", `{"a": {"b": [2]}}`, `{"a.b": 1, "a": {"b": 2}}`, true},

	// Array consistency.
	{"same element", `{"l": {"k": ["a"], "v": [1]}}`,
		`{"l": [{"k": "a", "v": 2}, {"k": "a", "v": 1}]}`, true},
	{"different elements", `{"l": {"k": ["a"], "v": [1]}}`,
		`{"l": [{"k": "a", "v": 2}, {"k": "b", "v": 1}]}`, false},
	{"sibling arrays independent", `{"x": {"k": ["a"]}, "y": {"k": ["b"]}}`,
		`{"x": [{"k": "z"}, {"k": "a"}], "y": [{"k": "b"}]}`, true},
	{"absent in chosen element", `{"l": {"k": ["a"], "gone": [{"exists": false}]}}`,
		`{"l": [{"k": "b"}, {"k": "a"}, {"gone": 1}]}`, true},
	{"present in chosen element", `{"l": {"k": ["a"], "gone": [{"exists": false}]}}`,
		`{"l": [{"k": "a", "gone": 1}]}`, false},
	{"absent everywhere when unconstrained", `{"l": {"gone": [{"exists": false}]}}`,
		`{"l": [{"k": "b"}, {"gone": 1}]}`, false},
	{"absent from all elements", `{"l": {"gone": [{"exists": false}]}}`,
		`{"l": [{"k": "b"}, {"k": "c"}]}`, true},

	// Prefix, suffix and case.
	{"prefix", `{"t": [{"prefix": "2017-10-02"}]}`, `{"t": "2017-10-02T18:43:48Z"}`, true},
	{"prefix miss", `{"t": [{"prefix": "2017-10-03"}]}`, `{"t": "2017-10-02T18:43:48Z"}`, false},
	{"prefix not on numbers", `{"t": [{"prefix": "1"}]}`, `{"t": 123}`, false},
	{"empty prefix any string", `{"t": [{"prefix": ""}]}`, `{"t": ""}`, true},
	{"empty prefix not null", `{"t": [{"prefix": ""}]}`, `{"t": null}`, false},
	{"prefix ignore case", `{"s": [{"prefix": {"equals-ignore-case": "ec2"}}]}`,
		`{"s": "EC2 Instance"}`, true},
	{"suffix", `{"f": [{"suffix": ".png"}]}`, `{"f": "a.png"}`, true},
	{"suffix case", `{"f": [{"suffix": ".png"}]}`, `{"f": "a.PNG"}`, false},
	{"suffix ignore case", `{"f": [{"suffix": {"equals-ignore-case": ".png"}}]}`,
		`{"f": "a.PnG"}`, true},
	{"suffix longer than value", `{"f": [{"suffix": "long.png"}]}`, `{"f": "png"}`, false},
	{"equals ignore case", `{"n": [{"equals-ignore-case": "alice"}]}`, `{"n": "ALICE"}`, true},
	{"equals ignore case length", `{"n": [{"equals-ignore-case": "alice"}]}`,
		`{"n": "ALICES"}`, false},
	{"equals ignore case accents", `{"n": [{"equals-ignore-case": "élan"}]}`,
		`{"n": "ÉLAN"}`, true},
	{"exactly", `{"n": [{"exactly": "10.0.0.1"}]}`, `{"n": "10.0.0.1"}`, true},

	// Wildcards.
	{"wildcard middle", `{"f": [{"wildcard": "dir/*.png"}]}`, `{"f": "dir/a/b.png"}`, true},
	{"wildcard many", `{"f": [{"wildcard": "*a*b*c*"}]}`, `{"f": "xxaxxbxxcxx"}`, true},
	{"wildcard order", `{"f": [{"wildcard": "*a*b*"}]}`, `{"f": "bxa"}`, false},
	{"wildcard overlap", `{"f": [{"wildcard": "ab*ba"}]}`, `{"f": "aba"}`, false},
	{"wildcard empty star", `{"f": [{"wildcard": "ab*ba"}]}`, `{"f": "abba"}`, true},
	{"wildcard escaped star", `{"f": [{"wildcard": "a\\*b"}]}`, `{"f": "a*b"}`, true},
	{"wildcard escaped star literal", `{"f": [{"wildcard": "a\\*b"}]}`, `{"f": "axb"}`, false},
	{"wildcard escaped backslash", `{"f": [{"wildcard": "a\\\\*"}]}`, `{"f": "a\\xyz"}`, true},
	{"wildcard no star", `{"f": [{"wildcard": "abc"}]}`, `{"f": "abc"}`, true},
	{"wildcard number", `{"f": [{"wildcard": "1*"}]}`, `{"f": 12}`, false},

	// Anything-but.
	{"anything-but string", `{"s": [{"anything-but": "init"}]}`, `{"s": "run"}`, true},
	{"anything-but excluded", `{"s": [{"anything-but": "init"}]}`, `{"s": "init"}`, false},
	{"anything-but null passes", `{"s": [{"anything-but": "init"}]}`, `{"s": null}`, true},
	{"anything-but missing fails", `{"s": [{"anything-but": "init"}]}`, `{}`, false},
	{"anything-but number", `{"n": [{"anything-but": [100, 200]}]}`, `{"n": 1e2}`, false},
	{"anything-but number passes string", `{"n": [{"anything-but": [100, 200]}]}`,
		`{"n": "100"}`, true},
	{"anything-but string passes number", `{"n": [{"anything-but": ["100"]}]}`,
		`{"n": 100}`, true},
	{"anything-but array event", `{"n": [{"anything-but": ["a"]}]}`, `{"n": ["a", "b"]}`, true},
	{"anything-but array event all excluded", `{"n": [{"anything-but": ["a", "b"]}]}`,
		`{"n": ["a", "b"]}`, false},
	{"anything-but prefix", `{"r": [{"anything-but": {"prefix": "us-"}}]}`,
		`{"r": "eu-west-1"}`, true},
	{"anything-but prefix excluded", `{"r": [{"anything-but": {"prefix": ["eu-", "us-"]}}]}`,
		`{"r": "eu-west-1"}`, false},
	{"anything-but suffix", `{"f": [{"anything-but": {"suffix": ".png"}}]}`,
		`{"f": "a.png"}`, false},
	{"anything-but ignore case", `{"s": [{"anything-but": {"equals-ignore-case": ["Stopped"]}}]}`,
		`{"s": "STOPPED"}`, false},
	{"anything-but wildcard", `{"f": [{"anything-but": {"wildcard": "*/lib/*"}}]}`,
		`{"f": "/usr/bin/x"}`, true},
	{"anything-but wildcard excluded", `{"f": [{"anything-but": {"wildcard": "*/lib/*"}}]}`,
		`{"f": "/usr/lib/x"}`, false},
	{"anything-but empty set", `{"f": [{"anything-but": {"wildcard": []}}]}`, `{"f": "x"}`, true},

	// Numeric.
	{"numeric range in", `{"c": [{"numeric": [">", 0, "<=", 5]}]}`, `{"c": 5}`, true},
	{"numeric range open", `{"c": [{"numeric": [">", 0, "<=", 5]}]}`, `{"c": 0}`, false},
	{"numeric ge", `{"s": [{"numeric": [">=", 7]}]}`, `{"s": 7.0}`, true},
	{"numeric lt", `{"s": [{"numeric": ["<", 7]}]}`, `{"s": 6.9}`, true},
	{"numeric lt fails", `{"s": [{"numeric": ["<", 7]}]}`, `{"s": 7}`, false},
	{"numeric le", `{"s": [{"numeric": ["<=", 7]}]}`, `{"s": 7}`, true},
	{"numeric eq", `{"x": [{"numeric": ["=", 3.018e2]}]}`, `{"x": 301.8}`, true},
	{"numeric not string", `{"x": [{"numeric": [">", 0]}]}`, `{"x": "5"}`, false},
	{"numeric negative", `{"x": [{"numeric": ["<", 0]}]}`, `{"x": -1e-300}`, true},
	{"numeric huge", `{"x": [{"numeric": [">", 1e300]}]}`, `{"x": 1.5e300}`, true},
	{"numeric uncomparable event", `{"x": [{"numeric": [">", 0]}]}`,
		`{"x": 123456789012345678901}`, false},
	{"numeric array event", `{"x": [{"numeric": [">", 5]}]}`, `{"x": [1, 2, 9]}`, true},

	// Exists.
	{"exists", `{"a": [{"exists": true}]}`, `{"a": null}`, true},
	{"exists missing", `{"a": [{"exists": true}]}`, `{"b": 1}`, false},
	{"exists empty array", `{"a": [{"exists": true}]}`, `{"a": []}`, false},
	{"exists object", `{"a": [{"exists": true}]}`, `{"a": {"b": 1}}`, false},
	{"not exists", `{"a": [{"exists": false}]}`, `{"b": 1}`, true},
	{"not exists object", `{"a": [{"exists": false}]}`, `{"a": {"b": 1}}`, true},
	{"not exists present", `{"a": [{"exists": false}]}`, `{"a": 0}`, false},
	{"exists or value", `{"a": [{"exists": false}, "x"]}`, `{"a": "x"}`, true},
	{"deep not exists", `{"a": {"b": {"c": [{"exists": false}]}}}`, `{"a": "flat"}`, true},

	// CIDR.
	{"cidr in", `{"ip": [{"cidr": "10.0.0.0/24"}]}`, `{"ip": "10.0.0.255"}`, true},
	{"cidr out", `{"ip": [{"cidr": "10.0.0.0/24"}]}`, `{"ip": "10.0.1.0"}`, false},
	{"cidr not ip", `{"ip": [{"cidr": "10.0.0.0/24"}]}`, `{"ip": "10.0.0.256"}`, false},
	{"cidr v6", `{"ip": [{"cidr": "2001:db8::/32"}]}`, `{"ip": "2001:db8:ffff::1"}`, true},
	{"cidr v6 vs v4", `{"ip": [{"cidr": "::/0"}]}`, `{"ip": "10.0.0.1"}`, false},
	{"cidr zero", `{"ip": [{"cidr": "0.0.0.0/0"}]}`, `{"ip": "255.255.255.255"}`, true},
	{"cidr zone is not ip", `{"ip": [{"cidr": "fe80::/10"}]}`, `{"ip": "fe80::1%eth0"}`, false},

	// $or.
	{"or first", `{"$or": [{"a": [1]}, {"b": [2]}]}`, `{"a": 1}`, true},
	{"or second", `{"$or": [{"a": [1]}, {"b": [2]}]}`, `{"b": 2}`, true},
	{"or neither", `{"$or": [{"a": [1]}, {"b": [2]}]}`, `{"a": 2, "b": 1}`, false},
	{"or with and", `{"s": ["x"], "$or": [{"a": [1]}, {"b": [2]}]}`, `{"s": "y", "a": 1}`, false},
	{"or nested path", `{"d": {"$or": [{"c": [1]}, {"e": [2]}]}}`, `{"d": {"e": 2}}`, true},
	{"or nested or", `{"$or": [{"a": [1]}, {"$or": [{"b": [2]}, {"c": [3]}]}]}`, `{"c": 3}`, true},
	{"or overrides field", `{"a": [1], "$or": [{"a": [2]}, {"b": [3]}]}`, `{"a": 2}`, true},
	{"or in array", `{"l": {"$or": [{"k": ["a"]}, {"v": [1]}]}}`,
		`{"l": [{"k": "b"}, {"v": 1}]}`, true},
	{"or as field name", `{"x": {"$or": [{"a": [1]}, {"b": [2]}]}}`, `{"x": {"$or": 1}}`, false},
	{"legacy or object", `{"s": ["c"], "$or": {"m": ["M"]}}`, `{"s": "c", "$or": {"m": "M"}}`,
		true},
	{"legacy or object miss", `{"s": ["c"], "$or": {"m": ["M"]}}`, `{"s": "c", "m": "M"}`, false},
	{"legacy or values",
		`{"d": {"$or": [{"numeric": [">", 0, "<=", 5]}, {"cidr": "10.0.0.0/8"}]}}`,
		`{"d": {"$or": "10.1.2.3"}}`, true},
	{"legacy or values number", `{"d": {"$or": [{"numeric": [">", 0]}, {"cidr": "10.0.0.0/8"}]}}`,
		`{"d": {"$or": 9}}`, true},
	{"legacy anything-but prefix", `{"$or": {"r": [{"anything-but": {"prefix": "us-"}}]}}`,
		`{"$or": {"r": "us-east-1"}}`, false},
}

func TestMatch(t *testing.T) {
	for _, tt := range matchCases {
		t.Run(tt.name, func(t *testing.T) {
			p, err := eventpattern.Compile([]byte(tt.pattern))
			if err != nil {
				t.Fatalf("Compile(%s): %v", tt.pattern, err)
			}
			got, err := p.Match([]byte(tt.event))
			if err != nil {
				t.Fatalf("Match(%s): %v", tt.event, err)
			}
			if got != tt.want {
				t.Errorf("Match(%s, %s) = %v, want %v", tt.pattern, tt.event, got, tt.want)
			}
		})
	}
}

// TestMatchValue checks that matching a decoded event gives the same verdict as matching its
// JSON, decoded both with and without UseNumber.
func TestMatchValue(t *testing.T) {
	for _, tt := range matchCases {
		t.Run(tt.name, func(t *testing.T) {
			p, err := eventpattern.Compile([]byte(tt.pattern))
			if err != nil {
				t.Fatalf("Compile(%s): %v", tt.pattern, err)
			}
			dec := json.NewDecoder(strings.NewReader(tt.event))
			dec.UseNumber()
			var withNumbers any
			if err := dec.Decode(&withNumbers); err != nil {
				t.Fatal(err)
			}
			if got := p.MatchValue(withNumbers); got != tt.want {
				t.Errorf("MatchValue(UseNumber %s) = %v, want %v", tt.event, got, tt.want)
			}
			if strings.Contains(tt.name, "literal") || strings.Contains(tt.name, "big integer") ||
				strings.Contains(tt.name, "uncomparable") {
				return // float64 decoding loses the literal these cases are about
			}
			var withFloats any
			if err := json.Unmarshal([]byte(tt.event), &withFloats); err != nil {
				t.Fatal(err)
			}
			if got := p.MatchValue(withFloats); got != tt.want {
				t.Errorf("MatchValue(float64 %s) = %v, want %v", tt.event, got, tt.want)
			}
		})
	}
}

func TestMatchValueGoTypes(t *testing.T) {
	p, err := eventpattern.Compile([]byte(
		`{"n": [{"numeric": [">", 3]}], "tags": ["b"], "m": {"k": ["v"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	event := map[string]any{
		"n": int64(4), "tags": []string{"a", "b"}, "m": map[string]string{"k": "v"},
	}
	if !p.MatchValue(event) {
		t.Errorf("MatchValue(%v) = false, want true", event)
	}
	event["n"] = uint8(3)
	if p.MatchValue(event) {
		t.Errorf("MatchValue(%v) = true, want false", event)
	}
	if p.MatchValue([]any{event}) {
		t.Errorf("MatchValue(array) = true, want false")
	}
	type custom struct{ N int }
	odd := map[string]any{"n": custom{N: 5}, "tags": "b", "m": map[string]any{"k": "v"}}
	if p.MatchValue(odd) {
		t.Errorf("MatchValue(unsupported type) = true, want false")
	}
}

func TestMatchMalformedEvent(t *testing.T) {
	p, err := eventpattern.Compile([]byte(`{"a": [{"exists": false}]}`))
	if err != nil {
		t.Fatal(err)
	}
	bad := []string{
		``, `{`, `{"a": }`, `{"a": 1,}`, `{"a" 1}`, `{"a": tru}`, `{"a": 01}`, `{"a": 1.}`,
		`{"a": "\x"}`, `{"a": "` + "\x01" + `"}`, `{"a": [1 2]}`, `{} {}`, `{"a": -}`,
		`{"a": 1e}`, `{"a": "\u12"}`, `[1]`, `"x"`, `7`, `null`,
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	}
	for _, ev := range bad {
		got, err := p.Match([]byte(ev))
		if err == nil {
			t.Errorf("Match(%.40q) = %v, want an error", ev, got)
		}
	}
	good := []string{`{}`, ` {"b": [1, {"c": [true, false, null]}], "d": -0.5e+10} `}
	for _, ev := range good {
		got, err := p.Match([]byte(ev))
		if err != nil || !got {
			t.Errorf("Match(%q) = %v, %v; want true, nil", ev, got, err)
		}
	}
}

func TestTest(t *testing.T) {
	envelope := `"id": "1", "account": "123456789012", "source": "aws.guardduty",
		"time": "2026-12-03T10:00:00Z", "region": "us-east-1", "detail-type": "GuardDuty Finding"`
	pattern := `{"source": ["aws.guardduty"], "detail": {"severity": [{"numeric": [">=", 7]}]}}`

	high := []byte(`{` + envelope + `, "detail": {"severity": 7.5}}`)
	got, err := eventpattern.Test([]byte(pattern), high)
	if err != nil || !got {
		t.Errorf("Test(severity 7.5) = %v, %v; want true, nil", got, err)
	}
	low := []byte(`{` + envelope + `, "detail": {"severity": 4.0}}`)
	got, err = eventpattern.Test([]byte(pattern), low)
	if err != nil || got {
		t.Errorf("Test(severity 4.0) = %v, %v; want false, nil", got, err)
	}

	_, err = eventpattern.Test([]byte(`{"detail": {"severity": 7}}`), []byte(`{`+envelope+`}`))
	var perr *eventpattern.Error
	if !errors.As(err, &perr) || errors.Is(err, eventpattern.ErrInvalidEvent) {
		t.Errorf("Test(bad pattern) error = %v, want an *Error", err)
	}

	for _, ev := range []string{`{"source": "x"}`, `not json`, `[]`, `null`} {
		_, err := eventpattern.Test([]byte(pattern), []byte(ev))
		if !errors.Is(err, eventpattern.ErrInvalidEvent) || errors.As(err, &perr) {
			t.Errorf("Test(event %s) error = %v, want ErrInvalidEvent", ev, err)
		}
	}
}

// TestConcurrentMatch shares one Pattern between goroutines; run it with -race.
func TestConcurrentMatch(t *testing.T) {
	p, err := eventpattern.Compile([]byte(guardDutyPattern))
	if err != nil {
		t.Fatal(err)
	}
	high, low := guardDutyEvent(8.5, 1), guardDutyEvent(2, 2)
	done := make(chan error)
	for g := 0; g < 4; g++ {
		go func() {
			for i := 0; i < 50; i++ {
				ev, want := high, true
				if i%2 == 1 {
					ev, want = low, false
				}
				got, err := p.Match(ev)
				if err != nil || got != want {
					done <- fmt.Errorf("Match = %v, %v; want %v", got, err, want)
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func TestZeroPattern(t *testing.T) {
	var p eventpattern.Pattern
	if got, err := p.Match([]byte(`{}`)); err == nil || got {
		t.Errorf("zero Pattern Match = %v, %v; want false and an error", got, err)
	}
	if p.MatchValue(map[string]any{}) {
		t.Errorf("zero Pattern MatchValue = true, want false")
	}
}

func TestMustCompile(t *testing.T) {
	p := eventpattern.MustCompile(`{"source": ["aws.kms"]}`)
	if got, _ := p.Match([]byte(`{"source": "aws.kms"}`)); !got {
		t.Errorf("MustCompile pattern did not match")
	}
	defer func() {
		if recover() == nil {
			t.Errorf("MustCompile of an invalid pattern did not panic")
		}
	}()
	eventpattern.MustCompile(`{"source": "aws.kms"}`)
}
