package sandbox_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/sandbox"
)

func TestCreateReady(t *testing.T) {
	e := newEnv(t, nil)
	sb := e.create(t, alice, "s3-lab", "")

	if sb.State != proctor.SandboxReady || sb.Owner != "alice" || sb.LabID != "s3-lab" ||
		sb.Backend != "fake" {
		t.Errorf("sandbox = %+v, want READY s3-lab of alice on fake", sb)
	}
	if !strings.HasPrefix(sb.Name, "sandboxes/sb-") {
		t.Errorf("name = %q, want sandboxes/sb-...", sb.Name)
	}
	if !e.prov.lent(sb.AccountID) {
		t.Errorf("account %q is not lent", sb.AccountID)
	}
	wantLearner := proctor.Credentials{AccessKeyID: "L" + sb.AccountID,
		SecretAccessKey: "learner-secret"}
	if diff := cmp.Diff(wantLearner, sb.Learner); diff != "" {
		t.Errorf("learner credentials (-want +got):\n%s", diff)
	}
	if sb.Grader != (proctor.Credentials{}) {
		t.Errorf("grader credentials returned to the learner: %v", sb.Grader)
	}
	if want := e.clock.Now().Add(time.Hour); !sb.ExpireTime.Equal(want) {
		t.Errorf("expire time = %v, want %v", sb.ExpireTime, want)
	}

	// The setup ran once, with the learner's credentials on the sandbox's account.
	if len(e.steps.targets) != 1 {
		t.Fatalf("setup ran %d times, want 1", len(e.steps.targets))
	}
	if got := e.steps.targets[0]; got.AccountID != sb.AccountID ||
		got.Credentials != wantLearner {
		t.Errorf("setup target = %+v, want the learner's on %s", got, sb.AccountID)
	}
	// The store keeps the grader's credentials, which the grading service needs.
	if got := e.stored(t, sb.Name).Grader.AccessKeyID; got != "G"+sb.AccountID {
		t.Errorf("stored grader key = %q, want %q", got, "G"+sb.AccountID)
	}
}

func TestCreateErrors(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name      string
		caller    proctor.Caller
		lab       string
		requestID string
		want      proctor.ErrorCode
	}{
		{"instructor", instructor, "s3-lab", "", proctor.EPermission},
		{"no role", proctor.Caller{Subject: "x"}, "s3-lab", "", proctor.EPermission},
		{"no subject", proctor.Caller{Role: proctor.RoleLearner}, "s3-lab", "",
			proctor.EUnauthenticated},
		{"empty lab", alice, "", "", proctor.EInvalid},
		{"unknown lab", alice, "no-such-lab", "", proctor.ENotFound},
		{"request id with a space", alice, "s3-lab", "a b", proctor.EInvalid},
		{"request id too long", alice, "s3-lab", strings.Repeat("r", 101), proctor.EInvalid},
		{"service the backend lacks", alice, "guardduty-lab", "", proctor.EFailedPrecondition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.CreateSandbox(context.Background(), tt.caller, tt.lab, tt.requestID)
			if got := codeOf(err); got != tt.want {
				t.Errorf("error code = %q (%v), want %q", got, err, tt.want)
			}
		})
	}
	// Rejected requests change nothing.
	list, _, err := e.db.Sandboxes(context.Background(), proctor.SandboxFilter{})
	if err != nil || len(list) != 0 {
		t.Errorf("stored sandboxes = %d (%v), want none", len(list), err)
	}
	if n, _ := e.prov.counts(); n != 0 {
		t.Errorf("accounts provisioned = %d, want 0", n)
	}
}

