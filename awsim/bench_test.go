package awsim_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
)

// BenchmarkLabSetup measures what provisioning a sandbox for the S3 lab asks of awsim: a new
// account, then the lab's setup calls over HTTPS with the SDK (account and bucket Block
// Public Access removed, a bucket, an object, a public-read policy).
func BenchmarkLabSetup(b *testing.B) {
	srv := startServer(b, "")
	i := 0
	for b.Loop() {
		i++
		acct, err := srv.CreateAccount(ctx)
		if err != nil {
			b.Fatal(err)
		}
		c := s3Client(srv, acct.Learner, clientOpts{secure: true})
		bucket := fmt.Sprintf("bench-%d-%s", i, acct.ID)
		steps := []func() error{
			func() error {
				_, err := s3ControlClient(srv, acct.Learner, true).DeletePublicAccessBlock(ctx,
					&s3control.DeletePublicAccessBlockInput{AccountId: &acct.ID})
				return err
			},
			func() error {
				_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
				return err
			},
			func() error {
				_, err := c.DeletePublicAccessBlock(ctx,
					&s3.DeletePublicAccessBlockInput{Bucket: &bucket})
				return err
			},
			func() error {
				_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket,
					Key: aws.String("reports/q3.csv"), Body: strings.NewReader("a,b\n1,2\n")})
				return err
			},
			func() error {
				p := publicReadPolicy(bucket)
				_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &bucket,
					Policy: &p})
				return err
			},
		}
		for _, step := range steps {
			if err := step(); err != nil {
				b.Fatal(err)
			}
		}
	}
}
