package grading

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/proctorlabs/proctor"
)

// run is an attempt being graded: the results so far in completion order, and the finished
// attempt once grading ends. Watchers wait on changed, which is closed and replaced at
// every change.
type run struct {
	mu        sync.Mutex
	attempt   proctor.Attempt  // as stored; Results is set when finished
	completed []proctor.Result // in completion order
	finished  bool             // the attempt is final
	aborted   bool             // grading stopped with the server; the attempt stays GRADING
	changed   chan struct{}
}

// snapshot returns a copy of the attempt as it stands; while grading, its Results are the
// completed ones in completion order.
func (r *run) snapshot() *proctor.Attempt {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.snapshotLocked()
}

func (r *run) snapshotLocked() *proctor.Attempt {
	a := r.attempt
	if !r.finished {
		a.Results = slices.Clone(r.completed)
	} else {
		a.Results = slices.Clone(a.Results)
	}
	return &a
}

// notifyLocked wakes every watcher.
func (r *run) notifyLocked() {
	close(r.changed)
	r.changed = make(chan struct{})
}

// start registers a stored GRADING attempt as running and grades it in the background.
func (s *Service) start(a *proctor.Attempt, lab *proctor.Lab, target proctor.Target) (
	*run, error) {
	r := &run{attempt: *a, changed: make(chan struct{})}
	r.attempt.Results = nil
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, proctor.Errorf(proctor.EUnavailable, "the server is shutting down")
	}
	s.runs[a.Name] = r
	s.bySandbox[a.Sandbox] = a.Name
	s.wg.Add(1)
	s.mu.Unlock()

	go func() {
		defer s.wg.Done()
		s.grade(r, lab, target)
	}()
	return r, nil
}

// grade grades the running attempt, stores the outcome and wakes its watchers. When the
// service closes first, the attempt is left GRADING in the store.
func (s *Service) grade(r *run, lab *proctor.Lab, target proctor.Target) {
	name := r.attempt.Name
	defer func() {
		s.mu.Lock()
		delete(s.runs, name)
		if s.bySandbox[r.attempt.Sandbox] == name {
			delete(s.bySandbox, r.attempt.Sandbox)
		}
		s.mu.Unlock()
	}()

	start := time.Now()
	out := grade(s.base, lab, target, s.validators, s.timeout, func(res proctor.Result) {
		r.mu.Lock()
		r.completed = append(r.completed, res)
		r.notifyLocked()
		r.mu.Unlock()
	}, s.log)

	if s.base.Err() != nil {
		r.mu.Lock()
		r.aborted = true
		r.notifyLocked()
		r.mu.Unlock()
		s.log.Info("attempt grading interrupted by shutdown", "attempt", name)
		return
	}

	r.mu.Lock()
	final := r.attempt
	r.mu.Unlock()
	final.State = proctor.AttemptGraded
	final.Message = out.Message()
	final.Results = out.Results
	final.Score, final.MaxScore, final.Passed = out.Score, out.MaxScore, out.Passed
	final.CompleteTime = s.now().UTC()
	if err := s.saveGraded(&final); err != nil {
		s.log.Error("graded attempt not saved", "attempt", name, "error", err)
	}
	s.log.Info("attempt graded", "attempt", name, "lab", lab.ID, "score", out.Score,
		"max_score", out.MaxScore, "passed", out.Passed, "ungraded", out.Ungraded,
		"duration", time.Since(start))

	r.mu.Lock()
	r.attempt = final
	r.finished = true
	r.notifyLocked()
	r.mu.Unlock()
}

// saveTries is how many times a graded attempt is offered to the store, and saveBackoff the
// pause before the second try, doubled before each further one.
const (
	saveTries   = 5
	saveBackoff = 50 * time.Millisecond
)

