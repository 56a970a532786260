package embedded_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/grading"
	"github.com/proctorlabs/proctor/labs"
	"github.com/proctorlabs/proctor/sandbox"
	"github.com/proctorlabs/proctor/sandbox/embedded"
	"github.com/proctorlabs/proctor/store"
	"github.com/proctorlabs/proctor/validators"
)

const s3Lab = "s3-data-protection"

// stack is a sandbox service on the embedded backend with the shipped catalog.
type stack struct {
	svc     *sandbox.Service
	db      *store.DB
	catalog proctor.LabCatalog
	steps   *labs.StepRunner
}

func newStack(tb testing.TB) *stack {
	tb.Helper()
	srv := startServer(tb)
	db, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "proctor.db"))
	if err != nil {
		tb.Fatalf("store.Open: %v", err)
	}
	catalog := labs.Catalog()
	steps := labs.NewStepRunner(nil)
	svc, err := sandbox.NewService(sandbox.Config{Store: db, Provisioner: embedded.New(srv),
		Catalog: catalog, Steps: steps, MaxPerLearner: -1, ReapInterval: -1})
	if err != nil {
		tb.Fatalf("NewService: %v", err)
	}
	tb.Cleanup(func() {
		svc.Close()
		db.Close()
	})
	return &stack{svc: svc, db: db, catalog: catalog, steps: steps}
}

// grader returns the grader's target of a stored sandbox.
func (st *stack) grader(tb testing.TB, name string) proctor.Target {
	tb.Helper()
	sb, err := st.db.Sandbox(context.Background(), name)
	if err != nil {
		tb.Fatalf("store: %v", err)
	}
	return sb.GraderTarget()
}

var learner = proctor.Caller{Subject: "alice", Role: proctor.RoleLearner}

// TestS3LabEndToEnd provisions the S3 lab on awsim, grades it (the checks the setup breaks
// must fail), applies the reference solution and grades again (every check must pass).
func TestS3LabEndToEnd(t *testing.T) {
	st := newStack(t)
	ctx := context.Background()
	sb, err := st.svc.CreateSandbox(ctx, learner, s3Lab, "")
	if err != nil {
		t.Fatalf("CreateSandbox: %v", err)
	}
	lab, err := st.catalog.Lab(s3Lab)
	if err != nil {
		t.Fatal(err)
	}
	// The service keeps the grader's credentials to itself; the grading service reads them
	// from the store, and so does this test.
	target := st.grader(t, sb.Name)

	before := grading.Grade(ctx, lab, target, validators.Default(), 5*time.Second, nil)
	if before.Passed {
		t.Errorf("the starting state passes: %+v", before)
	}
	failing := 0
	for _, r := range before.Results {
		if r.Verdict == proctor.VerdictError {
			t.Errorf("check %s could not be graded: %s", r.CheckID, r.Message)
		}
		if r.Verdict == proctor.VerdictFail {
			failing++
		}
	}
	if failing == 0 {
		t.Errorf("no check fails on the starting state")
	}

	if err := st.steps.RunSteps(ctx, sb.LearnerTarget(), lab.Solution); err != nil {
		t.Fatalf("solution: %v", err)
	}
	after := grading.Grade(ctx, lab, target, validators.Default(), 5*time.Second, nil)
	for _, r := range after.Results {
		if r.Verdict != proctor.VerdictPass {
			t.Errorf("after the solution, check %s: %s %s", r.CheckID, r.Verdict, r.Message)
		}
	}
	if !after.Passed || after.Score != float64(lab.MaxPoints()) {
		t.Errorf("after the solution: %v/%d passed=%v, want full marks", after.Score,
			after.MaxScore, after.Passed)
	}
}

// percentiles reports the median and the 99th percentile of the samples as benchmark
// metrics, in milliseconds.
func percentiles(b *testing.B, samples []time.Duration) {
	if len(samples) == 0 {
		return
	}
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	at := func(q float64) float64 {
		i := int(q * float64(len(samples)-1))
		return float64(samples[i]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.5), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkCreateSandbox measures the creation of an S3 lab sandbox on the embedded
// backend, the lab's setup included, as a learner waits for it.
func BenchmarkCreateSandbox(b *testing.B) {
	st := newStack(b)
	ctx := context.Background()
	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := st.svc.CreateSandbox(ctx, learner, s3Lab, ""); err != nil {
			b.Fatalf("CreateSandbox: %v", err)
		}
		samples = append(samples, time.Since(start))
	}
	b.StopTimer()
	percentiles(b, samples)
}

// BenchmarkGradeS3Lab measures the grading of every check of the S3 lab on the embedded
// backend.
func BenchmarkGradeS3Lab(b *testing.B) {
	st := newStack(b)
	ctx := context.Background()
	sb, err := st.svc.CreateSandbox(ctx, learner, s3Lab, "")
	if err != nil {
		b.Fatalf("CreateSandbox: %v", err)
	}
	lab, _ := st.catalog.Lab(s3Lab)
	target := st.grader(b, sb.Name)
	reg := validators.Default()
	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		out := grading.Grade(ctx, lab, target, reg, 5*time.Second, nil)
		samples = append(samples, time.Since(start))
		if out.Ungraded > 0 {
			b.Fatalf("grading: %d checks not graded: %s", out.Ungraded, fmt.Sprint(out.Results))
		}
	}
	b.StopTimer()
	percentiles(b, samples)
}

// BenchmarkSubmitAttempt measures an attempt of the S3 lab through the grading service, as
// a learner waits for it: submission, every check, and the stored grade.
func BenchmarkSubmitAttempt(b *testing.B) {
	st := newStack(b)
	ctx := context.Background()
	sb, err := st.svc.CreateSandbox(ctx, learner, s3Lab, "")
	if err != nil {
		b.Fatalf("CreateSandbox: %v", err)
	}
	svc, err := grading.NewService(grading.Config{Store: st.db, Sandboxes: st.db,
		Catalog: st.catalog, Validators: validators.Default()})
	if err != nil {
		b.Fatalf("grading.NewService: %v", err)
	}
	defer svc.Close()
	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		a, err := svc.SubmitAttempt(ctx, learner, sb.Name, "")
		if err != nil {
			b.Fatalf("SubmitAttempt: %v", err)
		}
		var final *proctor.Attempt
		err = svc.WatchAttempt(ctx, learner, a.Name, func(ev proctor.AttemptEvent) error {
			final = ev.Attempt
			return nil
		})
		if err != nil || final.State != proctor.AttemptGraded {
			b.Fatalf("WatchAttempt: %v, %+v", err, final)
		}
		samples = append(samples, time.Since(start))
	}
	b.StopTimer()
	percentiles(b, samples)
}
