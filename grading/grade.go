// Package grading grades attempts: it runs a lab's checks against a sandbox through the
// validators, scores the results and streams them to watchers as they complete.
//
// # Scoring
//
// Every check runs at the same time as the others, each under its own timeout. A PASS earns
// the check's points. A FAIL earns nothing, or, for a check with partial credit, the share
// of the points that the validator's Fraction gives; a FAIL carries the check's hint. A
// NOT_APPLICABLE check and an ERROR check (the grader could not tell: a timeout, a panic, a
// backend fault, an unknown validator) earn nothing and leave the maximum score, so an
// ERROR never costs the learner points; the attempt's message then says how many checks
// could not be graded. An attempt passes when score / max_score * 100 >= the lab's
// PassPercent, and never when no check could be graded.
//
// Grade runs the checks without a store, for `proctor lab test`. Service implements
// proctor.AttemptService on top of it, persisting attempts and their results.
package grading

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"runtime/debug"
	"time"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/labs/placeholder"
)

// Lookup finds a validator by the name a check gives. The validators package's registry
// implements it.
type Lookup interface {
	// Lookup returns the named validator, or false when there is none.
	Lookup(name string) (proctor.Validator, bool)
}

// DefaultCheckTimeout bounds one check when no timeout is given.
const DefaultCheckTimeout = 10 * time.Second

// maxParallelChecks bounds the checks of one attempt that run at the same time.
const maxParallelChecks = 8

// Outcome is the grade of one run of a lab's checks.
type Outcome struct {
	Results  []proctor.Result // one per check, in the lab's check order
	Score    float64          // the points earned, rounded to hundredths
	MaxScore int              // the points of the checks that passed or failed
	Passed   bool
	Ungraded int // the checks whose verdict is ERROR
}

// Message returns a sentence for the attempt: how many checks could not be graded, or "".
func (o Outcome) Message() string {
	switch o.Ungraded {
	case 0:
		return ""
	case 1:
		return "1 check could not be graded; it does not count against the score"
	}
	return fmt.Sprintf("%d checks could not be graded; they do not count against the score",
		o.Ungraded)
}

// Grade runs every check of the lab against the target, at the same time, each bounded by
// timeout (DefaultCheckTimeout when not positive), and scores the results. onResult, when
// not nil, is called with each result as its check completes, one call at a time, in
// completion order, before Grade returns. Grade always returns a result for every check:
// a check that cannot run is an ERROR result, including when ctx ends first.
//
// A validator that does not honour its context keeps running in the background after its
// check has timed out; its late answer is discarded.
func Grade(ctx context.Context, lab *proctor.Lab, target proctor.Target, validators Lookup,
	timeout time.Duration, onResult func(proctor.Result)) Outcome {
	return grade(ctx, lab, target, validators, timeout, onResult, nil)
}

// grade is Grade with a logger for panics and other faults (nil discards).
func grade(ctx context.Context, lab *proctor.Lab, target proctor.Target, validators Lookup,
	timeout time.Duration, onResult func(proctor.Result), log *slog.Logger) Outcome {
	if timeout <= 0 {
		timeout = DefaultCheckTimeout
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}

	type done struct {
		index  int
		result proctor.Result
	}
	finished := make(chan done, len(lab.Checks))
	slots := make(chan struct{}, maxParallelChecks)
	for i := range lab.Checks {
		go func(i int) {
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
			case <-ctx.Done():
			}
			r := runCheck(ctx, &lab.Checks[i], target, validators, timeout, log)
			finished <- done{i, r}
		}(i)
	}

	results := make([]proctor.Result, len(lab.Checks))
	for range lab.Checks {
		d := <-finished
		results[d.index] = d.result
		if onResult != nil {
			onResult(d.result)
		}
	}
	return Tally(lab, results)
}

