package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/proctorlabs/proctor"
)

// CreateSandbox provisions a sandbox of the lab for the caller, runs the lab's setup and
// returns it READY.
//
// Errors: a caller who is not a learner or admin is EPermission; an empty or malformed lab
// id or request id is EInvalid; an unknown lab is the catalog's ENotFound; a lab whose
// services the backend lacks is EFailedPrecondition; a caller at their quota of live
// sandboxes is EResourceExhausted; a backend that cannot lend an account is EUnavailable;
// and a failed setup step is EFailedPrecondition naming the step. After a failure the
// sandbox stays listed as FAILED with the same message (CLEANING, first, while an account
// that could not be released at once waits for the reaper).
//
// A request id the caller used before returns the sandbox created then (waiting for its
// provisioning to end), or the same error; with a different lab it is EInvalid.
func (s *Service) CreateSandbox(ctx context.Context, caller proctor.Caller, labID,
	requestID string) (*proctor.Sandbox, error) {
	if err := mayCreate(caller); err != nil {
		return nil, err
	}
	if err := checkCreate(labID, requestID); err != nil {
		return nil, err
	}
	if requestID != "" {
		if sb, found, err := s.replay(ctx, caller, labID, requestID); found {
			return sb, err
		}
	}

	lab, err := s.catalog.Lab(labID)
	if err != nil {
		return nil, labError(labID, err)
	}
	if err := s.prov.Supports(lab.Services); err != nil {
		return nil, unsupported(s.prov.Backend(), lab, err)
	}

	sb, done, err := s.reserve(ctx, caller, lab, requestID)
	if err != nil {
		if (err == errRequestSeen || proctor.ErrorCodeOf(err) == proctor.EConflict) &&
			requestID != "" {
			// A concurrent request with the same id won the race: answer as it does.
			if sb, found, err := s.replay(ctx, caller, labID, requestID); found {
				return sb, err
			}
		}
		return nil, err
	}
	s.log.InfoContext(ctx, "sandbox provisioning", "sandbox", sb.Name, "owner", sb.Owner,
		"lab", lab.ID, "backend", sb.Backend)

	go func() {
		defer s.wg.Done() // added by reserve
		s.provision(sb, lab, done)
	}()
	return s.awaitProvisioned(ctx, caller, sb.Name, done)
}

// mayCreate reports whether the caller may create sandboxes.
func mayCreate(c proctor.Caller) error {
	if c.Subject == "" {
		return proctor.Errorf(proctor.EUnauthenticated, "the caller has no subject")
	}
	if c.Role != proctor.RoleLearner && c.Role != proctor.RoleAdmin {
		return proctor.Errorf(proctor.EPermission,
			"only learners and admins create sandboxes; the caller's role is %q", c.Role).
			WithReason("ROLE_CANNOT_CREATE_SANDBOX")
	}
	return nil
}

// checkCreate validates the arguments of a create request, reporting every bad field.
func checkCreate(labID, requestID string) error {
	var fields []proctor.FieldViolation
	if labID == "" {
		fields = append(fields, proctor.FieldViolation{Field: "lab", Description: "required"})
	} else if len(labID) > 100 {
		fields = append(fields, proctor.FieldViolation{Field: "lab",
			Description: "longer than 100 characters"})
	}
	if v := proctor.CheckRequestID("request_id", requestID); v != nil {
		fields = append(fields, *v)
	}
	if len(fields) > 0 {
		return proctor.InvalidFields("invalid create sandbox request", fields...)
	}
	return nil
}

// labError turns the catalog's failure to find a lab into the caller's error.
func labError(labID string, err error) error {
	var perr *proctor.Error
	if errors.As(err, &perr) {
		return err
	}
	return proctor.WrapError(proctor.EInternal, err, "the lab %q could not be read", labID)
}

// unsupported is the error for a lab the backend cannot serve.
func unsupported(backend string, lab *proctor.Lab, err error) error {
	if proctor.ErrorCodeOf(err) == proctor.EFailedPrecondition {
		return err
	}
	return proctor.WrapError(proctor.EFailedPrecondition, err,
		"the %s backend cannot serve lab %q", backend, lab.ID).WithReason("BACKEND_LACKS_SERVICE")
}

