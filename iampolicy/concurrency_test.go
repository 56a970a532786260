package iampolicy

import (
	"sync"
	"testing"
)

// TestConcurrentUse evaluates and queries the catalog from many goroutines at once; run
// with -race it checks that shared policies and the catalog are read-only.
func TestConcurrentUse(t *testing.T) {
	bucket := MustParse(tlsOnlyBucket)
	rw := MustParse(readWriteRole)
	in := Input{Identity: []*Policy{rw}, Resource: bucket, ResourceAccount: acct}
	want := Evaluate(in, Request{Principal: rolePrincipal, Action: "s3:GetObject",
		Resource: "arn:aws:s3:::lab-bucket/k", Context: secure("false")}).Decision
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				r := Evaluate(in, Request{Principal: rolePrincipal, Action: "s3:GetObject",
					Resource: "arn:aws:s3:::lab-bucket/k", Context: secure("false")})
				if r.Decision != want {
					errs <- r.Decision.String()
					return
				}
			}
			if len(DefaultCatalog().AllowedActions(in, Request{Principal: rolePrincipal,
				Resource: "arn:aws:s3:::lab-bucket/k", Context: secure("true")})) != 2 {
				errs <- "allowed actions"
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent evaluation gave %s", e)
	}
}
