package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/awsim"
	"github.com/proctorlabs/proctor/grading"
	"github.com/proctorlabs/proctor/labs"
	"github.com/proctorlabs/proctor/localstack"
	"github.com/proctorlabs/proctor/sandbox"
	"github.com/proctorlabs/proctor/sandbox/embedded"
	"github.com/proctorlabs/proctor/store"
	"github.com/proctorlabs/proctor/validators"
)

// The backends a stack can lend sandboxes from.
const (
	backendEmbedded   = "embedded"
	backendLocalStack = "localstack"
)

// stackConfig says where a Proctor stack keeps its state and where its sandboxes come from.
type stackConfig struct {
	DataDir      string
	Backend      string // backendEmbedded (the default when empty) or backendLocalStack
	AWSAddr      string // awsim's HTTP listener (and proxy), HOST:PORT; embedded only
	AWSTLSAddr   string // awsim's HTTPS listener; embedded only
	LocalStack   localstack.Config
	SandboxTTL   time.Duration
	MaxPerUser   int
	CheckTimeout time.Duration
	Logger       *slog.Logger
}

// stack is a whole Proctor behind its domain interfaces: the backend, the store, the
// catalog, the validators and the two services.
type stack struct {
	emulator  *awsim.Server // nil unless the backend is embedded
	backend   proctor.Provisioner
	release   func() error // stops the backend
	db        *store.DB
	catalog   proctor.LabCatalog
	registry  *validators.Registry
	sandboxes *sandbox.Service
	attempts  *grading.Service
}

// newStack opens the data directory and starts the emulator's listeners.
func newStack(ctx context.Context, cfg stackConfig) (*stack, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	st := &stack{}
	var err error
	switch cfg.Backend {
	case "", backendEmbedded:
		st.emulator, err = startEmulator(cfg)
		if err != nil {
			return nil, err
		}
		st.backend, st.release = embedded.New(st.emulator), st.emulator.Close
	case backendLocalStack:
		lcfg := cfg.LocalStack
		lcfg.Logger = cfg.Logger.With("component", "localstack")
		prov, err := localstack.New(lcfg)
		if err != nil {
			return nil, fmt.Errorf("localstack backend: %w", err)
		}
		st.backend, st.release = prov, prov.Close
	default:
		return nil, fmt.Errorf("--backend must be %s or %s, not %q", backendEmbedded,
			backendLocalStack, cfg.Backend)
	}
	st.db, err = store.Open(ctx, filepath.Join(cfg.DataDir, "proctor.db"))
	if err != nil {
		st.release()
		return nil, fmt.Errorf("open store: %w", err)
	}

	st.catalog, st.registry = labs.Catalog(), validators.Default()
	st.sandboxes, err = sandbox.NewService(sandbox.Config{
		Store:         st.db,
		Provisioner:   st.backend,
		Catalog:       st.catalog,
		Steps:         labs.NewStepRunner(cfg.Logger.With("component", "steps")),
		TTL:           cfg.SandboxTTL,
		MaxPerLearner: cfg.MaxPerUser,
		Logger:        cfg.Logger.With("component", "sandbox"),
	})
	if err != nil {
		return nil, errors.Join(err, st.db.Close(), st.release())
	}
	st.attempts, err = grading.NewService(grading.Config{
		Store:        st.db,
		Sandboxes:    st.db,
		Catalog:      st.catalog,
		Validators:   st.registry,
		CheckTimeout: cfg.CheckTimeout,
		Logger:       cfg.Logger.With("component", "grading"),
	})
	if err != nil {
		return nil, errors.Join(err, st.sandboxes.Close(), st.db.Close(), st.release())
	}
	return st, nil
}

// startEmulator starts awsim on the configured listeners, with its state in the data
// directory.
func startEmulator(cfg stackConfig) (*awsim.Server, error) {
	emu, err := awsim.New(awsim.Config{
		DataDir: filepath.Join(cfg.DataDir, "awsim"),
		Logger:  cfg.Logger.With("component", "awsim"),
	})
	if err != nil {
		return nil, fmt.Errorf("start awsim: %w", err)
	}
	if err := emu.Start(cfg.AWSAddr, cfg.AWSTLSAddr); err != nil {
		emu.Close()
		return nil, fmt.Errorf("start awsim: %w", err)
	}
	return emu, nil
}

// Close stops the services, then the backend, and closes the store.
func (s *stack) Close() error {
	return errors.Join(s.attempts.Close(), s.sandboxes.Close(), s.release(), s.db.Close())
}
