package sandbox_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/sandbox"
)

func TestDelete(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	sb := e.create(t, alice, "s3-lab", "")
	got, err := e.svc.DeleteSandbox(ctx, alice, sb.Name)
	if err != nil || got.State != proctor.SandboxDeleted {
		t.Fatalf("DeleteSandbox = %+v, %v; want DELETED", got, err)
	}
	if e.prov.lent(sb.AccountID) {
		t.Errorf("account %s not released", sb.AccountID)
	}
	again, err := e.svc.DeleteSandbox(ctx, alice, sb.Name)
	if err != nil || again.State != proctor.SandboxDeleted {
		t.Errorf("second DeleteSandbox = %+v, %v; want DELETED", again, err)
	}
	if st := e.stored(t, sb.Name).State; st != proctor.SandboxDeleted {
		t.Errorf("stored state = %s, want DELETED", st)
	}
}

func TestCleanupRetryAndQuarantine(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	sb := e.create(t, alice, "s3-lab", "")

	e.prov.failRelease = 1
	got, err := e.svc.DeleteSandbox(ctx, alice, sb.Name)
	if err != nil || got.State != proctor.SandboxCleaning {
		t.Fatalf("DeleteSandbox with a failing release = %+v, %v; want CLEANING", got, err)
	}
	if err := e.svc.Reap(ctx); err != nil {
		t.Fatalf("Reap: %v", err)
	}
	if st := e.stored(t, sb.Name).State; st != proctor.SandboxDeleted {
		t.Errorf("after the reaper retried: %s, want DELETED", st)
	}

	other := e.create(t, alice, "s3-lab", "")
	e.prov.failRelease = sandbox.MaxCleanupFailures
	if _, err := e.svc.DeleteSandbox(ctx, alice, other.Name); err != nil {
		t.Fatalf("DeleteSandbox: %v", err)
	}
	for i := 1; i < sandbox.MaxCleanupFailures; i++ {
		if st := e.stored(t, other.Name).State; st != proctor.SandboxCleaning {
			t.Fatalf("after %d failed releases: %s, want CLEANING", i, st)
		}
		if err := e.svc.Reap(ctx); err != nil {
			t.Fatalf("Reap: %v", err)
		}
	}
	if st := e.stored(t, other.Name).State; st != proctor.SandboxQuarantined {
		t.Errorf("after %d failed releases: %s, want QUARANTINED", sandbox.MaxCleanupFailures, st)
	}
	if _, err := e.svc.DeleteSandbox(ctx, alice, other.Name); codeOf(err) !=
		proctor.EFailedPrecondition {
		t.Errorf("deleting a quarantined sandbox: %v, want EFailedPrecondition", err)
	}
}

func TestReaperExpires(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	early := e.create(t, alice, "s3-lab", "")
	e.clock.Add(30 * time.Minute)
	late := e.create(t, bob, "s3-lab", "")

	e.clock.Add(30*time.Minute - time.Nanosecond)
	if err := e.svc.Reap(ctx); err != nil {
		t.Fatalf("Reap: %v", err)
	}
	if st := e.stored(t, early.Name).State; st != proctor.SandboxReady {
		t.Errorf("before its TTL: %s, want READY", st)
	}

	e.clock.Add(time.Nanosecond)
	if err := e.svc.Reap(ctx); err != nil {
		t.Fatalf("Reap: %v", err)
	}
	if st := e.stored(t, early.Name).State; st != proctor.SandboxExpired {
		t.Errorf("at its TTL: %s, want EXPIRED", st)
	}
	if e.prov.lent(early.AccountID) {
		t.Errorf("expired sandbox's account still lent")
	}
	if st := e.stored(t, late.Name).State; st != proctor.SandboxReady {
		t.Errorf("younger sandbox: %s, want READY", st)
	}
}

