package iampolicy

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCatalogSource(t *testing.T) {
	c := DefaultCatalog()
	src, err := os.ReadFile("catalogdata/SOURCE")
	if err != nil {
		t.Fatal(err)
	}
	if want := "version: " + c.Source().Version + "\n"; !strings.Contains(string(src), want) {
		t.Errorf("catalogdata/SOURCE = %q, want it to contain %q", src, want)
	}
	notice, err := os.ReadFile("catalogdata/LICENSE")
	if err != nil || !strings.Contains(string(notice), "MIT License") {
		t.Errorf("catalogdata/LICENSE must carry the MIT notice (err %v)", err)
	}
	if n := len(c.Actions()); n < 10000 {
		t.Errorf("catalog has %d actions, want the full set (over 10000)", n)
	}
}

func TestExpandAction(t *testing.T) {
	c := DefaultCatalog()
	got := c.ExpandAction("s3:*Object")
	for _, want := range []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject",
		"s3:RestoreObject"} {
		if !contains(got, want) {
			t.Errorf("ExpandAction(s3:*Object) lacks %s: %v", want, got)
		}
	}
	for _, a := range got {
		if !strings.HasSuffix(a, "Object") || !strings.HasPrefix(a, "s3:") {
			t.Errorf("ExpandAction(s3:*Object) has %s", a)
		}
	}
	if got := c.ExpandAction("S3:getobject"); !cmp.Equal(got, []string{"s3:GetObject"}) {
		t.Errorf("ExpandAction is case-insensitive: got %v", got)
	}
	if got := c.ExpandAction("s3:NoSuchAction"); len(got) != 0 {
		t.Errorf("unknown action expands to %v, want nothing", got)
	}
	all := c.ExpandAction("*")
	if len(all) != len(c.Actions()) {
		t.Errorf("ExpandAction(*) = %d actions, want all %d", len(all), len(c.Actions()))
	}
	not := c.ExpandNotAction([]string{"iam:*", "s3:*"})
	if len(not) != len(all)-len(c.ExpandAction("iam:*"))-len(c.ExpandAction("s3:*")) {
		t.Errorf("ExpandNotAction size %d does not complement iam:* and s3:*", len(not))
	}
}

func TestResourceTypesOf(t *testing.T) {
	c := DefaultCatalog()
	tests := []struct {
		arn  string
		want []string
	}{
		{"arn:aws:s3:::bucket/key", []string{"object"}},
		{"arn:aws:s3:::bucket", []string{"bucket"}},
		{"arn:aws:iam::111122223333:role/app", []string{"role"}},
		{"arn:aws:kms:us-east-1:111122223333:key/1234", []string{"key"}},
		{"arn:aws:nosuch:::x", nil},
		{"*", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, rt := range c.ResourceTypesOf(tt.arn) {
			got = append(got, rt.Name)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ResourceTypesOf(%s) mismatch (-want +got):\n%s", tt.arn, diff)
		}
	}
	var on []string
	for _, a := range c.ActionsOn("arn:aws:s3:::bucket/key") {
		on = append(on, a.FullName())
	}
	if !contains(on, "s3:GetObject") || contains(on, "s3:ListBucket") {
		t.Errorf("ActionsOn(object) = %v, want object actions only", on)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
