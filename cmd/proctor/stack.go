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
	"github.com/proctorlabs/proctor/sandbox"
	"github.com/proctorlabs/proctor/sandbox/embedded"
	"github.com/proctorlabs/proctor/store"
	"github.com/proctorlabs/proctor/validators"
)

// stackConfig says where a Proctor stack keeps its state and where awsim listens.
type stackConfig struct {
	DataDir      string
	AWSAddr      string // awsim's HTTP listener (and proxy), HOST:PORT
	AWSTLSAddr   string // awsim's HTTPS listener
	SandboxTTL   time.Duration
	MaxPerUser   int
	CheckTimeout time.Duration
	Logger       *slog.Logger
}

// stack is a whole Proctor behind its domain interfaces, on the embedded backend: the
// emulator, the store, the catalog, the validators and the two services.
type stack struct {
	emulator  *awsim.Server
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
	db, err := store.Open(ctx, filepath.Join(cfg.DataDir, "proctor.db"))
	if err != nil {
		emu.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}

	catalog := labs.Catalog()
	registry := validators.Default()
	sandboxes, err := sandbox.NewService(sandbox.Config{
		Store:         db,
		Provisioner:   embedded.New(emu),
		Catalog:       catalog,
		Steps:         labs.NewStepRunner(cfg.Logger.With("component", "steps")),
		TTL:           cfg.SandboxTTL,
		MaxPerLearner: cfg.MaxPerUser,
		Logger:        cfg.Logger.With("component", "sandbox"),
	})
	if err != nil {
		return nil, errors.Join(err, db.Close(), emu.Close())
	}
	attempts, err := grading.NewService(grading.Config{
		Store:        db,
		Sandboxes:    db,
		Catalog:      catalog,
		Validators:   registry,
		CheckTimeout: cfg.CheckTimeout,
		Logger:       cfg.Logger.With("component", "grading"),
	})
	if err != nil {
		return nil, errors.Join(err, db.Close(), emu.Close())
	}
	return &stack{emulator: emu, db: db, catalog: catalog, registry: registry,
		sandboxes: sandboxes, attempts: attempts}, nil
}

// Close stops the services, then the emulator, and closes the store.
func (s *stack) Close() error {
	return errors.Join(s.attempts.Close(), s.sandboxes.Close(), s.emulator.Close(), s.db.Close())
}