func TestIsolationBetweenLearners(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	mine := e.create(t, alice, "s3-lab", "")
	theirs := e.create(t, bob, "s3-lab", "")

	if _, err := e.svc.Sandbox(ctx, bob, mine.Name); codeOf(err) != proctor.ENotFound {
		t.Errorf("bob reads alice's sandbox: %v, want ENotFound", err)
	}
	if _, err := e.svc.DeleteSandbox(ctx, bob, mine.Name); codeOf(err) != proctor.ENotFound {
		t.Errorf("bob deletes alice's sandbox: %v, want ENotFound", err)
	}
	// The answer for someone else's sandbox is the answer for one that does not exist.
	_, errOther := e.svc.Sandbox(ctx, bob, mine.Name)
	_, errNone := e.svc.Sandbox(ctx, bob, "sandboxes/sb-0000000000000000")
	gotOther := strings.Replace(proctor.ErrorMessageOf(errOther), mine.Name, "X", 1)
	gotNone := strings.Replace(proctor.ErrorMessageOf(errNone),
		"sandboxes/sb-0000000000000000", "X", 1)
	if gotOther != gotNone {
		t.Errorf("messages differ: %q vs %q", gotOther, gotNone)
	}

	list, _, err := e.svc.Sandboxes(ctx, bob, proctor.Page{})
	if err != nil {
		t.Fatalf("Sandboxes: %v", err)
	}
	if len(list) != 1 || list[0].Name != theirs.Name {
		t.Errorf("bob lists %v, want only %s", names(list), theirs.Name)
	}

	// An instructor sees both, without anyone's credentials, and may not delete.
	list, _, err = e.svc.Sandboxes(ctx, instructor, proctor.Page{})
	if err != nil {
		t.Fatalf("Sandboxes: %v", err)
	}
	if len(list) != 2 {
		t.Errorf("instructor lists %v, want 2 sandboxes", names(list))
	}
	for _, sb := range list {
		if sb.Learner != (proctor.Credentials{}) || sb.Grader != (proctor.Credentials{}) {
			t.Errorf("instructor sees credentials of %s", sb.Name)
		}
	}
	got, err := e.svc.Sandbox(ctx, instructor, mine.Name)
	if err != nil || got.Learner != (proctor.Credentials{}) {
		t.Errorf("instructor Sandbox = %+v, %v; want it without credentials", got, err)
	}
	if _, err := e.svc.DeleteSandbox(ctx, instructor, mine.Name); codeOf(err) != proctor.EPermission {
		t.Errorf("instructor deletes: %v, want EPermission", err)
	}
	// An admin may delete anyone's.
	if sb, err := e.svc.DeleteSandbox(ctx, admin, mine.Name); err != nil ||
		sb.State != proctor.SandboxDeleted {
		t.Errorf("admin deletes: %+v, %v", sb, err)
	}
}

func names(list []*proctor.Sandbox) []string {
	var out []string
	for _, sb := range list {
		out = append(out, sb.Name)
	}
	return out
}

func TestMalformedNames(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	for _, name := range []string{"", "sandbox/x", "sandboxes/", "sandboxes/X", "sandboxes/a/b",
		"sandboxes/a b"} {
		if _, err := e.svc.Sandbox(ctx, alice, name); codeOf(err) != proctor.EInvalid {
			t.Errorf("Sandbox(%q): %v, want EInvalid", name, err)
		}
		if _, err := e.svc.DeleteSandbox(ctx, alice, name); codeOf(err) != proctor.EInvalid {
			t.Errorf("DeleteSandbox(%q): %v, want EInvalid", name, err)
		}
	}
}

func TestIdempotentCreate(t *testing.T) {
	e := newEnv(t, nil)
	first := e.create(t, alice, "s3-lab", "req-1")
	again := e.create(t, alice, "s3-lab", "req-1")
	if diff := cmp.Diff(first, again); diff != "" {
		t.Errorf("repeated create (-first +again):\n%s", diff)
	}
	// The same request id of another learner is another request.
	other := e.create(t, bob, "s3-lab", "req-1")
	if other.Name == first.Name {
		t.Errorf("bob's request got alice's sandbox")
	}
	if n, _ := e.prov.counts(); n != 2 {
		t.Errorf("accounts provisioned = %d, want 2", n)
	}
	_, err := e.svc.CreateSandbox(context.Background(), alice, "kms-lab", "req-1")
	if codeOf(err) != proctor.EInvalid {
		t.Errorf("request id reused for another lab: %v, want EInvalid", err)
	}
}

func TestConcurrentIdempotentCreate(t *testing.T) {
	// A quota of one: the repeats must be answered with the first sandbox, not refused.
	e := newEnv(t, func(c *sandbox.Config) { c.MaxPerLearner = 1 })
	const n = 8
	var wg sync.WaitGroup
	got := make([]string, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sb, err := e.svc.CreateSandbox(context.Background(), alice, "s3-lab", "same")
			errs[i] = err
			if err == nil {
				got[i] = sb.Name
			}
		}(i)
	}
	wg.Wait()
	for i := 0; i < n; i++ {
		if errs[i] != nil {
			t.Fatalf("create %d: %v", i, errs[i])
		}
		if got[i] != got[0] {
			t.Errorf("create %d got %s, create 0 got %s", i, got[i], got[0])
		}
	}
	if p, _ := e.prov.counts(); p != 1 {
		t.Errorf("accounts provisioned = %d, want 1", p)
	}
}

func TestQuota(t *testing.T) {
	for _, hide := range []bool{false, true} {
		t.Run(fmt.Sprintf("store without state queries=%v", hide), func(t *testing.T) {
			e := newEnv(t, func(c *sandbox.Config) {
				c.MaxPerLearner = 2
				if hide {
					c.Store = plainStore{c.Store}
				}
			})
			ctx := context.Background()
			first := e.create(t, alice, "s3-lab", "")
			e.create(t, alice, "kms-lab", "")
			_, err := e.svc.CreateSandbox(ctx, alice, "s3-lab", "")
			if codeOf(err) != proctor.EResourceExhausted {
				t.Fatalf("third sandbox: %v, want EResourceExhausted", err)
			}
			// Another learner has a quota of their own.
			e.create(t, bob, "s3-lab", "")
			// A deleted sandbox no longer counts.
			if _, err := e.svc.DeleteSandbox(ctx, alice, first.Name); err != nil {
				t.Fatalf("DeleteSandbox: %v", err)
			}
			e.create(t, alice, "s3-lab", "")
		})
	}
}

