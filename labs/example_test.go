package labs_test

import (
	"fmt"

	"github.com/proctorlabs/proctor/labs"
)

// Lint reports every problem of a lab file with its line and column.
func ExampleLint() {
	data := []byte(`id: demo
title: Demo
pillar: s3
level: beginner
duration: 15m
summary: A demonstration.
instructions: Fix bucket {{.Bucket}}.
services: [s3]
pass_percent: 120
checks:
  - id: tls
    title: TLS only
    validator: s3.bucket_tls_only
    params: {bucket_arn: "yes"}
    points: 10
    hint: Deny insecure transport.
solution:
  - service: s3
    action: DeleteBucketPolicy
    input: {Bucket: "demo-{{.AccountID}}"}
`)
	for _, p := range labs.Lint("demo.yaml", data) {
		fmt.Println(p)
	}
	// Output:
	// demo.yaml:7:15: instructions: unknown placeholder {{.Bucket}} (known: AccountID, Region)
	// demo.yaml:9:15: pass_percent is 120; it must be between 1 and 100
	// demo.yaml:14:13: checks[0]: parameter bucket is required: the bucket's name
	// demo.yaml:14:26: checks[0]: parameter bucket_arn: want true or false, got the string "yes"
}