// replay answers a create request whose request id the caller used before. found is false
// when there is no such sandbox.
func (s *Service) replay(ctx context.Context, caller proctor.Caller, labID,
	requestID string) (sb *proctor.Sandbox, found bool, err error) {
	prev, err := s.store.SandboxByRequestID(ctx, caller.Subject, requestID)
	if proctor.ErrorCodeOf(err) == proctor.ENotFound {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	if prev.LabID != labID {
		return nil, true, proctor.InvalidFields("the request id was used for another lab",
			proctor.FieldViolation{Field: "request_id", Description: fmt.Sprintf(
				"already used to create a sandbox of lab %q", prev.LabID)})
	}
	s.mu.Lock()
	done, busy := s.inflight[prev.Name]
	s.mu.Unlock()
	if !busy {
		if prev.State == proctor.SandboxProvisioning {
			// Provisioning may have ended since the read; it saves before it ends.
			if prev, err = s.store.Sandbox(ctx, prev.Name); err != nil {
				return nil, true, err
			}
		}
		sb, err := s.outcome(prev)
		return redact(sb, caller), true, err
	}
	sb, err = s.awaitProvisioned(ctx, caller, prev.Name, done)
	return sb, true, err
}

// reserve checks the owner's quota and stores a new PROVISIONING sandbox, marked in flight
// until done is closed. On success the caller must run the provisioning and then call
// s.wg.Done.
func (s *Service) reserve(ctx context.Context, caller proctor.Caller, lab *proctor.Lab,
	requestID string) (*proctor.Sandbox, chan struct{}, error) {
	unlock := s.owners.Lock(caller.Subject)
	defer unlock()

	if requestID != "" {
		// A concurrent request with the same id may have stored its sandbox since replay
		// looked; it must be answered as that one, not counted against the quota.
		_, err := s.store.SandboxByRequestID(ctx, caller.Subject, requestID)
		if err == nil {
			return nil, nil, errRequestSeen
		}
		if proctor.ErrorCodeOf(err) != proctor.ENotFound {
			return nil, nil, err
		}
	}
	if s.maxLive > 0 {
		live, err := s.inStates(ctx, caller.Subject, proctor.LiveSandboxStates, s.maxLive)
		if err != nil {
			return nil, nil, err
		}
		if len(live) >= s.maxLive {
			return nil, nil, proctor.Errorf(proctor.EResourceExhausted,
				"%s already has %d live sandboxes, the most allowed; delete one first",
				caller.Subject, len(live)).WithReason("SANDBOX_QUOTA_EXCEEDED")
		}
	}

	id, err := newID()
	if err != nil {
		return nil, nil, proctor.WrapError(proctor.EInternal, err, "sandbox: new id")
	}
	now := s.now().UTC()
	sb := &proctor.Sandbox{
		Name: "sandboxes/" + id, Owner: caller.Subject, LabID: lab.ID,
		Backend: s.prov.Backend(), State: proctor.SandboxProvisioning,
		CreateTime: now, ExpireTime: now.Add(s.ttl), RequestID: requestID,
	}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, nil, proctor.Errorf(proctor.EUnavailable, "the server is shutting down")
	}
	done := make(chan struct{})
	s.inflight[sb.Name] = done
	s.wg.Add(1) // under mu, so that Close waits for this sandbox's provisioning
	s.mu.Unlock()

	if err := s.store.CreateSandbox(ctx, sb); err != nil {
		s.finish(sb.Name, done)
		s.wg.Done()
		return nil, nil, err
	}
	return sb, done, nil
}

// errRequestSeen tells CreateSandbox that the request id has a sandbox already.
var errRequestSeen = errors.New("sandbox: request id already used")

// newID returns a fresh sandbox id: "sb-" and 16 hexadecimal digits.
func newID() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "sb-" + hex.EncodeToString(b[:]), nil
}

// finish marks the sandbox's provisioning as ended.
func (s *Service) finish(name string, done chan struct{}) {
	s.mu.Lock()
	delete(s.inflight, name)
	s.mu.Unlock()
	close(done)
}

// awaitProvisioned waits until the sandbox's provisioning ends and returns its outcome. When
// ctx ends first, provisioning goes on and a retry with the same request id finds it.
func (s *Service) awaitProvisioned(ctx context.Context, caller proctor.Caller, name string,
	done chan struct{}) (*proctor.Sandbox, error) {
	select {
	case <-done:
	case <-ctx.Done():
		return nil, fmt.Errorf("sandbox: waiting for %s: %w", name, ctx.Err())
	}
	sb, err := s.store.Sandbox(ctx, name)
	if err != nil {
		return nil, err
	}
	sb, err = s.outcome(sb)
	return redact(sb, caller), err
}

