package iampolicy

import "testing"

func TestReplaceVars(t *testing.T) {
	tmpl := "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
	upper := func(name string) string { return "<" + name + ">" }
	tests := []struct {
		tmpl string
		repl func(string) string
		want string
	}{
		{tmpl, upper, "arn:<Partition>:s3:::<BucketName>/<ObjectName>"},
		{tmpl, func(string) string { return "" }, "arn::s3:::/"},
		{"arn:aws:iam::${Account:root", upper, "arn:aws:iam::${Account:root"},
		{"no variables", upper, "no variables"},
	}
	for _, tt := range tests {
		if got := replaceVars(tt.tmpl, tt.repl); got != tt.want {
			t.Errorf("replaceVars(%q) = %q, want %q", tt.tmpl, got, tt.want)
		}
	}
	if got, want := fillTemplate(tmpl, "111122223333"),
		"arn:aws:s3:::proctor-probe/proctor-probe"; got != want {
		t.Errorf("fillTemplate = %q, want %q", got, want)
	}
	if g, l := templateGlob(tmpl); g != "arn:*:s3:::*/*" || l != "arn::s3:::/" {
		t.Errorf("templateGlob = %q, %q", g, l)
	}
}
