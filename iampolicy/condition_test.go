package iampolicy

import (
	"fmt"
	"testing"
)

// condHolds parses a one-statement policy with the given condition block and reports
// whether it allows a request with the given context.
func condHolds(t *testing.T, version, cond string, ctx map[string][]string) bool {
	t.Helper()
	return condHoldsFor(t, userPrincipal, version, cond, ctx)
}

// condHoldsFor is condHolds for a given principal.
func condHoldsFor(t *testing.T, p Principal, version, cond string,
	ctx map[string][]string) bool {
	t.Helper()
	doc := fmt.Sprintf(`{"Version": %q, "Statement": {"Effect": "Allow", "Action": "*", `+
		`"Resource": "*", "Condition": %s}}`, version, cond)
	pol, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse(%s): %v", cond, err)
	}
	r := Evaluate(Input{Identity: []*Policy{pol}},
		Request{Principal: p, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k",
			Context: ctx})
	return r.Decision == Allowed
}

func kv(pairs ...string) map[string][]string {
	m := map[string][]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = append(m[pairs[i]], pairs[i+1])
	}
	return m
}

func TestConditionOperators(t *testing.T) {
	tags := map[string][]string{"aws:TagKeys": {"env", "team"}}
	tests := []struct {
		cond string
		ctx  map[string][]string
		want bool
	}{
		{`{"StringEquals": {"s3:prefix": "home/"}}`, kv("s3:prefix", "home/"), true},
		{`{"StringEquals": {"s3:prefix": "home/"}}`, kv("s3:prefix", "Home/"), false},
		{`{"StringEquals": {"s3:prefix": ["a", "home/"]}}`, kv("s3:prefix", "home/"), true},
		{`{"StringEquals": {"s3:prefix": "home/"}}`, nil, false},
		{`{"StringNotEquals": {"s3:prefix": "home/"}}`, nil, true},
		{`{"StringNotEquals": {"s3:prefix": ["a", "b"]}}`, kv("s3:prefix", "b"), false},
		{`{"StringNotEquals": {"s3:prefix": ["a", "b"]}}`, kv("s3:prefix", "c"), true},
		{`{"StringEqualsIgnoreCase": {"s3:prefix": "HOME/"}}`, kv("s3:prefix", "home/"), true},
		{`{"StringNotEqualsIgnoreCase": {"s3:prefix": "HOME/"}}`, kv("s3:prefix", "home/"),
			false},
		{`{"StringLike": {"s3:prefix": "home/*"}}`, kv("s3:prefix", "home/a/b"), true},
		{`{"StringLike": {"s3:prefix": "h?me/"}}`, kv("s3:prefix", "hxme/"), true},
		{`{"StringLike": {"s3:prefix": "home/*"}}`, kv("s3:prefix", "Home/a"), false},
		{`{"StringNotLike": {"s3:prefix": "home/*"}}`, kv("s3:prefix", "tmp/"), true},
		{`{"StringNotLike": {"s3:prefix": "home/*"}}`, nil, true},
		{`{"StringEqualsIfExists": {"s3:prefix": "x"}}`, nil, true},
		{`{"StringEqualsIfExists": {"s3:prefix": "x"}}`, kv("s3:prefix", "y"), false},
		{`{"NumericLessThan": {"s3:max-keys": 10}}`, kv("s3:max-keys", "9"), true},
		{`{"NumericLessThan": {"s3:max-keys": "10"}}`, kv("s3:max-keys", "10"), false},
		{`{"NumericLessThanEquals": {"s3:max-keys": "10"}}`, kv("s3:max-keys", "10"), true},
		{`{"NumericGreaterThan": {"s3:max-keys": "10"}}`, kv("s3:max-keys", "10.5"), true},
		{`{"NumericGreaterThanEquals": {"s3:max-keys": "10"}}`, kv("s3:max-keys", "9"), false},
		{`{"NumericEquals": {"s3:max-keys": "10"}}`, kv("s3:max-keys", "10.0"), true},
		{`{"NumericNotEquals": {"s3:max-keys": "10"}}`, kv("s3:max-keys", "11"), true},
		{`{"NumericEquals": {"s3:max-keys": "10"}}`, kv("s3:max-keys", "ten"), false},
		{`{"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}`,
			kv("aws:CurrentTime", "2026-06-01T00:00:00Z"), true},
		{`{"DateLessThan": {"aws:CurrentTime": "2026-01-01"}}`,
			kv("aws:CurrentTime", "2025-12-31T23:59:59Z"), true},
		{`{"DateEquals": {"aws:EpochTime": "1767225600"}}`,
			kv("aws:EpochTime", "2026-01-01T00:00:00Z"), true},
		{`{"DateNotEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}`,
			kv("aws:CurrentTime", "2026-01-01T00:00:00+00:00"), false},
		{`{"DateLessThanEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}`,
			kv("aws:CurrentTime", "2026-01-01T01:00:00+02:00"), true},
		{`{"DateGreaterThanEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}`,
			kv("aws:CurrentTime", "2025-01-01T00:00:00Z"), false},
		{`{"Bool": {"aws:SecureTransport": "true"}}`, kv("aws:SecureTransport", "true"), true},
		{`{"Bool": {"aws:SecureTransport": true}}`, kv("aws:SecureTransport", "TRUE"), true},
		{`{"Bool": {"aws:SecureTransport": "true"}}`, kv("aws:SecureTransport", "false"), false},
		{`{"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}`, nil, true},
		{`{"BinaryEquals": {"s3:k": "QmluYXJ5"}}`, kv("s3:k", "QmluYXJ5"), true},
		{`{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`, kv("aws:SourceIp", "203.0.113.9"),
			true},
		{`{"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "203.0.113.0/24"]}}`,
			kv("aws:SourceIp", "198.51.100.1"), false},
		{`{"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}`, kv("aws:SourceIp", "2001:db8::1"),
			true},
		{`{"IpAddress": {"aws:SourceIp": "203.0.113.7"}}`, kv("aws:SourceIp", "203.0.113.7"),
			true},
		{`{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`,
			kv("aws:SourceIp", "198.51.100.1"), true},
		{`{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`, nil, true},
		{`{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}`, nil, false},
		{`{"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}}`,
			kv("aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:topic"), true},
		{`{"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}}`,
			kv("aws:SourceArn", "arn:aws:sns:us-east-1:444455556666:topic"), false},
		{`{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:*/admin"}}`,
			kv("aws:PrincipalArn", "arn:aws:iam::1:role/admin"), true},
		{`{"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:t"}}`,
			kv("aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:t"), true},
		{`{"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin*"}}`,
			kv("aws:PrincipalArn", "arn:aws:iam::1:role/adminX"), false},
		{`{"ArnNotEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:t"}}`, nil,
			true},
		{`{"ArnLike": {"aws:SourceArn": "arn:aws:s3:::b*"}}`, kv("aws:SourceArn", "not-an-arn"),
			false},
		{`{"Null": {"aws:TokenIssueTime": "true"}}`, nil, true},
		{`{"Null": {"aws:TokenIssueTime": "true"}}`, kv("aws:TokenIssueTime", "x"), false},
		{`{"Null": {"aws:TokenIssueTime": "false"}}`, kv("aws:TokenIssueTime", "x"), true},
		{`{"Null": {"aws:TokenIssueTime": "false"}}`, map[string][]string{
			"aws:TokenIssueTime": {}}, false},
		{`{"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team", "cost"]}}`, tags, true},
		{`{"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}}`, tags, false},
		{`{"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}}`, nil, true},
		{`{"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}`, tags, true},
		{`{"ForAnyValue:StringEquals": {"aws:TagKeys": ["cost"]}}`, tags, false},
		{`{"ForAnyValue:StringEquals": {"aws:TagKeys": ["cost"]}}`, nil, false},
		{`{"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["env"]}}`, tags, true},
		{`{"ForAllValues:StringNotEquals": {"aws:TagKeys": ["env"]}}`, tags, false},
		{`{"ForAllValues:StringLike": {"aws:TagKeys": ["e*", "t*"]}}`, tags, true},
		{`{"ForAllValues:StringEquals": {"aws:TagKeys": "env"}, ` +
			`"Null": {"aws:TagKeys": "false"}}`, nil, false},
		{`{"StringEquals": {"aws:PrincipalAccount": "111122223333"}}`, nil, true},
		{`{"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/alice"}}`, nil,
			true},
		{`{"StringEquals": {"aws:username": "alice"}}`, nil, true},
		{`{"Null": {"aws:username": "true"}}`, nil, false},
		{`{"StringEquals": {"s3:prefix": "a"}, "Bool": {"aws:SecureTransport": "true"}}`,
			kv("s3:prefix", "a", "aws:SecureTransport", "false"), false},
		{`{"StringEquals": {"s3:prefix": "a", "s3:delimiter": "/"}}`,
			kv("s3:prefix", "a", "s3:delimiter", "/"), true},
		{`{"stringequals": {"s3:prefix": "a"}}`, kv("s3:prefix", "a"), true},
	}
	for _, tt := range tests {
		t.Run(tt.cond, func(t *testing.T) {
			if got := condHolds(t, Version2012, tt.cond, tt.ctx); got != tt.want {
				t.Errorf("condition %s with %v = %v, want %v", tt.cond, tt.ctx, got, tt.want)
			}
		})
	}
}

