package grading

import (
	"regexp"
	"strings"
	"testing"

	"github.com/proctorlabs/proctor"
)

// sandboxNameOracle is the sandbox name rule written out on its own, to check against.
var sandboxNameOracle = regexp.MustCompile(`^sandboxes/[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)

// FuzzSandboxOf checks that an attempt name either parses into the sandbox it starts with,
// a valid sandbox name followed by "/attempts/" and an id, or is an EInvalid error.
func FuzzSandboxOf(f *testing.F) {
	for _, s := range []string{"sandboxes/sb-1/attempts/at-1", "sandboxes/sb-1",
		"sandboxes/a/attempts/", "sandboxes/A/attempts/b", "", "sandboxes//attempts/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		sb, err := sandboxOf(name)
		if err != nil {
			if code := proctor.ErrorCodeOf(err); code != proctor.EInvalid {
				t.Fatalf("sandboxOf(%q) error code %q, want %q", name, code, proctor.EInvalid)
			}
			return
		}
		if !sandboxNameOracle.MatchString(sb) {
			t.Fatalf("sandboxOf(%q) = %q, not a sandbox name", name, sb)
		}
		id, ok := strings.CutPrefix(name, sb+"/attempts/")
		if !ok || id == "" || strings.Contains(id, "/") {
			t.Fatalf("sandboxOf(%q) = %q, which the name does not start with", name, sb)
		}
	})
}
