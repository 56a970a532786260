package grading_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/grading"
)

// gatedLab is a lab of three checks whose validators each wait for their own gate, so
// that a test decides the order in which they complete.
func gatedLab() (fakeCatalog, registry, []*gate) {
	gates := []*gate{newGate(), newGate(), newGate()}
	lab := &proctor.Lab{ID: "gated", PassPercent: 50, Checks: []proctor.Check{
		check("c1", "g1", 10, false), check("c2", "g2", 20, false), check("c3", "g3", 30, false),
	}}
	return fakeCatalog{"gated": lab}, registry{"g1": gates[0], "g2": gates[1], "g3": gates[2]},
		gates
}

// simpleLab passes one check and fails another.
var simpleLab = fakeCatalog{"simple": {ID: "simple", PassPercent: 50, Checks: []proctor.Check{
	check("ok", "pass", 10, false), check("bad", "fail", 10, true),
}}}

var simpleValidators = registry{"pass": pass, "fail": fail(0.5)}

func TestSubmitAndGrade(t *testing.T) {
	catalog, validators, gates := gatedLab()
	e := newEnv(t, catalog, validators)
	sb := e.sandbox(t, "sb-1", "alice", "gated")

	a, err := e.svc.SubmitAttempt(context.Background(), alice, sb.Name, "")
	if err != nil {
		t.Fatalf("SubmitAttempt: %v", err)
	}
	if a.State != proctor.AttemptGrading || !strings.HasPrefix(a.Name, sb.Name+"/attempts/") ||
		a.Owner != "alice" || a.LabID != "gated" {
		t.Fatalf("submitted attempt = %+v, want GRADING under %s", a, sb.Name)
	}
	stored, err := e.db.Attempt(context.Background(), a.Name)
	if err != nil || stored.State != proctor.AttemptGrading {
		t.Fatalf("stored attempt = %+v, %v; want GRADING", stored, err)
	}
	for _, g := range gates {
		close(g.open)
	}
	final := e.wait(t, alice, a.Name)
	if final.State != proctor.AttemptGraded || final.Score != 60 || final.MaxScore != 60 ||
		!final.Passed {
		t.Errorf("final = %+v, want GRADED 60/60 passed", final)
	}
	// The validators saw the grader's credentials, never the learner's.
	for _, g := range gates {
		if len(g.targets) != 1 || g.targets[0] != sb.GraderTarget() {
			t.Errorf("validator targets = %+v, want the grader's", g.targets)
		}
	}
	stored, err = e.db.Attempt(context.Background(), a.Name)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(final, stored); diff != "" {
		t.Errorf("stored attempt differs from the watched one (-watched +stored):\n%s", diff)
	}
}

// watcher records what one WatchAttempt call saw.
type watcher struct {
	results []string
	final   *proctor.Attempt
	err     error
	events  int
}

func (w *watcher) watch(svc interface {
	WatchAttempt(context.Context, proctor.Caller, string, func(proctor.AttemptEvent) error) error
}, name string, firstEvent chan<- struct{}) {
	w.err = svc.WatchAttempt(context.Background(), alice, name, func(ev proctor.AttemptEvent) error {
		w.events++
		if w.events == 1 && firstEvent != nil {
			close(firstEvent)
		}
		if ev.Result != nil {
			if ev.Attempt == nil || len(ev.Attempt.Results) != len(w.results)+1 {
				return errors.New("a result event without the attempt as it stands")
			}
			w.results = append(w.results, ev.Result.CheckID)
			return nil
		}
		w.final = ev.Attempt
		return nil
	})
}

