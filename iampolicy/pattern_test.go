package iampolicy

import "testing"

func TestMatchAction(t *testing.T) {
	tests := []struct {
		pattern, action string
		want            bool
	}{
		{"*", "s3:GetObject", true},
		{"s3:*", "s3:GetObject", true},
		{"s3:*Object", "s3:GetObject", true},
		{"s3:*Object", "s3:GetObjectAcl", false},
		{"s3:Get*", "S3:GETOBJECT", true},
		{"s3:Get?bject", "s3:GetObject", true},
		{"s3:Get?bject", "s3:GetObbject", false},
		{"s3*", "s3:GetObject", false},
		{"ec2:*", "s3:GetObject", false},
		{"s3:GetObject", "s3:GetObjectTagging", false},
		{"*:GetObject", "s3:GetObject", true},
	}
	for _, tt := range tests {
		if got := matchAction(tt.pattern, tt.action); got != tt.want {
			t.Errorf("matchAction(%q, %q) = %v, want %v", tt.pattern, tt.action, got, tt.want)
		}
	}
}

func TestMatchARN(t *testing.T) {
	tests := []struct {
		pattern, arn string
		want         bool
	}{
		{"*", "arn:aws:s3:::b", true},
		{"arn:aws:s3:::b", "arn:aws:s3:::b", true},
		{"arn:aws:s3:::b", "arn:aws:s3:::B", false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b", false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b:c", true},
		{"arn:aws:s3:::b*", "arn:aws:s3:::b-other", true},
		{"arn:aws:s3:::b*", "arn:aws:s3:::b/key", true},
		{"arn:aws:*:*:*:*", "arn:aws:sqs:us-east-1:1:q", true},
		{"arn:aws:s3:*", "arn:aws:s3:::b/k", true},
		{"arn:aws:*", "arn:aws:iam::1:role/x", true},
		{"arn:aws:iam::*:role/*", "arn:aws:iam::111122223333:role/a/b", true},
		{"arn:aws:iam::*:role/*", "arn:aws:iam::111122223333:user/a", false},
		{"arn:aws:sqs:us-*-1:*:q", "arn:aws:sqs:us-east-1:1:q", true},
		{"arn:aws:sqs:us-*:*:q", "arn:aws:sqs:us-east-1:1:q", true},
		{"arn:aws:sqs:*:1:q", "arn:aws:sqs:us-east-1:2:q", false},
		{"arn:aws:s3:::b?", "arn:aws:s3:::bc", true},
		{"arn:aws:s3:::b?", "arn:aws:s3:::b", false},
		{"arn:aws:s3:::é?", "arn:aws:s3:::éé", true},
		{"arn:aws:iam::1:user/Bob", "arn:aws:iam::1:user/bob", false},
		{"arn:aws:iam::1:u*", "arn:aws:iam::1:user/bob", true},
		{"arn:aws:iam::1:u*/bob", "arn:aws:iam::1:user/bob", false},
		{"arn:aws:dynamodb:*:*:?able/Users", "arn:aws:dynamodb:us-east-1:1:table/Users", false},
		{"arn:aws:dynamodb:*:*:table/?sers", "arn:aws:dynamodb:us-east-1:1:table/Users", true},
		{"arn:aws:secretsmanager:*:*:?ecret:db", "arn:aws:secretsmanager:r:1:secret:db", false},
		{"arn:aws:sqs:*:1:*", "arn:aws:sqs:us-east-1:1:queue", true},
	}
	for _, tt := range tests {
		if got := matchARN(resolved{text: tt.pattern}, tt.arn); got != tt.want {
			t.Errorf("matchARN(%q, %q) = %v, want %v", tt.pattern, tt.arn, got, tt.want)
		}
	}
}

func TestGlobLiteralMask(t *testing.T) {
	// The '*' at index 1 is literal (it came from ${*}); the one at index 3 is a wildcard.
	lit := []bool{false, true, false, false}
	if !glob("a*b*", lit, "a*bxyz", false) {
		t.Error("literal star should match '*' and the wildcard the rest")
	}
	if glob("a*b*", lit, "axxbyz", false) {
		t.Error("literal star must not act as a wildcard")
	}
}
