package grading_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/grading"
)

var target = proctor.Target{AccountID: "111122223333", Region: "us-east-1",
	Credentials: proctor.Credentials{AccessKeyID: "GRADER"}}

// check returns a check of the validator worth the points.
func check(id, validator string, points int, partial bool) proctor.Check {
	return proctor.Check{ID: id, Title: "title of " + id, Validator: validator, Points: points,
		Partial: partial, Hint: "hint of " + id, Controls: []string{"S3." + id}}
}

func TestScoring(t *testing.T) {
	validators := registry{
		"pass": pass, "fail-quarter": fail(0.25), "fail-half": fail(0.5), "na": notApplicable,
		"error": errorFinding, "fail-over": fail(1.5), "fail-negative": fail(-1),
		"fail-nan": nanFraction,
	}
	type want struct {
		points   []float64 // per check, in order
		score    float64
		maxScore int
		ungraded int
	}
	tests := []struct {
		name   string
		checks []proctor.Check
		want   want
	}{
		{
			name: "every verdict",
			checks: []proctor.Check{
				check("a", "pass", 10, false),
				check("b", "fail-quarter", 20, true), // 0.25 x 20
				check("c", "fail-half", 30, false),   // no partial credit
				check("d", "na", 15, false),          // leaves the maximum
				check("e", "error", 25, true),        // leaves the maximum
			},
			want: want{points: []float64{10, 5, 0, 0, 0}, score: 15, maxScore: 60, ungraded: 1},
		},
		{
			name: "fractions outside [0, 1]",
			checks: []proctor.Check{
				check("a", "fail-over", 10, true),
				check("b", "fail-negative", 10, true),
				check("c", "fail-nan", 10, true),
			},
			want: want{points: []float64{10, 0, 0}, score: 10, maxScore: 30},
		},
		{
			name: "thirds round to hundredths",
			checks: []proctor.Check{
				check("a", "fail-quarter", 1, true),
				check("b", "fail-quarter", 1, true),
				check("c", "fail-quarter", 1, true),
			},
			want: want{points: []float64{0.25, 0.25, 0.25}, score: 0.75, maxScore: 3},
		},
		{
			name:   "nothing graded",
			checks: []proctor.Check{check("a", "error", 10, false), check("b", "na", 5, false)},
			want:   want{points: []float64{0, 0}, maxScore: 0, ungraded: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lab := &proctor.Lab{ID: "lab", PassPercent: 50, Checks: tt.checks}
			out := grading.Grade(context.Background(), lab, target, validators, time.Second, nil)
			var points []float64
			for _, r := range out.Results {
				points = append(points, r.Points)
			}
			got := want{points: points, score: out.Score, maxScore: out.MaxScore,
				ungraded: out.Ungraded}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("grade (-want +got):\n%s", diff)
			}
			for i, r := range out.Results {
				c := tt.checks[i]
				if r.CheckID != c.ID || r.Title != c.Title || r.MaxPoints != c.Points ||
					!cmp.Equal(r.Controls, c.Controls) {
					t.Errorf("result %d = %+v, does not describe check %s", i, r, c.ID)
				}
				wantHint := ""
				if r.Verdict == proctor.VerdictFail {
					wantHint = c.Hint
				}
				if r.Hint != wantHint {
					t.Errorf("result %s (%s) hint = %q, want %q", r.CheckID, r.Verdict, r.Hint,
						wantHint)
				}
			}
		})
	}
}

func TestPassPercent(t *testing.T) {
	// 7 of 10 points: a PASS worth 7 and a FAIL worth 3, plus an ERROR worth 90 that must
	// not count.
	checks := []proctor.Check{check("a", "pass", 7, false), check("b", "fail", 3, false),
		check("c", "error", 90, false)}
	validators := registry{"pass": pass, "fail": fail(0), "error": errorFinding}
	for _, tt := range []struct {
		percent int
		want    bool
	}{{69, true}, {70, true}, {71, false}, {100, false}, {1, true}} {
		t.Run(fmt.Sprint(tt.percent), func(t *testing.T) {
			lab := &proctor.Lab{PassPercent: tt.percent, Checks: checks}
			out := grading.Grade(context.Background(), lab, target, validators, time.Second, nil)
			if out.Passed != tt.want {
				t.Errorf("passed at %d%% with %v/%d = %v, want %v", tt.percent, out.Score,
					out.MaxScore, out.Passed, tt.want)
			}
		})
	}
	none := &proctor.Lab{PassPercent: 1, Checks: []proctor.Check{check("c", "error", 9, false)}}
	if out := grading.Grade(context.Background(), none, target, validators, time.Second,
		nil); out.Passed {
		t.Errorf("an attempt with nothing graded passed")
	}
}

