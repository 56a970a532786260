package awsim_test

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestConcurrentSandboxes drives several accounts at once, creating and deleting accounts
// meanwhile; run with -race.
func TestConcurrentSandboxes(t *testing.T) {
	srv := startServer(t, "")
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			acct, err := srv.CreateAccount(ctx)
			if err != nil {
				errs <- err
				return
			}
			c := s3Client(srv, acct.Learner, clientOpts{secure: i%2 == 0})
			bucket := fmt.Sprintf("conc-%d-%s", i, acct.ID)
			if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
				errs <- err
				return
			}
			for j := range 5 {
				key := fmt.Sprintf("k%d", j)
				_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key,
					Body: strings.NewReader(key + acct.ID)})
				if err != nil {
					errs <- err
					return
				}
				out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
				if err != nil {
					errs <- err
					return
				}
				b, _ := io.ReadAll(out.Body)
				out.Body.Close()
				if string(b) != key+acct.ID {
					errs <- fmt.Errorf("account %s read %q, want %q", acct.ID, b, key+acct.ID)
				}
			}
			if _, err := kmsClient(srv, acct.Learner, true).CreateKey(ctx,
				&kms.CreateKeyInput{}); err != nil {
				errs <- err
			}
			if err := srv.DeleteAccount(ctx, acct.ID); err != nil {
				errs <- err
			}
			_, err = c.ListBuckets(ctx, &s3.ListBucketsInput{})
			if errorCode(err) != "InvalidAccessKeyId" {
				errs <- fmt.Errorf("ListBuckets after DeleteAccount = %v", err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
