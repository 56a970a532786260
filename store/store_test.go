package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/store"
)

// open returns a fresh database in a temporary directory, closed at the end of the test,
// and its path.
func open(t *testing.T) (*store.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "proctor.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

// base is the creation time of the first sandbox of a test.
var base = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

func sandbox(n int, owner string) *proctor.Sandbox {
	return &proctor.Sandbox{
		Name:      fmt.Sprintf("sandboxes/sb-%03d", n),
		Owner:     owner,
		LabID:     "s3-data-protection",
		Backend:   "embedded",
		State:     proctor.SandboxReady,
		AccountID: fmt.Sprintf("%012d", n),
		Region:    "us-east-1",
		Endpoint: proctor.Endpoint{HTTP: "http://localhost:4566", HTTPS: "https://localhost:4567",
			CABundle: "/data/ca.pem", Proxy: "http://localhost:4566"},
		Learner:    proctor.Credentials{AccessKeyID: "AKL", SecretAccessKey: "ls", SessionToken: "lt"},
		Grader:     proctor.Credentials{AccessKeyID: "AKG", SecretAccessKey: "gs", SessionToken: "gt"},
		CreateTime: base.Add(time.Duration(n) * time.Second),
		ExpireTime: base.Add(time.Hour + time.Duration(n)*time.Second),
	}
}

func codeOf(err error) proctor.ErrorCode { return proctor.ErrorCodeOf(err) }

func TestSandboxRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, _ := open(t)
	want := sandbox(1, "alice")
	want.RequestID = "req-1"
	want.Message = "ready"
	if err := db.CreateSandbox(ctx, want); err != nil {
		t.Fatalf("CreateSandbox: %v", err)
	}

	got, err := db.Sandbox(ctx, want.Name)
	if err != nil {
		t.Fatalf("Sandbox: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Sandbox (-want +got):\n%s", diff)
	}
	got, err = db.SandboxByRequestID(ctx, "alice", "req-1")
	if err != nil {
		t.Fatalf("SandboxByRequestID: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SandboxByRequestID (-want +got):\n%s", diff)
	}

	updated := *want
	updated.State = proctor.SandboxDeleted
	updated.Message = "deleted by alice"
	updated.ExpireTime = time.Time{}
	if err := db.UpdateSandbox(ctx, &updated); err != nil {
		t.Fatalf("UpdateSandbox: %v", err)
	}
	got, err = db.Sandbox(ctx, want.Name)
	if err != nil {
		t.Fatalf("Sandbox after update: %v", err)
	}
	if diff := cmp.Diff(&updated, got); diff != "" {
		t.Errorf("Sandbox after update (-want +got):\n%s", diff)
	}
}

func TestSandboxErrors(t *testing.T) {
	ctx := context.Background()
	db, _ := open(t)
	first := sandbox(1, "alice")
	first.RequestID = "req-1"
	if err := db.CreateSandbox(ctx, first); err != nil {
		t.Fatalf("CreateSandbox: %v", err)
	}
	sameRequestOtherOwner := sandbox(2, "bob")
	sameRequestOtherOwner.RequestID = "req-1"
	if err := db.CreateSandbox(ctx, sameRequestOtherOwner); err != nil {
		t.Fatalf("CreateSandbox with another owner's request id: %v", err)
	}

	sameRequest := sandbox(3, "alice")
	sameRequest.RequestID = "req-1"
	missing := sandbox(9, "alice")
	noOwner := sandbox(4, "")
	tests := []struct {
		name string
		call func() error
		want proctor.ErrorCode
	}{
		{"duplicate name", func() error { return db.CreateSandbox(ctx, sandbox(1, "alice")) },
			proctor.EConflict},
		{"duplicate request id", func() error { return db.CreateSandbox(ctx, sameRequest) },
			proctor.EConflict},
		{"missing owner", func() error { return db.CreateSandbox(ctx, noOwner) },
			proctor.EInvalid},
		{"get missing", func() error { _, err := db.Sandbox(ctx, missing.Name); return err },
			proctor.ENotFound},
		{"update missing", func() error { return db.UpdateSandbox(ctx, missing) },
			proctor.ENotFound},
		{"request id of another owner", func() error {
			_, err := db.SandboxByRequestID(ctx, "carol", "req-1")
			return err
		}, proctor.ENotFound},
		{"empty request id", func() error {
			_, err := db.SandboxByRequestID(ctx, "alice", "")
			return err
		}, proctor.ENotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codeOf(tt.call()); got != tt.want {
				t.Errorf("error code = %q, want %q", got, tt.want)
			}
		})
	}

	// A failed create changes nothing.
	got, err := db.Sandbox(ctx, first.Name)
	if err != nil {
		t.Fatalf("Sandbox: %v", err)
	}
	if diff := cmp.Diff(first, got); diff != "" {
		t.Errorf("sandbox after failed creates (-want +got):\n%s", diff)
	}
}