func TestReaperSurvivesRestart(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	sb := e.create(t, alice, "s3-lab", "")
	e.stop(t)

	// A sandbox that a server left mid-provisioning, with an account already lent.
	acct, err := e.prov.Provision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db2 := mustOpen(t, e.path)
	abandoned := &proctor.Sandbox{Name: "sandboxes/sb-abandoned", Owner: "bob", LabID: "s3-lab",
		Backend: "fake", State: proctor.SandboxProvisioning, AccountID: acct.ID,
		CreateTime: e.clock.Now(), ExpireTime: e.clock.Now().Add(time.Hour)}
	if err := db2.CreateSandbox(ctx, abandoned); err != nil {
		t.Fatal(err)
	}
	db2.Close()

	// The server comes back after the first sandbox's TTL; its reaper's first pass, run
	// at start, finds both.
	e.clock.Add(2 * time.Hour)
	e.start(t, func(c *sandbox.Config) { c.ReapInterval = time.Hour })
	waitFor(t, func() bool {
		return e.stored(t, sb.Name).State == proctor.SandboxExpired &&
			e.stored(t, abandoned.Name).State == proctor.SandboxFailed
	})
	if e.prov.lent(sb.AccountID) || e.prov.lent(acct.ID) {
		t.Errorf("accounts still lent after the reaper's pass")
	}
}

func TestDisconnectedClient(t *testing.T) {
	e := newEnv(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := e.svc.CreateSandbox(ctx, alice, "slow-lab", "req")
		errc <- err
	}()
	<-e.steps.started
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("CreateSandbox after cancel: %v, want context.Canceled", err)
	}
	// Provisioning goes on; the retry waits for it and gets the sandbox.
	go func() {
		time.Sleep(10 * time.Millisecond)
		close(e.steps.release)
	}()
	sb := e.create(t, alice, "slow-lab", "req")
	if sb.State != proctor.SandboxReady {
		t.Errorf("retry got %s, want READY", sb.State)
	}
	if p, _ := e.prov.counts(); p != 1 {
		t.Errorf("accounts provisioned = %d, want 1", p)
	}
}

func TestCloseDuringProvisioning(t *testing.T) {
	e := newEnv(t, nil)
	errc := make(chan error, 1)
	go func() {
		_, err := e.svc.CreateSandbox(context.Background(), alice, "slow-lab", "")
		errc <- err
	}()
	<-e.steps.started
	if err := e.svc.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := <-errc; codeOf(err) != proctor.EFailedPrecondition {
		t.Errorf("CreateSandbox during Close: %v, want EFailedPrecondition", err)
	}
	if _, out := e.prov.counts(); out != 0 {
		t.Errorf("%d accounts still lent after Close", out)
	}
	if _, err := e.svc.CreateSandbox(context.Background(), alice, "s3-lab", ""); codeOf(err) !=
		proctor.EUnavailable {
		t.Errorf("CreateSandbox after Close: %v, want EUnavailable", err)
	}
}

func TestDeleteWhileProvisioning(t *testing.T) {
	e := newEnv(t, nil)
	go e.svc.CreateSandbox(context.Background(), alice, "slow-lab", "")
	<-e.steps.started
	list, _, err := e.svc.Sandboxes(context.Background(), alice, proctor.Page{})
	if err != nil || len(list) != 1 {
		t.Fatalf("Sandboxes = %v, %v", names(list), err)
	}
	if _, err := e.svc.DeleteSandbox(context.Background(), alice, list[0].Name); codeOf(err) !=
		proctor.EFailedPrecondition {
		t.Errorf("DeleteSandbox while provisioning: %v, want EFailedPrecondition", err)
	}
	// The reaper leaves a sandbox this service is provisioning alone.
	if err := e.svc.Reap(context.Background()); err != nil {
		t.Fatal(err)
	}
	close(e.steps.release)
	waitFor(t, func() bool { return e.stored(t, list[0].Name).State == proctor.SandboxReady })
}

