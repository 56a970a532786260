package awsim_test

import (
	"context"
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor/awsim"
)

const (
	testTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
		`"Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	testInline = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", ` +
		`"Action": "s3:GetObject", "Resource": "arn:aws:s3:::b+c/*"}]}`
)

func iamClient(srv *awsim.Server, c awsim.Credentials) *iam.Client {
	return iam.NewFromConfig(awsConfig(srv, c, clientOpts{}))
}

// decoded undoes IAM's URL encoding of a policy document in a response.
func decoded(t *testing.T, s *string) string {
	t.Helper()
	out, err := url.QueryUnescape(aws.ToString(s))
	if err != nil {
		t.Fatalf("policy document %q is not URL-encoded: %v", aws.ToString(s), err)
	}
	return out
}

func TestIAMRolesAndInlinePolicies(t *testing.T) {
	ctx := context.Background()
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	cl := iamClient(srv, acct.Learner)

	created, err := cl.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("app"),
		AssumeRolePolicyDocument: aws.String(testTrust), Path: aws.String("/apps/"),
		Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("x")}}})
	must(t, "CreateRole", err)
	wantARN := "arn:aws:iam::" + acct.ID + ":role/apps/app"
	if got := aws.ToString(created.Role.Arn); got != wantARN {
		t.Errorf("CreateRole Arn = %q, want %q", got, wantARN)
	}
	if id := aws.ToString(created.Role.RoleId); !strings.HasPrefix(id, "AROA") || len(id) != 21 {
		t.Errorf("RoleId = %q, want AROA and 17 characters", id)
	}
	_, err = cl.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("APP"),
		AssumeRolePolicyDocument: aws.String(testTrust)})
	wantCode(t, "CreateRole again, other case", err, "EntityAlreadyExists")

	got, err := cl.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("app")})
	must(t, "GetRole", err)
	if d := decoded(t, got.Role.AssumeRolePolicyDocument); d != testTrust {
		t.Errorf("GetRole trust policy = %q, want %q", d, testTrust)
	}
	if raw := aws.ToString(got.Role.AssumeRolePolicyDocument); strings.Contains(raw, "{") {
		t.Errorf("trust policy %q is not URL-encoded", raw)
	}
	if len(got.Role.Tags) != 1 || aws.ToString(got.Role.Tags[0].Key) != "team" {
		t.Errorf("GetRole Tags = %+v, want team=x", got.Role.Tags)
	}
	if got.Role.MaxSessionDuration == nil || *got.Role.MaxSessionDuration != 3600 {
		t.Errorf("MaxSessionDuration = %v, want 3600", got.Role.MaxSessionDuration)
	}

	_, err = cl.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("app"),
		PolicyName: aws.String("read"), PolicyDocument: aws.String(testInline)})
	must(t, "PutRolePolicy", err)
	rp, err := cl.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("app"),
		PolicyName: aws.String("read")})
	must(t, "GetRolePolicy", err)
	if d := decoded(t, rp.PolicyDocument); d != testInline {
		t.Errorf("GetRolePolicy = %q, want %q", d, testInline)
	}
	names, err := cl.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{
		RoleName: aws.String("app")})
	must(t, "ListRolePolicies", err)
	if diff := cmp.Diff([]string{"read"}, names.PolicyNames); diff != "" {
		t.Errorf("ListRolePolicies (-want +got):\n%s", diff)
	}

	_, err = cl.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("app")})
	wantCode(t, "DeleteRole with an inline policy", err, "DeleteConflict")
	_, err = cl.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("app"),
		PolicyName: aws.String("nope")})
	wantCode(t, "GetRolePolicy of a missing policy", err, "NoSuchEntity")
	_, err = cl.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("ghost")})
	wantCode(t, "GetRole of a missing role", err, "NoSuchEntity")
	must(t, "DeleteRolePolicy", func() error {
		_, err := cl.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{
			RoleName: aws.String("app"), PolicyName: aws.String("read")})
		return err
	}())
	_, err = cl.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("app")})
	must(t, "DeleteRole", err)
	_, err = cl.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("app")})
	wantCode(t, "GetRole after DeleteRole", err, "NoSuchEntity")
}

