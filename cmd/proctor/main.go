// Command proctor is Proctor's one binary: the server (serve), a one-process walk through the
// whole learner story (demo), the client verbs for labs, sandboxes and attempts, lab authoring
// tools (lab lint, lab test), policy tools (policy simulate, policy actions) and token minting.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"
)

// app holds the global flags and the streams every command writes to.
type app struct {
	server string // the gRPC server's HOST:PORT
	token  string // the bearer token
	output string // "table", "json" or "name"
	caFile string // a CA bundle that turns on TLS to the server

	out    io.Writer
	errOut io.Writer
}

// commands are the constructors of the top-level commands, registered by each command's file.
var commands []func(*app) *cobra.Command

// registerCommand adds a top-level command. It is called from init functions.
func registerCommand(f func(*app) *cobra.Command) {
	commands = append(commands, f)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line args and returns the process's exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := &app{out: stdout, errOut: stderr}
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		fmt.Fprintln(stderr, "proctor:", err)
		return 1
	}
	return 0
}

// exitError ends the process with a given code after the command printed its own report.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:           "proctor",
		Short:         "Hands-on AWS security labs with isolated sandboxes and automated grading",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if a.output != "table" && a.output != "json" && a.output != "name" {
				return fmt.Errorf("--output must be table, json or name, not %q", a.output)
			}
			if a.token == "" {
				a.token = os.Getenv("PROCTOR_TOKEN")
			}
			return nil
		},
	}
	f := root.PersistentFlags()
	f.StringVar(&a.server, "server", envOr("PROCTOR_SERVER", defaultGRPCAddr),
		"the Proctor server's HOST:PORT (env PROCTOR_SERVER)")
	// The token's default is read when a command runs, not shown as a flag default, so
	// that --help never prints a secret.
	f.StringVar(&a.token, "token", "",
		"bearer token from 'proctor token' (env PROCTOR_TOKEN)")
	f.StringVarP(&a.output, "output", "o", "table",
		"output format: table, json (the API's messages) or name (resource names only)")
	f.StringVar(&a.caFile, "server-ca", os.Getenv("PROCTOR_SERVER_CA"),
		"CA bundle of the server's TLS certificate; turns on TLS (env PROCTOR_SERVER_CA)")
	for _, newCmd := range commands {
		root.AddCommand(newCmd(a))
	}
	return root
}

// Defaults of the server's listeners, all on loopback.
const (
	defaultGRPCAddr   = "127.0.0.1:7700"
	defaultAWSAddr    = "127.0.0.1:4566"
	defaultAWSTLSAddr = "127.0.0.1:4567"
)

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// defaultDataDir is $PROCTOR_DATA, else $XDG_DATA_HOME/proctor, else ~/.local/share/proctor.
func defaultDataDir() string {
	if d := os.Getenv("PROCTOR_DATA"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "proctor")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "proctor")
	}
	return "proctor-data"
}
