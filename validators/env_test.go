package validators

import (
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"

	"github.com/proctorlabs/proctor"
)

func TestErrText(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	tests := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("operation error S3: GetBucketPolicy: %w", apiErr("AccessDenied")),
			"AccessDenied: AccessDenied (fake)"},
		{fmt.Errorf("operation error: send failed: %w", refused), "dial tcp: connection refused"},
		{fmt.Errorf("operation error: %w", context.DeadlineExceeded), "the request timed out"},
		{errors.New("something else"), "something else"},
	}
	for _, tt := range tests {
		if got := errText(tt.err); got != tt.want {
			t.Errorf("errText(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// s3Writer is a method of the S3 client that changes the account.
type s3Writer interface {
	PutBucketPolicy(context.Context, *s3.PutBucketPolicyInput,
		...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error)
}

// TestEnvClientsAreReadOnly checks that the clients a validator receives cannot be turned
// back into the SDK clients that change a sandbox, by type assertion or by reflection.
func TestEnvClientsAreReadOnly(t *testing.T) {
	env, err := newEnv(context.Background(), proctor.Target{AccountID: "111122223333",
		Region: "us-east-1", Endpoint: proctor.Endpoint{HTTP: "http://127.0.0.1:1"},
		Credentials: proctor.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}},
		nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := env.S3.(*s3.Client); ok {
		t.Error("env.S3 is the SDK's *s3.Client")
	}
	if _, ok := env.S3.(s3Writer); ok {
		t.Error("env.S3 offers PutBucketPolicy")
	}
	if _, ok := env.S3Control.(*s3control.Client); ok {
		t.Error("env.S3Control is the SDK's *s3control.Client")
	}
	if _, ok := env.KMS.(*kms.Client); ok {
		t.Error("env.KMS is the SDK's *kms.Client")
	}
	for name, c := range map[string]any{"S3": env.S3, "S3Control": env.S3Control,
		"KMS": env.KMS} {
		v := reflect.ValueOf(c)
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			continue
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				t.Errorf("env.%s exposes its field %s", name, v.Type().Field(i).Name)
			}
		}
	}
}