// waitFor polls cond until it holds, failing the test after a few seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestExtend(t *testing.T) {
	// A TTL of an hour and a longest lifetime of three.
	e := newEnv(t, func(c *sandbox.Config) { c.MaxLifetime = 3 * time.Hour })
	ctx := context.Background()
	sb := e.create(t, alice, "s3-lab", "")
	created := e.clock.Now()

	got, err := e.svc.ExtendSandbox(ctx, alice, sb.Name, 30*time.Minute)
	if err != nil {
		t.Fatalf("ExtendSandbox: %v", err)
	}
	if want := created.Add(90 * time.Minute); !got.ExpireTime.Equal(want) {
		t.Errorf("expire time = %v, want %v", got.ExpireTime, want)
	}
	if got.Learner.SecretAccessKey == "" || got.Grader != (proctor.Credentials{}) {
		t.Errorf("extended sandbox not redacted for its owner: %+v", got)
	}
	got, err = e.svc.ExtendSandbox(ctx, alice, sb.Name, 5*time.Hour)
	if err != nil {
		t.Fatalf("ExtendSandbox: %v", err)
	}
	if want := created.Add(3 * time.Hour); !got.ExpireTime.Equal(want) {
		t.Errorf("expire time = %v, want the cap %v", got.ExpireTime, want)
	}
	if stored := e.stored(t, sb.Name); !stored.ExpireTime.Equal(got.ExpireTime) {
		t.Errorf("stored expire time = %v, want %v", stored.ExpireTime, got.ExpireTime)
	}

	tests := []struct {
		name   string
		caller proctor.Caller
		by     time.Duration
		want   proctor.ErrorCode
	}{
		{"at the cap", alice, time.Minute, proctor.EFailedPrecondition},
		{"zero", alice, 0, proctor.EInvalid},
		{"another learner", bob, time.Minute, proctor.ENotFound},
		{"instructor", instructor, time.Minute, proctor.EPermission},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.ExtendSandbox(ctx, tt.caller, sb.Name, tt.by)
			if got := codeOf(err); got != tt.want {
				t.Errorf("error code = %q (%v), want %q", got, err, tt.want)
			}
		})
	}

	// An expired sandbox cannot be extended.
	other := e.create(t, bob, "s3-lab", "")
	e.clock.Add(time.Hour)
	if _, err := e.svc.ExtendSandbox(ctx, bob, other.Name, time.Minute); codeOf(err) !=
		proctor.EFailedPrecondition {
		t.Errorf("extending an expired sandbox: %v, want EFailedPrecondition", err)
	}
}

