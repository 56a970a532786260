package iampolicy_test

import (
	"fmt"
	"testing"

	"github.com/proctorlabs/proctor/iampolicy"
	"github.com/proctorlabs/proctor/iampolicy/internal/difftest"
)

// BenchmarkEvaluate decides the differential test's generated cases (the same ones
// scripts/iam-differential.sh gives iam-simulate) and reports decisions per second.
func BenchmarkEvaluate(b *testing.B) {
	cases := difftest.Generate(1, 2000)
	prepared := make([]difftest.Prepared, len(cases))
	for i, c := range cases {
		p, err := difftest.Prepare(c)
		if err != nil {
			b.Fatal(err)
		}
		prepared[i] = p
	}
	b.ResetTimer()
	n := 0
	for b.Loop() {
		p := &prepared[n%len(prepared)]
		iampolicy.Evaluate(p.Input, p.Request)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "decisions/s")
}

// tenStatements is a 10-statement identity policy mixing wildcards, NotAction,
// NotResource and conditions.
var tenStatements = iampolicy.MustParse(`{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"},
  {"Effect": "Allow", "Action": "s3:*Object", "Resource": "arn:aws:s3:::app-data/*"},
  {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*",
   "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}},
  {"Effect": "Allow", "Action": ["dynamodb:*Item", "dynamodb:Query"],
   "Resource": "arn:aws:dynamodb:*:111122223333:table/*"},
  {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*",
   "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}},
  {"Effect": "Allow", "Action": "sqs:*", "NotResource": "arn:aws:sqs:*:*:admin-*"},
  {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
   "Condition": {"StringLike": {"kms:ViaService": "s3.*.amazonaws.com"}}},
  {"Effect": "Deny", "Action": "*", "Resource": "*",
   "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
  {"Effect": "Allow", "Action": ["logs:Put*", "logs:Create*"], "Resource": "*"},
  {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]}`)

// BenchmarkAllowedActionsFullCatalog answers "which actions may this principal perform"
// for a 10-statement policy over every action of the catalog.
func BenchmarkAllowedActionsFullCatalog(b *testing.B) {
	cat := iampolicy.DefaultCatalog()
	in := iampolicy.Input{Identity: []*iampolicy.Policy{tenStatements}}
	req := iampolicy.Request{
		Principal: iampolicy.Principal{ARN: "arn:aws:iam::111122223333:user/alice",
			Account: "111122223333"},
		Resource: "arn:aws:s3:::app-data/key",
		Context: map[string][]string{"aws:SecureTransport": {"true"},
			"aws:RequestedRegion": {"eu-west-1"}},
	}
	var allowed int
	for b.Loop() {
		allowed = len(cat.AllowedActionsAmong(in, req, cat.Actions()))
	}
	b.ReportMetric(float64(len(cat.Actions())), "actions")
	b.ReportMetric(float64(allowed), "allowed")
}

// BenchmarkAllowedActionsOnResource is question 2 as validators ask it: the catalog
// actions that act on one S3 object.
func BenchmarkAllowedActionsOnResource(b *testing.B) {
	cat := iampolicy.DefaultCatalog()
	in := iampolicy.Input{Identity: []*iampolicy.Policy{tenStatements}}
	req := iampolicy.Request{
		Principal: iampolicy.Principal{ARN: "arn:aws:iam::111122223333:user/alice",
			Account: "111122223333"},
		Resource: "arn:aws:s3:::app-data/key",
		Context:  map[string][]string{"aws:SecureTransport": {"true"}},
	}
	for b.Loop() {
		cat.AllowedActions(in, req)
	}
}

// BenchmarkCompare is question 3 for the IAM-3 policy of the graders' cases.
func BenchmarkCompare(b *testing.B) {
	cat := iampolicy.DefaultCatalog()
	in := iampolicy.Input{Identity: []*iampolicy.Policy{iampolicy.MustParse(`{"Version":
	  "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*Object",
	  "Resource": "arn:aws:s3:::app-data/*"}}`)}}
	req := iampolicy.Request{Principal: iampolicy.Principal{
		ARN: "arn:aws:iam::111122223333:role/app", Account: "111122223333"}}
	required := []iampolicy.Grant{{Action: "s3:GetObject", Resource: "arn:aws:s3:::app-data/*"},
		{Action: "s3:PutObject", Resource: "arn:aws:s3:::app-data/*"}}
	for b.Loop() {
		if r := cat.Compare(in, req, required); r.Comparison != iampolicy.Broader {
			b.Fatal(fmt.Sprint(r.Comparison))
		}
	}
}

func BenchmarkParse(b *testing.B) {
	doc := []byte(`{"Version": "2012-10-17", "Statement": [{"Sid": "DenyInsecureTransport",
	  "Effect": "Deny", "Principal": "*", "Action": "s3:*",
	  "Resource": ["arn:aws:s3:::lab-bucket", "arn:aws:s3:::lab-bucket/*"],
	  "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}`)
	for b.Loop() {
		if _, err := iampolicy.Parse(doc); err != nil {
			b.Fatal(err)
		}
	}
}
