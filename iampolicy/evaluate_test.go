package iampolicy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	acct  = "111122223333"
	other = "444455556666"
	role  = "arn:aws:iam::111122223333:role/app"
	sess  = "arn:aws:sts::111122223333:assumed-role/app/s1"
	user  = "arn:aws:iam::111122223333:user/alice"
	xrole = "arn:aws:iam::444455556666:role/partner"
	xsess = "arn:aws:sts::444455556666:assumed-role/partner/s2"
)

var (
	rolePrincipal  = Principal{ARN: sess, Account: acct}
	userPrincipal  = Principal{ARN: user, Account: acct}
	crossPrincipal = Principal{ARN: xsess, Account: other}
	anonymous      = Principal{}
	eventsService  = Principal{Service: "events.amazonaws.com"}
)

// tlsOnlyBucket is the bucket policy of the S3 lab's solution: deny every request made
// without TLS, for all principals, on the bucket and its objects.
const tlsOnlyBucket = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::lab-bucket", "arn:aws:s3:::lab-bucket/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}
  }, {
    "Sid": "PublicRead",
    "Effect": "Allow",
    "Principal": {"AWS": "*"},
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::lab-bucket/*"
  }]
}`

const readWriteRole = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "ReadWrite",
    "Effect": "Allow",
    "Action": ["s3:GetObject", "s3:PutObject"],
    "Resource": "arn:aws:s3:::lab-bucket/*"
  }]
}`

func secure(v string) map[string][]string {
	return map[string][]string{"aws:SecureTransport": {v}}
}

func TestEvaluate(t *testing.T) {
	bucket := MustParse(tlsOnlyBucket)
	rw := MustParse(readWriteRole)
	obj := "arn:aws:s3:::lab-bucket/key"

	tests := []struct {
		name string
		in   Input
		req  Request
		want Result
	}{
		{"anonymous read over https", Input{Resource: bucket},
			Request{anonymous, "s3:GetObject", obj, secure("true")},
			Result{Decision: Allowed, Deciding: []StatementRef{{"resource", 1, "PublicRead"}}}},
		{"anonymous read over http", Input{Resource: bucket},
			Request{anonymous, "s3:GetObject", obj, secure("false")},
			Result{Decision: ExplicitDeny,
				Deciding: []StatementRef{{"resource", 0, "DenyInsecureTransport"}}}},
		{"key names are case-insensitive", Input{Resource: bucket},
			Request{anonymous, "s3:GetObject", obj,
				map[string][]string{"AWS:securetransport": {"FALSE"}}},
			Result{Decision: ExplicitDeny,
				Deciding: []StatementRef{{"resource", 0, "DenyInsecureTransport"}}}},
		{"missing key makes Bool false", Input{Resource: bucket},
			Request{anonymous, "s3:GetObject", obj, nil},
			Result{Decision: Allowed, Deciding: []StatementRef{{"resource", 1, "PublicRead"}}}},
		{"anonymous write has no allow", Input{Resource: bucket},
			Request{anonymous, "s3:PutObject", obj, secure("true")},
			Result{Decision: ImplicitDeny, Missing: []string{"resource"}}},
		{"identity allow, same account",
			Input{Identity: []*Policy{rw}, Resource: bucket, ResourceAccount: acct},
			Request{rolePrincipal, "s3:PutObject", obj, secure("true")},
			Result{Decision: Allowed, Deciding: []StatementRef{{"identity[0]", 0, "ReadWrite"}}}},
		{"identity allow, http denied",
			Input{Identity: []*Policy{rw}, Resource: bucket, ResourceAccount: acct},
			Request{rolePrincipal, "s3:PutObject", obj, secure("false")},
			Result{Decision: ExplicitDeny,
				Deciding: []StatementRef{{"resource", 0, "DenyInsecureTransport"}}}},
		{"action case does not matter", Input{Identity: []*Policy{rw}},
			Request{rolePrincipal, "S3:getobject", obj, nil},
			Result{Decision: Allowed, Deciding: []StatementRef{{"identity[0]", 0, "ReadWrite"}}}},
		{"no identity allow", Input{Identity: []*Policy{rw}},
			Request{rolePrincipal, "s3:DeleteObject", obj, nil},
			Result{Decision: ImplicitDeny, Missing: []string{"identity"}}},
		{"resource outside the pattern", Input{Identity: []*Policy{rw}},
			Request{rolePrincipal, "s3:GetObject", "arn:aws:s3:::lab-bucket2/key", nil},
			Result{Decision: ImplicitDeny, Missing: []string{"identity"}}},
		{"service principal needs a resource policy", Input{Identity: []*Policy{rw}},
			Request{eventsService, "s3:GetObject", obj, nil},
			Result{Decision: ImplicitDeny, Missing: []string{"resource"}}},
		{"root user of the account",
			Input{},
			Request{Principal{ARN: "arn:aws:iam::111122223333:root", Account: acct},
				"s3:GetObject", obj, nil},
			Result{Decision: Allowed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Evaluate(tt.in, tt.req)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Evaluate() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEvaluateAccounts(t *testing.T) {
	obj := "arn:aws:s3:::b/k"
	allowAll := MustParse(`{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}`)
	grant := func(principal string) *Policy {
		return MustParse(`{"Statement": {"Sid": "G", "Effect": "Allow", "Principal": {"AWS": "` +
			principal + `"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}`)
	}
	boundary := MustParse(`{"Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}}`)
	sessionPolicy := MustParse(`{"Statement": {"Effect": "Allow", "Action": "sqs:*", ` +
		`"Resource": "*"}}`)
	tests := []struct {
		name string
		in   Input
		p    Principal
		want Decision
	}{
		{"same account, resource policy names session", Input{Resource: grant(sess)},
			rolePrincipal, Allowed},
		{"same account, resource policy names role", Input{Resource: grant(role)},
			rolePrincipal, Allowed},
		{"same account, role with path still matches its session",
			Input{Resource: grant("arn:aws:iam::111122223333:role/team/app")},
			rolePrincipal, Allowed},
		{"same account, names account: identity must allow", Input{Resource: grant(acct)},
			rolePrincipal, ImplicitDeny},
		{"same account, names account root, identity allows",
			Input{Resource: grant("arn:aws:iam::111122223333:root"),
				Identity: []*Policy{allowAll}},
			rolePrincipal, Allowed},
		{"boundary limits a grant to the role ARN",
			Input{Resource: grant(role), PermissionsBoundary: boundary}, rolePrincipal,
			ImplicitDeny},
		{"boundary does not limit a grant to the session ARN",
			Input{Resource: grant(sess), PermissionsBoundary: boundary}, rolePrincipal, Allowed},
		{"session policy limits a grant to the role ARN",
			Input{Resource: grant(role), Session: sessionPolicy}, rolePrincipal, ImplicitDeny},
		{"session policy does not limit a grant to the session ARN",
			Input{Resource: grant(sess), Session: sessionPolicy}, rolePrincipal, Allowed},
		{"session policy limits a grant to every principal",
			Input{Resource: grant("*"), Session: sessionPolicy}, rolePrincipal, ImplicitDeny},
		{"boundary does not limit a grant to every principal",
			Input{Resource: grant("*"), PermissionsBoundary: boundary}, rolePrincipal, Allowed},
		{"boundary limits identity allows",
			Input{Identity: []*Policy{allowAll}, PermissionsBoundary: boundary}, rolePrincipal,
			ImplicitDeny},
		{"boundary lets identity allows through",
			Input{Identity: []*Policy{allowAll}, PermissionsBoundary: allowAll}, rolePrincipal,
			Allowed},
		{"boundary does not limit a grant to the user ARN",
			Input{Resource: grant(user), PermissionsBoundary: boundary}, userPrincipal, Allowed},
		{"cross account: identity alone is not enough",
			Input{Identity: []*Policy{allowAll}, ResourceAccount: acct}, crossPrincipal,
			ImplicitDeny},
		{"cross account: resource alone is not enough",
			Input{Resource: grant(other), ResourceAccount: acct}, crossPrincipal, ImplicitDeny},
		{"cross account: both sides allow (account principal)",
			Input{Resource: grant(other), Identity: []*Policy{allowAll}, ResourceAccount: acct},
			crossPrincipal, Allowed},
		{"cross account: both sides allow (role principal)",
			Input{Resource: grant(xrole), Identity: []*Policy{allowAll}, ResourceAccount: acct},
			crossPrincipal, Allowed},
		{"cross account: grant to another account",
			Input{Resource: grant("999999999999"), Identity: []*Policy{allowAll},
				ResourceAccount: acct},
			crossPrincipal, ImplicitDeny},
		{"scp without allow", Input{Identity: []*Policy{allowAll}, SCPs: []*Policy{boundary}},
			rolePrincipal, ImplicitDeny},
		{"scp allows", Input{Identity: []*Policy{allowAll}, SCPs: []*Policy{allowAll}},
			rolePrincipal, Allowed},
		{"every scp level must allow",
			Input{Identity: []*Policy{allowAll}, SCPs: []*Policy{allowAll, boundary}},
			rolePrincipal, ImplicitDeny},
		{"scp filters resource policy grants too",
			Input{Resource: grant(sess), SCPs: []*Policy{boundary}}, rolePrincipal,
			ImplicitDeny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Evaluate(tt.in, Request{Principal: tt.p, Action: "s3:GetObject",
				Resource: obj})
			if got.Decision != tt.want {
				t.Errorf("Evaluate() = %v (deciding %v, missing %v), want %v", got.Decision,
					got.Deciding, got.Missing, tt.want)
			}
		})
	}
}

func TestDeletedPrincipal(t *testing.T) {
	// AWS shows a deleted principal as its unique id; the statement then matches nobody.
	pol := MustParse(`{"Statement": {"Effect": "Allow", "Principal": {"AWS":
	  "AROADBQP57FF2AEXAMPLE"}, "Action": "s3:GetObject", "Resource": "*"}}`)
	got := Evaluate(Input{Resource: pol}, Request{Principal: rolePrincipal,
		Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"})
	if got.Decision != ImplicitDeny {
		t.Errorf("a grant to a deleted principal = %v, want IMPLICIT_DENY", got.Decision)
	}
}

func TestNotPrincipal(t *testing.T) {
	pol := MustParse(`{"Statement": [{"Sid": "DenyOthers", "Effect": "Deny",
	  "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:role/app"]},
	  "Action": "s3:*", "Resource": "*"},
	  {"Sid": "All", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}`)
	tests := []struct {
		name     string
		p        Principal
		boundary *Policy
		want     Decision
	}{
		{"listed role's session is not denied", rolePrincipal, nil, Allowed},
		{"another principal is denied", userPrincipal, nil, ExplicitDeny},
		{"anonymous is denied", anonymous, nil, ExplicitDeny},
		{"a principal with a boundary is always denied", rolePrincipal,
			MustParse(`{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`),
			ExplicitDeny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Evaluate(Input{Resource: pol, PermissionsBoundary: tt.boundary},
				Request{Principal: tt.p, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"})
			if got.Decision != tt.want {
				t.Errorf("Evaluate() = %v, want %v", got.Decision, tt.want)
			}
		})
	}
}

func TestUnresolvedVariableInNotResource(t *testing.T) {
	p := MustParse(`{"Version": "2012-10-17", "Statement": {"Effect": "Deny",
	  "Action": "s3:*", "NotResource": "arn:aws:s3:::b/${aws:username}/*"}}`)
	allow := MustParse(`{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}`)
	in := Input{Identity: []*Policy{allow, p}}
	tests := []struct {
		name string
		ctx  map[string][]string
		res  string
		want Decision
	}{
		{"own prefix is not denied", kv("aws:username", "alice"), "arn:aws:s3:::b/alice/x",
			Allowed},
		{"other prefix is denied", kv("aws:username", "alice"), "arn:aws:s3:::b/bob/x",
			ExplicitDeny},
		{"no user name: the statement does not apply", nil, "arn:aws:s3:::b/bob/x", Allowed},
		{"no user name, same service: the statement does not apply", nil, "arn:aws:s3:::c/x",
			Allowed},
		{"no user name, another service: denied", nil, "arn:aws:sqs:us-east-1:1:q",
			ExplicitDeny},
	}
	for _, tt := range tests {
		got := Evaluate(in, Request{Principal: rolePrincipal, Action: "s3:GetObject",
			Resource: tt.res, Context: tt.ctx})
		if got.Decision != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got.Decision, tt.want)
		}
	}
}

func TestAllowWithNotPrincipalGrantsNothing(t *testing.T) {
	// AWS: "NotPrincipal must be used with Deny; Allow with NotPrincipal is not
	// supported" (reference_policies_elements_notprincipal.html).
	pol := MustParse(`{"Statement": {"Effect": "Allow", "NotPrincipal": {"AWS": "999999999999"},
	  "Action": "s3:GetObject", "Resource": "*"}}`)
	got := Evaluate(Input{Resource: pol}, Request{Principal: rolePrincipal,
		Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"})
	if got.Decision != ImplicitDeny {
		t.Errorf("Allow with NotPrincipal = %v, want IMPLICIT_DENY", got.Decision)
	}
}

func TestResourceControlPolicies(t *testing.T) {
	full := MustParse(`{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*",
	  "Resource": "*"}}`)
	tls := MustParse(`{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*",
	  "Resource": "*"}, {"Sid": "TLS", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
	  "Resource": "*", "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}}]}`)
	public := MustParse(`{"Statement": {"Effect": "Allow", "Principal": "*",
	  "Action": "s3:GetObject", "Resource": "*"}}`)
	tests := []struct {
		name string
		rcps []*Policy
		p    Principal
		ctx  map[string][]string
		want Decision
	}{
		{"full access", []*Policy{full}, anonymous, secure("false"), Allowed},
		{"tls deny reaches anonymous callers", []*Policy{full, tls}, anonymous,
			secure("false"), ExplicitDeny},
		{"tls deny reaches principals of other accounts", []*Policy{tls}, crossPrincipal,
			secure("false"), ExplicitDeny},
		{"tls allows secure requests", []*Policy{tls}, anonymous, secure("true"), Allowed},
		{"only denies decide: RCPFullAWSAccess is always attached", []*Policy{
			MustParse(`{"Statement": {"Effect": "Deny", "Principal": "*", "Action": "sqs:*",
			  "Resource": "*"}}`)}, anonymous, nil, Allowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Input{Resource: public, RCPs: tt.rcps, ResourceAccount: acct,
				Identity: []*Policy{public}}
			got := Evaluate(in, Request{Principal: tt.p, Action: "s3:GetObject",
				Resource: "arn:aws:s3:::b/k", Context: tt.ctx})
			if got.Decision != tt.want {
				t.Errorf("Evaluate() = %v (%v %v), want %v", got.Decision, got.Deciding,
					got.Missing, tt.want)
			}
		})
	}
}

func TestResourceTrust(t *testing.T) {
	key := "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	useKey := MustParse(`{"Statement": {"Effect": "Allow", "Action": "kms:Decrypt",
	  "Resource": "*"}}`)
	keyPolicy := func(principal string) *Policy {
		return MustParse(`{"Statement": {"Sid": "K", "Effect": "Allow", "Principal": {"AWS": "` +
			principal + `"}, "Action": "kms:*", "Resource": "*"}}`)
	}
	tests := []struct {
		name     string
		in       Input
		resource string
		want     Decision
	}{
		{"identity policy alone does not open a key", Input{Identity: []*Policy{useKey},
			Resource: keyPolicy(other)}, key, ImplicitDeny},
		{"a key policy that enables IAM policies", Input{Identity: []*Policy{useKey},
			Resource: keyPolicy("arn:aws:iam::111122223333:root")}, key, Allowed},
		{"a key policy naming the account id", Input{Identity: []*Policy{useKey},
			Resource: keyPolicy(acct)}, key, Allowed},
		{"a key policy naming the role grants on its own", Input{Resource: keyPolicy(role)},
			key, Allowed},
		{"no key policy at all", Input{Identity: []*Policy{useKey}}, key, ImplicitDeny},
		{"the root user needs the key policy too", Input{Resource: keyPolicy(other)}, key,
			ImplicitDeny},
		{"actions without a key need no key policy", Input{Identity: []*Policy{useKey}}, "*",
			Allowed},
		{"other services trust the account", Input{Identity: []*Policy{MustParse(`{"Statement":
		  {"Effect": "Allow", "Action": "*", "Resource": "*"}}`)}, Resource: keyPolicy(other)},
			"arn:aws:sqs:us-east-1:111122223333:q", Allowed},
		{"asked for explicitly", Input{RequireResourceTrust: true,
			Identity: []*Policy{MustParse(`{"Statement": {"Effect": "Allow", "Action": "*",
			  "Resource": "*"}}`)}, Resource: keyPolicy(other)},
			"arn:aws:sqs:us-east-1:111122223333:q", ImplicitDeny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			action := "kms:Decrypt"
			if strings.HasPrefix(tt.resource, "arn:aws:sqs") {
				action = "sqs:SendMessage"
			}
			p := rolePrincipal
			if strings.Contains(tt.name, "root") {
				p = Principal{ARN: "arn:aws:iam::111122223333:root", Account: acct}
			}
			got := Evaluate(tt.in, Request{Principal: p, Action: action, Resource: tt.resource})
			if got.Decision != tt.want {
				t.Errorf("Evaluate() = %v (%v, missing %v), want %v", got.Decision,
					got.Deciding, got.Missing, tt.want)
			}
		})
	}
}
