package eventpattern_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/proctorlabs/proctor/eventpattern"
)

// conformanceDir is where the shared EventBridge cases live: beside the repository, so
// relative to the repository root's parent.
var conformanceDir = filepath.Join("..", "..", "shared", "conformance", "eventbridge-patterns")

type conformanceCase struct {
	name    string
	event   []byte
	pattern []byte
	want    string // "match", "no match" or "invalid"
}

// loadConformanceCases reads every case file: NAME.json5 files holding Event and
// EventPattern, and NAME.json / NAME_pattern.json pairs.
func loadConformanceCases(t *testing.T) []conformanceCase {
	t.Helper()
	entries, err := os.ReadDir(conformanceDir)
	if err != nil {
		t.Fatalf("the EventBridge conformance cases must be in %s (beside the repository): %v",
			conformanceDir, err)
	}
	files := map[string]bool{}
	for _, e := range entries {
		files[e.Name()] = true
	}
	var cases []conformanceCase
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasSuffix(name, ".json5"):
			base := strings.TrimSuffix(name, ".json5")
			src, err := os.ReadFile(filepath.Join(conformanceDir, name))
			if err != nil {
				t.Fatalf("read %s: %v", name, err)
			}
			doc, err := json5ToJSON(src)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var parts struct {
				Event        json.RawMessage
				EventPattern json.RawMessage
			}
			if err := json.Unmarshal(doc, &parts); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if parts.Event == nil || parts.EventPattern == nil {
				t.Fatalf("%s: needs both Event and EventPattern", name)
			}
			cases = append(cases, conformanceCase{name: base, event: parts.Event,
				pattern: parts.EventPattern, want: verdictOf(base)})
		case strings.HasSuffix(name, "_pattern.json"):
			base := strings.TrimSuffix(name, "_pattern.json")
			if !files[base+".json"] {
				t.Fatalf("%s has no event file %s.json beside it", name, base)
			}
			pattern, err := os.ReadFile(filepath.Join(conformanceDir, name))
			if err != nil {
				t.Fatalf("read %s: %v", name, err)
			}
			event, err := os.ReadFile(filepath.Join(conformanceDir, base+".json"))
			if err != nil {
				t.Fatalf("read %s.json: %v", base, err)
			}
			cases = append(cases, conformanceCase{name: base, event: event, pattern: pattern,
				want: verdictOf(base)})
		}
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].name < cases[j].name })
	if len(cases) == 0 {
		t.Fatalf("no conformance cases found in %s", conformanceDir)
	}
	return cases
}

func verdictOf(name string) string {
	switch {
	case strings.HasSuffix(name, "_EXC"):
		return "invalid"
	case strings.HasSuffix(name, "_NEG"):
		return "no match"
	default:
		return "match"
	}
}

func TestConformance(t *testing.T) {
	cases := loadConformanceCases(t)
	passed := 0
	for _, c := range cases {
		ok := t.Run(c.name, func(t *testing.T) {
			matched, err := eventpattern.Test(c.pattern, c.event)
			var got string
			var perr *eventpattern.Error
			switch {
			case errors.As(err, &perr):
				got = "invalid"
			case err != nil:
				t.Fatalf("Test: unexpected error %v", err)
			case matched:
				got = "match"
			default:
				got = "no match"
			}
			if got != c.want {
				t.Errorf("verdict = %s (err %v), want %s\npattern: %s",
					got, err, c.want, c.pattern)
			}
		})
		if ok {
			passed++
		}
	}
	t.Logf("EventBridge conformance: %d/%d cases passed", passed, len(cases))
}
