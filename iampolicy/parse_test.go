package iampolicy

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want ParseError
	}{
		{"not json", `{`, ParseError{1, 2, "", "invalid JSON: expected a quoted key"}},
		{"array root", `[]`, ParseError{1, 1, "", "a policy must be a JSON object, not an array"}},
		{"no statement", `{"Version":"2012-10-17"}`,
			ParseError{1, 1, "", "missing the Statement element"}},
		{"bad version", `{"Version":"2012-10-18","Statement":[]}`,
			ParseError{1, 12, "Version",
				`unsupported version "2012-10-18" (want "2012-10-17" or "2008-10-17")`}},
		{"unknown top key", "{\n  \"Statment\": []\n}",
			ParseError{2, 3, "Statment", `unknown policy element "Statment"`}},
		{"case of element", `{"statement": []}`,
			ParseError{1, 2, "statement", `unknown policy element "statement" ` +
				`(element names are case-sensitive: did you mean "Statement"?)`}},
		{"empty statements", `{"Statement": []}`,
			ParseError{1, 15, "Statement", "must hold at least one statement"}},
		{"missing effect", `{"Statement": [{"Action": "s3:*"}]}`,
			ParseError{1, 16, "Statement[0]", "missing the Effect element"}},
		{"bad effect", `{"Statement": {"Effect": "allow", "Action": "*"}}`,
			ParseError{1, 26, "Statement.Effect", `must be "Allow" or "Deny", not "allow"`}},
		{"missing action", `{"Statement": {"Effect": "Allow"}}`,
			ParseError{1, 15, "Statement", "missing the Action or NotAction element"}},
		{"action and notaction",
			`{"Statement": {"Effect": "Allow", "Action": "*", "NotAction": "s3:*"}}`,
			ParseError{1, 50, "Statement.NotAction",
				"a statement may not have both Action and NotAction"}},
		{"action number", `{"Statement": {"Effect": "Allow", "Action": 5}}`,
			ParseError{1, 45, "Statement.Action",
				"must be a string or an array of strings, not a number"}},
		{"action item", `{"Statement": {"Effect": "Allow", "Action": ["s3:Get*", "s3"]}}`,
			ParseError{1, 57, "Statement.Action[1]", `action "s3" must be "*" or SERVICE:ACTION`}},
		{"resource not arn",
			`{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "bucket"}}`,
			ParseError{1, 62, "Statement.Resource",
				`resource "bucket" must be "*" or an ARN starting with "arn:"`}},
		{"principal string",
			`{"Statement": {"Effect": "Allow", "Action": "*", "Principal": "123456789012"}}`,
			ParseError{1, 63, "Statement.Principal",
				`a principal given as a string must be "*"; write {"AWS": "123456789012"} ` +
					`for an account or ARN`}},
		{"principal kind",
			`{"Statement": {"Effect": "Allow", "Action": "*", "Principal": {"Aws": "*"}}}`,
			ParseError{1, 64, "Statement.Principal.Aws",
				`unknown principal type "Aws" (want one of AWS, Service, Federated, ` +
					`CanonicalUser) (element names are case-sensitive: did you mean "AWS"?)`}},
		{"unknown operator",
			`{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"StringEq": {"a": "b"}}}}`,
			ParseError{1, 64, "Statement.Condition.StringEq",
				`unknown condition operator "StringEq"`}},
		{"null ifexists",
			`{"Statement": {"Effect": "Allow", "Action": "*", ` +
				`"Condition": {"NullIfExists": {"a": "true"}}}}`,
			ParseError{1, 64, "Statement.Condition.NullIfExists",
				`operator "NullIfExists": Null takes neither IfExists nor a set qualifier`}},
		{"bad cidr",
			`{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"IpAddress": ` +
				`{"aws:SourceIp": ["10.0.0.0/8", "10.0.0.300"]}}}}`,
			ParseError{1, 109, "Statement.Condition.IpAddress.aws:SourceIp[1]",
				`"10.0.0.300" is not an IP address or CIDR block`}},
		{"bool value",
			`{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"Bool": ` +
				`{"aws:SecureTransport": "yes"}}}}`,
			ParseError{1, 96, "Statement.Condition.Bool.aws:SecureTransport",
				`"yes" is not "true" or "false"`}},
		{"variable in a numeric operator",
			`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", ` +
				`"Condition": {"NumericLessThan": {"s3:n": "${aws:MultiFactorAuthAge}"}}}}`,
			ParseError{1, 117, "Statement.Condition.NumericLessThan.s3:n",
				`"${aws:MultiFactorAuthAge}": policy variables are replaced only in the ` +
					`values of String, Bool and ARN operators`}},
		{"condition key without a service",
			`{"Statement": {"Effect": "Allow", "Action": "*", ` +
				`"Condition": {"StringEquals": {"SourceIp": "x"}}}}`,
			ParseError{1, 81, "Statement.Condition.StringEquals.SourceIp",
				`condition key "SourceIp" must be SERVICE:NAME, such as aws:SourceIp`}},
		{"duplicate key", `{"Statement": {"Effect": "Allow", "Effect": "Deny", "Action": "*"}}`,
			ParseError{1, 35, "Statement.Effect", `invalid JSON: duplicate key "Effect"`}},
		{"duplicate sid",
			`{"Statement": [{"Sid": "a", "Effect": "Allow", "Action": "*"},` + "\n" +
				`{"Sid": "a", "Effect": "Deny", "Action": "*"}]}`,
			ParseError{2, 1, "Statement[1]", `duplicate Sid "a" (also Statement[0])`}},
		{"trailing text", `{"Statement": {"Effect": "Allow", "Action": "*"}} x`,
			ParseError{1, 51, "", "invalid JSON: unexpected text after the end of the document"}},
		{"column counts characters", `{"Id": "é", "Bad": 1, "Statement": []}`,
			ParseError{1, 13, "Bad", `unknown policy element "Bad"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse() error = %v, want a *ParseError", err)
			}
			if diff := cmp.Diff(tt.want, *pe); diff != "" {
				t.Errorf("Parse() error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrorString(t *testing.T) {
	e := &ParseError{Line: 3, Column: 7, Path: "Statement[0].Effect", Reason: "bad"}
	if got, want := e.Error(), "line 3, column 7: Statement[0].Effect: bad"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestParseShapes(t *testing.T) {
	doc := `{
	  "Version": "2012-10-17",
	  "Id": "p1",
	  "Statement": [{
	    "Sid": "TLS",
	    "Effect": "Deny",
	    "Principal": "*",
	    "Action": "s3:*",
	    "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
	    "Condition": {"Bool": {"aws:SecureTransport": false},
	                  "NumericLessThan": {"s3:TlsVersion": 1.2}}
	  }, {
	    "Effect": "Allow",
	    "NotPrincipal": {"AWS": ["123456789012", "arn:aws:iam::123456789012:role/x"],
	                     "Service": "events.amazonaws.com"},
	    "NotAction": "iam:*",
	    "NotResource": "arn:aws:s3:::other/*"
	  }]
	}`
	p, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	got := []any{p.Version, p.ID, len(p.Statements)}
	s0, s1 := p.Statements[0], p.Statements[1]
	got = append(got, s0.Sid, s0.Effect, s0.Principal.Any, s0.Actions, s0.Resources,
		len(s0.Conditions))
	got = append(got, s1.Effect, s1.NotPrincipal, s1.Principal.AWS, s1.Principal.Service,
		s1.NotAction, s1.Actions, s1.NotResource, s1.Resources)
	want := []any{"2012-10-17", "p1", 2,
		"TLS", Deny, true, []string{"s3:*"}, []string{"arn:aws:s3:::b", "arn:aws:s3:::b/*"}, 2,
		Allow, true, []string{"123456789012", "arn:aws:iam::123456789012:role/x"},
		[]string{"events.amazonaws.com"}, true, []string{"iam:*"}, true,
		[]string{"arn:aws:s3:::other/*"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parsed policy mismatch (-want +got):\n%s", diff)
	}
	var ops []string
	for _, c := range s0.Conditions {
		ops = append(ops, c.Operator+" "+c.Key+"="+c.Values[0])
	}
	wantOps := []string{"Bool aws:SecureTransport=false", "NumericLessThan s3:TlsVersion=1.2"}
	if diff := cmp.Diff(wantOps, ops); diff != "" {
		t.Errorf("conditions mismatch (-want +got):\n%s", diff)
	}
}