func TestErrors(t *testing.T) {
	validators := registry{"panics": panics, "bad-params": badParams, "unknown": unknownVerdict,
		"ignores": ignoresContext, "honours": honoursContext, "pass": pass}
	lab := &proctor.Lab{PassPercent: 100, Checks: []proctor.Check{
		check("panic", "panics", 10, false),
		check("params", "bad-params", 10, false),
		check("verdict", "unknown", 10, false),
		check("missing", "no-such-validator", 10, false),
		check("ignores", "ignores", 10, false),
		check("honours", "honours", 10, false),
		check("ok", "pass", 10, false),
	}}
	out := grading.Grade(context.Background(), lab, target, validators, 50*time.Millisecond, nil)
	wantMessages := map[string]string{
		"panic":   "failed unexpectedly",
		"params":  "parameter bucket is required",
		"verdict": "unknown verdict",
		"missing": "no-such-validator",
		"ignores": "did not finish within 50ms",
		"honours": "",
	}
	for _, r := range out.Results {
		if r.CheckID == "ok" {
			if r.Verdict != proctor.VerdictPass {
				t.Errorf("ok: %s, want PASS beside the faults", r.Verdict)
			}
			continue
		}
		if r.Verdict != proctor.VerdictError {
			t.Errorf("%s: %s %q, want ERROR", r.CheckID, r.Verdict, r.Message)
		}
		if !strings.Contains(r.Message, wantMessages[r.CheckID]) {
			t.Errorf("%s: message %q, want it to mention %q", r.CheckID, r.Message,
				wantMessages[r.CheckID])
		}
	}
	// Six checks could not be graded and cost nothing: the one PASS is full marks.
	if out.Score != 10 || out.MaxScore != 10 || !out.Passed || out.Ungraded != 6 {
		t.Errorf("outcome %v/%d passed=%v ungraded=%d, want 10/10 passed with 6 ungraded",
			out.Score, out.MaxScore, out.Passed, out.Ungraded)
	}
	if !strings.Contains(out.Message(), "6 checks could not be graded") {
		t.Errorf("message %q does not say how many checks were not graded", out.Message())
	}
}

// barrier is a validator that passes only once n calls are inside it at the same time; if
// checks ran one after another it would time out.
type barrier struct {
	n       int
	mu      sync.Mutex
	inside  int
	release chan struct{}
}

func (b *barrier) Validate(ctx context.Context, _ proctor.Target, _ map[string]any) (
	proctor.Finding, error) {
	b.mu.Lock()
	b.inside++
	if b.inside == b.n {
		close(b.release)
	}
	b.mu.Unlock()
	select {
	case <-b.release:
		return proctor.Finding{Verdict: proctor.VerdictPass}, nil
	case <-ctx.Done():
		return proctor.Finding{Verdict: proctor.VerdictError, Message: "alone"}, nil
	}
}

func TestChecksRunConcurrently(t *testing.T) {
	const n = 6
	b := &barrier{n: n, release: make(chan struct{})}
	lab := &proctor.Lab{PassPercent: 100}
	for i := 0; i < n; i++ {
		lab.Checks = append(lab.Checks, check(fmt.Sprint(i), "barrier", 1, false))
	}
	var calls, concurrent atomic.Int32
	var seen []string
	out := grading.Grade(context.Background(), lab, target, registry{"barrier": b}, 5*time.Second,
		func(r proctor.Result) {
			if concurrent.Add(1) != 1 {
				t.Error("onResult called concurrently")
			}
			calls.Add(1)
			seen = append(seen, r.CheckID)
			concurrent.Add(-1)
		})
	if out.Score != n || !out.Passed {
		t.Errorf("outcome %v/%d, want %d/%d: the checks did not run at the same time",
			out.Score, out.MaxScore, n, n)
	}
	if calls.Load() != n {
		t.Errorf("onResult called %d times, want %d", calls.Load(), n)
	}
	var want []string
	for _, r := range out.Results {
		want = append(want, r.CheckID)
	}
	if diff := cmp.Diff(want, seen, cmpopts.SortSlices(func(a, b string) bool {
		return a < b
	})); diff != "" {
		t.Errorf("results passed to onResult (-want +got):\n%s", diff)
	}
}

func TestGradeUsesTarget(t *testing.T) {
	g := newGate()
	close(g.open)
	lab := &proctor.Lab{PassPercent: 100, Checks: []proctor.Check{check("a", "gate", 1, false)}}
	grading.Grade(context.Background(), lab, target, registry{"gate": g}, time.Second, nil)
	if len(g.targets) != 1 || g.targets[0] != target {
		t.Errorf("validator targets = %+v, want [%+v]", g.targets, target)
	}
}

func TestGradeCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	lab := &proctor.Lab{PassPercent: 100, Checks: []proctor.Check{check("a", "pass", 1, false)}}
	out := grading.Grade(ctx, lab, target, registry{"pass": pass}, time.Second, nil)
	if len(out.Results) != 1 || out.Results[0].Verdict != proctor.VerdictError {
		t.Errorf("results after cancel = %+v, want one ERROR", out.Results)
	}
}

// TestHintNamesTheSandboxResources checks that a failed check's hint is filled with the
// sandbox's own values, so that it names the learner's resources.
func TestHintNamesTheSandboxResources(t *testing.T) {
	c := check("a", "fail-half", 10, false)
	c.Hint = "put a policy on proctor-data-{{.AccountID}} in {{ .Region }}; keep {{.Unknown}}"
	lab := &proctor.Lab{ID: "lab", PassPercent: 50, Checks: []proctor.Check{c}}
	o := grading.Grade(context.Background(), lab, target, registry{"fail-half": fail(0.5)},
		time.Second, nil)
	// A hint with a placeholder the sandbox has no value for is left as the lab wrote it.
	want := c.Hint
	if got := o.Results[0].Hint; got != want {
		t.Errorf("hint with an unknown placeholder = %q, want it unchanged %q", got, want)
	}

	c.Hint = "put a policy on proctor-data-{{.AccountID}} in {{ .Region }}"
	lab.Checks = []proctor.Check{c}
	o = grading.Grade(context.Background(), lab, target, registry{"fail-half": fail(0.5)},
		time.Second, nil)
	want = "put a policy on proctor-data-" + target.AccountID + " in " + target.Region
	if got := o.Results[0].Hint; got != want {
		t.Errorf("hint = %q, want %q", got, want)
	}
}