// plainStore hides the store's optional SandboxStateQuerier.
type plainStore struct{ proctor.SandboxStore }

func TestConcurrentQuota(t *testing.T) {
	e := newEnv(t, func(c *sandbox.Config) { c.MaxPerLearner = 3 })
	const n = 10
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[proctor.ErrorCode]int{}
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.svc.CreateSandbox(context.Background(), alice, "s3-lab", "")
			mu.Lock()
			codes[codeOf(err)]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	want := map[proctor.ErrorCode]int{"": 3, proctor.EResourceExhausted: n - 3}
	if diff := cmp.Diff(want, codes); diff != "" {
		t.Errorf("outcomes by error code (-want +got):\n%s", diff)
	}
}

func TestSetupFailure(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	_, err := e.svc.CreateSandbox(ctx, alice, "broken-lab", "req")
	if codeOf(err) != proctor.EFailedPrecondition {
		t.Fatalf("CreateSandbox: %v, want EFailedPrecondition", err)
	}
	list, _, err := e.svc.Sandboxes(ctx, alice, proctor.Page{})
	if err != nil || len(list) != 1 {
		t.Fatalf("Sandboxes = %v, %v; want one", names(list), err)
	}
	sb := list[0]
	if sb.State != proctor.SandboxFailed || !strings.Contains(sb.Message, "AccessDenied") {
		t.Errorf("sandbox %s: %s, want FAILED with the step's error", sb.State, sb.Message)
	}
	if e.prov.lent(sb.AccountID) {
		t.Errorf("account %s of the failed sandbox was not released", sb.AccountID)
	}
	// A failed sandbox does not count against the quota, and a retry answers the same.
	if _, err := e.svc.CreateSandbox(ctx, alice, "broken-lab", "req"); codeOf(err) !=
		proctor.EFailedPrecondition {
		t.Errorf("retry: %v, want EFailedPrecondition", err)
	}
	if p, _ := e.prov.counts(); p != 1 {
		t.Errorf("accounts provisioned = %d, want 1", p)
	}
}

func TestNoAccount(t *testing.T) {
	e := newEnv(t, nil)
	e.prov.failLend = true
	_, err := e.svc.CreateSandbox(context.Background(), alice, "s3-lab", "")
	if codeOf(err) != proctor.EUnavailable {
		t.Fatalf("CreateSandbox: %v, want EUnavailable", err)
	}
	list, _, _ := e.svc.Sandboxes(context.Background(), alice, proctor.Page{})
	if len(list) != 1 || list[0].State != proctor.SandboxFailed {
		t.Errorf("sandboxes = %+v, want one FAILED", list)
	}
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLogsHoldNoSecrets runs creation, a failed setup, deletion and a failed release with a
// debug logger, and checks that no credential secret reaches the log.
func TestLogsHoldNoSecrets(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, func(c *sandbox.Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{
			Level: slog.LevelDebug}))
	})
	ctx := context.Background()
	sb := e.create(t, alice, "s3-lab", "")
	if _, err := e.svc.CreateSandbox(ctx, alice, "broken-lab", ""); err == nil {
		t.Fatal("broken lab created")
	}
	e.prov.failRelease = 1
	if _, err := e.svc.DeleteSandbox(ctx, alice, sb.Name); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Reap(ctx); err != nil {
		t.Fatal(err)
	}
	if logs.String() == "" {
		t.Fatal("nothing was logged")
	}
	for _, secret := range []string{"learner-secret", "grader-secret"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds the secret %q:\n%s", secret, logs.String())
		}
	}
}

// TestSetupFailureMessageIsValidUTF8 checks that a long setup error is shortened on a
// character boundary: the message must stay valid UTF-8, or no API response could carry
// the sandbox.
func TestSetupFailureMessageIsValidUTF8(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	if _, err := e.svc.CreateSandbox(ctx, alice, "accented-lab", ""); codeOf(err) !=
		proctor.EFailedPrecondition {
		t.Fatalf("CreateSandbox: %v, want EFailedPrecondition", err)
	}
	list, _, err := e.svc.Sandboxes(ctx, alice, proctor.Page{})
	if err != nil || len(list) != 1 {
		t.Fatalf("Sandboxes = %v, %v; want one", names(list), err)
	}
	msg := list[0].Message
	if !utf8.ValidString(msg) || !strings.Contains(msg, "xéé") || !strings.HasSuffix(msg,
		"...") {
		t.Errorf("message %q is not valid UTF-8 or not the shortened error", msg)
	}
}