// saveGraded stores a graded attempt, trying again after a failure (a database busy for
// longer than its timeout, say), since an attempt left GRADING in the store would be
// graded all over again at the next start and shows no result until then. It stops
// retrying when the service closes, and returns the last error.
func (s *Service) saveGraded(a *proctor.Attempt) error {
	ctx := context.WithoutCancel(s.base)
	wait := saveBackoff
	var err error
	for try := 1; ; try++ {
		if err = s.store.UpdateAttempt(ctx, a); err == nil || try == saveTries {
			return err
		}
		s.log.Warn("graded attempt not saved; trying again", "attempt", a.Name,
			"try", try, "error", err)
		select {
		case <-time.After(wait):
		case <-s.base.Done():
			return err
		}
		wait *= 2
	}
}

// WatchAttempt calls fn with every completed check's result, in completion order (those
// already complete first), then once with the finished attempt, and returns. Several
// watchers may follow one attempt; a slow watcher delays no one else. It returns early with
// fn's error or the context's, and with EUnavailable when the server stops before the
// attempt is graded. Authorization and name errors are those of Attempt.
func (s *Service) WatchAttempt(ctx context.Context, caller proctor.Caller, name string,
	fn func(proctor.AttemptEvent) error) error {
	a, err := s.visibleAttempt(ctx, caller, name)
	if err != nil {
		return err
	}
	reread := false
	for {
		s.mu.Lock()
		r := s.runs[name]
		s.mu.Unlock()
		if r != nil {
			return follow(ctx, r, fn)
		}
		if a.State != proctor.AttemptGrading {
			return replay(a, fn)
		}
		// GRADING in the store but not running here: the run may have just finished (its
		// end is in the store), another server grades it, or this one is about to take it
		// up again. Read the store again at once, then poll until that changes.
		if !reread {
			reread = true
			if a, err = s.store.Attempt(ctx, name); err != nil {
				return err
			}
			continue
		}
		s.mu.Lock()
		closed := s.closed
		s.mu.Unlock()
		if closed {
			return proctor.Errorf(proctor.EUnavailable,
				"the server is shutting down before attempt %s was graded", name).
				WithReason("GRADING_INTERRUPTED")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if a, err = s.store.Attempt(ctx, name); err != nil {
			return err
		}
	}
}

// follow streams a running attempt's results, then its end.
func follow(ctx context.Context, r *run, fn func(proctor.AttemptEvent) error) error {
	// A run that ended before the watcher came is replayed like a stored attempt, in the
	// lab's check order, so that a late watcher sees the same order however late it is.
	r.mu.Lock()
	if r.finished {
		snap := r.snapshotLocked()
		r.mu.Unlock()
		return replay(snap, fn)
	}
	r.mu.Unlock()

	next := 0
	for {
		r.mu.Lock()
		switch {
		case next < len(r.completed):
			// The attempt as it stood when this result completed, as replay gives it.
			res := r.completed[next]
			snap := r.snapshotLocked()
			snap.Results = slices.Clone(r.completed[:next+1])
			r.mu.Unlock()
			next++
			if err := fn(proctor.AttemptEvent{Result: &res, Attempt: snap}); err != nil {
				return err
			}
			continue
		case r.finished:
			snap := r.snapshotLocked()
			r.mu.Unlock()
			return fn(proctor.AttemptEvent{Attempt: snap})
		case r.aborted:
			r.mu.Unlock()
			return proctor.Errorf(proctor.EUnavailable,
				"the server stopped before attempt %s was graded; it is graded again when "+
					"the server starts", r.attempt.Name).WithReason("GRADING_INTERRUPTED")
		}
		changed := r.changed
		r.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// replay streams a finished attempt's results, then the attempt.
func replay(a *proctor.Attempt, fn func(proctor.AttemptEvent) error) error {
	for i := 0; i < len(a.Results); i++ {
		res := a.Results[i]
		snap := *a
		snap.Results = slices.Clone(a.Results[:i+1])
		if err := fn(proctor.AttemptEvent{Result: &res, Attempt: &snap}); err != nil {
			return err
		}
	}
	return fn(proctor.AttemptEvent{Attempt: a})
}
