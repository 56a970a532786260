package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
)

func init() { registerCommand(newAttemptCmd) }

func newAttemptCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "attempt", Short: "Submit a sandbox for grading and read grades"}
	cmd.AddCommand(newAttemptSubmitCmd(a), newAttemptGetCmd(a), newAttemptListCmd(a))
	return cmd
}

func newAttemptSubmitCmd(a *app) *cobra.Command {
	var watch, noWait bool
	var requestID string
	cmd := &cobra.Command{
		Use:   "submit SANDBOX",
		Short: "Submit the sandbox for grading and wait for the grade",
		Long: "Submit the sandbox for grading and wait for the grade. --watch shows each " +
			"check's result as it completes; --no-wait returns at once. With --output json " +
			"the last line is the finished attempt.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if watch && noWait {
				return errors.New("--watch and --no-wait exclude each other")
			}
			if requestID == "" {
				requestID = newRequestID()
			}
			c, err := a.dial()
			if err != nil {
				return err
			}
			defer c.conn.Close()
			resp, err := c.attempts.CreateAttempt(cmd.Context(),
				&pb.CreateAttemptRequest{Parent: sandboxName(args[0]), RequestId: requestID})
			if err != nil {
				return apiError(err)
			}
			if noWait {
				switch a.output {
				case "json":
					return a.printJSON(resp.GetAttempt())
				case "name":
					_, err := fmt.Fprintln(a.out, resp.GetAttempt().GetName())
					return err
				}
				_, err := fmt.Fprintf(a.out, "submitted %s\n", resp.GetAttempt().GetName())
				return err
			}
			stream, err := c.attempts.WatchAttempt(cmd.Context(),
				&pb.WatchAttemptRequest{Name: resp.GetAttempt().GetName()})
			if err != nil {
				return apiError(err)
			}
			for {
				ev, err := stream.Recv()
				if errors.Is(err, io.EOF) {
					return errors.New("the server ended the watch before the attempt finished")
				}
				if err != nil {
					return apiError(err)
				}
				if r := ev.GetResult(); r != nil && watch && a.output != "name" {
					if err := a.printResultLine(r); err != nil {
						return err
					}
				}
				if at := ev.GetAttempt(); at != nil && at.GetState() != pb.Attempt_STATE_GRADING {
					return a.printAttempt(at)
				}
			}
		},
	}
	cmd.Flags().BoolVar(&watch, "watch", false, "show each check's result as it completes")
	cmd.Flags().BoolVar(&noWait, "no-wait", false, "return at once, without the grade")
	cmd.Flags().StringVar(&requestID, "request-id", "",
		"idempotency key: a retried submit with the same key returns the same attempt")
	return cmd
}

func newAttemptGetCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "get NAME",
		Short: "Show an attempt and its results",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.dial()
			if err != nil {
				return err
			}
			defer c.conn.Close()
			resp, err := c.attempts.GetAttempt(cmd.Context(), &pb.GetAttemptRequest{Name: args[0]})
			if err != nil {
				return apiError(err)
			}
			return a.printAttempt(resp.GetAttempt())
		},
	}
}

func newAttemptListCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "list SANDBOX",
		Short: "List a sandbox's attempts, newest first",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.dial()
			if err != nil {
				return err
			}
			defer c.conn.Close()
			attempts, err := allPages(func(token string) ([]*pb.Attempt, string, error) {
				page, err := c.attempts.ListAttempts(cmd.Context(), &pb.ListAttemptsRequest{
					Parent: sandboxName(args[0]), PageSize: 100, PageToken: token})
				return page.GetAttempts(), page.GetNextPageToken(), err
			})
			if err != nil {
				return err
			}
			all := &pb.ListAttemptsResponse{Attempts: attempts}
			switch a.output {
			case "json":
				return a.printJSON(all)
			case "name":
				for _, at := range all.GetAttempts() {
					fmt.Fprintln(a.out, at.GetName())
				}
				return nil
			}
			tw := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tSTATE\tSCORE\tPASSED\tCREATED")
			for _, at := range all.GetAttempts() {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%t\t%s\n", at.GetName(),
					enumWord(at.GetState().String()), score(at), at.GetPassed(),
					at.GetCreateTime().AsTime().Local().Format("2006-01-02 15:04:05"))
			}
			return tw.Flush()
		},
	}
}

// printResultLine prints one check's result as it completes: a line, or a JSON object.
func (a *app) printResultLine(r *pb.CheckResult) error {
	if a.output == "json" {
		return a.printJSON(r)
	}
	_, err := fmt.Fprintf(a.out, "%-5s %-28s %5s\n", verdictWord(r.GetVerdict()),
		r.GetCheckId(), points(r.GetPoints(), r.GetMaxPoints()))
	return err
}

// printAttempt prints the finished attempt: a report for people, or the API message.
func (a *app) printAttempt(at *pb.Attempt) error {
	switch a.output {
	case "json":
		return a.printJSON(at)
	case "name":
		_, err := fmt.Fprintln(a.out, at.GetName())
		return err
	}
	return writeReport(a.out, at, "")
}

// maxEvidence is how many evidence lines a report shows for one check; JSON has them all.
const maxEvidence = 3

// writeReport writes an attempt's grade check by check, with the evidence and the hint of
// every check that did not pass. Every line starts with indent.
func writeReport(w io.Writer, at *pb.Attempt, indent string) error {
	verdict := "not passed"
	if at.GetPassed() {
		verdict = "passed"
	}
	fmt.Fprintf(w, "%s%s: %s, %s\n", indent, at.GetName(), score(at), verdict)
	if m := at.GetMessage(); m != "" {
		fmt.Fprintf(w, "%s  %s\n", indent, m)
	}
	for _, r := range at.GetResults() {
		fmt.Fprintf(w, "%s  %-5s %-28s %5s  %s\n", indent, verdictWord(r.GetVerdict()),
			r.GetCheckId(), points(r.GetPoints(), r.GetMaxPoints()), r.GetTitle())
		detail := indent + "         "
		if len(r.GetControls()) > 0 {
			fmt.Fprintf(w, "%scontrols: %s\n", detail, strings.Join(r.GetControls(), ", "))
		}
		if r.GetVerdict() == pb.CheckResult_VERDICT_PASS {
			continue
		}
		if m := strings.TrimSpace(r.GetMessage()); m != "" {
			fmt.Fprintf(w, "%s%s\n", detail, m)
		}
		ev := r.GetEvidence()
		for i, e := range ev {
			if i == maxEvidence {
				fmt.Fprintf(w, "%s(%d more on other resources or actions; --output json "+
					"shows them all)\n", detail, len(ev)-maxEvidence)
				break
			}
			fmt.Fprintf(w, "%son %s: observed %s; expected %s\n", detail,
				e.GetResource(), e.GetObserved(), e.GetExpected())
		}
		if h := strings.TrimSpace(r.GetHint()); h != "" {
			fmt.Fprintf(w, "%shint: %s\n", detail, h)
		}
	}
	return nil
}

func score(at *pb.Attempt) string {
	return points(at.GetScore(), at.GetMaxScore())
}

func points(got float64, max int32) string {
	return fmt.Sprintf("%s/%d", strings.TrimSuffix(fmt.Sprintf("%.1f", got), ".0"), max)
}

func verdictWord(v pb.CheckResult_Verdict) string {
	if v == pb.CheckResult_VERDICT_NOT_APPLICABLE {
		return "N/A"
	}
	return strings.ToUpper(strings.TrimPrefix(v.String(), "VERDICT_"))
}
