package difftest

import (
	"encoding/json"
	"testing"

	"github.com/proctorlabs/proctor/iampolicy"
)

// These tests pin the decisions in which iampolicy and iam-simulate differ, each with
// the AWS documentation that decides it.

func TestKnownSessionARNGrant(t *testing.T) {
	// IAM User Guide, Session policies (access_policies.html#policies_session): a
	// resource-based policy that specifies the ARN of the session is not limited by the
	// session policy. The STS AssumeRole and GetFederationToken references say the same
	// of a policy that "specifically references" the session.
	c := Case{
		Principal:       "arn:aws:sts::111111111111:assumed-role/app/s1",
		Action:          "sqs:SendMessage",
		Resource:        "arn:aws:sqs:us-east-1:111111111111:orders",
		ResourceAccount: Owner,
		ResourcePolicy: json.RawMessage(`{"Version": "2012-10-17", "Statement": {
		  "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*",
		  "Principal": {"AWS": "arn:aws:sts::111111111111:assumed-role/app/s1"}}}`),
		SessionPolicy: json.RawMessage(`{"Version": "2012-10-17", "Statement": {
		  "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}`),
	}
	p, err := Prepare(c)
	if err != nil {
		t.Fatal(err)
	}
	if got := iampolicy.Evaluate(p.Input, p.Request).Decision; got != iampolicy.Allowed {
		t.Errorf("grant to the session ARN under a session policy = %v, want ALLOWED", got)
	}
	if why := Explain(c, iampolicy.Allowed, iampolicy.ImplicitDeny); why != WhySessionARN {
		t.Errorf("Explain() = %q, want the session ARN rule", why)
	}

	// Naming the role instead of the session keeps the session policy in force.
	c.ResourcePolicy = json.RawMessage(`{"Version": "2012-10-17", "Statement": {
	  "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*",
	  "Principal": {"AWS": "arn:aws:iam::111111111111:role/app"}}}`)
	p, _ = Prepare(c)
	if got := iampolicy.Evaluate(p.Input, p.Request).Decision; got != iampolicy.ImplicitDeny {
		t.Errorf("grant to the role ARN under a session policy = %v, want IMPLICIT_DENY", got)
	}
	if why := Explain(c, iampolicy.Allowed, iampolicy.ImplicitDeny); why != "" {
		t.Errorf("Explain() = %q for a grant to the role, want no explanation", why)
	}
}

func TestKnownAllowNotPrincipal(t *testing.T) {
	// IAM User Guide, NotPrincipal (reference_policies_elements_notprincipal.html): use
	// NotPrincipal with "Effect": "Deny"; "Allow" with NotPrincipal is not supported.
	c := Case{
		Principal:       "arn:aws:iam::111111111111:user/alice",
		Action:          "s3:GetObject",
		Resource:        "arn:aws:s3:::data-bucket/reports/q1.csv",
		ResourceAccount: Owner,
		ResourcePolicy: json.RawMessage(`{"Version": "2012-10-17", "Statement": {
		  "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
		  "NotPrincipal": {"AWS": "arn:aws:iam::222222222222:user/bob"}}}`),
	}
	p, err := Prepare(c)
	if err != nil {
		t.Fatal(err)
	}
	if got := iampolicy.Evaluate(p.Input, p.Request).Decision; got != iampolicy.ImplicitDeny {
		t.Errorf("Allow with NotPrincipal = %v, want IMPLICIT_DENY", got)
	}
	if why := Explain(c, iampolicy.ImplicitDeny, iampolicy.Allowed); why != WhyAllowNotPrincipal {
		t.Errorf("Explain() = %q, want the NotPrincipal rule", why)
	}
}

func TestGeneratorIsDeterministic(t *testing.T) {
	a, b := Generate(7, 50), Generate(7, 50)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Error("the same seed produced different cases")
	}
	for _, c := range a {
		if _, err := Prepare(c); err != nil {
			t.Errorf("case %d does not parse: %v", c.ID, err)
		}
	}
}

func TestKnownRootUser(t *testing.T) {
	// IAM User Guide, reference_policies_evaluation-logic_policy-eval-denyallow.html: by
	// default all requests are implicitly denied, except those of the account root user,
	// which has full access.
	c := Case{Principal: "arn:aws:iam::111111111111:root", Action: "sqs:DeleteMessage",
		Resource: "arn:aws:sqs:us-east-1:111111111111:orders", ResourceAccount: Owner}
	p, _ := Prepare(c)
	if got := iampolicy.Evaluate(p.Input, p.Request).Decision; got != iampolicy.Allowed {
		t.Errorf("root user without policies = %v, want ALLOWED", got)
	}
	if why := Explain(c, iampolicy.Allowed, iampolicy.ImplicitDeny); why != WhyRoot {
		t.Errorf("Explain() = %q, want the root user rule", why)
	}
}

func TestKnownArnVariables(t *testing.T) {
	// IAM User Guide, reference_policies_elements_condition_operators.html: the ARN
	// condition operators support policy variables.
	c := Case{
		Principal: "arn:aws:iam::111111111111:user/alice", Action: "sqs:SendMessage",
		Resource: "arn:aws:sqs:us-east-1:111111111111:orders", ResourceAccount: Owner,
		Context: map[string][]string{"aws:PrincipalAccount": {Owner},
			"aws:PrincipalArn": {"arn:aws:iam::111111111111:user/alice"}},
		IdentityPolicies: []json.RawMessage{json.RawMessage(`{"Version": "2012-10-17",
		  "Statement": {"Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition":
		  {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:user/*"}}}}`)},
	}
	p, err := Prepare(c)
	if err != nil {
		t.Fatal(err)
	}
	if got := iampolicy.Evaluate(p.Input, p.Request).Decision; got != iampolicy.Allowed {
		t.Errorf("ArnLike with a resolved variable = %v, want ALLOWED", got)
	}
	if why := Explain(c, iampolicy.Allowed, iampolicy.ImplicitDeny); why != WhyArnVariables {
		t.Errorf("Explain() = %q, want the ARN variable rule", why)
	}
}

func TestKnownForAnyValueIfExists(t *testing.T) {
	// IAM User Guide, reference_policies_elements_condition_operators.html#Conditions_IfExists:
	// "If the key is not present, evaluate the condition element as true", for every
	// operator but Null.
	c := Case{
		Principal: "arn:aws:iam::111111111111:user/alice", Action: "sqs:SendMessage",
		Resource: "arn:aws:sqs:us-east-1:111111111111:orders", ResourceAccount: Owner,
		IdentityPolicies: []json.RawMessage{json.RawMessage(`{"Version": "2012-10-17",
		  "Statement": {"Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition":
		  {"ForAnyValue:StringEqualsIfExists": {"aws:PrincipalServiceNamesList":
		  "ecs.amazonaws.com"}}}}`)},
	}
	p, err := Prepare(c)
	if err != nil {
		t.Fatal(err)
	}
	if got := iampolicy.Evaluate(p.Input, p.Request).Decision; got != iampolicy.Allowed {
		t.Errorf("ForAnyValue:StringEqualsIfExists on a missing key = %v, want ALLOWED", got)
	}
	if why := Explain(c, iampolicy.Allowed, iampolicy.ImplicitDeny); why != WhyForAnyValueIfExists {
		t.Errorf("Explain() = %q, want the IfExists rule", why)
	}
}
