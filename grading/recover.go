package grading

import (
	"context"
	"fmt"

	"github.com/proctorlabs/proctor"
)

// recoverBatch bounds the interrupted attempts taken up at start.
const recoverBatch = 10000

// recoverInterrupted takes up the attempts left GRADING by a server that stopped: each is
// graded again from the start when its sandbox is still READY and unexpired and its lab is
// offered, and is marked FAILED with the reason otherwise.
func (s *Service) recoverInterrupted(ctx context.Context) error {
	attempts, err := s.interrupted(ctx)
	if err != nil {
		return fmt.Errorf("grading: find interrupted attempts: %w", err)
	}
	for _, a := range attempts {
		if err := s.takeUp(ctx, a); err != nil {
			return fmt.Errorf("grading: take up %s: %w", a.Name, err)
		}
	}
	return nil
}

// takeUp grades an interrupted attempt again, or marks it FAILED.
func (s *Service) takeUp(ctx context.Context, a *proctor.Attempt) error {
	sb, err := s.sandboxes.Sandbox(ctx, a.Sandbox)
	if err != nil && proctor.ErrorCodeOf(err) != proctor.ENotFound {
		return err
	}
	reason := ""
	var lab *proctor.Lab
	switch {
	case err != nil:
		reason = "grading was interrupted and the sandbox no longer exists"
	case gradableReason(s, sb) != "":
		reason = "grading was interrupted and " + gradableReason(s, sb)
	default:
		if lab, err = s.catalog.Lab(sb.LabID); err != nil {
			reason = fmt.Sprintf("grading was interrupted and the lab %q is no longer offered",
				sb.LabID)
		}
	}

	if reason != "" {
		a.State, a.Message, a.CompleteTime = proctor.AttemptFailed, reason, s.now().UTC()
		a.Results, a.Score, a.MaxScore, a.Passed = nil, 0, 0, false
		s.log.WarnContext(ctx, "interrupted attempt failed", "attempt", a.Name, "reason", reason)
		return s.store.UpdateAttempt(ctx, a)
	}
	s.log.InfoContext(ctx, "interrupted attempt grading again", "attempt", a.Name)
	_, err = s.start(a, lab, sb.GraderTarget())
	return err
}

// gradableState says why a sandbox's state or lifetime forbids grading: the error's
// reason and a phrase for messages, or "" twice when it may be graded.
func (s *Service) gradableState(sb *proctor.Sandbox) (reason, why string) {
	if sb.State != proctor.SandboxReady {
		return "SANDBOX_NOT_READY", fmt.Sprintf("the sandbox is %s", sb.State)
	}
	if !sb.ExpireTime.IsZero() && !s.now().Before(sb.ExpireTime) {
		return "SANDBOX_EXPIRED", "the sandbox has expired"
	}
	return "", ""
}

// gradableReason is the phrase of gradableState, for messages.
func gradableReason(s *Service, sb *proctor.Sandbox) string {
	_, why := s.gradableState(sb)
	return why
}

// interrupted returns the stored GRADING attempts: through the store's AttemptStateQuerier
// when it has one, and else by paging through every sandbox's attempts.
func (s *Service) interrupted(ctx context.Context) ([]*proctor.Attempt, error) {
	if q, ok := s.store.(proctor.AttemptStateQuerier); ok {
		return q.AttemptsInState(ctx, proctor.AttemptGrading, recoverBatch)
	}
	var out []*proctor.Attempt
	sbPage := proctor.Page{}
	for {
		sandboxes, next, err := s.sandboxes.Sandboxes(ctx, proctor.SandboxFilter{Page: sbPage})
		if err != nil {
			return nil, err
		}
		for _, sb := range sandboxes {
			page := proctor.Page{}
			for {
				list, nextAttempt, err := s.store.Attempts(ctx,
					proctor.AttemptFilter{Sandbox: sb.Name, Page: page})
				if err != nil {
					return nil, err
				}
				for _, a := range list {
					if a.State == proctor.AttemptGrading {
						out = append(out, a)
					}
				}
				if nextAttempt == "" {
					break
				}
				page.Token = nextAttempt
			}
		}
		if next == "" {
			return out, nil
		}
		sbPage.Token = next
	}
}
