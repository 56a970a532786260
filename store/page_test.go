package store

import (
	"testing"

	"github.com/proctorlabs/proctor"
)

// FuzzDecodeCursor checks that any token either decodes to a cursor of the asked listing
// or is an EInvalid error, and that a decoded cursor encodes back to a token that decodes
// to the same cursor.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(cursor{Version: 1, Kind: "sandboxes", Scope: "alice", Time: 42, Name: "x"}.encode())
	f.Add("")
	f.Add("e30")
	f.Add("%%%")
	f.Fuzz(func(t *testing.T, token string) {
		c, ok, err := decodeCursor(token, "sandboxes", "alice")
		if err != nil {
			if code := proctor.ErrorCodeOf(err); code != proctor.EInvalid {
				t.Fatalf("decodeCursor(%q) error code %q, want %q", token, code, proctor.EInvalid)
			}
			return
		}
		if !ok {
			if token != "" {
				t.Fatalf("decodeCursor(%q) = first page for a non-empty token", token)
			}
			return
		}
		if c.Kind != "sandboxes" || c.Scope != "alice" {
			t.Fatalf("decodeCursor(%q) = %+v, another listing", token, c)
		}
		again, _, err := decodeCursor(c.encode(), "sandboxes", "alice")
		if err != nil || again != c {
			t.Fatalf("re-encoded cursor %+v decodes to %+v, %v", c, again, err)
		}
	})
}
