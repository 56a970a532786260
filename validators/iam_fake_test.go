package validators

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/iampolicy"
)

// fakeIAM is one role with its policies, answering one policy per page so that the
// validator's paging is exercised. Documents are URL-encoded as IAM returns them unless raw.
type fakeIAM struct {
	inline   map[string]string // by name; listed in sorted order of names
	names    []string
	managed  map[string]string // by ARN, each at version v3
	arns     []string
	raw      bool
	fail     map[string]error
	listings int
}

func (f *fakeIAM) encode(doc string) *string {
	if f.raw {
		return aws.String(doc)
	}
	return aws.String(url.QueryEscape(doc))
}

// page returns the item at the marker, the next marker and whether more remain.
func page1(items []string, marker *string) ([]string, *string, bool) {
	i := 0
	if marker != nil {
		i, _ = strconv.Atoi(*marker)
	}
	if i >= len(items) {
		return nil, nil, false
	}
	if i+1 < len(items) {
		return items[i : i+1], aws.String(strconv.Itoa(i + 1)), true
	}
	return items[i:], nil, false
}

func (f *fakeIAM) GetRole(_ context.Context, in *iam.GetRoleInput,
	_ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	if err := f.fail["GetRole"]; err != nil {
		return nil, err
	}
	return &iam.GetRoleOutput{Role: &iamtypes.Role{RoleName: in.RoleName,
		Arn: aws.String("arn:aws:iam::" + testAccount + ":role/apps/" + *in.RoleName)}}, nil
}

func (f *fakeIAM) ListRolePolicies(_ context.Context, in *iam.ListRolePoliciesInput,
	_ ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	f.listings++
	items, next, more := page1(f.names, in.Marker)
	return &iam.ListRolePoliciesOutput{PolicyNames: items, Marker: next, IsTruncated: more}, nil
}

func (f *fakeIAM) GetRolePolicy(_ context.Context, in *iam.GetRolePolicyInput,
	_ ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	if err := f.fail["GetRolePolicy"]; err != nil {
		return nil, err
	}
	return &iam.GetRolePolicyOutput{PolicyName: in.PolicyName,
		PolicyDocument: f.encode(f.inline[*in.PolicyName])}, nil
}

func (f *fakeIAM) ListAttachedRolePolicies(_ context.Context,
	in *iam.ListAttachedRolePoliciesInput,
	_ ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	f.listings++
	items, next, more := page1(f.arns, in.Marker)
	out := &iam.ListAttachedRolePoliciesOutput{Marker: next, IsTruncated: more}
	for _, a := range items {
		out.AttachedPolicies = append(out.AttachedPolicies,
			iamtypes.AttachedPolicy{PolicyArn: aws.String(a)})
	}
	return out, nil
}

func (f *fakeIAM) GetPolicy(_ context.Context, in *iam.GetPolicyInput,
	_ ...func(*iam.Options)) (*iam.GetPolicyOutput, error) {
	return &iam.GetPolicyOutput{Policy: &iamtypes.Policy{Arn: in.PolicyArn,
		DefaultVersionId: aws.String("v3")}}, nil
}

func (f *fakeIAM) GetPolicyVersion(_ context.Context, in *iam.GetPolicyVersionInput,
	_ ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error) {
	if aws.ToString(in.VersionId) != "v3" {
		return nil, apiErr("NoSuchEntity")
	}
	return &iam.GetPolicyVersionOutput{PolicyVersion: &iamtypes.PolicyVersion{
		Document: f.encode(f.managed[*in.PolicyArn]), VersionId: in.VersionId}}, nil
}

func TestRoleLeastPrivilegeReadsEveryPage(t *testing.T) {
	stmt := func(action string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action +
			`","Resource":"arn:aws:s3:::b/*"}]}`
	}
	grants := []any{map[string]any{"action": "s3:GetObject", "resource": "arn:aws:s3:::b/*"},
		map[string]any{"action": "s3:PutObject", "resource": "arn:aws:s3:::b/*"}}
	tests := []struct {
		name    string
		fake    *fakeIAM
		verdict proctor.Verdict
		says    string
	}{
		{name: "split over pages of inline and managed policies", verdict: proctor.VerdictPass,
			fake: &fakeIAM{names: []string{"a", "b"},
				inline:  map[string]string{"a": stmt("s3:GetObject"), "b": stmt("s3:GetObject")},
				arns:    []string{"arn:aws:iam::123456789012:policy/p"},
				managed: map[string]string{"arn:aws:iam::123456789012:policy/p": stmt("s3:PutObject")}},
			says: "exactly what it needs"},
		{name: "the last page allows more", verdict: proctor.VerdictFail,
			fake: &fakeIAM{names: []string{"a", "b", "c"},
				inline: map[string]string{"a": stmt("s3:GetObject"), "b": stmt("s3:PutObject"),
					"c": stmt("s3:DeleteObject")}},
			says: "s3:DeleteObject"},
		{name: "documents that are not URL-encoded", verdict: proctor.VerdictPass,
			fake: &fakeIAM{names: []string{"a"}, raw: true,
				inline: map[string]string{"a": `{"Version":"2012-10-17","Statement":[{` +
					`"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],` +
					`"Resource":"arn:aws:s3:::b/*"}]}`}},
			says: "exactly"},
		{name: "a document that does not parse", verdict: proctor.VerdictError,
			fake: &fakeIAM{names: []string{"a"}, inline: map[string]string{"a": `{"Version":`}},
			says: "inline policy a"},
		{name: "grader denied", verdict: proctor.VerdictError,
			fake: &fakeIAM{names: []string{"a"}, inline: map[string]string{"a": stmt("s3:*")},
				fail: map[string]error{"GetRolePolicy": apiErr("AccessDenied")}},
			says: "AccessDenied"},
		{name: "no such role", verdict: proctor.VerdictFail,
			fake: &fakeIAM{fail: map[string]error{"GetRole": apiErr("NoSuchEntity")}},
			says: "role app does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := &Env{AccountID: testAccount, Region: "us-east-1", IAM: tt.fake}
			got := run(t, roleLeastPrivilege, env, map[string]any{"role": "app",
				"grants": grants})
			if got.Verdict != tt.verdict {
				t.Fatalf("verdict = %s (%s), want %s", got.Verdict, got.Message, tt.verdict)
			}
			if !strings.Contains(got.Message, tt.says) {
				t.Errorf("message %q does not say %q", got.Message, tt.says)
			}
		})
	}
}

func TestRankActions(t *testing.T) {
	grants := []iampolicy.Grant{{Action: "s3:GetObject", Resource: "*"}}
	got := rankActions([]string{"ec2:DeleteVpc", "s3:GetObjectAcl", "s3:DeleteObject",
		"s3:PutBucketPolicy", "s3:PutObject"}, grants)
	want := []string{"s3:PutBucketPolicy", "s3:DeleteObject", "s3:PutObject",
		"s3:GetObjectAcl", "ec2:DeleteVpc"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("rankActions = %v, want %v", got, want)
	}
}
