package suggest

import (
	"fmt"
	"strings"
	"testing"
)

func TestSuggestion(t *testing.T) {
	options := []string{"PutBucketPolicy", "GetBucketPolicy", "DeleteBucketPolicy", "title"}
	tests := []struct{ word, want string }{
		{"PutBucketPolicyy", " (did you mean PutBucketPolicy?)"},
		{"GetBuckedPolicy", " (did you mean GetBucketPolicy?)"},
		{"titel", " (did you mean title?)"},
		{"ListObjects", ""},
		{"PutBucketPolicy", ""}, // an exact match is not a typo
	}
	for _, tt := range tests {
		if got := DidYouMean(tt.word, options); got != tt.want {
			t.Errorf("DidYouMean(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"flaw", "lawn", 2}}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestSuggestionMatchesEveryDistance checks that skipping options by their length never
// changes the answer: it is the option of least edit distance within the limit, the first
// of equals, as computing every distance gives.
func TestSuggestionMatchesEveryDistance(t *testing.T) {
	options := []string{"a", "ab", "abc", "abcd", "PutObject", "GetObject", "x", "DeleteBucket"}
	words := []string{"", "a", "b", "abd", "abcde", "abcdefgh", "PutObjet", "getobject",
		"DeleteBuckets", "PutObjectAcl", "xx", "xyzzy", "DeleteBucketPolicyNow"}
	for _, w := range words {
		limit := len(w)/3 + 1
		want, best := "", limit+1
		for _, o := range options {
			d := Distance(w, o)
			if d == 0 {
				want, best = "", -1
				break
			}
			if d < best {
				want, best = " (did you mean "+o+"?)", d
			}
		}
		if got := DidYouMean(w, options); got != want {
			t.Errorf("DidYouMean(%q) = %q, want %q", w, got, want)
		}
	}
}

// BenchmarkSuggestionHugeWord measures a suggestion for a word of a megabyte, as a lab file
// at the size limit can hold: the options' lengths rule them out without a distance.
func BenchmarkSuggestionHugeWord(b *testing.B) {
	word := strings.Repeat("PutBucketPolicyX", 1<<16)
	options := make([]string, 100) // about as many operations as the S3 client has
	for i := range options {
		options[i] = fmt.Sprintf("PutBucketSetting%04d", i)
	}
	for range b.N {
		DidYouMean(word, options)
	}
}
