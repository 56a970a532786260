package labs

import "testing"

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
		if got := suggestion(tt.word, options); got != tt.want {
			t.Errorf("suggestion(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"flaw", "lawn", 2}}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
