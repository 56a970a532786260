package sandbox

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/proctorlabs/proctor"
)

// The messages of a CLEANING sandbox. They record why it is being cleaned, and so which
// state it ends in once its account is released: DELETED, EXPIRED, or, for any other
// message ending in releasingAccount, FAILED with the message before that ending (a
// sandbox whose setup failed).
const (
	releasingAccount    = "; releasing the account"
	cleaningAfterDelete = "deleted" + releasingAccount
	cleaningAfterExpiry = "expired" + releasingAccount
)

// failureOf returns the failure message of a CLEANING sandbox's message, and whether the
// sandbox is being cleaned after a failure (rather than a deletion or expiry).
func failureOf(cleaning string) (string, bool) {
	if cleaning == cleaningAfterDelete || cleaning == cleaningAfterExpiry {
		return "", false
	}
	return strings.CutSuffix(cleaning, releasingAccount)
}

// reapBatch is the most sandboxes of one kind a reaper pass looks at.
const reapBatch = 1000

// reapEvery runs Reap at once and then at every tick until Close.
func (s *Service) reapEvery(every time.Duration) {
	defer s.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := s.Reap(s.base); err != nil && s.base.Err() == nil {
			s.log.Error("sandbox reaper pass failed", "error", err)
		}
		select {
		case <-s.base.Done():
			return
		case <-t.C:
		}
	}
}

// Reap makes one pass of the reaper: it expires READY sandboxes past their expiry time,
// retries the release of CLEANING sandboxes, and marks FAILED (releasing their accounts)
// the PROVISIONING sandboxes that no provisioning of this service owns, which a server
// that stopped mid-provisioning left behind. It returns the first error reading the
// store; a release that fails is logged and retried on the next pass.
//
// TODO: with several servers on one database, a server would fail another's sandboxes
// that are still provisioning; scale-out needs the in-flight mark in the database.
func (s *Service) Reap(ctx context.Context) error {
	live, err := s.inStates(ctx, "", proctor.LiveSandboxStates, reapBatch)
	if err != nil {
		return fmt.Errorf("sandbox: reap: %w", err)
	}
	for _, sb := range live {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		switch {
		case sb.State == proctor.SandboxProvisioning && !s.provisioning(sb.Name):
			s.underLock(ctx, sb.Name, proctor.SandboxProvisioning, s.failAbandoned)
		case sb.State == proctor.SandboxReady && s.expired(sb):
			s.underLock(ctx, sb.Name, proctor.SandboxReady,
				func(ctx context.Context, sb *proctor.Sandbox) {
					s.log.InfoContext(ctx, "sandbox expired", "sandbox", sb.Name,
						"expire_time", sb.ExpireTime)
					s.cleanUp(ctx, sb, cleaningAfterExpiry)
				})
		}
	}

	cleaning, err := s.inStates(ctx, "", []proctor.SandboxState{proctor.SandboxCleaning},
		reapBatch)
	if err != nil {
		return fmt.Errorf("sandbox: reap: %w", err)
	}
	for _, sb := range cleaning {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s.underLock(ctx, sb.Name, proctor.SandboxCleaning,
			func(ctx context.Context, sb *proctor.Sandbox) {
				s.cleanUp(ctx, sb, sb.Message)
			})
	}
	return nil
}

// expired reports whether the sandbox's lifetime is over.
func (s *Service) expired(sb *proctor.Sandbox) bool {
	return !sb.ExpireTime.IsZero() && !s.now().Before(sb.ExpireTime)
}

// underLock runs fn on the sandbox under its lock, if it is still in the state once the lock
// is held; another request may have changed it in between.
func (s *Service) underLock(ctx context.Context, name string, state proctor.SandboxState,
	fn func(context.Context, *proctor.Sandbox)) {
	unlock := s.sandboxes.Lock(name)
	defer unlock()
	sb, err := s.store.Sandbox(ctx, name)
	if err != nil {
		s.log.ErrorContext(ctx, "sandbox not read", "sandbox", name, "error", err)
		return
	}
	if sb.State != state || (state == proctor.SandboxProvisioning && s.provisioning(name)) {
		return
	}
	fn(ctx, sb)
}

// failAbandoned marks a sandbox whose provisioning was interrupted FAILED and releases its
// account, if it had got one.
func (s *Service) failAbandoned(ctx context.Context, sb *proctor.Sandbox) {
	s.log.WarnContext(ctx, "sandbox provisioning was interrupted", "sandbox", sb.Name,
		"account", sb.AccountID)
	if !s.release(ctx, sb) {
		// Leave it PROVISIONING: the next pass tries again.
		return
	}
	forgetCredentials(sb)
	sb.State = proctor.SandboxFailed
	sb.Message = "provisioning was interrupted by a server restart; create a new sandbox"
	s.save(ctx, sb)
}

// forgetCredentials clears the learner's and the grader's credentials of a sandbox whose
// account has been released, so that the store keeps no secret it no longer needs and no
// caller is handed keys to an account that may since have been lent to someone else (a
// pooled AWS account, a reused LocalStack port).
func forgetCredentials(sb *proctor.Sandbox) {
	sb.Learner, sb.Grader = proctor.Credentials{}, proctor.Credentials{}
}

// cleanUp moves the sandbox to CLEANING with the reason, releases its account and records
// the end state: DELETED, EXPIRED or FAILED by the reason, CLEANING again when the
// release failed, or QUARANTINED after MaxCleanupFailures failures in a row. It returns
// the sandbox as recorded. The caller holds the sandbox's lock, or provisions it.
func (s *Service) cleanUp(ctx context.Context, sb *proctor.Sandbox,
	reason string) *proctor.Sandbox {
	failure, failed := failureOf(reason)
	if reason != cleaningAfterExpiry && !failed {
		reason = cleaningAfterDelete
	}
	sb.State, sb.Message = proctor.SandboxCleaning, reason
	if !s.save(ctx, sb) {
		return sb
	}

	if s.release(ctx, sb) {
		s.mu.Lock()
		delete(s.failures, sb.Name)
		s.mu.Unlock()
		forgetCredentials(sb)
		sb.State, sb.Message = proctor.SandboxDeleted, ""
		switch {
		case reason == cleaningAfterExpiry:
			sb.State = proctor.SandboxExpired
		case failed:
			sb.State, sb.Message = proctor.SandboxFailed, failure
		}
		s.save(ctx, sb)
		return sb
	}

	s.mu.Lock()
	s.failures[sb.Name]++
	n := s.failures[sb.Name]
	if n >= MaxCleanupFailures {
		delete(s.failures, sb.Name)
	}
	s.mu.Unlock()
	if n >= MaxCleanupFailures {
		// TODO: the failure count lives in memory, so each restart grants a sandbox
		// MaxCleanupFailures more tries before an operator hears of it.
		sb.State = proctor.SandboxQuarantined
		sb.Message = fmt.Sprintf("the account could not be released after %d tries; "+
			"an operator must clean it up", n)
		s.log.ErrorContext(ctx, "sandbox quarantined", "sandbox", sb.Name,
			"account", sb.AccountID, "failures", n)
		s.save(ctx, sb)
	}
	return sb
}
