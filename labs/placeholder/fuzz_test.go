package placeholder_test

import (
	"testing"

	"github.com/proctorlabs/proctor/labs/placeholder"
)

// FuzzFill checks that filling never panics, that a string the checker finds no problem
// in fills without error, and that a successful fill leaves no known placeholder behind
// (values hold no braces, so a fill cannot form a new one).
func FuzzFill(f *testing.F) {
	f.Add("bucket-{{.AccountID}}-{{ .Region }}")
	f.Add("{{.Nope}} {{")
	f.Add("{{{{.AccountID}}}}")
	known := map[string]bool{"AccountID": true, "Region": true}
	values := placeholder.Values{"AccountID": "123456789012", "Region": "us-east-1"}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := placeholder.Fill(s, values)
		if len(placeholder.Problems(s, known)) == 0 && err != nil {
			t.Fatalf("Fill(%q) failed though Problems found nothing: %v", s, err)
		}
		if err != nil {
			return
		}
		for _, n := range placeholder.Names(out) {
			if known[n] {
				t.Fatalf("Fill(%q) = %q still holds {{.%s}}", s, out, n)
			}
		}
	})
}
