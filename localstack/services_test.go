package localstack

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor"
)

func TestSupports(t *testing.T) {
	every := Served()
	tests := []struct {
		name     string
		enabled  []string
		services []string
		// wantIn are the pieces the message must hold, in order; nil means Supports is nil.
		wantIn []string
	}{
		{name: "no services", enabled: every, services: nil},
		{name: "the S3 lab", enabled: every, services: []string{"s3", "s3control", "kms", "sts"}},
		{name: "the KMS lab", enabled: every, services: []string{"kms", "sts"}},
		{name: "network and detection plumbing", enabled: every,
			services: []string{"ec2", "events", "sns", "ssm", "config"}},
		{name: "guardduty", enabled: every, services: []string{"s3", "guardduty"},
			wantIn: []string{"guardduty: LocalStack's free image has no GuardDuty"}},
		{name: "cloudtrail", enabled: every, services: []string{"cloudtrail", "s3"},
			wantIn: []string{"cloudtrail: LocalStack's free image has no CloudTrail"}},
		{name: "iam needs enforcement", enabled: every, services: []string{"iam", "sts"},
			wantIn: []string{"iam: LocalStack's free image does not enforce IAM policies"}},
		{name: "access analyzer", enabled: every, services: []string{"accessanalyzer"},
			wantIn: []string{"accessanalyzer: LocalStack's free image has no IAM Access Analyzer"}},
		{name: "organizations and security hub", enabled: every,
			services: []string{"organizations", "securityhub"},
			wantIn:   []string{"organizations: ", "Pro feature", "; securityhub: ", "Pro feature"}},
		{name: "unknown service", enabled: every, services: []string{"lambda"},
			wantIn: []string{"lambda: the LocalStack backend does not know this service"}},
		{name: "served but not enabled", enabled: []string{"s3", "sts"},
			services: []string{"s3", "kms"},
			wantIn:   []string{"kms: not enabled", "(it serves s3, sts)"}},
		{name: "every lack named once, in order", enabled: every,
			services: []string{"guardduty", "s3", "cloudtrail", "guardduty"},
			wantIn:   []string{"guardduty: ", "; cloudtrail: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := supports(tt.enabled, tt.services)
			if tt.wantIn == nil {
				if err != nil {
					t.Fatalf("supports(%v) = %v, want nil", tt.services, err)
				}
				return
			}
			var perr *proctor.Error
			if !errors.As(err, &perr) {
				t.Fatalf("supports(%v) = %v, want a *proctor.Error", tt.services, err)
			}
			if diff := cmp.Diff(
				[]string{string(proctor.EFailedPrecondition), "BACKEND_LACKS_SERVICE"},
				[]string{string(perr.Code), perr.Reason}); diff != "" {
				t.Errorf("code and reason (-want +got):\n%s", diff)
			}
			rest := perr.Message
			for _, piece := range tt.wantIn {
				i := strings.Index(rest, piece)
				if i < 0 {
					t.Fatalf("message %q lacks %q (in order)", perr.Message, piece)
				}
				rest = rest[i+len(piece):]
			}
			if n := strings.Count(perr.Message, "guardduty:"); n > 1 {
				t.Errorf("message names guardduty %d times: %q", n, perr.Message)
			}
		})
	}
}

func TestSupportsUsesTheProvisionersServices(t *testing.T) {
	p := newProvisioner(Config{Services: []string{"s3"}}.withDefaults(noEnv), "localhost",
		&fakeEngine{})
	if err := p.Supports([]string{"s3"}); err != nil {
		t.Errorf("Supports(s3) = %v, want nil", err)
	}
	if err := p.Supports([]string{"kms"}); proctor.ErrorCodeOf(err) != proctor.EFailedPrecondition {
		t.Errorf("Supports(kms) = %v, want EFailedPrecondition", err)
	}
	if got := p.Backend(); got != "localstack" {
		t.Errorf("Backend() = %q, want localstack", got)
	}
}

// TestServedAndRefusedAreDisjoint keeps the two tables honest: a service is served or
// refused, never both, and every refusal says why.
func TestServedAndRefusedAreDisjoint(t *testing.T) {
	for _, s := range Served() {
		if _, ok := refused[s]; ok {
			t.Errorf("%s is both served and refused", s)
		}
	}
	for s, why := range refused {
		if !strings.Contains(why, "LocalStack") {
			t.Errorf("the refusal of %s does not say it is LocalStack's: %q", s, why)
		}
	}
}
