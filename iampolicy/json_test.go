package iampolicy

import (
	"encoding/json"
	"testing"
)

// idOf parses a policy whose Id is the given JSON text and returns the decoded Id.
func idOf(t *testing.T, literal string) (string, error) {
	t.Helper()
	p, err := Parse([]byte(`{"Id": ` + literal +
		`, "Statement": {"Effect": "Allow", "Action": "*"}}`))
	if err != nil {
		return "", err
	}
	return p.ID, nil
}

func TestJSONStrings(t *testing.T) {
	for _, lit := range []string{
		`"plain"`, `"a\"b\\c\/d"`, `"\b\f\n\r\t"`, `"\u00e9\u4e2d"`, `"\ud83d\ude00"`,
		`"\ud83d"`, `"é 中 😀"`, `""`,
	} {
		var want string
		if err := json.Unmarshal([]byte(lit), &want); err != nil {
			t.Fatalf("encoding/json rejects %s: %v", lit, err)
		}
		got, err := idOf(t, lit)
		if err != nil {
			t.Errorf("Parse rejects %s: %v", lit, err)
			continue
		}
		if got != want {
			t.Errorf("string %s decoded as %q, encoding/json says %q", lit, got, want)
		}
	}
	for _, bad := range []string{`"\x"`, `"\u12"`, "\"a\x01\"", `"unterminated`, "\"\xff\""} {
		if _, err := idOf(t, bad); err == nil {
			t.Errorf("Parse accepts the invalid string %q", bad)
		}
	}
}

// FuzzJSONStrings checks the policy reader's string decoding against encoding/json on
// every string both accept.
func FuzzJSONStrings(f *testing.F) {
	for _, s := range []string{`"a"`, `"\u00e9"`, `"\ud83d\ude00"`, `"\n"`, `"\ud800x"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, lit string) {
		var want string
		if json.Unmarshal([]byte(lit), &want) != nil {
			return
		}
		r := &jsonReader{src: []byte(lit)}
		n, err := r.value("")
		if err != nil || n.kind != kindString || r.pos != len(lit) {
			return // the policy reader may be stricter, never looser (FuzzParse checks errors)
		}
		if n.str != want {
			t.Errorf("decoded %q, encoding/json says %q", n.str, want)
		}
	})
}
