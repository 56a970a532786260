package validators_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/awsclient"
	"github.com/proctorlabs/proctor/validators"
)

// The IAM cases (IAM-1 ... IAM-4) give an application role its policies through the IAM API
// of a real awsim account, as the learner, and grade the role as the grader.

const caseTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
	`"Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// iamSandbox is a sandbox with an application role named app and the learner's IAM client.
type iamSandbox struct {
	*sandbox
	iam *iam.Client
}

func newIAMSandbox(t *testing.T) *iamSandbox {
	t.Helper()
	sb := newSandbox(t)
	cfg, err := awsclient.Config(context.Background(), sb.learner)
	if err != nil {
		t.Fatal(err)
	}
	s := &iamSandbox{sandbox: sb, iam: iam.NewFromConfig(cfg)}
	if _, err := s.iam.CreateRole(context.Background(), &iam.CreateRoleInput{
		RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(caseTrust)}); err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	return s
}

// doc is a policy of the statements, with B standing for the sandbox's bucket.
func (s *iamSandbox) doc(statements ...string) string {
	d := `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
	return strings.ReplaceAll(d, "arn:aws:s3:::B", "arn:aws:s3:::"+s.bucket)
}

func (s *iamSandbox) putInline(t *testing.T, name string, statements ...string) {
	t.Helper()
	if _, err := s.iam.PutRolePolicy(context.Background(), &iam.PutRolePolicyInput{
		RoleName: aws.String("app"), PolicyName: aws.String(name),
		PolicyDocument: aws.String(s.doc(statements...))}); err != nil {
		t.Fatalf("PutRolePolicy: %v", err)
	}
}

func (s *iamSandbox) attachManaged(t *testing.T, name string, statements ...string) {
	t.Helper()
	ctx := context.Background()
	out, err := s.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name),
		PolicyDocument: aws.String(s.doc(statements...))})
	if err != nil {
		t.Fatalf("CreatePolicy: %v", err)
	}
	if _, err := s.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{
		RoleName: aws.String("app"), PolicyArn: out.Policy.Arn}); err != nil {
		t.Fatalf("AttachRolePolicy: %v", err)
	}
}

// params asks for exactly s3:GetObject and s3:PutObject on the bucket's objects.
func (s *iamSandbox) params() map[string]any {
	return map[string]any{"role": "app", "grants": []any{
		map[string]any{"action": "s3:GetObject", "resource": "arn:aws:s3:::" + s.bucket + "/*"},
		map[string]any{"action": "s3:PutObject", "resource": "arn:aws:s3:::" + s.bucket + "/*"},
	}}
}

const (
	caseGet = `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::B/*"}`
	casePut = `{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::B/*"}`
)

func TestCaseIAM1NotActionIsAdministrator(t *testing.T) {
	s := newIAMSandbox(t)
	s.putInline(t, "all", `{"Effect":"Allow","NotAction":"proctorunknown:DoNothing",
		"Resource":"*"}`)
	expect(t, s.grade(t, "iam.role_least_privilege", s.params()), proctor.VerdictFail,
		"effectively an administrator", "s3:DeleteObject")
}

func TestCaseIAM2SeparateStatementsPass(t *testing.T) {
	s := newIAMSandbox(t)
	s.putInline(t, "get", caseGet)
	s.putInline(t, "put", casePut)
	expect(t, s.grade(t, "iam.role_least_privilege", s.params()), proctor.VerdictPass)
}

func TestCaseIAM2InlineAndManagedTogetherPass(t *testing.T) {
	s := newIAMSandbox(t)
	s.putInline(t, "get", caseGet)
	s.attachManaged(t, "put-"+s.learner.AccountID, casePut)
	expect(t, s.grade(t, "iam.role_least_privilege", s.params()), proctor.VerdictPass)
}

func TestCaseIAM3ObjectWildcardFails(t *testing.T) {
	s := newIAMSandbox(t)
	s.putInline(t, "objects", `{"Effect":"Allow","Action":"s3:*Object",
		"Resource":"arn:aws:s3:::B/*"}`)
	f := s.grade(t, "iam.role_least_privilege", s.params())
	t.Log(f.Message)
	expect(t, f, proctor.VerdictFail, "s3:DeleteObject")
	if strings.Contains(f.Message, "administrator") {
		t.Errorf("s3:*Object on one bucket is called an administrator: %s", f.Message)
	}
}