// outcome returns a created sandbox, or the error that says why it is not ready.
func (s *Service) outcome(sb *proctor.Sandbox) (*proctor.Sandbox, error) {
	switch sb.State {
	case proctor.SandboxFailed:
		if sb.Message == noAccount {
			return nil, proctor.Errorf(proctor.EUnavailable, "sandbox %s failed: %s",
				sb.Name, sb.Message).WithReason("NO_ACCOUNT_AVAILABLE")
		}
		return nil, proctor.Errorf(proctor.EFailedPrecondition, "sandbox %s failed: %s",
			sb.Name, sb.Message).WithReason("SANDBOX_FAILED")
	case proctor.SandboxProvisioning:
		return nil, proctor.Errorf(proctor.EFailedPrecondition,
			"provisioning of sandbox %s was interrupted; create another with a new request id",
			sb.Name).WithReason("SANDBOX_PROVISIONING_INTERRUPTED")
	case proctor.SandboxCleaning:
		if msg, failed := failureOf(sb.Message); failed {
			// A failed setup whose account is still being released.
			return nil, proctor.Errorf(proctor.EFailedPrecondition, "sandbox %s failed: %s",
				sb.Name, msg).WithReason("SANDBOX_FAILED")
		}
	}
	// READY, or what became of it since: the caller sees the sandbox as it is.
	return sb, nil
}

// provision borrows an account for the sandbox and runs the lab's setup, and records the
// outcome. It ends the sandbox's in-flight mark when done.
func (s *Service) provision(sb *proctor.Sandbox, lab *proctor.Lab, done chan struct{}) {
	defer s.finish(sb.Name, done)
	ctx, cancel := context.WithTimeout(s.base, s.setupFor)
	defer cancel()
	// Records must be written even when provisioning was cancelled.
	record := context.WithoutCancel(ctx)

	acct, err := s.prov.Provision(ctx)
	if err != nil {
		s.log.ErrorContext(ctx, "sandbox account not provisioned", "sandbox", sb.Name,
			"backend", sb.Backend, "error", err)
		sb.State = proctor.SandboxFailed
		sb.Message = noAccount
		s.save(record, sb)
		return
	}
	sb.AccountID, sb.Region, sb.Endpoint = acct.ID, acct.Region, acct.Endpoint
	sb.Learner, sb.Grader = acct.Learner, acct.Grader
	// Record the account before setup, so that a restart knows what to release.
	if !s.save(record, sb) {
		s.release(record, sb)
		return
	}

	if err := s.steps.RunSteps(ctx, sb.LearnerTarget(), lab.Setup); err != nil {
		s.log.ErrorContext(ctx, "lab setup failed", "sandbox", sb.Name, "lab", lab.ID,
			"account", sb.AccountID, "error", err)
		sb.State = proctor.SandboxFailed
		sb.Message = "lab setup failed: " + truncate(err.Error(), 500)
		if ctx.Err() != nil {
			sb.Message = "lab setup did not finish in time or the server stopped"
		}
		// Released through cleanUp, so that a release that fails leaves the sandbox
		// CLEANING for the reaper to retry (and quarantine) rather than FAILED with its
		// account still lent. Nobody else changes a sandbox still in flight.
		s.cleanUp(record, sb, sb.Message+releasingAccount)
		return
	}

	sb.State = proctor.SandboxReady
	if s.save(record, sb) {
		s.log.InfoContext(ctx, "sandbox ready", "sandbox", sb.Name, "owner", sb.Owner,
			"account", sb.AccountID)
	}
}

// save stores the sandbox and reports whether that worked; a failure is logged.
func (s *Service) save(ctx context.Context, sb *proctor.Sandbox) bool {
	if err := s.store.UpdateSandbox(ctx, sb); err != nil {
		s.log.ErrorContext(ctx, "sandbox not saved", "sandbox", sb.Name, "state", sb.State,
			"error", err)
		return false
	}
	return true
}

// release returns the sandbox's account to the provisioner and reports whether that worked;
// a failure is logged. A sandbox without an account has nothing to release.
func (s *Service) release(ctx context.Context, sb *proctor.Sandbox) bool {
	if sb.AccountID == "" {
		return true
	}
	ctx, cancel := context.WithTimeout(ctx, s.setupFor)
	defer cancel()
	if err := s.prov.Release(ctx, sb.AccountID); err != nil {
		s.log.ErrorContext(ctx, "sandbox account not released", "sandbox", sb.Name,
			"account", sb.AccountID, "backend", sb.Backend, "error", err)
		return false
	}
	s.log.InfoContext(ctx, "sandbox account released", "sandbox", sb.Name,
		"account", sb.AccountID)
	return true
}

// noAccount is the message of a sandbox for which the backend lent no account.
const noAccount = "the backend could not lend an account; retry later"

// truncate shortens s to at most n bytes and "...", cutting on a character boundary so
// that the result stays valid UTF-8, as protobuf strings must be.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