// TestReleasedSandboxesKeepNoCredentials checks that once a sandbox's account is released,
// by deletion, expiry or a failed setup, neither the store nor any caller keeps its
// credentials, while a sandbox still holding its account keeps them.
func TestReleasedSandboxesKeepNoCredentials(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	deleted := e.create(t, alice, "s3-lab", "")
	expired := e.create(t, bob, "s3-lab", "")
	live := e.create(t, bob, "s3-lab", "")
	if _, err := e.svc.CreateSandbox(ctx, alice, "broken-lab", ""); codeOf(err) !=
		proctor.EFailedPrecondition {
		t.Fatalf("CreateSandbox of the broken lab: %v, want EFailedPrecondition", err)
	}
	list, _, err := e.svc.Sandboxes(ctx, alice, proctor.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var failed string
	for _, sb := range list {
		if sb.State == proctor.SandboxFailed {
			failed = sb.Name
		}
	}
	if failed == "" {
		t.Fatalf("no FAILED sandbox among %v", names(list))
	}

	if _, err := e.svc.DeleteSandbox(ctx, alice, deleted.Name); err != nil {
		t.Fatalf("DeleteSandbox: %v", err)
	}
	if _, err := e.svc.ExtendSandbox(ctx, bob, live.Name, time.Hour); err != nil {
		t.Fatalf("ExtendSandbox: %v", err)
	}
	e.clock.Add(time.Hour) // the test service's TTL: only the extended sandbox lives on
	if err := e.svc.Reap(ctx); err != nil {
		t.Fatalf("Reap: %v", err)
	}

	none := proctor.Credentials{}
	for _, tt := range []struct {
		name  string
		owner proctor.Caller
		state proctor.SandboxState
	}{
		{deleted.Name, alice, proctor.SandboxDeleted},
		{expired.Name, bob, proctor.SandboxExpired},
		{failed, alice, proctor.SandboxFailed},
	} {
		stored := e.stored(t, tt.name)
		if stored.State != tt.state {
			t.Fatalf("%s is %s, want %s", tt.name, stored.State, tt.state)
		}
		if stored.Learner != none || stored.Grader != none {
			t.Errorf("%s %s: the store still holds credentials", tt.state, tt.name)
		}
		got, err := e.svc.Sandbox(ctx, tt.owner, tt.name)
		if err != nil || got.Learner != none {
			t.Errorf("%s %s: Sandbox = %v, %v; want no credentials", tt.state, tt.name,
				got.Learner, err)
		}
	}
	if stored := e.stored(t, live.Name); stored.State != proctor.SandboxReady ||
		stored.Learner == none || stored.Grader == none {
		t.Errorf("the READY sandbox lost its credentials: %s %v %v", stored.State,
			stored.Learner, stored.Grader)
	}
}

// TestFailedSetupWhoseReleaseFails checks that a sandbox whose setup fails and whose
// account then cannot be released is not left FAILED with its account lent: it stays
// CLEANING, its creation still fails with the setup's error, and the reaper releases the
// account and marks it FAILED with that error.
func TestFailedSetupWhoseReleaseFails(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	e.prov.failRelease = 1
	_, err := e.svc.CreateSandbox(ctx, alice, "broken-lab", "req")
	if codeOf(err) != proctor.EFailedPrecondition || !strings.Contains(err.Error(),
		"AccessDenied") {
		t.Fatalf("CreateSandbox: %v, want EFailedPrecondition with the step's error", err)
	}
	list, _, err := e.svc.Sandboxes(ctx, alice, proctor.Page{})
	if err != nil || len(list) != 1 {
		t.Fatalf("Sandboxes = %v, %v; want one", names(list), err)
	}
	sb := e.stored(t, list[0].Name)
	if sb.State != proctor.SandboxCleaning || !e.prov.lent(sb.AccountID) {
		t.Fatalf("after the failed release: %s, lent %v; want CLEANING and lent", sb.State,
			e.prov.lent(sb.AccountID))
	}
	if _, err := e.svc.CreateSandbox(ctx, alice, "broken-lab", "req"); codeOf(err) !=
		proctor.EFailedPrecondition {
		t.Errorf("retry while the account is released: %v, want EFailedPrecondition", err)
	}

	if err := e.svc.Reap(ctx); err != nil {
		t.Fatalf("Reap: %v", err)
	}
	sb = e.stored(t, sb.Name)
	if sb.State != proctor.SandboxFailed || !strings.Contains(sb.Message, "AccessDenied") ||
		strings.Contains(sb.Message, "releasing") {
		t.Errorf("after the reaper: %s %q, want FAILED with the step's error", sb.State,
			sb.Message)
	}
	if e.prov.lent(sb.AccountID) {
		t.Errorf("account %s is still lent after the reaper", sb.AccountID)
	}
	if sb.Learner != (proctor.Credentials{}) || sb.Grader != (proctor.Credentials{}) {
		t.Errorf("the released sandbox keeps its credentials")
	}
}

// TestDeleteFailedReleasesNothing checks that deleting a FAILED sandbox, whose account was
// released when it failed, marks it DELETED without releasing that account id again: the
// backend may have lent the account to someone else since.
func TestDeleteFailedReleasesNothing(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	if _, err := e.svc.CreateSandbox(ctx, alice, "broken-lab", ""); codeOf(err) !=
		proctor.EFailedPrecondition {
		t.Fatalf("CreateSandbox of the broken lab: %v, want EFailedPrecondition", err)
	}
	list, _, err := e.svc.Sandboxes(ctx, alice, proctor.Page{})
	if err != nil || len(list) != 1 || list[0].State != proctor.SandboxFailed {
		t.Fatalf("Sandboxes = %v, %v; want one FAILED", names(list), err)
	}

	e.prov.failRelease = 1 // a release would use this up
	got, err := e.svc.DeleteSandbox(ctx, alice, list[0].Name)
	if err != nil || got.State != proctor.SandboxDeleted {
		t.Fatalf("DeleteSandbox = %+v, %v; want DELETED", got, err)
	}
	if e.prov.failRelease != 1 {
		t.Errorf("deleting the FAILED sandbox released account %s again", list[0].AccountID)
	}
	if st := e.stored(t, list[0].Name).State; st != proctor.SandboxDeleted {
		t.Errorf("stored state = %s, want DELETED", st)
	}
}
