package iampolicy

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		typ  PolicyType
		want []ParseError
	}{
		{"valid bucket policy", tlsOnlyBucket, ResourcePolicy, nil},
		{"valid identity policy", readWriteRole, IdentityPolicy, nil},
		{"principal in identity policy",
			"{\"Statement\": {\"Effect\": \"Allow\",\n \"Principal\": \"*\", \"Action\": \"*\", " +
				"\"Resource\": \"*\"}}",
			IdentityPolicy, []ParseError{{2, 2, "Statement.Principal",
				"an identity policy may not have a Principal element"}}},
		{"resource policy without principal",
			`{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}`,
			ResourcePolicy, []ParseError{{1, 16, "Statement[0]",
				"a statement of a resource policy needs a Principal or NotPrincipal element"}}},
		{"allow with notprincipal",
			`{"Statement": {"Effect": "Allow", "NotPrincipal": {"AWS": "111122223333"}, ` +
				`"Action": "*", "Resource": "*"}}`,
			ResourcePolicy, []ParseError{{1, 35, "Statement.NotPrincipal",
				`NotPrincipal is supported only with "Effect": "Deny"`}}},
		{"trust policy with resource and s3 action",
			`{"Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, ` +
				`"Action": ["sts:AssumeRole", "s3:GetObject"], "Resource": "*"}}`,
			TrustPolicy, []ParseError{
				{1, 128, "Statement.Resource", "a trust policy may not have a Resource element"},
				{1, 82, "Statement.Action",
					`a trust policy allows only sts: actions, not "s3:GetObject"`}}},
		{"identity sid with a space",
			`{"Statement": {"Sid": "Read all", "Effect": "Allow", "Action": "*", "Resource": "*"}}`,
			IdentityPolicy, []ParseError{{1, 16, "Statement.Sid",
				`the Sid "Read all" of an identity policy may hold only letters and digits`}}},
		{"variables in an old version",
			`{"Statement": {"Effect": "Allow", "Action": "*", ` +
				`"Resource": "arn:aws:s3:::b/${aws:username}/*"}}`,
			IdentityPolicy, []ParseError{{1, 62, "Statement.Resource",
				`${...} is literal text here: policy variables need "Version": "2012-10-17"`}}},
		{"rcp allow", `{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:*", ` +
			`"Resource": "*"}}`, ResourceControlPolicy, []ParseError{{1, 16, "Statement.Effect",
			`a resource control policy may Allow only "*" on "*" without conditions`}}},
		{"rcp notaction", `{"Statement": {"Effect": "Deny", "Principal": "*", ` +
			`"NotAction": "s3:*", "Resource": "*"}}`, ResourceControlPolicy, []ParseError{{1, 52,
			"Statement.NotAction", "a resource control policy may not have a NotAction element"}}},
		{"wildcard in a principal ARN", `{"Statement": {"Effect": "Allow", "Principal": ` +
			`{"AWS": "arn:aws:iam::*:root"}, "Action": "*", "Resource": "*"}}`, ResourcePolicy,
			[]ParseError{{1, 35, "Statement.Principal", `the principal "arn:aws:iam::*:root" ` +
				`holds a wildcard: only "*" alone is allowed; match ARNs with aws:PrincipalArn ` +
				`and ArnLike instead`}}},
		{"scp with principal", `{"Statement": {"Effect": "Deny", "Principal": "*", ` +
			`"Action": "*", "Resource": "*"}}`, ServiceControlPolicy, []ParseError{{1, 34,
			"Statement.Principal", "a service control policy may not have a Principal element"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := MustParse(tt.doc).Check(tt.typ)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Check() = %v, want nil", err)
				}
				return
			}
			var ce *CheckError
			if !errors.As(err, &ce) {
				t.Fatalf("Check() = %v, want a *CheckError", err)
			}
			if diff := cmp.Diff(tt.want, ce.Problems); diff != "" {
				t.Errorf("Check() problems mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckSize(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"Version": "2012-10-17", "Statement": [`)
	for i := range 400 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", ` +
			`"Resource": "arn:aws:s3:::b/*"}`)
	}
	b.WriteString(`]}`)
	p := MustParse(b.String())
	if err := p.Check(ResourcePolicy); err == nil || !strings.Contains(err.Error(),
		"over the 20480 a resource policy may have") {
		t.Errorf("Check(ResourcePolicy) = %.200v, want the size quota", err)
	}
	if err := p.Check(ServiceControlPolicy); err == nil || !strings.Contains(err.Error(),
		"over the 5120") {
		t.Errorf("Check(ServiceControlPolicy) = %.200v, want the size quota", err)
	}
}
