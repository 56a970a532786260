package iampolicy

import (
	"errors"
	"strings"
	"testing"
)

var fuzzSeeds = []string{
	tlsOnlyBucket,
	readWriteRole,
	`{"Statement": {"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::b/*"}}`,
	`{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotPrincipal": {"AWS":
	  ["111122223333", "arn:aws:iam::111122223333:role/x"]}, "Action": "*", "Resource": "*",
	  "Condition": {"ForAnyValue:StringLike": {"aws:TagKeys": ["a*", "${aws:username}"]},
	  "IpAddressIfExists": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]},
	  "Null": {"aws:TokenIssueTime": true}, "DateLessThan": {"aws:CurrentTime": 1767225600}}}]}`,
	`{"Statement": {"Effect": "Allow", "Action": "s3:Get?bject", "Resource":
	  "arn:aws:s3:::b/${aws:username, 'x'}/${*}"}}`,
	`{"Statement": [], "Version": "2008-10-17"}`,
	`{"Statement": {"Effect": "Allow", "Action": "\u0073\ud83d\ude00"}}`,
	`[1, 2, {"a": null}]`,
}

// FuzzParse checks that Parse never panics, that every error is a *ParseError with a
// position inside the document, and that what it accepts it accepts again.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		p, err := Parse(doc)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error %v (%T) is not a *ParseError", err, err)
			}
			lines := strings.Count(string(doc), "\n") + 1
			if pe.Line < 1 || pe.Line > lines || pe.Column < 1 || pe.Reason == "" {
				t.Fatalf("error position %d:%d outside a %d-line document: %v", pe.Line,
					pe.Column, lines, pe)
			}
			return
		}
		if p == nil || len(p.Statements) == 0 {
			t.Fatal("Parse accepted a document with no statements")
		}
		for _, st := range p.Statements {
			if st.Effect != Allow && st.Effect != Deny {
				t.Fatalf("statement with effect %d", st.Effect)
			}
		}
	})
}

// FuzzEvaluate evaluates a fuzzed policy in every position against a fuzzed request,
// checking that evaluation never panics and that its result is consistent: an explicit
// deny names deny statements, an allow is impossible without some allow statement.
func FuzzEvaluate(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), "arn:aws:sts::111122223333:assumed-role/app/s", "s3:GetObject",
			"arn:aws:s3:::b/k", "aws:SecureTransport", "false")
	}
	f.Add([]byte(tlsOnlyBucket), "", "s3:ListBucket", "arn:aws:s3:::lab-bucket",
		"aws:username", "*")
	f.Fuzz(func(t *testing.T, doc []byte, principal, action, resource, key, value string) {
		p, err := Parse(doc)
		if err != nil {
			return
		}
		pr := Principal{ARN: principal}
		if parts := strings.SplitN(principal, ":", 6); len(parts) == 6 {
			pr.Account = parts[4]
		}
		req := Request{Principal: pr, Action: action, Resource: resource,
			Context: map[string][]string{key: {value}}}
		inputs := []Input{
			{Identity: []*Policy{p}},
			{Resource: p, ResourceAccount: "444455556666"},
			{Resource: p, Identity: []*Policy{p}, PermissionsBoundary: p, SCPs: []*Policy{p},
				Session: p},
		}
		for _, in := range inputs {
			r := Evaluate(in, req)
			switch r.Decision {
			case ExplicitDeny:
				for _, ref := range r.Deciding {
					if p.Statements[ref.Index].Effect != Deny {
						t.Fatalf("explicit deny decided by an Allow statement %v", ref)
					}
				}
				if len(r.Deciding) == 0 {
					t.Fatal("explicit deny without a deciding statement")
				}
			case Allowed:
				for _, ref := range r.Deciding {
					if p.Statements[ref.Index].Effect != Allow {
						t.Fatalf("allow decided by a Deny statement %v", ref)
					}
				}
				if len(r.Deciding) == 0 && !isRootARN(principal) {
					t.Fatal("allow without a deciding statement")
				}
			}
		}
	})
}
