package localstack

import (
	"slices"
	"sort"
	"strings"

	"github.com/proctorlabs/proctor"
)

// served are the services, by endpoint prefix, that LocalStack's free image serves with the
// fidelity labs need. The package doc says why each is here.
var served = []string{"config", "ec2", "events", "kms", "s3", "s3control", "sns", "ssm", "sts"}

// refused says, for each service LocalStack's free image cannot serve as labs need, why not.
var refused = map[string]string{
	"guardduty": "LocalStack's free image has no GuardDuty (detectors and findings are " +
		"LocalStack Pro features)",
	"cloudtrail": "LocalStack's free image has no CloudTrail (only the Pro image serves it), " +
		"so no trail would record anything",
	"iam": "LocalStack's free image does not enforce IAM policies (ENFORCE_IAM is a Pro " +
		"feature), so what a principal may really do cannot be graded",
	"accessanalyzer": "LocalStack's free image has no IAM Access Analyzer and does not " +
		"enforce IAM policies",
	"organizations": "LocalStack's free image has no AWS Organizations (a Pro feature)",
	"securityhub":   "LocalStack's free image has no Security Hub (a Pro feature)",
}

// Served returns the services LocalStack sandboxes serve, by endpoint prefix, sorted.
func Served() []string { return slices.Clone(served) }

// Supports returns nil when LocalStack's free image serves every one of the services, and
// else an EFailedPrecondition error with reason BACKEND_LACKS_SERVICE whose message names each
// service it lacks and why. A service the provisioner was configured not to enable counts as
// lacking. Duplicates are reported once, in the order given.
func (p *Provisioner) Supports(services []string) error {
	return supports(p.cfg.Services, services)
}

func supports(enabled, services []string) error {
	var reasons []string
	var seen []string
	for _, s := range services {
		if slices.Contains(seen, s) {
			continue
		}
		seen = append(seen, s)
		switch why, ok := refused[s]; {
		case ok:
			reasons = append(reasons, s+": "+why)
		case !slices.Contains(served, s):
			reasons = append(reasons, s+": the LocalStack backend does not know this service")
		case !slices.Contains(enabled, s):
			reasons = append(reasons, s+": not enabled in this server's LocalStack configuration")
		}
	}
	if len(reasons) == 0 {
		return nil
	}
	return proctor.Errorf(proctor.EFailedPrecondition,
		"the localstack backend cannot serve this lab: %s (it serves %s)",
		strings.Join(reasons, "; "), strings.Join(sorted(enabled), ", ")).
		WithReason("BACKEND_LACKS_SERVICE")
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}
