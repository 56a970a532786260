package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
)

func init() { registerCommand(newLabsCmd) }

func newLabsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "labs", Short: "List and show the labs the server offers"}
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List the labs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.dial()
			if err != nil {
				return err
			}
			defer c.conn.Close()
			labs, err := allPages(func(token string) ([]*pb.Lab, string, error) {
				page, err := c.labs.ListLabs(cmd.Context(),
					&pb.ListLabsRequest{PageSize: 100, PageToken: token})
				return page.GetLabs(), page.GetNextPageToken(), err
			})
			if err != nil {
				return err
			}
			resp := &pb.ListLabsResponse{Labs: labs}
			switch a.output {
			case "json":
				return a.printJSON(resp)
			case "name":
				for _, l := range resp.GetLabs() {
					fmt.Fprintln(a.out, l.GetName())
				}
				return nil
			}
			tw := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tPILLAR\tLEVEL\tPOINTS\tTITLE")
			for _, l := range resp.GetLabs() {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", l.GetId(), enumWord(l.GetPillar().String()),
					enumWord(l.GetLevel().String()), l.GetMaxPoints(), l.GetTitle())
			}
			return tw.Flush()
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "show ID",
		Short: "Show a lab: its instructions and its checks",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.dial()
			if err != nil {
				return err
			}
			defer c.conn.Close()
			resp, err := c.labs.GetLab(cmd.Context(), &pb.GetLabRequest{Name: labName(args[0])})
			if err != nil {
				return apiError(err)
			}
			switch a.output {
			case "json":
				return a.printJSON(resp.GetLab())
			case "name":
				_, err := fmt.Fprintln(a.out, resp.GetLab().GetName())
				return err
			}
			return writeLab(a, resp.GetLab())
		},
	})
	return cmd
}

func writeLab(a *app, l *pb.Lab) error {
	if !strings.HasPrefix(strings.TrimSpace(l.GetInstructions()), "# ") {
		fmt.Fprintf(a.out, "%s\n", l.GetTitle())
	}
	fmt.Fprintf(a.out, "lab %s, ", l.GetId())
	fmt.Fprintf(a.out, "pillar %s, %s, about %s, passes at %d%% of %d points\n\n",
		enumWord(l.GetPillar().String()), enumWord(l.GetLevel().String()),
		l.GetDuration().AsDuration(), l.GetPassPercent(), l.GetMaxPoints())
	if s := l.GetSummary(); s != "" {
		fmt.Fprintf(a.out, "%s\n\n", strings.TrimSpace(s))
	}
	if s := l.GetInstructions(); s != "" {
		fmt.Fprintf(a.out, "%s\n\n", strings.TrimSpace(s))
	}
	tw := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tPOINTS\tCONTROLS\tTITLE")
	for _, ch := range l.GetChecks() {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", ch.GetId(), ch.GetPoints(),
			strings.Join(ch.GetControls(), ", "), ch.GetTitle())
	}
	return tw.Flush()
}

// labName accepts a lab id or its resource name and returns the resource name.
func labName(s string) string {
	if strings.HasPrefix(s, "labs/") {
		return s
	}
	return "labs/" + s
}

// enumWord turns an enum value name such as PILLAR_S3 into its last word(s), "s3".
func enumWord(s string) string {
	if i := strings.IndexByte(s, '_'); i >= 0 {
		s = s[i+1:]
	}
	return strings.ToLower(s)
}
