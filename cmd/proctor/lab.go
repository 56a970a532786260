package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/awsim"
	"github.com/proctorlabs/proctor/grading"
	"github.com/proctorlabs/proctor/labs"
	"github.com/proctorlabs/proctor/sandbox/embedded"
	"github.com/proctorlabs/proctor/validators"
)

func init() { registerCommand(newLabCmd) }

func newLabCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "lab", Short: "Author labs: lint and self-test a lab file"}
	cmd.AddCommand(&cobra.Command{
		Use:   "lint FILE",
		Short: "Report every problem of a lab file, with line and column",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			problems := labs.Lint(args[0], data)
			if a.output == "json" {
				if err := writeProblemsJSON(a.out, problems); err != nil {
					return err
				}
			} else {
				for _, p := range problems {
					fmt.Fprintln(a.out, p.String())
				}
			}
			if len(problems) > 0 {
				fmt.Fprintf(a.errOut, "%s: %d problem(s)\n", args[0], len(problems))
				return exitError{code: 1}
			}
			if a.output != "json" {
				fmt.Fprintf(a.out, "%s: ok\n", args[0])
			}
			return nil
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "test FILE",
		Short: "Prove a lab: setup, checks fail, solution, checks pass",
		Long: "Prove a lab on a fresh embedded sandbox: run its setup, grade it (every check " +
			"must fail), apply its reference solution, grade it again (every check must " +
			"pass), and clean up.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if a.output == "json" {
				return errors.New("lab test prints a report for people only; " +
					"--output json is not supported")
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			lab, err := labs.Parse(args[0], data)
			if err != nil {
				for _, p := range labs.Lint(args[0], data) {
					fmt.Fprintln(a.out, p.String())
				}
				fmt.Fprintf(a.errOut, "%s does not lint clean; fix it first\n", args[0])
				return exitError{code: 1}
			}
			ok, err := testLab(cmd.Context(), lab, a.out, a.errOut)
			if err != nil {
				return err
			}
			if !ok {
				return exitError{code: 1}
			}
			return nil
		},
	})
	return cmd
}

// writeProblemsJSON writes lint problems as one JSON array of {file, line, column, message}.
func writeProblemsJSON(w io.Writer, problems []labs.Problem) error {
	type problem struct {
		File    string `json:"file"`
		Line    int    `json:"line"`
		Column  int    `json:"column"`
		Message string `json:"message"`
	}
	out := make([]problem, len(problems))
	for i, p := range problems {
		out[i] = problem{p.File, p.Line, p.Column, p.Message}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// testLab proves a lab on a sandbox of its own and reports whether it holds.
func testLab(ctx context.Context, lab *proctor.Lab, w, errOut io.Writer) (bool, error) {
	dir, err := os.MkdirTemp("", "proctor-lab-test-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(dir)
	log := slog.New(slog.NewTextHandler(errOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
	emu, err := awsim.New(awsim.Config{DataDir: filepath.Join(dir, "awsim"), Logger: log})
	if err != nil {
		return false, err
	}
	defer emu.Close()
	if err := emu.Start("127.0.0.1:0", "127.0.0.1:0"); err != nil {
		return false, err
	}
	prov := embedded.New(emu)
	if err := prov.Supports(lab.Services); err != nil {
		return false, err
	}
	acct, err := prov.Provision(ctx)
	if err != nil {
		return false, err
	}
	defer prov.Release(context.Background(), acct.ID)
	sb := &proctor.Sandbox{AccountID: acct.ID, Region: acct.Region, Endpoint: acct.Endpoint,
		Learner: acct.Learner, Grader: acct.Grader}
	runner := labs.NewStepRunner(log)
	registry := validators.Default()

	fmt.Fprintf(w, "lab %s: sandbox account %s\n", lab.ID, acct.ID)
	if err := runner.RunSteps(ctx, sb.LearnerTarget(), lab.Setup); err != nil {
		fmt.Fprintf(w, "FAIL setup: %v\n", err)
		return false, nil
	}
	fmt.Fprintf(w, "setup: %d steps ran\n", len(lab.Setup))
	before := grading.Grade(ctx, lab, sb.GraderTarget(), registry, 30*time.Second, nil)
	ok := expectVerdicts(w, "after setup", before, proctor.VerdictFail)

	if err := runner.RunSteps(ctx, sb.LearnerTarget(), lab.Solution); err != nil {
		fmt.Fprintf(w, "FAIL solution: %v\n", err)
		return false, nil
	}
	fmt.Fprintf(w, "solution: %d steps ran\n", len(lab.Solution))
	after := grading.Grade(ctx, lab, sb.GraderTarget(), registry, 30*time.Second, nil)
	ok = expectVerdicts(w, "after the solution", after, proctor.VerdictPass) && ok

	if ok {
		fmt.Fprintf(w, "ok: lab %s holds (%s after setup, %s after the solution)\n", lab.ID,
			points(before.Score, int32(before.MaxScore)), points(after.Score, int32(after.MaxScore)))
	}
	return ok, nil
}

// expectVerdicts prints each check's verdict at a stage and reports whether all are want.
func expectVerdicts(w io.Writer, stage string, o grading.Outcome, want proctor.Verdict) bool {
	ok := true
	for _, r := range o.Results {
		mark := "ok  "
		if r.Verdict != want {
			mark, ok = "FAIL", false
		}
		fmt.Fprintf(w, "%s %-20s %-32s %s (want %s)", mark, stage+":", r.CheckID,
			r.Verdict, want)
		if r.Verdict != want && r.Message != "" {
			fmt.Fprintf(w, ": %s", r.Message)
		}
		fmt.Fprintln(w)
	}
	return ok
}

// applySolution runs a catalog lab's reference solution with the learner's credentials,
// naming each call as it goes.
func applySolution(ctx context.Context, st *stack, labID string, t proctor.Target,
	w io.Writer) error {
	lab, err := st.catalog.Lab(labID)
	if err != nil {
		return err
	}
	known := map[string]string{"AccountID": t.AccountID, "Region": t.Region}
	for _, s := range lab.Solution {
		fmt.Fprintf(w, "   $ %s\n", cliCommand(s, known))
	}
	runner := labs.NewStepRunner(slog.New(slog.DiscardHandler))
	if err := runner.RunSteps(ctx, t, lab.Solution); err != nil {
		var se *labs.StepError
		if errors.As(err, &se) {
			return fmt.Errorf("solution step %d (%s %s): %w", se.Index+1, se.Service,
				se.Action, se.Err)
		}
		return err
	}
	return nil
}