func TestCaseIAM4BucketPrefixReachesOtherBuckets(t *testing.T) {
	s := newIAMSandbox(t)
	s.putInline(t, "prefix", `{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],
		"Resource":"arn:aws:s3:::B*"}`)
	f := s.grade(t, "iam.role_least_privilege", s.params())
	t.Log(f.Message)
	expect(t, f, proctor.VerdictFail, "resources beyond those required",
		"arn:aws:s3:::"+s.bucket)
	if strings.Contains(f.Message, "s3:DeleteObject") {
		t.Errorf("the message names an action the policy does not allow: %s", f.Message)
	}
}

func TestIAMLeastPrivilegeNarrowerAndMissing(t *testing.T) {
	s := newIAMSandbox(t)
	f := s.grade(t, "iam.role_least_privilege", s.params())
	t.Log(f.Message)
	expect(t, f, proctor.VerdictFail, "s3:GetObject, s3:PutObject", "no inline or attached")
	s.putInline(t, "get", caseGet)
	expect(t, s.grade(t, "iam.role_least_privilege", s.params()), proctor.VerdictFail,
		"not allowed s3:PutObject")
	s.putInline(t, "get", `{"Effect":"Allow","Action":"s3:GetObject",
		"Resource":"arn:aws:s3:::B/*"}`, `{"Effect":"Allow","Action":"s3:ListBucket",
		"Resource":"arn:aws:s3:::B"}`)
	expect(t, s.grade(t, "iam.role_least_privilege", s.params()), proctor.VerdictFail,
		"with s3:ListBucket", "not allowed s3:PutObject")
}

func TestIAMLeastPrivilegeMissingRoleFails(t *testing.T) {
	s := newIAMSandbox(t)
	p := s.params()
	p["role"] = "ghost"
	expect(t, s.grade(t, "iam.role_least_privilege", p), proctor.VerdictFail,
		"role ghost does not exist")
}

func TestIAMLeastPrivilegeUnreadableIsError(t *testing.T) {
	s := newIAMSandbox(t)
	s.grader.Credentials.SecretAccessKey = "wrong"
	expect(t, s.grade(t, "iam.role_least_privilege", s.params()), proctor.VerdictError,
		"could not read the policies of role app")
	s = newIAMSandbox(t)
	s.grader.Endpoint = proctor.Endpoint{HTTPS: "https://127.0.0.1:1",
		CABundle: s.grader.Endpoint.CABundle}
	expect(t, s.grade(t, "iam.role_least_privilege", s.params()), proctor.VerdictError)
}

func TestIAMLeastPrivilegeParams(t *testing.T) {
	reg := validators.Default()
	tests := []struct {
		name   string
		grants any
		want   string
	}{
		{"not a list", "s3:GetObject", "want a list of {action, resource} maps"},
		{"empty", []any{}, "at least one"},
		{"not a map", []any{"s3:GetObject"}, "element 0: want a map"},
		{"no action", []any{map[string]any{"resource": "*"}}, "element 0: action"},
		{"no prefix", []any{map[string]any{"action": "GetObject", "resource": "*"}},
			"no service prefix"},
		{"bad resource", []any{map[string]any{"action": "s3:GetObject", "resource": "b/*"}},
			"neither * nor an ARN"},
		{"unknown key", []any{map[string]any{"action": "s3:GetObject", "resource": "*",
			"effect": "Allow"}}, "unknown key effect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probs := reg.CheckParams("iam.role_least_privilege",
				map[string]any{"role": "app", "grants": tt.grants})
			if len(probs) != 1 || probs[0].Param != "grants" ||
				!strings.Contains(probs[0].Message, tt.want) {
				t.Errorf("CheckParams = %+v, want one problem with grants saying %q", probs,
					tt.want)
			}
		})
	}
	if probs := reg.CheckParams("iam.role_least_privilege", map[string]any{"role": "app",
		"grants": []any{map[string]any{"action": "s3:GetObject",
			"resource": "arn:aws:s3:::b/*"}}}); len(probs) != 0 {
		t.Errorf("CheckParams of good grants = %+v, want none", probs)
	}
}