func TestPolicyVariables(t *testing.T) {
	tests := []struct {
		version, cond string
		ctx           map[string][]string
		want          bool
	}{
		{Version2012, `{"StringLike": {"s3:prefix": "home/${aws:username}/*"}}`,
			kv("s3:prefix", "home/alice/x", "aws:username", "alice"), true},
		{Version2012, `{"StringLike": {"s3:prefix": "home/${aws:username}/*"}}`,
			kv("s3:prefix", "home/bob/x", "aws:username", "alice"), false},
		{Version2012, `{"StringLike": {"s3:prefix": "home/${AWS:UserName}/*"}}`,
			kv("s3:prefix", "home/alice/x", "aws:username", "alice"), true},
		{Version2012, `{"StringLike": {"s3:prefix": "home/${aws:username}/*"}}`,
			kv("s3:prefix", "home/alice/x"), false},
		{Version2012, `{"StringEquals": {"s3:prefix": "${aws:username, 'nobody'}"}}`,
			kv("s3:prefix", "nobody"), true},
		{Version2012, `{"StringLike": {"s3:prefix": "a${*}b"}}`, kv("s3:prefix", "a*b"), true},
		{Version2012, `{"StringLike": {"s3:prefix": "a${*}b"}}`, kv("s3:prefix", "axb"), false},
		{Version2012, `{"StringLike": {"s3:prefix": "${aws:username}"}}`,
			kv("s3:prefix", "anything", "aws:username", "*"), false},
		{Version2008, `{"StringEquals": {"s3:prefix": "${aws:username}"}}`,
			kv("s3:prefix", "${aws:username}", "aws:username", "alice"), true},
		{"", `{"StringEquals": {"s3:prefix": "${aws:username}"}}`,
			kv("s3:prefix", "alice", "aws:username", "alice"), false},
		{Version2012, `{"StringEquals": {"s3:prefix": ["${aws:username}", "a"]}}`,
			kv("s3:prefix", "a"), true},
		{Version2012, `{"StringNotEquals": {"s3:prefix": ["${aws:username}", "x"]}}`,
			kv("s3:prefix", "a"), false},
		{Version2012, `{"StringNotEqualsIfExists": {"s3:prefix": "${aws:username}"}}`,
			kv("s3:prefix", "a"), false},
		{Version2012, `{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:*"}}`,
			nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.version+" "+tt.cond, func(t *testing.T) {
			version := tt.version
			var got bool
			if version == "" {
				p := MustParse(`{"Statement": {"Effect": "Allow", "Action": "*", ` +
					`"Resource": "*", "Condition": ` + tt.cond + `}}`)
				got = Evaluate(Input{Identity: []*Policy{p}}, Request{Principal: rolePrincipal,
					Action: "s3:ListBucket", Resource: "arn:aws:s3:::b",
					Context: tt.ctx}).Decision == Allowed
			} else {
				// A role session has no aws:username unless the context gives one.
				got = condHoldsFor(t, rolePrincipal, version, tt.cond, tt.ctx)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestResourceVariables(t *testing.T) {
	p := MustParse(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
	  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/home/${aws:username}/*"}}`)
	tests := []struct {
		resource string
		ctx      map[string][]string
		want     Decision
	}{
		{"arn:aws:s3:::b/home/alice/f", kv("aws:username", "alice"), Allowed},
		{"arn:aws:s3:::b/home/bob/f", kv("aws:username", "alice"), ImplicitDeny},
		{"arn:aws:s3:::b/home/alice/f", nil, ImplicitDeny},
	}
	for _, tt := range tests {
		got := Evaluate(Input{Identity: []*Policy{p}},
			Request{Principal: rolePrincipal, Action: "s3:GetObject", Resource: tt.resource,
				Context: tt.ctx})
		if got.Decision != tt.want {
			t.Errorf("%s with %v = %v, want %v", tt.resource, tt.ctx, got.Decision, tt.want)
		}
	}
}
