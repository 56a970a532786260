package labs_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/awsclient"
	"github.com/proctorlabs/proctor/awsim"
	"github.com/proctorlabs/proctor/labs"
	"github.com/proctorlabs/proctor/validators"
)

var (
	simOnce sync.Once
	sim     *awsim.Server
	simDir  string
	simErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sim != nil {
		_ = sim.Close()
		_ = os.RemoveAll(simDir)
	}
	os.Exit(code)
}

// server returns one awsim server shared by the package's tests.
func server(t testing.TB) *awsim.Server {
	t.Helper()
	simOnce.Do(func() {
		if simDir, simErr = os.MkdirTemp("", "labs-awsim-"); simErr != nil {
			return
		}
		if sim, simErr = awsim.New(awsim.Config{DataDir: simDir}); simErr == nil {
			simErr = sim.Start("127.0.0.1:0", "127.0.0.1:0")
		}
	})
	if simErr != nil {
		t.Fatalf("awsim: %v", simErr)
	}
	return sim
}

// account returns the learner and grader targets of a new awsim account.
func account(t testing.TB) (learner, grader proctor.Target) {
	t.Helper()
	srv := server(t)
	acct, err := srv.CreateAccount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ep := proctor.Endpoint{HTTP: srv.HTTPEndpoint(), HTTPS: srv.HTTPSEndpoint(),
		CABundle: srv.CAFile(), Proxy: srv.ProxyURL()}
	learner = proctor.Target{AccountID: acct.ID, Region: srv.Region(), Endpoint: ep,
		Credentials: proctor.Credentials(acct.Learner)}
	grader = learner
	grader.Credentials = proctor.Credentials(acct.Grader)
	return learner, grader
}

