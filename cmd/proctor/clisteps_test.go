package main

import (
	"testing"

	"github.com/proctorlabs/proctor"
)

func TestKebab(t *testing.T) {
	for in, want := range map[string]string{
		"PutBucketPolicy":                "put-bucket-policy",
		"KMSMasterKeyID":                 "kms-master-key-id",
		"AccountId":                      "account-id",
		"PublicAccessBlockConfiguration": "public-access-block-configuration",
		"GetCallerIdentity":              "get-caller-identity",
		"SSEAlgorithm":                   "sse-algorithm",
	} {
		if got := kebab(in); got != want {
			t.Errorf("kebab(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCLICommand(t *testing.T) {
	known := map[string]string{"AccountID": "123456789012", "Region": "us-east-1"}
	tests := []struct {
		step proctor.Step
		want string
	}{
		{proctor.Step{Service: "s3control", Action: "PutPublicAccessBlock", Input: map[string]any{
			"AccountId": "{{.AccountID}}",
			"PublicAccessBlockConfiguration": map[string]any{
				"BlockPublicAcls": true, "IgnorePublicAcls": true}}},
			`aws s3control put-public-access-block --account-id 123456789012 ` +
				`--public-access-block-configuration '{"BlockPublicAcls":true,"IgnorePublicAcls":true}'`},
		{proctor.Step{Service: "kms", Action: "CreateKey",
			Input: map[string]any{"Description": "key of proctor-data-{{.AccountID}}"},
			Save:  map[string]string{"KeyArn": "KeyMetadata.Arn"}},
			`KeyArn=$(aws kms create-key --description 'key of proctor-data-123456789012' ` +
				`--query KeyMetadata.Arn --output text)`},
		{proctor.Step{Service: "kms", Action: "CreateKey",
			Save: map[string]string{"KeyArn": "KeyMetadata.Arn", "KeyId": "KeyMetadata.KeyId"}},
			`read -r KeyArn KeyId <<< "$(aws kms create-key --query ` +
				`'[KeyMetadata.Arn, KeyMetadata.KeyId]' --output text)"`},
		{proctor.Step{Service: "s3", Action: "PutBucketEncryption", Input: map[string]any{
			"Bucket": "b", "ServerSideEncryptionConfiguration": map[string]any{
				"Rules": []any{map[string]any{"KMSMasterKeyID": "{{.KeyArn}}"}}}}},
			`aws s3api put-bucket-encryption --bucket b --server-side-encryption-configuration ` +
				`"{\"Rules\":[{\"KMSMasterKeyID\":\"${KeyArn}\"}]}"`},
	}
	for _, tt := range tests {
		if got := cliCommand(tt.step, known); got != tt.want {
			t.Errorf("cliCommand(%s %s) =\n%s\nwant\n%s", tt.step.Service, tt.step.Action,
				got, tt.want)
		}
	}
}
