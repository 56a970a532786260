package proctor

import "context"

// LiveSandboxStates are the states in which a sandbox holds an account for its learner and
// counts against the learner's quota.
var LiveSandboxStates = []SandboxState{SandboxProvisioning, SandboxReady}

// SandboxStateQuerier is implemented by sandbox stores that can select sandboxes by state
// without paging through every sandbox. The sandbox service uses it, when the store has it,
// for quotas and for the reaper; without it the service pages through Sandboxes.
type SandboxStateQuerier interface {
	// SandboxesInStates returns at most limit sandboxes whose state is one of states, only
	// the owner's when owner is not empty, the soonest to expire first. A limit below 1
	// returns none.
	SandboxesInStates(ctx context.Context, owner string, states []SandboxState,
		limit int) ([]*Sandbox, error)
}

// AttemptStateQuerier is implemented by attempt stores that can select attempts by state
// across every sandbox. The grading service uses it at start to find the attempts whose
// grading was interrupted; without it the service pages through every sandbox's attempts.
type AttemptStateQuerier interface {
	// AttemptsInState returns at most limit attempts in the state, oldest first. A limit
	// below 1 returns none.
	AttemptsInState(ctx context.Context, state AttemptState, limit int) ([]*Attempt, error)
}
