package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/proctorlabs/proctor"
)

// benchStack starts a whole stack on loopback, with no quota, for benchmarks.
func benchStack(b *testing.B) *stack {
	b.Helper()
	st, err := newStack(context.Background(), stackConfig{
		DataDir: b.TempDir(), AWSAddr: "127.0.0.1:0", AWSTLSAddr: "127.0.0.1:0",
		SandboxTTL: time.Hour, MaxPerUser: -1, CheckTimeout: 30 * time.Second,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// reportLatency reports the median and the 99th percentile of the samples in milliseconds.
func reportLatency(b *testing.B, samples []time.Duration) {
	b.Helper()
	if len(samples) == 0 {
		return
	}
	slices.Sort(samples)
	at := func(q float64) float64 {
		i := int(q*float64(len(samples))+0.5) - 1
		i = max(0, min(i, len(samples)-1))
		return float64(samples[i]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

var benchLearner = proctor.Caller{Subject: "bench-learner", Role: proctor.RoleLearner}

// BenchmarkSandboxCreate measures creating a sandbox for the S3 lab on the embedded backend,
// the lab's setup included, as CreateSandbox returns it READY.
func BenchmarkSandboxCreate(b *testing.B) {
	st := benchStack(b)
	ctx := context.Background()
	samples := make([]time.Duration, 0, b.N)
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		sb, err := st.sandboxes.CreateSandbox(ctx, benchLearner, demoLab, fmt.Sprint("r", i))
		if err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(start))
		if sb.State != proctor.SandboxReady {
			b.Fatalf("sandbox is %s, want READY", sb.State)
		}
	}
	reportLatency(b, samples)
}

// BenchmarkGrade measures grading an attempt of the S3 lab on the embedded backend, from
// submission to the finished attempt, every check included.
func BenchmarkGrade(b *testing.B) {
	st := benchStack(b)
	ctx := context.Background()
	sb, err := st.sandboxes.CreateSandbox(ctx, benchLearner, demoLab, "grade")
	if err != nil {
		b.Fatal(err)
	}
	if err := applySolution(ctx, st, demoLab, sb.LearnerTarget(), nopWriter{}); err != nil {
		b.Fatal(err)
	}
	samples := make([]time.Duration, 0, b.N)
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		at, err := st.attempts.SubmitAttempt(ctx, benchLearner, sb.Name, fmt.Sprint("a", i))
		if err != nil {
			b.Fatal(err)
		}
		var final *proctor.Attempt
		err = st.attempts.WatchAttempt(ctx, benchLearner, at.Name, func(ev proctor.AttemptEvent) error {
			if ev.Attempt != nil && ev.Attempt.State != proctor.AttemptGrading {
				final = ev.Attempt
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(start))
		if final == nil || !final.Passed {
			b.Fatalf("attempt %+v, want a passed attempt", final)
		}
	}
	reportLatency(b, samples)
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }
