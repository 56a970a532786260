package validators

import (
	"context"
	"testing"
)

// BenchmarkBucketTLSOnly measures evaluating the reference TLS-only policy with its extra
// allows over every probe, against an in-memory account.
func BenchmarkBucketTLSOnly(b *testing.B) {
	fake := &fakeAWS{account: testAccount, bucket: testBucket,
		policy: policyOf(allowRead, denyInsecure, allowAccount)}
	p, _ := bucketTLSOnly.params(map[string]any{"bucket": testBucket})
	env := fake.env()
	for b.Loop() {
		bucketTLSOnly.Check(context.Background(), env, p)
	}
}

// BenchmarkBucketNotPublic measures deciding whether a public-read policy is public.
func BenchmarkBucketNotPublic(b *testing.B) {
	fake := &fakeAWS{account: testAccount, bucket: testBucket, policy: policyOf(allowRead)}
	p, _ := bucketNotPublic.params(map[string]any{"bucket": testBucket})
	env := fake.env()
	for b.Loop() {
		bucketNotPublic.Check(context.Background(), env, p)
	}
}
