package localstack_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/proctorlabs/proctor/localstack"
)

// A server offering the localstack backend makes one provisioner at start-up, with the
// token taken from LOCALSTACK_AUTH_TOKEN, and lends a sandbox per lab that it supports.
func Example() {
	prov, err := localstack.New(localstack.Config{
		Region: "us-east-1",
		Logger: slog.New(slog.NewTextHandler(os.Stderr, nil)),
	})
	if err != nil {
		fmt.Println(err) // e.g. no Docker engine answers at unix:///var/run/docker.sock
		return
	}
	if err := prov.Supports([]string{"s3", "s3control", "kms", "sts"}); err != nil {
		fmt.Println(err)
		return
	}
	acct, err := prov.Provision(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer prov.Release(context.Background(), acct.ID)
	fmt.Println(acct.ID, acct.Endpoint.HTTP)
}
