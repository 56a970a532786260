package eventpattern_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/proctorlabs/proctor/eventpattern"
)

// fuzzSeedPatterns are patterns exercising every operator; the conformance cases are added to
// them when the shared folder is present.
var fuzzSeedPatterns = []string{
	`{"source": ["aws.guardduty"], "detail": {"severity": [{"numeric": [">=", 7]}]}}`,
	`{"a": [{"prefix": "x"}, {"suffix": {"equals-ignore-case": ".PNG"}},
		{"equals-ignore-case": "Q"}]}`,
	`{"a": [{"anything-but": {"wildcard": ["*/lib/*", "x*"]}}, {"anything-but": [1, 2.5]}]}`,
	`{"a": [{"wildcard": "*a*\\*b\\\\*"}, {"exists": false}, {"cidr": "10.0.0.0/8"}, "::1"]}`,
	`{"$or": [{"a.b": [1]}, {"c": {"$or": [{"d": [null]}, {"e": [true, false]}]}}]}`,
	`{"l": {"k": ["a"], "v": [{"numeric": [">", 0, "<", 1e300]}], "g": [{"exists": false}]}}`,
	`{"n": [123456789012345678901, 0.1, -0, 3.018e2]}`,
}

var fuzzSeedEvents = []string{
	`{"source": "aws.guardduty", "detail": {"severity": 7.5}}`,
	`{"a": ["xy", "IMG.png", "q", {"b": 1}], "a.b": 1, "c": {"e": true}}`,
	`{"a": "/usr/lib/x", "n": [1e-1, 301.8, 123456789012345678901]}`,
	`{"l": [{"k": "a", "v": 0.5}, {"k": "b", "g": 1}], "a": "10.1.2.3"}`,
	`{"a": null, "a": "y", "x": "\u00e9\ud83d\ude80", "y": [[[]]], "z": {}}`,
	`{"a": "` + "\xff\xfe" + `"}`,
	`[1, 2]`,
	`{"a": 1`,
}

func conformanceSeeds(f *testing.F) (patterns, events [][]byte) {
	entries, err := os.ReadDir(conformanceDir)
	if err != nil {
		return nil, nil
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json5") {
			continue
		}
		src, err := os.ReadFile(filepath.Join(conformanceDir, e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		doc, err := json5ToJSON(src)
		if err != nil {
			f.Fatal(err)
		}
		var parts struct{ Event, EventPattern json.RawMessage }
		if err := json.Unmarshal(doc, &parts); err != nil {
			f.Fatal(err)
		}
		patterns = append(patterns, parts.EventPattern)
		events = append(events, parts.Event)
	}
	return patterns, events
}

// FuzzCompile checks that Compile never panics, reports every rejection as an *Error, and
// that what it accepts can be matched.
func FuzzCompile(f *testing.F) {
	for _, p := range fuzzSeedPatterns {
		f.Add([]byte(p))
	}
	patterns, _ := conformanceSeeds(f)
	for _, p := range patterns {
		f.Add(p)
	}
	probe := []byte(fuzzSeedEvents[1])
	f.Fuzz(func(t *testing.T, pattern []byte) {
		p, err := eventpattern.Compile(pattern)
		if err != nil {
			var perr *eventpattern.Error
			if !errors.As(err, &perr) {
				t.Fatalf("Compile error %v is not an *Error", err)
			}
			if perr.Reason == "" {
				t.Fatalf("Compile error %v has no reason", err)
			}
			if p != nil {
				t.Fatalf("Compile returned a pattern with an error")
			}
			return
		}
		if !bytes.Equal([]byte(p.String()), pattern) {
			t.Fatalf("String() = %q, want the source %q", p.String(), pattern)
		}
		if !json.Valid(pattern) {
			t.Fatalf("Compile accepted invalid JSON %q", pattern)
		}
		if _, err := p.Match(probe); err != nil {
			t.Fatalf("Match(valid event): %v", err)
		}
	})
}

// FuzzMatch checks Match against encoding/json: Match fails exactly when the event is not a
// well-formed JSON object, and otherwise agrees with MatchValue on the decoded event.
func FuzzMatch(f *testing.F) {
	for i, p := range fuzzSeedPatterns {
		for j, e := range fuzzSeedEvents {
			if (i+j)%2 == 0 {
				f.Add(p, []byte(e))
			}
		}
	}
	patterns, events := conformanceSeeds(f)
	for i := range patterns {
		f.Add(string(patterns[i]), events[i])
	}
	f.Fuzz(func(t *testing.T, pattern string, event []byte) {
		p, err := eventpattern.Compile([]byte(pattern))
		if err != nil {
			return
		}
		got, err := p.Match(event)

		dec := json.NewDecoder(bytes.NewReader(event))
		dec.UseNumber()
		var decoded any
		decodeErr := dec.Decode(&decoded)
		if decodeErr == nil {
			if _, tokErr := dec.Token(); !errors.Is(tokErr, io.EOF) {
				decodeErr = errors.New("trailing data")
			}
		}
		obj, isObject := decoded.(map[string]any)
		wantErr := decodeErr != nil || !isObject || !json.Valid(event)
		if (err != nil) != wantErr {
			t.Fatalf("Match(%q) error = %v, but encoding/json says valid object = %v (%v)",
				event, err, !wantErr, decodeErr)
		}
		if err != nil {
			if got {
				t.Fatalf("Match returned true with an error")
			}
			return
		}
		if want := p.MatchValue(obj); got != want {
			t.Fatalf("Match(%q) = %v, MatchValue(decoded) = %v, pattern %s",
				event, got, want, pattern)
		}
	})
}
