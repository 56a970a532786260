package awsim_test

import (
	"context"
	"errors"
	"testing"

	"github.com/proctorlabs/proctor/awsim"
)

// TestDeleteAccountTwice checks that deleting an account that is gone says so through
// ErrNoAccount, which callers test with errors.Is rather than by the message's words.
func TestDeleteAccountTwice(t *testing.T) {
	srv, err := awsim.New(awsim.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	acct, err := srv.CreateAccount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.DeleteAccount(ctx, acct.ID); err != nil {
		t.Fatalf("first delete: %v", err)
	}
	err = srv.DeleteAccount(ctx, acct.ID)
	if !errors.Is(err, awsim.ErrNoAccount) {
		t.Errorf("second delete: %v, want an error wrapping ErrNoAccount", err)
	}
	if err := srv.DeleteAccount(ctx, "999999999999"); !errors.Is(err, awsim.ErrNoAccount) {
		t.Errorf("delete of an account never made: %v, want ErrNoAccount", err)
	}
}