// collect pages through every sandbox of the filter with the page size and returns their
// names and the number of pages.
func collect(t *testing.T, db *store.DB, owner string, size int) ([]string, int) {
	t.Helper()
	var names []string
	token, pages := "", 0
	for {
		page, next, err := db.Sandboxes(context.Background(),
			proctor.SandboxFilter{Owner: owner, Page: proctor.Page{Size: size, Token: token}})
		if err != nil {
			t.Fatalf("Sandboxes(page %d): %v", pages, err)
		}
		pages++
		for _, s := range page {
			names = append(names, s.Name)
		}
		if next == "" {
			return names, pages
		}
		if pages > 100 {
			t.Fatal("pagination does not end")
		}
		token = next
	}
}

func TestSandboxPagination(t *testing.T) {
	ctx := context.Background()
	db, _ := open(t)
	var all []*proctor.Sandbox
	for i := 1; i <= 11; i++ {
		owner := "alice"
		if i%3 == 0 {
			owner = "bob"
		}
		s := sandbox(i, owner)
		if i >= 9 {
			// Three sandboxes created in the same instant: the name breaks the tie.
			s.CreateTime = base.Add(time.Minute)
		}
		all = append(all, s)
	}
	// Insert in a shuffled order so that the listing cannot rely on insertion order.
	for _, i := range []int{4, 10, 0, 7, 2, 9, 5, 1, 8, 3, 6} {
		if err := db.CreateSandbox(ctx, all[i]); err != nil {
			t.Fatalf("CreateSandbox: %v", err)
		}
	}

	wantNames := func(owner string) []string {
		var ss []*proctor.Sandbox
		for _, s := range all {
			if owner == "" || s.Owner == owner {
				ss = append(ss, s)
			}
		}
		sort.Slice(ss, func(i, j int) bool {
			if !ss[i].CreateTime.Equal(ss[j].CreateTime) {
				return ss[i].CreateTime.After(ss[j].CreateTime)
			}
			return ss[i].Name > ss[j].Name
		})
		var names []string
		for _, s := range ss {
			names = append(names, s.Name)
		}
		return names
	}
	tests := []struct {
		owner     string
		size      int
		wantPages int
	}{
		{"", 3, 4},
		{"", 11, 1},
		{"", 0, 1},
		{"", 1000, 1},
		{"alice", 2, 4},
		{"bob", 1, 3},
		{"nobody", 5, 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("owner=%q size=%d", tt.owner, tt.size), func(t *testing.T) {
			got, pages := collect(t, db, tt.owner, tt.size)
			if diff := cmp.Diff(wantNames(tt.owner), got); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
			if pages != tt.wantPages {
				t.Errorf("pages = %d, want %d", pages, tt.wantPages)
			}
		})
	}
}

