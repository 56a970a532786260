package iampolicy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const bucketName = "app-data"

// requiredRW is the application's required permission set of graders.md IAM-1..IAM-4.
var requiredRW = []Grant{
	{"s3:GetObject", "arn:aws:s3:::app-data/*"},
	{"s3:PutObject", "arn:aws:s3:::app-data/*"},
}

var graderPolicies = map[string]string{
	"IAM-1": `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
	  "NotAction": "iam:NoSuchActionAnywhere", "Resource": "*"}]}`,
	"IAM-2": `{"Version": "2012-10-17", "Statement": [
	  {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject",
	   "Resource": "arn:aws:s3:::app-data/*"},
	  {"Sid": "Write", "Effect": "Allow", "Action": "s3:PutObject",
	   "Resource": "arn:aws:s3:::app-data/*"}]}`,
	"IAM-3": `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
	  "Action": "s3:*Object", "Resource": "arn:aws:s3:::app-data/*"}]}`,
	"IAM-4": `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
	  "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::app-data*"}]}`,
	"narrower": `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
	  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::app-data/*"}]}`,
	"different": `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
	  "Action": ["s3:GetObject", "s3:DeleteObject"], "Resource": "arn:aws:s3:::app-data/*"}]}`,
	"denied write": `{"Version": "2012-10-17", "Statement": [
	  {"Effect": "Allow", "Action": "s3:*Object", "Resource": "arn:aws:s3:::app-data/*"},
	  {"Effect": "Deny", "NotAction": ["s3:GetObject", "s3:PutObject"], "Resource": "*"}]}`,
}

func compareGrader(t *testing.T, name string) CompareResult {
	t.Helper()
	in := Input{Identity: []*Policy{MustParse(graderPolicies[name])}, ResourceAccount: acct}
	return DefaultCatalog().Compare(in, Request{Principal: rolePrincipal}, requiredRW)
}

func TestCompareGraderCases(t *testing.T) {
	tests := []struct {
		name        string
		want        Comparison
		extra       []string // actions that must be extra
		notExtra    []string // actions that must not be extra
		wantMissing []string
	}{
		{"IAM-1", Broader, []string{"iam:CreateUser", "s3:DeleteBucket", "ec2:RunInstances",
			"iam:PassRole", "s3:GetObject"}, nil, nil},
		{"IAM-2", Equal, nil, nil, nil},
		{"IAM-3", Broader, []string{"s3:DeleteObject", "s3:RestoreObject"},
			[]string{"s3:GetObject", "s3:PutObject", "s3:ListBucket"}, nil},
		{"IAM-4", Broader, []string{"s3:GetObject", "s3:PutObject"}, []string{"s3:DeleteObject"},
			nil},
		{"narrower", Narrower, nil, nil, []string{"s3:PutObject"}},
		{"different", Different, []string{"s3:DeleteObject"}, nil, []string{"s3:PutObject"}},
		{"denied write", Equal, nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := compareGrader(t, tt.name)
			if got.Comparison != tt.want {
				t.Fatalf("Compare() = %v (extra %v, missing %v), want %v", got.Comparison,
					first(got.ExtraActions, 10), got.MissingActions, tt.want)
			}
			for _, a := range tt.extra {
				if !contains(got.ExtraActions, a) {
					t.Errorf("ExtraActions lacks %s: %v", a, first(got.ExtraActions, 20))
				}
			}
			for _, a := range tt.notExtra {
				if contains(got.ExtraActions, a) {
					t.Errorf("ExtraActions has %s", a)
				}
			}
			if diff := cmp.Diff(tt.wantMissing, got.MissingActions); diff != "" {
				t.Errorf("MissingActions mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCompareIAM4NamesTheOtherBucket(t *testing.T) {
	got := compareGrader(t, "IAM-4")
	for _, p := range got.Extra {
		if !strings.HasPrefix(p.Resource, "arn:aws:s3:::app-data") ||
			strings.HasPrefix(p.Resource, "arn:aws:s3:::app-data/") {
			t.Errorf("extra probe %s on %s should be in another bucket named app-data...",
				p.Action, p.Resource)
		}
		if len(p.Result.Deciding) != 1 || p.Result.Deciding[0].Policy != "identity[0]" {
			t.Errorf("extra probe %v should name identity[0]'s statement", p)
		}
	}
}

func TestCompareIAM1IsAdministrator(t *testing.T) {
	got := compareGrader(t, "IAM-1")
	c := DefaultCatalog()
	all := len(c.Actions())
	// Everything but the two required actions is extra (the one excluded action does not
	// exist), except the KMS actions on keys, which need the key policy to allow too.
	kms := len(c.ExpandAction("kms:*"))
	if n := len(got.ExtraActions); n < all-2-kms {
		t.Errorf("IAM-1 allows %d extra actions, want all %d but the 2 required and at "+
			"most %d KMS actions", n, all, kms)
	}
	for _, a := range got.ExtraActions {
		if a == "kms:Decrypt" {
			t.Error("kms:Decrypt on a key without a key policy counts as allowed")
		}
	}
}

func TestAllowedActions(t *testing.T) {
	c := DefaultCatalog()
	names := func(name string) []string {
		in := Input{Identity: []*Policy{MustParse(graderPolicies[name])}}
		var out []string
		for _, a := range c.AllowedActions(in, Request{Principal: rolePrincipal,
			Resource: "arn:aws:s3:::app-data/reports/q1.csv"}) {
			out = append(out, a.Action)
		}
		return out
	}
	if diff := cmp.Diff([]string{"s3:GetObject", "s3:PutObject"}, names("IAM-2")); diff != "" {
		t.Errorf("IAM-2 allowed actions mismatch (-want +got):\n%s", diff)
	}
	iam3 := names("IAM-3")
	for _, want := range []string{"s3:DeleteObject", "s3:GetObject", "s3:PutObject"} {
		if !contains(iam3, want) {
			t.Errorf("IAM-3 allowed actions lack %s: %v", want, iam3)
		}
	}
	for _, a := range iam3 {
		if !strings.HasSuffix(a, "Object") {
			t.Errorf("IAM-3 allows %s, which s3:*Object does not name", a)
		}
	}
}

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
