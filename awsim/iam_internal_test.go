package awsim

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzEncodePolicy checks that IAM's URL encoding of a policy document decodes to the same
// text both with Go's query unescaping (the SDK) and with plain percent-decoding (botocore's
// unquote, which leaves "+" alone).
func FuzzEncodePolicy(f *testing.F) {
	for _, s := range []string{`{"Version": "2012-10-17"}`, "a+b c", "%41", "\t\n", "ü€"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		enc := encodePolicy(doc)
		if strings.ContainsAny(enc, " +{}\"") {
			t.Fatalf("encodePolicy(%q) = %q leaves characters unescaped", doc, enc)
		}
		q, err := url.QueryUnescape(enc)
		if err != nil || q != doc {
			t.Fatalf("QueryUnescape(%q) = %q, %v; want %q", enc, q, err, doc)
		}
		p, err := url.PathUnescape(enc)
		if err != nil || p != doc {
			t.Fatalf("PathUnescape(%q) = %q, %v; want %q", enc, p, err, doc)
		}
	})
}