func TestWatchOrder(t *testing.T) {
	catalog, validators, gates := gatedLab()
	e := newEnv(t, catalog, validators)
	sb := e.sandbox(t, "sb-1", "alice", "gated")
	a, err := e.svc.SubmitAttempt(context.Background(), alice, sb.Name, "")
	if err != nil {
		t.Fatalf("SubmitAttempt: %v", err)
	}
	for _, g := range gates {
		<-g.started
	}

	// Two watchers from the start, and a third that joins after the first result.
	var wg sync.WaitGroup
	early := []*watcher{{}, {}}
	earlyFirst := make([]chan struct{}, len(early))
	for i, w := range early {
		earlyFirst[i] = make(chan struct{})
		wg.Add(1)
		go func(w *watcher, first chan struct{}) {
			defer wg.Done()
			w.watch(e.svc, a.Name, first)
		}(w, earlyFirst[i])
	}
	close(gates[2].open) // c3 completes first
	first := make(chan struct{})
	late := &watcher{}
	// Wait until c3's result is visible, then start the late watcher.
	waitFor(t, func() bool {
		got, err := e.svc.Attempt(context.Background(), alice, a.Name)
		return err == nil && len(got.Results) == 1
	})
	wg.Add(1)
	go func() { defer wg.Done(); late.watch(e.svc, a.Name, first) }()
	<-first
	// Every watcher has its first event, so each follows the run (rather than replaying a
	// finished attempt, which comes in the lab's check order) before the next check ends.
	for _, f := range earlyFirst {
		<-f
	}
	close(gates[0].open) // then c1
	waitFor(t, func() bool {
		got, _ := e.svc.Attempt(context.Background(), alice, a.Name)
		return got != nil && len(got.Results) == 2
	})
	close(gates[1].open) // then c2
	wg.Wait()

	wantOrder := []string{"c3", "c1", "c2"}
	for i, w := range append(early, late) {
		if w.err != nil {
			t.Errorf("watcher %d: %v", i, w.err)
			continue
		}
		if diff := cmp.Diff(wantOrder, w.results); diff != "" {
			t.Errorf("watcher %d results (-want +got):\n%s", i, diff)
		}
		if w.final == nil || w.final.State != proctor.AttemptGraded {
			t.Errorf("watcher %d final = %+v, want GRADED", i, w.final)
			continue
		}
		var ids []string
		for _, r := range w.final.Results {
			ids = append(ids, r.CheckID)
		}
		if diff := cmp.Diff([]string{"c1", "c2", "c3"}, ids); diff != "" {
			t.Errorf("watcher %d final results not in the lab's order (-want +got):\n%s", i, diff)
		}
	}

	// Watching a graded attempt replays its results in the lab's order, then the attempt.
	after := &watcher{}
	after.watch(e.svc, a.Name, nil)
	if after.err != nil || !cmp.Equal(after.results, []string{"c1", "c2", "c3"}) ||
		after.final == nil {
		t.Errorf("watching a graded attempt: %+v", after)
	}
}

func TestWatchStopsOnError(t *testing.T) {
	e := newEnv(t, simpleLab, simpleValidators)
	sb := e.sandbox(t, "sb-1", "alice", "simple")
	a, err := e.svc.SubmitAttempt(context.Background(), alice, sb.Name, "")
	if err != nil {
		t.Fatal(err)
	}
	e.wait(t, alice, a.Name)
	stop := errors.New("stop")
	calls := 0
	err = e.svc.WatchAttempt(context.Background(), alice, a.Name, func(proctor.AttemptEvent) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("WatchAttempt = %v after %d calls, want fn's error after 1", err, calls)
	}
}

func TestAuthorization(t *testing.T) {
	e := newEnv(t, simpleLab, simpleValidators)
	ctx := context.Background()
	sb := e.sandbox(t, "sb-1", "alice", "simple")
	a, err := e.svc.SubmitAttempt(ctx, alice, sb.Name, "")
	if err != nil {
		t.Fatal(err)
	}
	e.wait(t, alice, a.Name)

	noop := func(proctor.AttemptEvent) error { return nil }
	calls := []struct {
		name string
		call func(proctor.Caller) error
	}{
		{"submit", func(c proctor.Caller) error {
			_, err := e.svc.SubmitAttempt(ctx, c, sb.Name, "")
			return err
		}},
		{"get", func(c proctor.Caller) error { _, err := e.svc.Attempt(ctx, c, a.Name); return err }},
		{"list", func(c proctor.Caller) error {
			_, _, err := e.svc.Attempts(ctx, c, sb.Name, proctor.Page{})
			return err
		}},
		{"watch", func(c proctor.Caller) error { return e.svc.WatchAttempt(ctx, c, a.Name, noop) }},
	}
	want := map[string]map[string]proctor.ErrorCode{
		"bob": {"submit": proctor.ENotFound, "get": proctor.ENotFound,
			"list": proctor.ENotFound, "watch": proctor.ENotFound},
		"instructor": {"submit": proctor.EPermission, "get": "", "list": "", "watch": ""},
		"admin":      {"submit": "", "get": "", "list": "", "watch": ""},
	}
	callers := map[string]proctor.Caller{"bob": bob, "instructor": instructor, "admin": admin}
	for _, who := range []string{"bob", "instructor", "admin"} {
		for _, c := range calls {
			t.Run(who+" "+c.name, func(t *testing.T) {
				if got := codeOf(c.call(callers[who])); got != want[who][c.name] {
					t.Errorf("error code = %q, want %q", got, want[who][c.name])
				}
			})
		}
	}
}

