package iampolicy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGlobsOverlap(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"abc", "abc", true},
		{"abc", "abd", false},
		{"a*", "*c", true},
		{"a*b", "c*", false},
		{"a?c", "abc", true},
		{"a?c", "ab", false},
		{"*", "", true},
		{"a*", "", false},
		{"app-data*", "*/*", true},
		{"app-data/*", "*", true},
		{"x*y*z", "*q*", true},
		{"ab*", "a*c", true},
		{"\x01", "a/b", false},
		{"\x01", "a*", true},
		{"\x01/\x01", "app/*", true},
	}
	for _, tt := range tests {
		if got := globsOverlap(tt.a, tt.b); got != tt.want {
			t.Errorf("globsOverlap(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := globsOverlap(tt.b, tt.a); got != tt.want {
			t.Errorf("globsOverlap(%q, %q) = %v, want %v (swapped)", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestExpandResource(t *testing.T) {
	c := DefaultCatalog()
	names := func(pattern, service string) []string {
		var out []string
		for _, rt := range c.ExpandResource(pattern) {
			if rt.Service().Prefix == service {
				out = append(out, rt.Name)
			}
		}
		return out
	}
	if diff := cmp.Diff([]string{"object"}, names("arn:aws:s3:::app-data/*", "s3")); diff != "" {
		t.Errorf("objects of one bucket (-want +got):\n%s", diff)
	}
	// IAM-4: a bucket-name prefix reaches the buckets and the objects of every bucket
	// whose name starts with it.
	got := names("arn:aws:s3:::app-data*", "s3")
	if !contains(got, "bucket") || !contains(got, "object") {
		t.Errorf("arn:aws:s3:::app-data* reaches %v, want bucket and object", got)
	}
	if got := names("arn:aws:iam::111122223333:role/*", "iam"); !cmp.Equal(got,
		[]string{"role"}) {
		t.Errorf("roles pattern reaches %v, want [role]", got)
	}
	if n, all := len(c.ExpandResource("*")), countTypes(c); n != all {
		t.Errorf("* reaches %d resource types, want all %d", n, all)
	}
}

func countTypes(c *Catalog) int {
	n := 0
	for _, p := range c.Services() {
		s, _ := c.Service(p)
		n += len(s.ResourceTypes)
	}
	return n
}