func TestIAMMalformedPolicies(t *testing.T) {
	ctx := context.Background()
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	cl := iamClient(srv, acct.Learner)
	_, err := cl.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"),
		AssumeRolePolicyDocument: aws.String(testTrust)})
	must(t, "CreateRole", err)

	tests := []struct {
		name, doc, wantIn string
	}{
		{"not JSON", `{"Version":`, "JSON"},
		{"principal in an identity policy", `{"Version":"2012-10-17","Statement":[{` +
			`"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`, "Principal"},
		{"no resource", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
			`"Action":"s3:*"}]}`, "Resource"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cl.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"),
				PolicyName: aws.String("p"), PolicyDocument: aws.String(tc.doc)})
			wantCode(t, "PutRolePolicy", err, "MalformedPolicyDocument")
			if err != nil && !strings.Contains(err.Error(), tc.wantIn) {
				t.Errorf("error %q does not name %q", err, tc.wantIn)
			}
			_, err = cl.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"),
				PolicyDocument: aws.String(tc.doc)})
			wantCode(t, "CreatePolicy", err, "MalformedPolicyDocument")
		})
	}
	_, err = cl.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r2"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{` +
			`"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)})
	wantCode(t, "CreateRole with a trust policy lacking a principal", err,
		"MalformedPolicyDocument")
	_, err = cl.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bad name"),
		AssumeRolePolicyDocument: aws.String(testTrust)})
	wantCode(t, "CreateRole with a bad name", err, "ValidationError")
	list, err := cl.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("r")})
	must(t, "ListRolePolicies", err)
	if len(list.PolicyNames) != 0 {
		t.Errorf("a refused policy was stored: %v", list.PolicyNames)
	}
	pols, err := cl.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal})
	must(t, "ListPolicies", err)
	if len(pols.Policies) != 0 {
		t.Errorf("a refused managed policy was stored: %+v", pols.Policies)
	}
}

func TestIAMManagedPolicies(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	srv := startServer(t, dir)
	acct := newAccount(t, srv)
	cl := iamClient(srv, acct.Learner)
	_, err := cl.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("app"),
		AssumeRolePolicyDocument: aws.String(testTrust)})
	must(t, "CreateRole", err)
	var arns []string
	for _, name := range []string{"beta", "alpha"} {
		out, err := cl.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name),
			PolicyDocument: aws.String(testInline)})
		must(t, "CreatePolicy", err)
		want := "arn:aws:iam::" + acct.ID + ":policy/" + name
		if got := aws.ToString(out.Policy.Arn); got != want {
			t.Errorf("CreatePolicy Arn = %q, want %q", got, want)
		}
		arns = append(arns, want)
	}
	_, err = cl.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("alpha"),
		PolicyDocument: aws.String(testInline)})
	wantCode(t, "CreatePolicy again", err, "EntityAlreadyExists")

	_, err = cl.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("app"),
		PolicyArn: aws.String(arns[0])})
	must(t, "AttachRolePolicy", err)
	_, err = cl.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("app"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
	wantCode(t, "AttachRolePolicy of an unknown policy", err, "NoSuchEntity")

	gp, err := cl.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arns[0])})
	must(t, "GetPolicy", err)
	if n := aws.ToInt32(gp.Policy.AttachmentCount); n != 1 {
		t.Errorf("AttachmentCount = %d, want 1", n)
	}
	pv, err := cl.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arns[0]),
		VersionId: gp.Policy.DefaultVersionId})
	must(t, "GetPolicyVersion", err)
	if d := decoded(t, pv.PolicyVersion.Document); d != testInline {
		t.Errorf("GetPolicyVersion Document = %q, want %q", d, testInline)
	}

	list, err := cl.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal,
		MaxItems: aws.Int32(1)})
	must(t, "ListPolicies", err)
	if len(list.Policies) != 1 || aws.ToString(list.Policies[0].PolicyName) != "alpha" ||
		!list.IsTruncated {
		t.Fatalf("ListPolicies page 1 = %+v truncated=%v, want alpha and more", list.Policies,
			list.IsTruncated)
	}
	list, err = cl.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal,
		Marker: list.Marker})
	must(t, "ListPolicies page 2", err)
	if len(list.Policies) != 1 || aws.ToString(list.Policies[0].PolicyName) != "beta" {
		t.Errorf("ListPolicies page 2 = %+v, want beta", list.Policies)
	}
	attached, err := cl.ListPolicies(ctx, &iam.ListPoliciesInput{OnlyAttached: true})
	must(t, "ListPolicies OnlyAttached", err)
	if len(attached.Policies) != 1 || aws.ToString(attached.Policies[0].Arn) != arns[0] {
		t.Errorf("ListPolicies OnlyAttached = %+v, want only %s", attached.Policies, arns[0])
	}

	// The state survives a restart and goes with the account.
	must(t, "Close", srv.Close())
	srv2 := startServer(t, dir)
	cl2 := iamClient(srv2, acct.Learner)
	ar, err := cl2.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{
		RoleName: aws.String("app")})
	must(t, "ListAttachedRolePolicies after restart", err)
	var gotArns []string
	for _, p := range ar.AttachedPolicies {
		gotArns = append(gotArns, aws.ToString(p.PolicyArn))
	}
	if diff := cmp.Diff(arns[:1], gotArns); diff != "" {
		t.Errorf("attached after restart (-want +got):\n%s", diff)
	}
	_, err = cl2.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("app")})
	wantCode(t, "DeleteRole with an attached policy", err, "DeleteConflict")
	_, err = cl2.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("app"),
		PolicyArn: aws.String(arns[0])})
	must(t, "DetachRolePolicy", err)
	_, err = cl2.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("app"),
		PolicyArn: aws.String(arns[0])})
	wantCode(t, "DetachRolePolicy again", err, "NoSuchEntity")

	must(t, "DeleteAccount", srv2.DeleteAccount(ctx, acct.ID))
	again := newAccount(t, srv2)
	roles, err := iamClient(srv2, again.Learner).ListRoles(ctx, &iam.ListRolesInput{})
	must(t, "ListRoles in a new account", err)
	if len(roles.Roles) != 0 {
		t.Errorf("a new account sees roles %+v", roles.Roles)
	}
}

func TestIAMTenantIsolationAndGrader(t *testing.T) {
	ctx := context.Background()
	srv := startServer(t, "")
	a, b := newAccount(t, srv), newAccount(t, srv)
	_, err := iamClient(srv, a.Learner).CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String("mine"), AssumeRolePolicyDocument: aws.String(testTrust)})
	must(t, "CreateRole", err)
	_, err = iamClient(srv, b.Learner).GetRole(ctx, &iam.GetRoleInput{
		RoleName: aws.String("mine")})
	wantCode(t, "GetRole from another account", err, "NoSuchEntity")

	grader := iamClient(srv, a.Grader)
	roles, err := grader.ListRoles(ctx, &iam.ListRolesInput{})
	must(t, "grader ListRoles", err)
	var names []string
	for _, r := range roles.Roles {
		names = append(names, aws.ToString(r.RoleName))
	}
	sort.Strings(names)
	if diff := cmp.Diff([]string{"mine"}, names); diff != "" {
		t.Errorf("grader ListRoles (-want +got):\n%s", diff)
	}
	_, err = grader.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("g"),
		AssumeRolePolicyDocument: aws.String(testTrust)})
	wantCode(t, "grader CreateRole", err, "AccessDenied")
	_, err = grader.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("mine")})
	wantCode(t, "grader DeleteRole", err, "AccessDenied")
}

func TestDebianCLIIAM(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	cli := newCLI(t, srv, acct.Learner)
	ep := srv.HTTPEndpoint()
	trust := cli.file("trust.json", testTrust)
	inline := cli.file("inline.json", testInline)

	var created struct{ Role struct{ Arn string } }
	cli.ok(ep, &created, "iam", "create-role", "--role-name", "app",
		"--assume-role-policy-document", "file://"+trust)
	if want := "arn:aws:iam::" + acct.ID + ":role/app"; created.Role.Arn != want {
		t.Errorf("create-role Arn = %q, want %q", created.Role.Arn, want)
	}
	cli.ok(ep, nil, "iam", "put-role-policy", "--role-name", "app", "--policy-name", "read",
		"--policy-document", "file://"+inline)
	// The CLI decodes the URL-encoded document into a JSON object.
	var rp struct{ PolicyDocument map[string]any }
	cli.ok(ep, &rp, "iam", "get-role-policy", "--role-name", "app", "--policy-name", "read")
	var want map[string]any
	if err := json.Unmarshal([]byte(testInline), &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, rp.PolicyDocument); diff != "" {
		t.Errorf("get-role-policy document (-want +got):\n%s", diff)
	}
	var role struct {
		Role struct{ AssumeRolePolicyDocument map[string]any }
	}
	cli.ok(ep, &role, "iam", "get-role", "--role-name", "app")
	if role.Role.AssumeRolePolicyDocument["Version"] != "2012-10-17" {
		t.Errorf("get-role trust policy = %v", role.Role.AssumeRolePolicyDocument)
	}
	bad := cli.file("bad.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",`+
		`"Action":"s3:*"}]}`)
	cli.fails(ep, "MalformedPolicyDocument", "iam", "put-role-policy", "--role-name", "app",
		"--policy-name", "bad", "--policy-document", "file://"+bad)
	var pol struct{ Policy struct{ Arn string } }
	cli.ok(ep, &pol, "iam", "create-policy", "--policy-name", "p",
		"--policy-document", "file://"+inline)
	cli.ok(ep, nil, "iam", "attach-role-policy", "--role-name", "app", "--policy-arn",
		pol.Policy.Arn)
	var ar struct{ AttachedPolicies []struct{ PolicyArn string } }
	cli.ok(ep, &ar, "iam", "list-attached-role-policies", "--role-name", "app")
	if len(ar.AttachedPolicies) != 1 || ar.AttachedPolicies[0].PolicyArn != pol.Policy.Arn {
		t.Errorf("list-attached-role-policies = %+v", ar.AttachedPolicies)
	}
	cli.fails(ep, "NoSuchEntity", "iam", "get-role", "--role-name", "ghost")
}