func TestPageTokens(t *testing.T) {
	ctx := context.Background()
	db, _ := open(t)
	for i := 1; i <= 3; i++ {
		if err := db.CreateSandbox(ctx, sandbox(i, "alice")); err != nil {
			t.Fatalf("CreateSandbox: %v", err)
		}
	}
	if err := db.CreateAttempt(ctx, attempt(1, sandbox(1, "alice"))); err != nil {
		t.Fatalf("CreateAttempt: %v", err)
	}
	if err := db.CreateAttempt(ctx, attempt(2, sandbox(1, "alice"))); err != nil {
		t.Fatalf("CreateAttempt: %v", err)
	}
	_, aliceToken, err := db.Sandboxes(ctx, proctor.SandboxFilter{Owner: "alice",
		Page: proctor.Page{Size: 1}})
	if err != nil || aliceToken == "" {
		t.Fatalf("Sandboxes: token %q, err %v", aliceToken, err)
	}
	_, attemptToken, err := db.Attempts(ctx, proctor.AttemptFilter{
		Sandbox: sandbox(1, "alice").Name, Page: proctor.Page{Size: 1}})
	if err != nil || attemptToken == "" {
		t.Fatalf("Attempts: token %q, err %v", attemptToken, err)
	}

	tests := []struct {
		name   string
		filter proctor.SandboxFilter
	}{
		{"not base64", proctor.SandboxFilter{Page: proctor.Page{Token: "%%%"}}},
		{"not json", proctor.SandboxFilter{Page: proctor.Page{Token: "bm90IGpzb24"}}},
		{"empty json", proctor.SandboxFilter{Page: proctor.Page{Token: "e30"}}},
		{"another owner's listing", proctor.SandboxFilter{Owner: "bob",
			Page: proctor.Page{Token: aliceToken}}},
		{"every owner's listing", proctor.SandboxFilter{Page: proctor.Page{Token: aliceToken}}},
		{"an attempt listing", proctor.SandboxFilter{Owner: "alice",
			Page: proctor.Page{Token: attemptToken}}},
		{"negative size", proctor.SandboxFilter{Page: proctor.Page{Size: -1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := db.Sandboxes(ctx, tt.filter)
			if got := codeOf(err); got != proctor.EInvalid {
				t.Fatalf("error code = %q (%v), want %q", got, err, proctor.EInvalid)
			}
			var perr *proctor.Error
			if !errors.As(err, &perr) || len(perr.Fields) != 1 {
				t.Fatalf("error %v names no field", err)
			}
		})
	}

	_, _, err = db.Attempts(ctx, proctor.AttemptFilter{Sandbox: sandbox(2, "alice").Name,
		Page: proctor.Page{Token: attemptToken}})
	if got := codeOf(err); got != proctor.EInvalid {
		t.Errorf("attempt token on another sandbox: code %q, want %q", got, proctor.EInvalid)
	}
}

func TestSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "proctor.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	sb := sandbox(1, "alice")
	at := attempt(1, sb)
	if err := db.CreateSandbox(ctx, sb); err != nil {
		t.Fatalf("CreateSandbox: %v", err)
	}
	if err := db.CreateAttempt(ctx, at); err != nil {
		t.Fatalf("CreateAttempt: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	// Reopening runs the migrations again, which must be a no-op on a current schema.
	db, err = store.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	gotSandbox, err := db.Sandbox(ctx, sb.Name)
	if err != nil {
		t.Fatalf("Sandbox after reopen: %v", err)
	}
	if diff := cmp.Diff(sb, gotSandbox); diff != "" {
		t.Errorf("sandbox after reopen (-want +got):\n%s", diff)
	}
	gotAttempt, err := db.Attempt(ctx, at.Name)
	if err != nil {
		t.Fatalf("Attempt after reopen: %v", err)
	}
	if diff := cmp.Diff(at, gotAttempt); diff != "" {
		t.Errorf("attempt after reopen (-want +got):\n%s", diff)
	}
}

func TestFileIsPrivate(t *testing.T) {
	_, path := open(t)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("database file mode = %v, want 0600: it holds credentials", mode)
	}
}

// TestOpenRefusesSharedFile checks that a database file others may read is refused, with
// a message that names the file and its mode, and is left unchanged.
func TestOpenRefusesSharedFile(t *testing.T) {
	ctx := context.Background()
	for _, mode := range []os.FileMode{0o644, 0o660, 0o606} {
		path := filepath.Join(t.TempDir(), "proctor.db")
		db, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		db, err = store.Open(ctx, path)
		if err == nil {
			db.Close()
			t.Fatalf("Open of a file of mode %04o succeeded, want an error", mode)
		}
		want := fmt.Sprintf("mode %04o", mode)
		if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name the file and %s", err, want)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != mode {
			t.Errorf("file mode after the refusal = %v, %v; want %04o unchanged",
				fi.Mode().Perm(), err, mode)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, path := range []string{"", filepath.Join(t.TempDir(), "a?b.db"),
		filepath.Join(t.TempDir(), "missing", "dir", "proctor.db")} {
		if db, err := store.Open(ctx, path); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded, want an error", path)
		}
	}
}

func TestSandboxesInStates(t *testing.T) {
	ctx := context.Background()
	db, _ := open(t)
	states := []proctor.SandboxState{proctor.SandboxReady, proctor.SandboxProvisioning,
		proctor.SandboxDeleted, proctor.SandboxReady, proctor.SandboxCleaning}
	for i, st := range states {
		owner := "alice"
		if i == 3 {
			owner = "bob"
		}
		s := sandbox(i+1, owner)
		s.State = st
		// Later sandboxes expire sooner, so that expiry order differs from creation order.
		s.ExpireTime = base.Add(time.Hour - time.Duration(i)*time.Minute)
		if err := db.CreateSandbox(ctx, s); err != nil {
			t.Fatalf("CreateSandbox: %v", err)
		}
	}
	names := func(ss []*proctor.Sandbox) []string {
		var out []string
		for _, s := range ss {
			out = append(out, s.Name)
		}
		return out
	}
	tests := []struct {
		owner  string
		states []proctor.SandboxState
		limit  int
		want   []string
	}{
		{"", proctor.LiveSandboxStates, 10,
			[]string{"sandboxes/sb-004", "sandboxes/sb-002", "sandboxes/sb-001"}},
		{"alice", proctor.LiveSandboxStates, 10, []string{"sandboxes/sb-002", "sandboxes/sb-001"}},
		{"", proctor.LiveSandboxStates, 1, []string{"sandboxes/sb-004"}},
		{"", []proctor.SandboxState{proctor.SandboxCleaning}, 10, []string{"sandboxes/sb-005"}},
		{"", nil, 10, nil},
		{"", proctor.LiveSandboxStates, 0, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %v %d", tt.owner, tt.states, tt.limit), func(t *testing.T) {
			got, err := db.SandboxesInStates(ctx, tt.owner, tt.states, tt.limit)
			if err != nil {
				t.Fatalf("SandboxesInStates: %v", err)
			}
			if diff := cmp.Diff(tt.want, names(got)); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
		})
	}
}

// TestConcurrentWrites creates and updates sandboxes from many goroutines at once; the
// busy timeout must absorb the contention so that no write fails.
func TestConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	db, _ := open(t)
	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*2)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				s := sandbox(w*each+i, fmt.Sprintf("learner-%d", w))
				if err := db.CreateSandbox(ctx, s); err != nil {
					errs <- err
					continue
				}
				s.State = proctor.SandboxExpired
				if err := db.UpdateSandbox(ctx, s); err != nil {
					errs <- err
				}
				if _, _, err := db.Sandboxes(ctx, proctor.SandboxFilter{Owner: s.Owner}); err != nil {
					errs <- err
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent write: %v", err)
	}
	got, err := db.SandboxesInStates(ctx, "", []proctor.SandboxState{proctor.SandboxExpired},
		workers*each+1)
	if err != nil {
		t.Fatalf("SandboxesInStates: %v", err)
	}
	if len(got) != workers*each {
		t.Errorf("expired sandboxes = %d, want %d", len(got), workers*each)
	}
}
