package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/proctorlabs/proctor"
)

// TestSolutionAsCLICommands runs the demo's rendering of the lab's reference solution with
// Debian's aws CLI, as a learner would paste it, and expects every check to pass after it.
func TestSolutionAsCLICommands(t *testing.T) {
	requireDebianAWS(t)
	ctx := context.Background()
	st, err := newStack(ctx, stackConfig{
		DataDir: t.TempDir(), AWSAddr: "127.0.0.1:0", AWSTLSAddr: "127.0.0.1:0",
		SandboxTTL: time.Hour, MaxPerUser: -1, CheckTimeout: 30 * time.Second,
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	learner := proctor.Caller{Subject: "paste", Role: proctor.RoleLearner}
	sb, err := st.sandboxes.CreateSandbox(ctx, learner, demoLab, "")
	if err != nil {
		t.Fatal(err)
	}
	lab, err := st.catalog.Lab(demoLab)
	if err != nil {
		t.Fatal(err)
	}

	var env strings.Builder
	if err := writeSandboxEnv(&env, sandboxEnv{Region: sb.Region,
		AccessKeyID: sb.Learner.AccessKeyID, SecretAccessKey: sb.Learner.SecretAccessKey,
		SessionToken: sb.Learner.SessionToken, Endpoint: sb.Endpoint.HTTPS,
		CABundle: sb.Endpoint.CABundle, Proxy: sb.Endpoint.Proxy}); err != nil {
		t.Fatal(err)
	}
	known := map[string]string{"AccountID": sb.AccountID, "Region": sb.Region}
	var script strings.Builder
	for _, s := range lab.Solution {
		script.WriteString(cliCommand(s, known) + " >/dev/null\n")
	}
	if out, err := learnerShell(t, t.TempDir(), env.String(), script.String()); err != nil {
		t.Fatalf("the solution's aws commands failed: %v\n%s\nscript:\n%s", err, out,
			script.String())
	}

	// The sandbox service hands out no grader credentials: grade through the attempts.
	at, err := st.attempts.SubmitAttempt(ctx, learner, sb.Name, "")
	if err != nil {
		t.Fatal(err)
	}
	var final *proctor.Attempt
	err = st.attempts.WatchAttempt(ctx, learner, at.Name, func(ev proctor.AttemptEvent) error {
		final = ev.Attempt
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(final.Results) != len(lab.Checks) {
		t.Fatalf("the attempt has %d results, want one per check (%d)", len(final.Results),
			len(lab.Checks))
	}
	for _, r := range final.Results {
		if r.Verdict != proctor.VerdictPass {
			t.Errorf("after the pasted solution, check %s is %s: %s", r.CheckID, r.Verdict,
				r.Message)
		}
	}
}
