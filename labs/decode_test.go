package labs

import (
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestDecodeInput(t *testing.T) {
	in := &s3.PutBucketEncryptionInput{}
	err := decodeInput(reflect.ValueOf(in), map[string]any{
		"Bucket": 2024, // an unquoted number is still a name
		"ServerSideEncryptionConfiguration": map[string]any{
			"Rules": []any{map[string]any{
				"ApplyServerSideEncryptionByDefault": map[string]any{
					"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/k"},
				"BucketKeyEnabled": true,
			}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &s3.PutBucketEncryptionInput{Bucket: aws.String("2024"),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
			Rules: []s3types.ServerSideEncryptionRule{{
				ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{
					SSEAlgorithm: "aws:kms", KMSMasterKeyID: aws.String("alias/k")},
				BucketKeyEnabled: aws.Bool(true)}}}}
	if diff := cmp.Diff(want, in, cmpopts.IgnoreUnexported(s3.PutBucketEncryptionInput{},
		s3types.ServerSideEncryptionConfiguration{}, s3types.ServerSideEncryptionRule{},
		s3types.ServerSideEncryptionByDefault{})); diff != "" {
		t.Errorf("decoded input (-want +got):\n%s", diff)
	}
}

func TestDecodePolicyMapBecomesJSON(t *testing.T) {
	in := &s3.PutBucketPolicyInput{}
	err := decodeInput(reflect.ValueOf(in), map[string]any{"Bucket": "b", "Policy": map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{"Effect": "Deny", "Principal": "*",
			"Action": "s3:*", "Resource": "arn:aws:s3:::b/*",
			"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Statement":[{"Action":"s3:*","Condition":{"Bool":{"aws:SecureTransport":` +
		`"false"}},"Effect":"Deny","Principal":"*","Resource":"arn:aws:s3:::b/*"}],` +
		`"Version":"2012-10-17"}`
	if got := aws.ToString(in.Policy); got != want {
		t.Errorf("Policy = %s\nwant     %s", got, want)
	}
}

func TestDecodeScalarsStreamsAndMaps(t *testing.T) {
	in := &s3.PutObjectInput{}
	err := decodeInput(reflect.ValueOf(in), map[string]any{"Bucket": "b", "Key": "k",
		"Body": "hello", "ContentLength": 5, "Metadata": map[string]any{"team": "data"},
		"ObjectLockRetainUntilDate": "2026-12-03T10:00:00Z", "StorageClass": "STANDARD_IA"})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(in.Body)
	got := []any{string(body), aws.ToInt64(in.ContentLength), in.Metadata["team"],
		aws.ToTime(in.ObjectLockRetainUntilDate), in.StorageClass}
	want := []any{"hello", int64(5), "data", time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC),
		s3types.StorageClassStandardIa}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded members (-want +got):\n%s", diff)
	}

	k := &kms.EncryptInput{}
	if err := decodeInput(reflect.ValueOf(k), map[string]any{"KeyId": "k",
		"Plaintext": "secret", "EncryptionContext": map[string]any{"app": "lab"}}); err != nil {
		t.Fatal(err)
	}
	if string(k.Plaintext) != "secret" || k.EncryptionContext["app"] != "lab" {
		t.Errorf("blob %q, map %v", k.Plaintext, k.EncryptionContext)
	}
}

func TestDecodeErrorsNameEveryMember(t *testing.T) {
	in := &kms.CreateKeyInput{}
	err := decodeInput(reflect.ValueOf(in), map[string]any{
		"KeySpec":     "RSA_1",
		"MultiRegion": "yes",
		"Tags":        []any{map[string]any{"TagKey": "a", "TagValue": map[string]any{}}, "oops"},
		"description": "x",
	})
	var got []string
	for _, fe := range err.(FieldErrors) {
		got = append(got, fe.Error())
	}
	specs := make([]string, 0)
	for _, v := range kmstypes.KeySpec("").Values() {
		specs = append(specs, string(v))
	}
	want := []string{
		`input member KeySpec: "RSA_1" is not a KeySpec (one of: ` + sortedJoin(specs) + ")",
		`input member MultiRegion: want true or false, got the string "yes"`,
		`input member Tags[0].TagValue: want a string, got a map`,
		`input member Tags[1]: want a map of Tag members, got the string "oops"`,
		"input member description: CreateKeyInput has no member description; did you mean " +
			"Description?",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestDecodeIntegerRange(t *testing.T) {
	in := &kms.ScheduleKeyDeletionInput{}
	err := decodeInput(reflect.ValueOf(in), map[string]any{"KeyId": "k",
		"PendingWindowInDays": 1 << 40})
	if err == nil || !strings.Contains(err.Error(), "want an integer of 32 bits") {
		t.Errorf("err = %v, want an overflow error", err)
	}
	err = decodeInput(reflect.ValueOf(in), map[string]any{"KeyId": "k",
		"PendingWindowInDays": 7.5})
	if err == nil || !strings.Contains(err.Error(), "want an integer") {
		t.Errorf("err = %v, want an integer error", err)
	}
}

func sortedJoin(s []string) string {
	c := append([]string(nil), s...)
	for i := range c {
		for j := i + 1; j < len(c); j++ {
			if c[j] < c[i] {
				c[i], c[j] = c[j], c[i]
			}
		}
	}
	return strings.Join(c, ", ")
}
