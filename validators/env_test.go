package validators

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
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
