package awsim

import (
	"testing"

	"github.com/proctorlabs/proctor/iampolicy"
)

func TestPolicyIsPublic(t *testing.T) {
	const res = `"Resource":"arn:aws:s3:::b/*"`
	stmt := func(body string) string {
		return `{"Version":"2012-10-17","Statement":[{` + body + `}]}`
	}
	tests := []struct {
		name   string
		policy string
		want   bool
	}{
		{"star principal", stmt(`"Effect":"Allow","Principal":"*",` +
			`"Action":"s3:GetObject",` + res), true},
		{"AWS star", stmt(`"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*",` +
			res), true},
		{"AWS star in a list", stmt(`"Effect":"Allow","Principal":{"AWS":["*"]},` +
			`"Action":"s3:*",` + res), true},
		{"deny only", stmt(`"Effect":"Deny","Principal":"*","Action":"s3:*",` + res), false},
		{"one account", stmt(`"Effect":"Allow",` +
			`"Principal":{"AWS":"arn:aws:iam::111122223333:root"},` +
			`"Action":"s3:*",` + res), false},
		{"service principal", stmt(`"Effect":"Allow",` +
			`"Principal":{"Service":"logging.s3.amazonaws.com"},` +
			`"Action":"s3:PutObject",` + res), false},
		{"narrowed by source account", `{"Version":"2012-10-17","Statement":[{"Effect":` +
			`"Allow","Principal":"*","Action":"s3:*",` + res + `,"Condition":{"StringEquals":` +
			`{"aws:SourceAccount":"111122223333"}}}]}`, false},
		{"narrowed by org", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
			`"Principal":"*","Action":"s3:*",` + res + `,"Condition":{"StringEquals":` +
			`{"aws:PrincipalOrgID":"o-abc123"}}}]}`, false},
		{"wildcard org is no narrowing", `{"Version":"2012-10-17","Statement":[{"Effect":` +
			`"Allow","Principal":"*","Action":"s3:*",` + res + `,"Condition":{"StringLike":` +
			`{"aws:PrincipalOrgID":"o-*"}}}]}`, true},
		{"negated operator is no narrowing", `{"Version":"2012-10-17","Statement":[{"Effect":` +
			`"Allow","Principal":"*","Action":"s3:*",` + res + `,"Condition":{"StringNotEquals":` +
			`{"aws:SourceAccount":"111122223333"}}}]}`, true},
		{"TLS condition is no narrowing", `{"Version":"2012-10-17","Statement":[{"Effect":` +
			`"Allow","Principal":"*","Action":"s3:GetObject",` + res + `,"Condition":{"Bool":` +
			`{"aws:SecureTransport":"true"}}}]}`, true},
		{"fixed network", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
			`"Principal":"*","Action":"s3:GetObject",` + res + `,"Condition":{"IpAddress":` +
			`{"aws:SourceIp":"203.0.113.0/24"}}}]}`, false},
		{"whole internet", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
			`"Principal":"*","Action":"s3:GetObject",` + res + `,"Condition":{"IpAddress":` +
			`{"aws:SourceIp":"0.0.0.0/0"}}}]}`, true},
		{"NotPrincipal allow", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
			`"NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*",` + res +
			`}]}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := iampolicy.Parse([]byte(tt.policy))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := policyIsPublic(p); got != tt.want {
				t.Errorf("policyIsPublic = %v, want %v", got, tt.want)
			}
		})
	}
}
