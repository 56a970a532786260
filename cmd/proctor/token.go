package main

import (
	"fmt"
	"os"
	"path/filepath"
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
			// A token is only good for the server whose key signs it: refuse to make a new
			// key where no server keeps its state.
			if _, err := os.Stat(filepath.Join(dataDir, auth.KeyFile)); err != nil {
				return fmt.Errorf("no signing key in %s: pass the --data directory of your "+
					"server (or set PROCTOR_DATA), or start 'proctor serve --data %s' once, "+
					"which creates the key", dataDir, dataDir)
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
	cmd.Flags().StringVar(&dataDir, "data", defaultDataDir(),
		"the server's data directory (env PROCTOR_DATA)")
	cmd.Flags().StringVar(&role, "role", "learner", "learner, instructor or admin")
	cmd.Flags().StringVar(&subject, "subject", "", "who the token is for, e.g. a user name")
	cmd.Flags().DurationVar(&ttl, "ttl", 24*time.Hour, "how long the token is valid")
	return cmd
}
