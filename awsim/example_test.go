package awsim_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/proctorlabs/proctor/awsim"
)

// Example starts an endpoint, creates a sandbox account and shows what a client needs.
func Example() {
	dir, err := os.MkdirTemp("", "awsim-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	srv, err := awsim.New(awsim.Config{DataDir: dir})
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0", "127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	acct, err := srv.CreateAccount(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("account id digits:", len(acct.ID))
	fmt.Println("https endpoint:", strings.HasPrefix(srv.HTTPSEndpoint(), "https://localhost:"))
	fmt.Println("secret hidden:", !strings.Contains(fmt.Sprint(acct.Learner),
		acct.Learner.SecretAccessKey))
	// Output:
	// account id digits: 12
	// https endpoint: true
	// secret hidden: true
}
