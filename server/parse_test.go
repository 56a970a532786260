package server

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor"
)

// nameCases are resource names and whether each kind of name check accepts them.
var nameCases = []struct {
	name                  string
	lab, sandbox, attempt bool
}{
	{"labs/s3-data-protection", true, false, false},
	{"labs/s3", true, false, false},
	{"labs/", false, false, false},
	{"labs/S3", false, false, false},
	{"labs/-s3", false, false, false},
	{"labs/s3-", false, false, false},
	{"labs/s3--x", false, false, false},
	{"labs/s3/x", false, false, false},
	{"labs/" + strings.Repeat("a", 63), true, false, false},
	{"labs/" + strings.Repeat("a", 64), false, false, false},
	{"sandboxes/sb-0123456789abcdef", false, true, false},
	{"sandboxes/0abc", false, false, false},
	{"sandboxes/a", false, true, false},
	{"sandboxes/sb-1/attempts/0a", false, false, false},
	{"sandboxes/" + strings.Repeat("a", 63), false, true, false},
	{"sandboxes/" + strings.Repeat("a", 64), false, false, false},
	{"sandboxes/sb_1", false, false, false},
	{"sandboxes/..", false, false, false},
	{"sandboxes/sb-1/", false, false, false},
	{"sandboxes//attempts/a", false, false, false},
	{"sandboxes/sb-1/attempts/at-0123456789abcdef", false, false, true},
	{"sandboxes/sb-1/attempts/", false, false, false},
	{"sandboxes/sb-1/attempts/at-1/x", false, false, false},
	{"sandboxes/sb-1/checks/at-1", false, false, false},
	{"/sandboxes/sb-1", false, false, false},
	{"", false, false, false},
}

func TestNameChecks(t *testing.T) {
	for _, tt := range nameCases {
		var lv, sv, av violations
		lab := lv.labName("f", tt.name)
		sb := sv.sandboxName("f", tt.name)
		at := av.attemptName("f", tt.name)
		got := []bool{len(lv) == 0, len(sv) == 0, len(av) == 0}
		want := []bool{tt.lab, tt.sandbox, tt.attempt}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q accepted as lab, sandbox, attempt (-want +got):\n%s", tt.name, diff)
		}
		if tt.lab && "labs/"+lab != tt.name {
			t.Errorf("labName(%q) = %q", tt.name, lab)
		}
		if tt.sandbox && sb != tt.name || tt.attempt && at != tt.name {
			t.Errorf("name checks of %q returned %q, %q", tt.name, sb, at)
		}
		for _, v := range [][]proctor.FieldViolation{lv, sv, av} {
			for _, f := range v {
				if f.Field != "f" || f.Description == "" {
					t.Errorf("violation %+v of %q", f, tt.name)
				}
			}
		}
	}
}

func TestRequestIDChecks(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		{"", true},
		{"6f1c2a9e-0d4b-4c8e-9a51-3b7f2e8d1c00", true},
		{"cli:1733220000.42_x", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{"has space", false},
		{"slash/ed", false},
		{"naïve", false},
	}
	for _, tt := range tests {
		var v violations
		got := v.requestID("request_id", tt.id)
		if ok := len(v) == 0; ok != tt.ok {
			t.Errorf("requestID(%q) accepted = %v, want %v", tt.id, ok, tt.ok)
		}
		if tt.ok && got != tt.id {
			t.Errorf("requestID(%q) = %q", tt.id, got)
		}
	}
}

// FuzzNames checks that no input makes the name checks panic, and that every accepted name
// is made of the documented pieces.
// idOracle is the id rule written out on its own, to check the parser against.
var idOracle = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)

func FuzzNames(f *testing.F) {
	for _, tt := range nameCases {
		f.Add(tt.name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		var v violations
		if id := v.labName("name", name); len(v) == 0 {
			if !labIDPattern.MatchString(id) || "labs/"+id != name {
				t.Fatalf("labName accepted %q as %q", name, id)
			}
		}
		v = nil
		if got := v.sandboxName("name", name); len(v) == 0 {
			id, ok := strings.CutPrefix(got, "sandboxes/")
			if !ok || !idOracle.MatchString(id) || strings.Contains(id, "/") {
				t.Fatalf("sandboxName accepted %q", name)
			}
		}
		v = nil
		if got := v.attemptName("name", name); len(v) == 0 {
			parts := strings.Split(got, "/")
			if len(parts) != 4 || parts[0] != "sandboxes" || parts[2] != "attempts" {
				t.Fatalf("attemptName accepted %q", name)
			}
		}
	})
}

// FuzzPageToken checks that no token makes decoding panic, that a token is accepted only
// by the listing it was issued for, and that what it holds survives a round trip.
func FuzzPageToken(f *testing.F) {
	alice := proctor.Caller{Subject: "alice", Role: proctor.RoleLearner}
	f.Add(encodePageToken("attempts", "sandboxes/sb-1", alice, "42"))
	f.Add(encodePageToken("labs", "", alice, "s3-data-protection"))
	f.Add("")
	f.Add("e30")
	f.Add("!!")
	f.Fuzz(func(t *testing.T, token string) {
		var v violations
		pos := v.pageToken("page_token", token, "attempts", "sandboxes/sb-1", alice)
		if len(v) > 0 {
			if pos != "" {
				t.Fatalf("a rejected token yielded position %q", pos)
			}
			return
		}
		if token != "" && pos == "" {
			t.Fatalf("token %q accepted without a position", token)
		}
		if pos == "" {
			return
		}
		again := encodePageToken("attempts", "sandboxes/sb-1", alice, pos)
		var w violations
		if got := w.pageToken("page_token", again, "attempts", "sandboxes/sb-1",
			alice); got != pos || len(w) > 0 {
			t.Fatalf("round trip of %q gave %q, %v", pos, got, w)
		}
		var x violations
		x.pageToken("page_token", token, "attempts", "sandboxes/sb-2", alice)
		if len(x) == 0 {
			t.Fatalf("token %q accepted by another parent", token)
		}
	})
}
