package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/proctorlabs/proctor/auth"
	"github.com/proctorlabs/proctor/localstack"
	"github.com/proctorlabs/proctor/server"
)

func init() { registerCommand(newServeCmd) }

// serveConfig is what `proctor serve` is told.
type serveConfig struct {
	stackConfig
	GRPCAddr    string
	TLSCert     string
	TLSKey      string
	MetricsAddr string
}

func newServeCmd(a *app) *cobra.Command {
	var (
		cfg      serveConfig
		logLevel string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the Proctor server with the embedded AWS endpoint",
		Long: "Run the Proctor server: the gRPC API, and awsim, the embedded AWS-compatible " +
			"endpoint that lends each sandbox its own account. Every listener is on loopback " +
			"by default; a gRPC listener beyond loopback needs --tls-cert and --tls-key.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var level slog.Level
			if err := level.UnmarshalText([]byte(logLevel)); err != nil {
				return fmt.Errorf("--log-level: %w", err)
			}
			cfg.Logger = slog.New(slog.NewTextHandler(a.errOut,
				&slog.HandlerOptions{Level: level}))
			return serve(cmd.Context(), cfg, func(r *running) {
				if emu := r.stack.emulator; emu != nil {
					fmt.Fprintf(a.errOut, "proctor: serving gRPC on %s, AWS endpoint %s "+
						"and %s, data in %s\n", r.grpcAddr, emu.HTTPEndpoint(),
						emu.HTTPSEndpoint(), cfg.DataDir)
					return
				}
				fmt.Fprintf(a.errOut, "proctor: serving gRPC on %s, sandboxes from %s, "+
					"data in %s\n", r.grpcAddr, cfg.Backend, cfg.DataDir)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.DataDir, "data", defaultDataDir(),
		"data directory: database, keys, state (env PROCTOR_DATA)")
	f.StringVar(&cfg.GRPCAddr, "grpc-addr", defaultGRPCAddr, "gRPC listener, HOST:PORT")
	f.StringVar(&cfg.Backend, "backend", backendEmbedded,
		"where sandboxes come from: embedded (awsim, in this process) or localstack "+
			"(a container per sandbox; needs a Docker engine, and LOCALSTACK_AUTH_TOKEN for "+
			"newer images)")
	f.StringVar(&cfg.LocalStack.Image, "localstack-image", localstack.DefaultImage,
		"the LocalStack image, with --backend localstack")
	f.StringVar(&cfg.AWSAddr, "aws-addr", defaultAWSAddr,
		"awsim's HTTP listener (also its own-endpoints-only proxy), HOST:PORT")
	f.StringVar(&cfg.AWSTLSAddr, "aws-tls-addr", defaultAWSTLSAddr,
		"awsim's HTTPS listener, HOST:PORT")
	f.StringVar(&cfg.TLSCert, "tls-cert", "", "certificate PEM for TLS on the gRPC listener")
	f.StringVar(&cfg.TLSKey, "tls-key", "", "private key PEM for TLS on the gRPC listener")
	f.StringVar(&cfg.MetricsAddr, "metrics-addr", "",
		"serve Prometheus metrics at http://HOST:PORT/metrics (off when empty)")
	f.DurationVar(&cfg.SandboxTTL, "sandbox-ttl", 4*time.Hour, "lifetime of a sandbox")
	f.IntVar(&cfg.MaxPerUser, "max-sandboxes", 3, "live sandboxes a learner may hold")
	f.DurationVar(&cfg.CheckTimeout, "check-timeout", 30*time.Second,
		"time a check may take before it is graded ERROR")
	f.StringVar(&logLevel, "log-level", "info", "debug, info, warn or error")
	return cmd
}

// running is a started server, handed to the caller of serve once it listens.
type running struct {
	grpcAddr string
	stack    *stack
	key      *auth.Key
}

// serve runs the server until ctx ends, then stops it gracefully. ready is called once
// every listener is up.
func serve(ctx context.Context, cfg serveConfig, ready func(*running)) error {
	tlsCfg, err := grpcTLS(cfg)
	if err != nil {
		return err
	}
	key, err := auth.LoadKey(cfg.DataDir)
	if err != nil {
		return err
	}
	lis, err := net.Listen("tcp", cfg.GRPCAddr)
	if err != nil {
		return fmt.Errorf("--grpc-addr: %w", err)
	}
	st, err := newStack(ctx, cfg.stackConfig)
	if err != nil {
		lis.Close()
		return err
	}
	srv := server.New(server.Options{
		Labs:      st.catalog,
		Sandboxes: st.sandboxes,
		Attempts:  st.attempts,
		Verifier:  key,
		Logger:    cfg.Logger.With("component", "server"),
		TLS:       tlsCfg,
	})
	var metrics *http.Server
	if cfg.MetricsAddr != "" {
		mux := http.NewServeMux()
		mux.Handle("/metrics", srv.MetricsHandler())
		metrics = &http.Server{Addr: cfg.MetricsAddr, Handler: mux,
			ReadHeaderTimeout: 5 * time.Second}
		go func() {
			if err := metrics.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				cfg.Logger.Error("metrics listener failed", "addr", cfg.MetricsAddr, "err", err)
			}
		}()
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	ready(&running{grpcAddr: lis.Addr().String(), stack: st, key: key})

	select {
	case <-ctx.Done():
	case err = <-served:
	}
	cfg.Logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if serr := srv.Shutdown(shutdownCtx); serr != nil {
		cfg.Logger.Warn("graceful shutdown cut short", "err", serr)
	}
	if metrics != nil {
		metrics.Shutdown(shutdownCtx)
	}
	return errors.Join(err, st.Close())
}

// grpcTLS loads the gRPC listener's certificate, and refuses a listener beyond loopback
// without one: tokens and sandbox credentials travel on it.
func grpcTLS(cfg serveConfig) (*tls.Config, error) {
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return nil, errors.New("--tls-cert and --tls-key go together")
	}
	if cfg.TLSCert == "" {
		if !loopback(cfg.GRPCAddr) {
			return nil, fmt.Errorf("--grpc-addr %s is beyond loopback: it needs --tls-cert "+
				"and --tls-key", cfg.GRPCAddr)
		}
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert/--tls-key: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// loopback reports whether a HOST:PORT listens on loopback only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