func TestRunStepsSavesOutputsForLaterSteps(t *testing.T) {
	learner, _ := account(t)
	r := labs.NewStepRunner(nil)
	values, err := r.Run(context.Background(), learner, []proctor.Step{
		{Service: "sts", Action: "GetCallerIdentity", Save: map[string]string{"Me": "Account"}},
		{Service: "kms", Action: "CreateKey", Input: map[string]any{"Description": "k"},
			Save: map[string]string{"KeyId": "KeyMetadata.KeyId"}},
		{Service: "kms", Action: "CreateAlias",
			Input: map[string]any{"AliasName": "alias/of-{{.Me}}", "TargetKeyId": "{{.KeyId}}"}},
		{Service: "kms", Action: "ListAliases",
			Save: map[string]string{"Alias": "Aliases[0].AliasName"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if values["Me"] != learner.AccountID || values["Alias"] != "alias/of-"+learner.AccountID ||
		values["KeyId"] == "" {
		t.Errorf("saved values = %v", values)
	}
}

func TestRunStepsErrorsNameTheStep(t *testing.T) {
	learner, _ := account(t)
	bucket := "steps-" + learner.AccountID
	tests := []struct {
		name  string
		steps []proctor.Step
		index int
		want  string
	}{
		{"unknown operation", []proctor.Step{{Service: "s3", Action: "Nope"}}, 0,
			`labs: step 1 (s3.Nope): service s3 has no operation "Nope"`},
		{"bad member", []proctor.Step{
			{Service: "s3", Action: "CreateBucket", Input: map[string]any{"Bucket": bucket}},
			{Service: "s3", Action: "PutBucketVersioning", Input: map[string]any{
				"Bucket": bucket, "VersioningConfiguration": map[string]any{"Status": "On"}}},
		}, 1, `labs: step 2 (s3.PutBucketVersioning): input member ` +
			`VersioningConfiguration.Status: "On" is not a BucketVersioningStatus ` +
			`(one of: Enabled, Suspended)`},
		{"missing placeholder", []proctor.Step{{Service: "s3", Action: "HeadBucket",
			Input: map[string]any{"Bucket": "{{.Nope}}"}}}, 0,
			"labs: step 1 (s3.HeadBucket): placeholder: no value for placeholder {{.Nope}}"},
		{"bad output path", []proctor.Step{{Service: "sts", Action: "GetCallerIdentity",
			Save: map[string]string{"X": "Nope"}}}, 0,
			"labs: step 1 (sts.GetCallerIdentity): save X: output member Nope: " +
				"GetCallerIdentityOutput has no member Nope (members: Account, Arn, UserId, " +
				"ResultMetadata)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := labs.NewStepRunner(nil).RunSteps(context.Background(), learner, tt.steps)
			var se *labs.StepError
			if !errors.As(err, &se) || se.Index != tt.index {
				t.Fatalf("err = %v, want a StepError at index %d", err, tt.index)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRunStepsBadInputChangesNothing runs a list whose second step is malformed: the first
// step, which would create a bucket, must not run either.
func TestRunStepsBadInputChangesNothing(t *testing.T) {
	learner, _ := account(t)
	bucket := "untouched-" + learner.AccountID
	err := labs.NewStepRunner(nil).RunSteps(context.Background(), learner, []proctor.Step{
		{Service: "s3", Action: "CreateBucket", Input: map[string]any{"Bucket": bucket}},
		{Service: "s3", Action: "PutBucketPolicy", Input: map[string]any{"Bucket": bucket,
			"Policyy": "{}"}},
	})
	var se *labs.StepError
	if !errors.As(err, &se) || se.Index != 1 {
		t.Fatalf("err = %v, want a StepError at index 1", err)
	}
	err = labs.NewStepRunner(nil).RunSteps(context.Background(), learner, []proctor.Step{
		{Service: "s3", Action: "HeadBucket", Input: map[string]any{"Bucket": bucket}}})
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("HeadBucket after the refused list: err = %v, want 404 (no bucket)", err)
	}
}

func TestRunStepsAWSErrorIsReturned(t *testing.T) {
	learner, _ := account(t)
	err := labs.NewStepRunner(nil).RunSteps(context.Background(), learner, []proctor.Step{
		{Service: "s3", Action: "GetBucketPolicy",
			Input: map[string]any{"Bucket": "none-" + learner.AccountID}}})
	if err == nil || !strings.Contains(err.Error(), "labs: step 1 (s3.GetBucketPolicy): ") ||
		!strings.Contains(err.Error(), "NoSuchBucket") {
		t.Errorf("err = %v, want the step and NoSuchBucket", err)
	}
}

// TestLabCycle proves the catalog's labs on awsim the way `proctor lab test` does: setup,
// every check fails (none is an ERROR), the solution, every check passes.
func TestLabCycle(t *testing.T) {
	reg := validators.Default()
	for _, lab := range labs.Catalog().Labs() {
		t.Run(lab.ID, func(t *testing.T) {
			learner, grader := account(t)
			runner := labs.NewStepRunner(nil)
			ctx := context.Background()
			if err := runner.RunSteps(ctx, learner, lab.Setup); err != nil {
				t.Fatalf("setup: %v", err)
			}
			for _, f := range grade(t, reg, lab, grader) {
				if f.Verdict != proctor.VerdictFail {
					t.Errorf("after setup: %s = %s (%s), want FAIL", f.check, f.Verdict, f.Message)
				}
			}
			if err := runner.RunSteps(ctx, learner, lab.Solution); err != nil {
				t.Fatalf("solution: %v", err)
			}
			for _, f := range grade(t, reg, lab, grader) {
				if f.Verdict != proctor.VerdictPass {
					t.Errorf("after solution: %s = %s (%s), want PASS", f.check, f.Verdict,
						f.Message)
				}
			}
		})
	}
}

type graded struct {
	check string
	proctor.Finding
}

func grade(t *testing.T, reg *validators.Registry, lab *proctor.Lab,
	grader proctor.Target) []graded {
	t.Helper()
	var out []graded
	for _, c := range lab.Checks {
		v, ok := reg.Lookup(c.Validator)
		if !ok {
			t.Fatalf("check %s: no validator %s", c.ID, c.Validator)
		}
		f, err := v.Validate(context.Background(), grader, c.Params)
		if err != nil {
			t.Fatalf("check %s: %v", c.ID, err)
		}
		out = append(out, graded{c.ID, f})
	}
	return out
}

// TestSolvedBucketRefusesPlainHTTP reads the lab's object after the solution: over HTTPS
// the learner gets it, over plain HTTP the bucket policy denies it.
func TestSolvedBucketRefusesPlainHTTP(t *testing.T) {
	lab, err := labs.Catalog().Lab("s3-data-protection")
	if err != nil {
		t.Fatal(err)
	}
	learner, _ := account(t)
	ctx := context.Background()
	runner := labs.NewStepRunner(nil)
	if err := runner.RunSteps(ctx, learner, append(append([]proctor.Step{}, lab.Setup...),
		lab.Solution...)); err != nil {
		t.Fatal(err)
	}
	bucket := "proctor-data-" + learner.AccountID
	get := func(tg proctor.Target) error {
		cfg, err := awsclient.Config(ctx, tg, awsclient.WithRetryMaxAttempts(1))
		if err != nil {
			t.Fatal(err)
		}
		out, err := awsclient.S3(cfg).GetObject(ctx, &s3.GetObjectInput{
			Bucket: aws.String(bucket), Key: aws.String("reports/2026-q3.csv")})
		if err == nil {
			_, _ = io.Copy(io.Discard, out.Body)
			_ = out.Body.Close()
		}
		return err
	}
	if err := get(learner); err != nil {
		t.Errorf("GetObject over HTTPS: %v", err)
	}
	plain := learner
	plain.Endpoint.HTTPS = ""
	err = get(plain)
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusForbidden {
		t.Errorf("GetObject over HTTP: err = %v, want 403 AccessDenied", err)
	}
}

// TestGradingConcurrently grades every check of a solved lab from its own goroutine, as
// grading does, several times over. Run it with -race.
func TestGradingConcurrently(t *testing.T) {
	lab, err := labs.Catalog().Lab("s3-data-protection")
	if err != nil {
		t.Fatal(err)
	}
	learner, grader := account(t)
	steps := append(append([]proctor.Step{}, lab.Setup...), lab.Solution...)
	if err := labs.NewStepRunner(nil).RunSteps(context.Background(), learner, steps); err != nil {
		t.Fatal(err)
	}
	reg := validators.Default()
	var wg sync.WaitGroup
	for range 3 {
		for _, c := range lab.Checks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, _ := reg.Lookup(c.Validator)
				f, err := v.Validate(context.Background(), grader, c.Params)
				if err != nil || f.Verdict != proctor.VerdictPass {
					t.Errorf("%s: %s %s %v", c.ID, f.Verdict, f.Message, err)
				}
			}()
		}
	}
	wg.Wait()
}
