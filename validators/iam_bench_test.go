package validators

import (
	"testing"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/iampolicy"
)

// BenchmarkRoleLeastPrivilegeCompare grades the lab's starting policy (s3:* on *) and an
// administrator's NotAction policy against the lab's two grants, without AWS calls.
func BenchmarkRoleLeastPrivilegeCompare(b *testing.B) {
	grants := []iampolicy.Grant{{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*"},
		{Action: "s3:PutObject", Resource: "arn:aws:s3:::b/*"}}
	for _, bc := range []struct{ name, doc string }{
		{"s3-star", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
			`"Action":"s3:*","Resource":"*"}]}`},
		{"not-action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
			`"NotAction":"x:Y","Resource":"*"}]}`},
	} {
		pols := []namedPolicy{{"inline policy p", iampolicy.MustParse(bc.doc)}}
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				f := compareGrants(testAccount, "app", "", pols, grants)
				if f.Verdict != proctor.VerdictFail {
					b.Fatalf("verdict %s, want FAIL", f.Verdict)
				}
			}
		})
	}
}
