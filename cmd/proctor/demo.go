package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/proctorlabs/proctor"
	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
)

func init() { registerCommand(newDemoCmd) }

const demoLab = "s3-data-protection"

func newDemoCmd(a *app) *cobra.Command {
	var keep bool
	var labID string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Walk through the whole learner story in one process",
		Long: "Start a server on loopback with a fresh data directory, create a sandbox for a " +
			"lab, grade it before any fix (failing checks, with hints), apply the lab's " +
			"reference solution, and grade it again (full score).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := os.MkdirTemp("", "proctor-demo-")
			if err != nil {
				return err
			}
			if !keep {
				defer os.RemoveAll(dir)
			}
			return runDemo(cmd.Context(), a, dir, labID)
		},
	}
	cmd.Flags().BoolVar(&keep, "keep", false, "keep the demo's data directory")
	cmd.Flags().StringVar(&labID, "lab", demoLab, "the lab to walk through")
	return cmd
}

// runDemo runs the learner story against a server of its own, through the public API.
func runDemo(ctx context.Context, a *app, dataDir, labID string) error {
	w := a.out
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	started := make(chan *running, 1)
	stopped := make(chan error, 1)
	cfg := serveConfig{
		stackConfig: stackConfig{
			DataDir: dataDir, AWSAddr: "127.0.0.1:0", AWSTLSAddr: "127.0.0.1:0",
			SandboxTTL: time.Hour, MaxPerUser: 3, CheckTimeout: 30 * time.Second,
			Logger: slog.New(slog.NewTextHandler(a.errOut,
				&slog.HandlerOptions{Level: slog.LevelWarn})),
		},
		GRPCAddr: "127.0.0.1:0",
	}
	go func() { stopped <- serve(ctx, cfg, func(r *running) { started <- r }) }()
	var r *running
	select {
	case r = <-started:
	case err := <-stopped:
		return fmt.Errorf("demo: start the server: %w", err)
	}
	defer func() {
		cancel()
		<-stopped
	}()

	fmt.Fprintf(w, "Proctor demo: one learner, one lab, on the embedded AWS endpoint.\n\n")
	fmt.Fprintf(w, "1. The server is up: gRPC on %s, AWS endpoint %s (data in %s).\n",
		r.grpcAddr, r.stack.emulator.HTTPSEndpoint(), dataDir)

	learner := proctor.Caller{Subject: "demo-learner", Role: proctor.RoleLearner}
	token, err := r.key.Issue(learner, time.Hour)
	if err != nil {
		return err
	}
	client := &app{server: r.grpcAddr, token: token, output: "table", out: w, errOut: a.errOut}
	c, err := client.dial()
	if err != nil {
		return err
	}
	defer c.conn.Close()

	lab, err := c.labs.GetLab(ctx, &pb.GetLabRequest{Name: labName(labID)})
	if err != nil {
		return apiError(err)
	}
	fmt.Fprintf(w, "2. The learner %q opens the lab %s: %s.\n   %s\n", learner.Subject,
		lab.GetLab().GetId(), lab.GetLab().GetTitle(), oneLine(lab.GetLab().GetSummary()))

	began := time.Now()
	created, err := c.sandbox.CreateSandbox(ctx, &pb.CreateSandboxRequest{
		Lab: labName(labID), RequestId: newRequestID()})
	if err != nil {
		return apiError(err)
	}
	sb := created.GetSandbox()
	fmt.Fprintf(w, "3. A sandbox is ready in %s: %s, AWS account %s, with the lab's insecure "+
		"starting state.\n", time.Since(began).Round(time.Millisecond), sb.GetName(),
		sb.GetAccountId())

	fmt.Fprintf(w, "\n4. The learner submits an attempt before fixing anything:\n")
	first, err := demoAttempt(ctx, c, sb.GetName(), w)
	if err != nil {
		return err
	}

	fmt.Fprintf(w, "\n5. The learner applies the lab's reference solution, which is these aws "+
		"commands:\n")
	if err := applySolution(ctx, r.stack, labID, sandboxTarget(sb), w); err != nil {
		return fmt.Errorf("demo: apply the solution: %w", err)
	}

	fmt.Fprintf(w, "\n6. The learner submits a second attempt:\n")
	second, err := demoAttempt(ctx, c, sb.GetName(), w)
	if err != nil {
		return err
	}

	_, err = c.sandbox.DeleteSandbox(ctx, &pb.DeleteSandboxRequest{Name: sb.GetName()})
	if err != nil {
		return apiError(err)
	}
	fmt.Fprintf(w, "\n7. The sandbox is deleted. First attempt %s, second attempt %s.\n",
		score(first), score(second))
	if second.GetScore() != float64(second.GetMaxScore()) {
		return errors.New("demo: the second attempt did not reach full score")
	}
	return nil
}

// demoAttempt submits an attempt, waits for its grade through the watch stream and prints
// the report.
func demoAttempt(ctx context.Context, c *clients, sandbox string,
	w io.Writer) (*pb.Attempt, error) {
	resp, err := c.attempts.CreateAttempt(ctx, &pb.CreateAttemptRequest{
		Parent: sandbox, RequestId: newRequestID()})
	if err != nil {
		return nil, apiError(err)
	}
	stream, err := c.attempts.WatchAttempt(ctx, &pb.WatchAttemptRequest{
		Name: resp.GetAttempt().GetName()})
	if err != nil {
		return nil, apiError(err)
	}
	for {
		ev, err := stream.Recv()
		if err != nil {
			return nil, apiError(err)
		}
		if at := ev.GetAttempt(); at != nil && at.GetState() != pb.Attempt_STATE_GRADING {
			return at, writeReport(w, at, "   ")
		}
	}
}

// sandboxTarget is the learner's view of a sandbox, as the API hands it out.
func sandboxTarget(sb *pb.Sandbox) proctor.Target {
	ep, cr := sb.GetEndpoint(), sb.GetCredentials()
	return proctor.Target{
		AccountID: sb.GetAccountId(),
		Region:    sb.GetRegion(),
		Endpoint: proctor.Endpoint{HTTP: ep.GetHttp(), HTTPS: ep.GetHttps(),
			CABundle: ep.GetCaBundle(), Proxy: ep.GetProxy()},
		Credentials: proctor.Credentials{AccessKeyID: cr.GetAccessKeyId(),
			SecretAccessKey: cr.GetSecretAccessKey(), SessionToken: cr.GetSessionToken()},
	}
}

// oneLine folds a paragraph's lines and runs of spaces into single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
