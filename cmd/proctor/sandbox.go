package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/types/known/durationpb"

	pb "github.com/proctorlabs/proctor/gen/proctor/v1"
)

func init() { registerCommand(newSandboxCmd) }

func newSandboxCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "sandbox", Short: "Create, inspect and delete your sandboxes"}
	cmd.AddCommand(newSandboxCreateCmd(a), newSandboxGetCmd(a), newSandboxListCmd(a),
		newSandboxDeleteCmd(a), newSandboxEnvCmd(a), newSandboxInstructionsCmd(a),
		newSandboxExtendCmd(a))
	return cmd
}

func newSandboxCreateCmd(a *app) *cobra.Command {
	var lab, requestID string
	cmd := &cobra.Command{
		Use:   "create --lab ID",
		Short: "Create a sandbox for a lab; returns once it is ready",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if lab == "" {
				return fmt.Errorf("--lab is required (see 'proctor labs list')")
			}
			if requestID == "" {
				requestID = newRequestID()
			}
			c, err := a.dial()
			if err != nil {
				return err
			}
			defer c.conn.Close()
			resp, err := c.sandbox.CreateSandbox(cmd.Context(),
				&pb.CreateSandboxRequest{Lab: labName(lab), RequestId: requestID})
			if err != nil {
				return apiError(err)
			}
			return a.printSandboxes(resp.GetSandbox())
		},
	}
	cmd.Flags().StringVar(&lab, "lab", "", "the lab's id")
	cmd.Flags().StringVar(&requestID, "request-id", "",
		"idempotency key: a retried create with the same key returns the same sandbox")
	return cmd
}

func newSandboxGetCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "get NAME",
		Short: "Show a sandbox",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sb, err := a.getSandbox(cmd, args[0])
			if err != nil {
				return err
			}
			return a.printSandboxes(sb)
		},
	}
}

func newSandboxListCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the sandboxes you may see",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.dial()
			if err != nil {
				return err
			}
			defer c.conn.Close()
			sbs, err := allPages(func(token string) ([]*pb.Sandbox, string, error) {
				page, err := c.sandbox.ListSandboxes(cmd.Context(),
					&pb.ListSandboxesRequest{PageSize: 100, PageToken: token})
				return page.GetSandboxes(), page.GetNextPageToken(), err
			})
			if err != nil {
				return err
			}
			all := &pb.ListSandboxesResponse{Sandboxes: sbs}
			if a.output == "json" {
				return a.printJSON(all)
			}
			return a.printSandboxes(all.GetSandboxes()...)
		},
	}
}

func newSandboxDeleteCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a sandbox and everything in its account",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.dial()
			if err != nil {
				return err
			}
			defer c.conn.Close()
			resp, err := c.sandbox.DeleteSandbox(cmd.Context(),
				&pb.DeleteSandboxRequest{Name: sandboxName(args[0])})
			if err != nil {
				return apiError(err)
			}
			return a.printSandboxes(resp.GetSandbox())
		},
	}
}

func newSandboxEnvCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "env NAME",
		Short: "Print shell lines that point the aws CLI at the sandbox",
		Long: "Print POSIX shell lines that set the sandbox's credentials, region, CA bundle " +
			"and endpoint, and define an aws function that passes --endpoint-url (Debian's " +
			"aws 2.9 does not read AWS_ENDPOINT_URL). Use: eval \"$(proctor sandbox env NAME)\"",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if a.output != "table" {
				return fmt.Errorf("sandbox env prints shell lines only, not --output %s; "+
					"for the sandbox itself use 'proctor sandbox get NAME --output %s'",
					a.output, a.output)
			}
			sb, err := a.getSandbox(cmd, args[0])
			if err != nil {
				return err
			}
			if sb.GetState() != pb.Sandbox_STATE_READY {
				return fmt.Errorf("sandbox %s is %s, not ready", sb.GetName(),
					enumWord(sb.GetState().String()))
			}
			ep, cr := sb.GetEndpoint(), sb.GetCredentials()
			endpoint := ep.GetHttps()
			if endpoint == "" {
				endpoint = ep.GetHttp() // a backend without TLS, such as LocalStack
			}
			return writeSandboxEnv(a.out, sandboxEnv{
				Region:          sb.GetRegion(),
				AccessKeyID:     cr.GetAccessKeyId(),
				SecretAccessKey: cr.GetSecretAccessKey(),
				SessionToken:    cr.GetSessionToken(),
				Endpoint:        endpoint,
				CABundle:        ep.GetCaBundle(),
				Proxy:           ep.GetProxy(),
			})
		},
	}
}

// sandboxName accepts a sandbox's id or its resource name and returns the resource name.
func sandboxName(s string) string {
	if strings.Contains(s, "/") {
		return s
	}
	return "sandboxes/" + s
}

func newSandboxExtendCmd(a *app) *cobra.Command {
	var by time.Duration
	cmd := &cobra.Command{
		Use:   "extend NAME --by DURATION",
		Short: "Give a sandbox more time before it expires",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.dial()
			if err != nil {
				return err
			}
			defer c.conn.Close()
			resp, err := c.sandbox.ExtendSandbox(cmd.Context(), &pb.ExtendSandboxRequest{
				Name: sandboxName(args[0]), Extension: durationpb.New(by)})
			if err != nil {
				return apiError(err)
			}
			return a.printSandboxes(resp.GetSandbox())
		},
	}
	cmd.Flags().DurationVar(&by, "by", time.Hour, "how much longer, e.g. 30m or 2h")
	return cmd
}

func newSandboxInstructionsCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "instructions NAME",
		Short: "Print the lab's instructions for this sandbox, with its own names filled in",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sb, err := a.getSandbox(cmd, args[0])
			if err != nil {
				return err
			}
			switch a.output {
			case "json":
				return a.printJSON(sb)
			case "name":
				_, err = fmt.Fprintln(a.out, sb.GetName())
				return err
			}
			_, err = fmt.Fprintln(a.out, strings.TrimSpace(sb.GetInstructions()))
			return err
		},
	}
}

func (a *app) getSandbox(cmd *cobra.Command, name string) (*pb.Sandbox, error) {
	c, err := a.dial()
	if err != nil {
		return nil, err
	}
	defer c.conn.Close()
	resp, err := c.sandbox.GetSandbox(cmd.Context(), &pb.GetSandboxRequest{Name: sandboxName(name)})
	if err != nil {
		return nil, apiError(err)
	}
	return resp.GetSandbox(), nil
}

// printSandboxes prints sandboxes as a table, or one sandbox as JSON. Tables never show
// credentials; 'sandbox env' does, to the owner.
func (a *app) printSandboxes(sbs ...*pb.Sandbox) error {
	switch {
	case a.output == "json" && len(sbs) == 1:
		return a.printJSON(sbs[0])
	case a.output == "name":
		for _, sb := range sbs {
			fmt.Fprintln(a.out, sb.GetName())
		}
		return nil
	}
	tw := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tLAB\tSTATE\tACCOUNT\tENDPOINT\tEXPIRES")
	for _, sb := range sbs {
		expires := "-"
		if t := sb.GetExpireTime(); t != nil {
			expires = t.AsTime().Local().Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", sb.GetName(), sb.GetLab(),
			enumWord(sb.GetState().String()), sb.GetAccountId(), sb.GetEndpoint().GetHttps(),
			expires)
	}
	return tw.Flush()
}

// newRequestID returns a random idempotency key.
func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
