package validators_test

import (
	"fmt"

	"github.com/proctorlabs/proctor/validators"
)

// CheckParams reports every problem with a check's parameters, by parameter.
func ExampleRegistry_CheckParams() {
	reg := validators.Default()
	for _, p := range reg.CheckParams("s3.bucket_default_encryption", map[string]any{
		"algorithms": []any{"aws:kms", "X"},
	}) {
		fmt.Printf("%s: %s\n", p.Param, p.Message)
	}
	// Output:
	// algorithms: parameter algorithms: element 1: "X" is not one of AES256, aws:kms, aws:kms:dsse
	// bucket: parameter bucket is required: the bucket's name
}
