package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/auth"
)

func init() { registerCommand(newTokenCmd) }

func newTokenCmd(a *app) *cobra.Command {
	var (
		dataDir string
		role    string
		subject string
		ttl     time.Duration
	)
	cmd := &cobra.Command{
		Use:   "token --role learner|instructor|admin --subject NAME",
		Short: "Print a bearer token signed with the server's key",
		Long: "Print a bearer token for the subject and role, signed with the key in the " +
			"server's data directory. Whoever holds the data directory can mint tokens.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r := proctor.Role(role)
			if !r.Valid() {
				return fmt.Errorf("--role must be learner, instructor or admin, not %q", role)
			}
			if subject == "" {
				return fmt.Errorf("--subject is required")
			}
			key, err := auth.LoadKey(dataDir)
			if err != nil {
				return err
			}
			tok, err := key.Issue(proctor.Caller{Subject: subject, Role: r}, ttl)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(a.out, tok)
			return err
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", defaultDataDir(), "the server's data directory")
	cmd.Flags().StringVar(&role, "role", "learner", "learner, instructor or admin")
	cmd.Flags().StringVar(&subject, "subject", "", "who the token is for, e.g. a user name")
	cmd.Flags().DurationVar(&ttl, "ttl", 24*time.Hour, "how long the token is valid")
	return cmd
}