func TestSubmitErrors(t *testing.T) {
	catalog, validators, gates := gatedLab()
	for k, v := range simpleLab {
		catalog[k] = v
	}
	validators["pass"], validators["fail"] = pass, fail(0)
	e := newEnv(t, catalog, validators)
	ctx := context.Background()
	busy := e.sandbox(t, "sb-busy", "alice", "gated")
	if _, err := e.svc.SubmitAttempt(ctx, alice, busy.Name, ""); err != nil {
		t.Fatal(err)
	}
	deleted := e.sandbox(t, "sb-deleted", "alice", "simple")
	deleted.State = proctor.SandboxDeleted
	expired := e.sandbox(t, "sb-expired", "alice", "simple")
	expired.ExpireTime = now
	orphan := e.sandbox(t, "sb-orphan", "alice", "no-such-lab")
	for _, sb := range []*proctor.Sandbox{deleted, expired} {
		if err := e.db.UpdateSandbox(ctx, sb); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name      string
		sandbox   string
		requestID string
		want      proctor.ErrorCode
		reason    string // the error's reason, when the case names one
		says      string // a part of the message, when the case names one
	}{
		{"grading already", busy.Name, "", proctor.EFailedPrecondition,
			"ATTEMPT_IN_PROGRESS", "still being graded"},
		{"deleted", deleted.Name, "", proctor.EFailedPrecondition, "SANDBOX_NOT_READY",
			"the sandbox is DELETED"},
		{"expired", expired.Name, "", proctor.EFailedPrecondition, "SANDBOX_EXPIRED",
			"the sandbox has expired"},
		{"lab gone", orphan.Name, "", proctor.EFailedPrecondition, "LAB_NOT_OFFERED",
			"no-such-lab"},
		{"missing", "sandboxes/sb-none", "", proctor.ENotFound, "SANDBOX_NOT_FOUND", ""},
		{"malformed name", "sb-1", "", proctor.EInvalid, "", ""},
		{"malformed request id", busy.Name, "a\nb", proctor.EInvalid, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.SubmitAttempt(ctx, alice, tt.sandbox, tt.requestID)
			if got := codeOf(err); got != tt.want {
				t.Errorf("error code = %q (%v), want %q", got, err, tt.want)
			}
			var pe *proctor.Error
			if tt.reason != "" && (!errors.As(err, &pe) || pe.Reason != tt.reason) {
				t.Errorf("error %v does not have the reason %s", err, tt.reason)
			}
			if !strings.Contains(proctor.ErrorMessageOf(err), tt.says) {
				t.Errorf("message %q does not say %q", proctor.ErrorMessageOf(err), tt.says)
			}
		})
	}
	for _, name := range []string{"", "sandboxes/sb-1", "sandboxes/sb-1/attempts/", "x/attempts/y"} {
		if _, err := e.svc.Attempt(ctx, alice, name); codeOf(err) != proctor.EInvalid {
			t.Errorf("Attempt(%q): %v, want EInvalid", name, err)
		}
	}
	if _, _, err := e.svc.Attempts(ctx, alice, busy.Name, proctor.Page{Token: "junk"}); codeOf(err) !=
		proctor.EInvalid {
		t.Errorf("Attempts with a bad token: %v, want EInvalid", err)
	}
	for _, g := range gates {
		close(g.open)
	}
}

func TestIdempotentSubmit(t *testing.T) {
	catalog, validators, gates := gatedLab()
	e := newEnv(t, catalog, validators)
	ctx := context.Background()
	sb := e.sandbox(t, "sb-1", "alice", "gated")
	first, err := e.svc.SubmitAttempt(ctx, alice, sb.Name, "req-1")
	if err != nil {
		t.Fatal(err)
	}
	// While grading, and after, the same request id returns the same attempt.
	again, err := e.svc.SubmitAttempt(ctx, alice, sb.Name, "req-1")
	if err != nil || again.Name != first.Name {
		t.Fatalf("repeat while grading = %+v, %v; want %s", again, err, first.Name)
	}
	for _, g := range gates {
		close(g.open)
	}
	final := e.wait(t, alice, first.Name)
	again, err = e.svc.SubmitAttempt(ctx, alice, sb.Name, "req-1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(final, again); diff != "" {
		t.Errorf("repeat after grading (-final +again):\n%s", diff)
	}
	for i, g := range gates {
		if g.calls() != 1 {
			t.Errorf("validator %d ran %d times, want 1", i, g.calls())
		}
	}
	list, _, err := e.svc.Attempts(ctx, alice, sb.Name, proctor.Page{})
	if err != nil || len(list) != 1 {
		t.Errorf("attempts = %d, %v; want 1", len(list), err)
	}
}

