package sandbox

import (
	"context"
	"fmt"
	"slices"

	"github.com/proctorlabs/proctor"
)

// checkName returns EInvalid, on the field "name", unless name is a sandbox's resource name.
func checkName(name string) error {
	if proctor.ValidSandboxName(name) {
		return nil
	}
	return proctor.InvalidFields("invalid sandbox name", proctor.FieldViolation{
		Field:       "name",
		Description: fmt.Sprintf("%q is not of the form sandboxes/{sandbox}", name),
	})
}

// redact returns a copy of sb fit for the caller: without the grader's credentials, which
// never leave the server, and without the learner's unless the caller owns the sandbox.
// A nil sandbox stays nil.
func redact(sb *proctor.Sandbox, caller proctor.Caller) *proctor.Sandbox {
	if sb == nil {
		return nil
	}
	out := *sb
	out.Grader = proctor.Credentials{}
	if caller.Subject != sb.Owner {
		out.Learner = proctor.Credentials{}
	}
	return &out
}

// visible loads the named sandbox for the caller; one the caller may not see is ENotFound,
// exactly as one that does not exist.
func (s *Service) visible(ctx context.Context, caller proctor.Caller, name string) (
	*proctor.Sandbox, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	if caller.Subject == "" {
		return nil, proctor.Errorf(proctor.EUnauthenticated, "the caller has no subject")
	}
	sb, err := s.store.Sandbox(ctx, name)
	if err == nil && !caller.CanSee(sb.Owner) {
		err = notFound(name)
	}
	return sb, err
}

func notFound(name string) error {
	return proctor.Errorf(proctor.ENotFound, "sandbox %q not found", name).
		WithReason("SANDBOX_NOT_FOUND")
}

// Sandbox returns the named sandbox. A malformed name is EInvalid; a sandbox that does not
// exist or that the caller may not see is ENotFound.
func (s *Service) Sandbox(ctx context.Context, caller proctor.Caller, name string) (
	*proctor.Sandbox, error) {
	sb, err := s.visible(ctx, caller, name)
	if err != nil {
		return nil, err
	}
	return redact(sb, caller), nil
}

// Sandboxes lists the sandboxes the caller may see, newest first: a learner's own, or every
// sandbox for instructors and admins. Page tokens are the store's; a bad one is EInvalid.
func (s *Service) Sandboxes(ctx context.Context, caller proctor.Caller, page proctor.Page) (
	[]*proctor.Sandbox, string, error) {
	if caller.Subject == "" {
		return nil, "", proctor.Errorf(proctor.EUnauthenticated, "the caller has no subject")
	}
	f := proctor.SandboxFilter{Owner: caller.Subject, Page: page}
	if caller.Role == proctor.RoleInstructor || caller.Role == proctor.RoleAdmin {
		f.Owner = ""
	}
	list, next, err := s.store.Sandboxes(ctx, f)
	if err != nil {
		return nil, "", err
	}
	out := make([]*proctor.Sandbox, len(list))
	for i, sb := range list {
		out[i] = redact(sb, caller)
	}
	return out, next, nil
}

// DeleteSandbox releases the sandbox's account and returns it DELETED. Deleting a sandbox
// that is already DELETED or EXPIRED returns it unchanged; a FAILED one, which holds no
// account, becomes DELETED without a release. When the release fails the
// sandbox is returned CLEANING and the reaper retries the release.
//
// Errors: a sandbox the caller may not see is ENotFound; an instructor, who may see but not
// change a learner's sandbox, gets EPermission; a sandbox still provisioning or QUARANTINED
// is EFailedPrecondition.
func (s *Service) DeleteSandbox(ctx context.Context, caller proctor.Caller, name string) (
	*proctor.Sandbox, error) {
	if _, err := s.visible(ctx, caller, name); err != nil {
		return nil, err
	}
	unlock := s.sandboxes.Lock(name)
	defer unlock()
	sb, err := s.visible(ctx, caller, name) // again, under the lock
	if err != nil {
		return nil, err
	}
	if caller.Subject != sb.Owner && caller.Role != proctor.RoleAdmin {
		return nil, proctor.Errorf(proctor.EPermission,
			"only the owner or an admin may delete sandbox %s", name).
			WithReason("NOT_SANDBOX_OWNER")
	}

	switch sb.State {
	case proctor.SandboxDeleted, proctor.SandboxExpired:
		return redact(sb, caller), nil
	case proctor.SandboxFailed:
		// A FAILED sandbox holds no account: it never got one, or it was released before
		// the sandbox became FAILED. Releasing its account id again could destroy the
		// sandbox of whoever the backend has lent that account to since.
		forgetCredentials(sb)
		sb.State, sb.Message = proctor.SandboxDeleted, ""
		if err := s.store.UpdateSandbox(ctx, sb); err != nil {
			return nil, err
		}
		s.log.InfoContext(ctx, "sandbox deleted", "sandbox", name, "by", caller.Subject)
		return redact(sb, caller), nil
	case proctor.SandboxQuarantined:
		return nil, proctor.Errorf(proctor.EFailedPrecondition,
			"sandbox %s is quarantined for an operator: %s", name, sb.Message).
			WithReason("SANDBOX_QUARANTINED")
	case proctor.SandboxProvisioning:
		if s.provisioning(name) {
			return nil, proctor.Errorf(proctor.EFailedPrecondition,
				"sandbox %s is still provisioning; delete it once it is ready", name).
				WithReason("SANDBOX_PROVISIONING")
		}
	}

	s.log.InfoContext(ctx, "sandbox deleting", "sandbox", name, "by", caller.Subject)
	sb = s.cleanUp(context.WithoutCancel(ctx), sb, cleaningAfterDelete)
	return redact(sb, caller), nil
}

// provisioning reports whether this service is provisioning the sandbox now.
func (s *Service) provisioning(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.inflight[name]
	return ok
}

// inStates returns at most limit of the owner's sandboxes (every owner's for "") in the
// states, through the store's SandboxStateQuerier when it has one and else by paging
// through every sandbox.
func (s *Service) inStates(ctx context.Context, owner string, states []proctor.SandboxState,
	limit int) ([]*proctor.Sandbox, error) {
	if q, ok := s.store.(proctor.SandboxStateQuerier); ok {
		return q.SandboxesInStates(ctx, owner, states, limit)
	}
	var out []*proctor.Sandbox
	page := proctor.Page{}
	for len(out) < limit {
		list, next, err := s.store.Sandboxes(ctx, proctor.SandboxFilter{Owner: owner, Page: page})
		if err != nil {
			return nil, err
		}
		for _, sb := range list {
			if slices.Contains(states, sb.State) && len(out) < limit {
				out = append(out, sb)
			}
		}
		if next == "" {
			break
		}
		page.Token = next
	}
	return out, nil
}
