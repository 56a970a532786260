package labs_test

import (
	"context"
	"testing"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/labs"
	"github.com/proctorlabs/proctor/validators"
)

// BenchmarkSetupS3DataProtection measures a new awsim account plus the lab's setup steps.
func BenchmarkSetupS3DataProtection(b *testing.B) {
	lab, err := labs.Catalog().Lab("s3-data-protection")
	if err != nil {
		b.Fatal(err)
	}
	runner := labs.NewStepRunner(nil)
	for b.Loop() {
		learner, _ := account(b)
		if err := runner.RunSteps(context.Background(), learner, lab.Setup); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGradeS3DataProtection measures grading every check of the solved lab, one after
// the other, through the AWS API of awsim.
func BenchmarkGradeS3DataProtection(b *testing.B) {
	lab, err := labs.Catalog().Lab("s3-data-protection")
	if err != nil {
		b.Fatal(err)
	}
	learner, grader := account(b)
	steps := append(append([]proctor.Step{}, lab.Setup...), lab.Solution...)
	if err := labs.NewStepRunner(nil).RunSteps(context.Background(), learner, steps); err != nil {
		b.Fatal(err)
	}
	reg := validators.Default()
	for b.Loop() {
		for _, c := range lab.Checks {
			v, _ := reg.Lookup(c.Validator)
			f, err := v.Validate(context.Background(), grader, c.Params)
			if err != nil || f.Verdict != proctor.VerdictPass {
				b.Fatalf("%s: %v %v", c.ID, f, err)
			}
		}
	}
}

// BenchmarkParseCatalogLab measures parsing and linting the S3 lab file.
func BenchmarkParseCatalogLab(b *testing.B) {
	data := mustRead(b, "catalog/s3-data-protection.yaml")
	for b.Loop() {
		if _, err := labs.Parse("s3-data-protection.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
