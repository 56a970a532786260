package grading_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/grading"
	"github.com/proctorlabs/proctor/store"
)

// flakyStore is a store whose first failures UpdateAttempt calls fail.
type flakyStore struct {
	*store.DB
	mu       sync.Mutex
	failures int
}

func (f *flakyStore) UpdateAttempt(ctx context.Context, a *proctor.Attempt) error {
	f.mu.Lock()
	fail := f.failures > 0
	if fail {
		f.failures--
	}
	f.mu.Unlock()
	if fail {
		return proctor.Errorf(proctor.EUnavailable, "the database is busy; retry")
	}
	return f.DB.UpdateAttempt(ctx, a)
}

// TestGradedAttemptSavedDespiteABusyStore checks that a graded attempt reaches the store
// when the store refuses the first tries, rather than staying GRADING there.
func TestGradedAttemptSavedDespiteABusyStore(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "proctor.db"))
	defer db.Close()
	flaky := &flakyStore{DB: db, failures: 2}
	svc, err := grading.NewService(grading.Config{Store: flaky, Sandboxes: db,
		Catalog: simpleLab, Validators: simpleValidators, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	e := &env{svc: svc, db: db}
	sb := e.sandbox(t, "sb-1", "alice", "simple")
	a, err := svc.SubmitAttempt(context.Background(), alice, sb.Name, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := e.wait(t, alice, a.Name); got.State != proctor.AttemptGraded {
		t.Fatalf("watched attempt is %s, want GRADED", got.State)
	}
	stored, err := db.Attempt(context.Background(), a.Name)
	if err != nil {
		t.Fatal(err)
	}
	if stored.State != proctor.AttemptGraded || len(stored.Results) == 0 {
		t.Errorf("stored attempt is %s with %d results, want GRADED with its results",
			stored.State, len(stored.Results))
	}
}
