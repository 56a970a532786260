package sandbox

import (
	"context"
	"fmt"
	"time"

	"github.com/proctorlabs/proctor"
)

// ExtendSandbox pushes a READY sandbox's expiry time back by the duration, counted from
// the later of now and its current expiry, but never past its creation time plus
// Config.MaxLifetime; it returns the sandbox with its new expiry time.
//
// Errors: a duration that is not positive is EInvalid on the field "duration"; a sandbox
// the caller may not see is ENotFound; an instructor gets EPermission; a sandbox that is
// not READY, or that has reached its longest lifetime, is EFailedPrecondition.
func (s *Service) ExtendSandbox(ctx context.Context, caller proctor.Caller, name string,
	by time.Duration) (*proctor.Sandbox, error) {
	if by <= 0 {
		return nil, proctor.InvalidFields("invalid extension", proctor.FieldViolation{
			Field: "duration", Description: fmt.Sprintf("must be positive, got %s", by)})
	}
	if _, err := s.visible(ctx, caller, name); err != nil {
		return nil, err
	}
	unlock := s.sandboxes.Lock(name)
	defer unlock()
	sb, err := s.visible(ctx, caller, name)
	if err != nil {
		return nil, err
	}
	if caller.Subject != sb.Owner && caller.Role != proctor.RoleAdmin {
		return nil, proctor.Errorf(proctor.EPermission,
			"only the owner or an admin may extend sandbox %s", name).
			WithReason("NOT_SANDBOX_OWNER")
	}
	if sb.State != proctor.SandboxReady || s.expired(sb) {
		return nil, proctor.Errorf(proctor.EFailedPrecondition,
			"sandbox %s is %s; only a READY sandbox can be extended", name, sb.State).
			WithReason("SANDBOX_NOT_READY")
	}

	limit := sb.CreateTime.Add(s.maxLife)
	if !sb.ExpireTime.Before(limit) {
		return nil, proctor.Errorf(proctor.EFailedPrecondition,
			"sandbox %s already lives as long as a sandbox may (%s)", name, s.maxLife).
			WithReason("SANDBOX_LIFETIME_EXCEEDED")
	}
	from := sb.ExpireTime
	if now := s.now(); now.After(from) {
		from = now
	}
	sb.ExpireTime = from.Add(by)
	if sb.ExpireTime.After(limit) {
		sb.ExpireTime = limit
	}
	if err := s.store.UpdateSandbox(ctx, sb); err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "sandbox extended", "sandbox", name, "expire_time", sb.ExpireTime,
		"by", caller.Subject)
	return redact(sb, caller), nil
}