// Tally scores results, one per check of the lab in the lab's order, as Grade does; the
// points of each result are taken as given.
func Tally(lab *proctor.Lab, results []proctor.Result) Outcome {
	o := Outcome{Results: results}
	for _, r := range results {
		switch r.Verdict {
		case proctor.VerdictPass, proctor.VerdictFail:
			o.Score += r.Points
			o.MaxScore += r.MaxPoints
		case proctor.VerdictError:
			o.Ungraded++
		}
	}
	o.Score = roundPoints(o.Score)
	// score/max*100 >= percent, without dividing.
	o.Passed = o.MaxScore > 0 && o.Score*100 >= float64(lab.PassPercent*o.MaxScore)
	return o
}

// roundPoints rounds to hundredths, so that fractions of points add up as people expect.
func roundPoints(x float64) float64 { return math.Round(x*100) / 100 }

// runCheck runs one check and returns its result; it never panics and never outlives
// timeout by more than it takes to notice.
func runCheck(ctx context.Context, c *proctor.Check, target proctor.Target,
	validators Lookup, timeout time.Duration, log *slog.Logger) proctor.Result {
	start := time.Now()
	r := proctor.Result{CheckID: c.ID, Title: c.Title, Controls: c.Controls,
		MaxPoints: c.Points}
	fail := func(format string, args ...any) proctor.Result {
		r.Verdict = proctor.VerdictError
		r.Message = fmt.Sprintf(format, args...)
		r.Duration = time.Since(start)
		return r
	}
	if ctx.Err() != nil {
		return fail("grading stopped before this check ran")
	}
	v, ok := validators.Lookup(c.Validator)
	if !ok || v == nil {
		return fail("the lab names a validator that does not exist: %q", c.Validator)
	}

	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type answer struct {
		f   proctor.Finding
		err error
	}
	answers := make(chan answer, 1) // buffered: a late answer must not block its goroutine
	go func() {
		defer func() {
			if p := recover(); p != nil {
				log.Error("validator panicked", "check", c.ID, "validator", c.Validator,
					"account", target.AccountID, "panic", p, "stack", string(debug.Stack()))
				answers <- answer{err: errPanic}
			}
		}()
		f, err := v.Validate(cctx, target, c.Params)
		answers <- answer{f, err}
	}()

	var a answer
	select {
	case a = <-answers:
	case <-cctx.Done():
		if ctx.Err() != nil {
			return fail("grading stopped before this check finished")
		}
		return fail("the check did not finish within %s", timeout)
	}
	switch {
	case a.err == errPanic:
		return fail("the validator %s failed unexpectedly", c.Validator)
	case a.err != nil:
		log.Warn("check parameters rejected", "check", c.ID, "validator", c.Validator,
			"error", a.err)
		return fail("the check's parameters are invalid: %v", a.err)
	}

	f := a.f
	r.Message, r.Evidence, r.Duration = f.Message, f.Evidence, time.Since(start)
	switch f.Verdict {
	case proctor.VerdictPass:
		r.Verdict, r.Points = proctor.VerdictPass, float64(c.Points)
	case proctor.VerdictFail:
		// TODO: the hint comes with every FAIL and its HintCost is never deducted, since
		// learners cannot yet ask for a hint; a lab's hint costs have no effect on scores.
		r.Verdict, r.Hint = proctor.VerdictFail, sandboxText(c.Hint, target)
		if c.Partial {
			r.Points = roundPoints(clamp01(f.Fraction) * float64(c.Points))
		}
	case proctor.VerdictNotApplicable, proctor.VerdictError:
		r.Verdict = f.Verdict
	default:
		return fail("the validator %s returned an unknown verdict %q", c.Validator, f.Verdict)
	}
	return r
}

// sandboxText fills a check's text with the sandbox's values ({{.AccountID}}, ...), so that
// a hint names the learner's own resources. Text that cannot be filled is returned as it is.
func sandboxText(s string, target proctor.Target) string {
	filled, err := placeholder.Fill(s, placeholder.ForTarget(target))
	if err != nil {
		return s
	}
	return filled
}

// errPanic marks a validator that panicked.
var errPanic = fmt.Errorf("grading: validator panicked")

// clamp01 returns x limited to [0, 1], and 0 for NaN.
func clamp01(x float64) float64 {
	if math.IsNaN(x) || x < 0 {
		return 0
	}
	return math.Min(x, 1)
}
