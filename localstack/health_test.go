package localstack

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUnready(t *testing.T) {
	want := []string{"kms", "s3", "sts"}
	tests := []struct {
		name    string
		body    string
		want    []string
		wantErr string
	}{
		{name: "all running", want: nil,
			body: `{"services": {"kms": "running", "s3": "running", "sts": "running",
				"sqs": "disabled"}, "edition": "community", "version": "4.4.0"}`},
		{name: "available counts as ready", want: nil,
			body: `{"services": {"kms": "available", "s3": "running", "sts": "available"}}`},
		{name: "one starting, one missing", want: []string{"kms=missing", "s3=starting"},
			body: `{"services": {"s3": "starting", "sts": "running"}}`},
		{name: "error and disabled", want: []string{"kms=error", "s3=disabled", "sts=missing"},
			body: `{"services": {"kms": "error", "s3": "disabled"}}`},
		{name: "no services member", body: `{"version": "4.4.0"}`,
			wantErr: "no services member"},
		{name: "not JSON", body: `<html>starting</html>`, wantErr: "health document"},
		{name: "services of the wrong type", body: `{"services": ["s3"]}`,
			wantErr: "health document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := unready(strings.NewReader(tt.body), want)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("unready = %v, %v; want an error with %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("unready (-want +got):\n%s", diff)
			}
			ready := healthMatcher(want)(strings.NewReader(tt.body))
			if ready != (len(tt.want) == 0) {
				t.Errorf("healthMatcher = %v, want %v", ready, len(tt.want) == 0)
			}
		})
	}
}

func TestServicesEnv(t *testing.T) {
	got := servicesEnv([]string{"sts", "s3", "kms"})
	if want := "kms,s3,sts"; got != want {
		t.Errorf("servicesEnv = %q, want %q", got, want)
	}
}

func FuzzUnready(f *testing.F) {
	f.Add(`{"services": {"s3": "running"}}`)
	f.Add(`{"services": {"s3": "error", "kms": "available"}}`)
	f.Add(`{"services": null}`)
	f.Add(`[`)
	f.Fuzz(func(t *testing.T, body string) {
		bad, err := unready(strings.NewReader(body), []string{"kms", "s3"})
		if err != nil && bad != nil {
			t.Fatalf("unready returned both %v and %v", bad, err)
		}
		if len(bad) > 2 {
			t.Fatalf("unready reported %d services of 2: %v", len(bad), bad)
		}
	})
}