func TestRestart(t *testing.T) {
	catalog, validators, gates := gatedLab()
	e := newEnv(t, catalog, validators)
	ctx := context.Background()
	ready := e.sandbox(t, "sb-ready", "alice", "gated")
	gone := e.sandbox(t, "sb-gone", "bob", "gated")
	interrupted, err := e.svc.SubmitAttempt(ctx, alice, ready.Name, "")
	if err != nil {
		t.Fatal(err)
	}
	lost, err := e.svc.SubmitAttempt(ctx, bob, gone.Name, "")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2*len(gates); i++ {
		<-gates[i%len(gates)].started
	}
	close(gates[0].open) // one check completes before the server stops

	watchErr := make(chan error, 1)
	watching := make(chan struct{})
	go func() {
		var once sync.Once
		watchErr <- e.svc.WatchAttempt(ctx, alice, interrupted.Name,
			func(proctor.AttemptEvent) error { once.Do(func() { close(watching) }); return nil })
	}()
	<-watching // the watcher has c1's result and waits for more
	e.stop(t)
	if err := <-watchErr; codeOf(err) != proctor.EUnavailable {
		t.Errorf("watcher at shutdown: %v, want EUnavailable", err)
	}

	// While the server is down, bob's sandbox is deleted.
	db := mustOpen(t, e.path)
	for _, name := range []string{interrupted.Name, lost.Name} {
		if a, err := db.Attempt(ctx, name); err != nil || a.State != proctor.AttemptGrading {
			t.Fatalf("stored %s = %+v, %v; want GRADING", name, a, err)
		}
	}
	gone.State = proctor.SandboxDeleted
	if err := db.UpdateSandbox(ctx, gone); err != nil {
		t.Fatal(err)
	}
	db.Close()

	for _, g := range gates[1:] {
		close(g.open)
	}
	e.start(t, catalog, validators)
	final := e.wait(t, alice, interrupted.Name)
	if final.State != proctor.AttemptGraded || final.Score != 60 || len(final.Results) != 3 {
		t.Errorf("regraded attempt = %+v, want GRADED 60 with 3 results", final)
	}
	failed, err := e.svc.Attempt(ctx, bob, lost.Name)
	if err != nil || failed.State != proctor.AttemptFailed ||
		!strings.Contains(failed.Message, "DELETED") {
		t.Errorf("attempt of the deleted sandbox = %+v, %v; want FAILED saying why", failed, err)
	}
}

// plainAttempts hides the store's optional AttemptStateQuerier.
type plainAttempts struct{ proctor.AttemptStore }

func TestRecoverWithoutStateQueries(t *testing.T) {
	e := newEnv(t, simpleLab, simpleValidators)
	ctx := context.Background()
	sb := e.sandbox(t, "sb-1", "alice", "simple")
	left := &proctor.Attempt{Name: sb.Name + "/attempts/at-left", Sandbox: sb.Name,
		Owner: "alice", LabID: "simple", State: proctor.AttemptGrading, CreateTime: now}
	if err := e.db.CreateAttempt(ctx, left); err != nil {
		t.Fatal(err)
	}
	cfg := e.cfg
	cfg.Store = plainAttempts{e.db}
	svc, err := grading.NewService(cfg)
	if err != nil {
		t.Fatalf("NewService: %v", err)
	}
	defer svc.Close()
	var final *proctor.Attempt
	err = svc.WatchAttempt(ctx, alice, left.Name, func(ev proctor.AttemptEvent) error {
		final = ev.Attempt
		return nil
	})
	if err != nil || final.State != proctor.AttemptGraded || final.Score != 15 {
		t.Errorf("recovered attempt = %+v, %v; want GRADED 15", final, err)
	}
}

func TestConcurrentAttempts(t *testing.T) {
	e := newEnv(t, simpleLab, simpleValidators)
	ctx := context.Background()
	const n = 8
	var wg sync.WaitGroup
	finals := make([]*proctor.Attempt, n)
	for i := 0; i < n; i++ {
		sb := e.sandbox(t, "sb-"+string(rune('a'+i)), "alice", "simple")
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			a, err := e.svc.SubmitAttempt(ctx, alice, sb.Name, "")
			if err != nil {
				t.Errorf("SubmitAttempt: %v", err)
				return
			}
			finals[i] = e.wait(t, alice, a.Name)
		}(i)
	}
	wg.Wait()
	for i, a := range finals {
		// PASS 10 + half of a partial FAIL worth 10.
		if a == nil || a.Score != 15 || a.MaxScore != 20 || !a.Passed {
			t.Errorf("attempt %d = %+v, want 15/20 passed", i, a)
		}
	}
}

// waitFor polls cond until it holds, failing the test after a few seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(2 * time.Millisecond)
	}
}
