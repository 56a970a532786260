package awsim_test

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/google/go-cmp/cmp"
)

func TestSDKS3Operations(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	modes := []struct {
		name string
		opts clientOpts
	}{
		{"http path style", clientOpts{}},
		{"https path style", clientOpts{secure: true}},
		{"http virtual host", clientOpts{virtualHost: true}},
		{"https virtual host", clientOpts{secure: true, virtualHost: true}},
	}
	for i, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			c := s3Client(srv, acct.Learner, m.opts)
			bucket := fmt.Sprintf("data-%d-%s", i, strings.ToLower(acct.ID))
			_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
			must(t, "CreateBucket", err)
			_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bucket})
			must(t, "HeadBucket", err)

			lb, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
			must(t, "ListBuckets", err)
			found := false
			for _, b := range lb.Buckets {
				found = found || aws.ToString(b.Name) == bucket
			}
			if !found {
				t.Errorf("ListBuckets does not list %s", bucket)
			}

			objects := map[string]string{
				"a.txt": "alpha", "dir/b.txt": "bravo", "dir/sub/c.txt": "charlie",
				"key with spaces+plus.txt": "delta",
			}
			for k, v := range objects {
				_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(k),
					Body: strings.NewReader(v), ContentType: aws.String("text/plain"),
					Metadata: map[string]string{"owner": "lab"}})
				must(t, "PutObject "+k, err)
			}
			if m.opts.secure {
				// Over TLS an unseekable body makes the SDK stream it in aws-chunked
				// encoding with a trailing checksum (over plain HTTP it must hash it first
				// and refuses).
				_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket,
					Key: aws.String("streamed.bin"), Body: io.MultiReader(bytes.NewReader(
						bytes.Repeat([]byte("x"), 70000)))})
				must(t, "PutObject streamed", err)
				objects["streamed.bin"] = strings.Repeat("x", 70000)
			}

			for k, v := range objects {
				got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket,
					Key: aws.String(k)})
				must(t, "GetObject "+k, err)
				body, _ := io.ReadAll(got.Body)
				got.Body.Close()
				if string(body) != v {
					t.Errorf("GetObject %s = %q, want %q", k, shorten(body), shorten([]byte(v)))
				}
				if got.ServerSideEncryption != s3types.ServerSideEncryptionAes256 {
					t.Errorf("GetObject %s encryption = %q, want AES256 (the default)", k,
						got.ServerSideEncryption)
				}
			}
			head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket,
				Key: aws.String("a.txt")})
			must(t, "HeadObject", err)
			if aws.ToInt64(head.ContentLength) != 5 || head.Metadata["owner"] != "lab" ||
				aws.ToString(head.ContentType) != "text/plain" {
				t.Errorf("HeadObject = length %d metadata %v type %q, want 5 map[owner:lab] "+
					"text/plain", aws.ToInt64(head.ContentLength), head.Metadata,
					aws.ToString(head.ContentType))
			}

			list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket,
				Prefix: aws.String("dir/"), Delimiter: aws.String("/")})
			must(t, "ListObjectsV2", err)
			var keys, prefixes []string
			for _, o := range list.Contents {
				keys = append(keys, aws.ToString(o.Key))
			}
			for _, p := range list.CommonPrefixes {
				prefixes = append(prefixes, aws.ToString(p.Prefix))
			}
			if d := cmp.Diff([]string{"dir/b.txt"}, keys); d != "" {
				t.Errorf("ListObjectsV2 keys (-want +got):\n%s", d)
			}
			if d := cmp.Diff([]string{"dir/sub/"}, prefixes); d != "" {
				t.Errorf("ListObjectsV2 prefixes (-want +got):\n%s", d)
			}

			var all []string
			p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: &bucket,
				MaxKeys: aws.Int32(2)})
			for p.HasMorePages() {
				pg, err := p.NextPage(ctx)
				must(t, "ListObjectsV2 page", err)
				for _, o := range pg.Contents {
					all = append(all, aws.ToString(o.Key))
				}
			}
			var want []string
			for k := range objects {
				want = append(want, k)
			}
			sort.Strings(want)
			if d := cmp.Diff(want, all); d != "" {
				t.Errorf("paginated ListObjectsV2 (-want +got):\n%s", d)
			}

			for k := range objects {
				_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket,
					Key: aws.String(k)})
				must(t, "DeleteObject", err)
			}
			_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket,
				Key: aws.String("a.txt")})
			wantCode(t, "GetObject after delete", err, "NoSuchKey")
			_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &bucket})
			must(t, "DeleteBucket", err)
			_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bucket})
			wantCode(t, "HeadBucket after delete", err, "NotFound")
		})
	}
}

func shorten(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}

func TestSDKBucketConfiguration(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	c := s3Client(srv, acct.Learner, clientOpts{secure: true})
	bucket := "config-" + acct.ID
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	must(t, "CreateBucket", err)

	// New buckets start as AWS creates them: Block Public Access on, SSE-S3, no policy.
	pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: &bucket})
	must(t, "GetPublicAccessBlock", err)
	if !aws.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicPolicy) {
		t.Errorf("new bucket BlockPublicPolicy = false, want true")
	}
	_, err = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &bucket})
	wantCode(t, "GetBucketPolicy on new bucket", err, "NoSuchBucketPolicy")
	_, err = c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: &bucket})
	wantCode(t, "GetBucketPolicyStatus on new bucket", err, "NoSuchBucketPolicy")

	_, err = c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: &bucket})
	must(t, "DeletePublicAccessBlock", err)
	_, err = c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: &bucket})
	wantCode(t, "GetPublicAccessBlock after delete", err, "NoSuchPublicAccessBlockConfiguration")
	_, err = c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: &bucket,
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}})
	must(t, "PutPublicAccessBlock", err)
	pab, err = c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: &bucket})
	must(t, "GetPublicAccessBlock", err)
	got := pab.PublicAccessBlockConfiguration
	if !aws.ToBool(got.BlockPublicAcls) || aws.ToBool(got.IgnorePublicAcls) ||
		aws.ToBool(got.BlockPublicPolicy) || !aws.ToBool(got.RestrictPublicBuckets) {
		t.Errorf("GetPublicAccessBlock = %+v, want only BlockPublicAcls and "+
			"RestrictPublicBuckets", got)
	}

	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"TLSOnly","Effect":"Deny",` +
		`"Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::` + bucket + `",` +
		`"arn:aws:s3:::` + bucket + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &bucket, Policy: &policy})
	must(t, "PutBucketPolicy", err)
	gp, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &bucket})
	must(t, "GetBucketPolicy", err)
	if aws.ToString(gp.Policy) != policy {
		t.Errorf("GetBucketPolicy = %s, want the policy as put", aws.ToString(gp.Policy))
	}
	st, err := c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: &bucket})
	must(t, "GetBucketPolicyStatus", err)
	if aws.ToBool(st.PolicyStatus.IsPublic) {
		t.Errorf("a deny-only policy is reported public")
	}
	_, err = c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: &bucket})
	must(t, "DeleteBucketPolicy", err)
	_, err = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &bucket})
	wantCode(t, "GetBucketPolicy after delete", err, "NoSuchBucketPolicy")

	kc := kmsClient(srv, acct.Learner, true)
	key, err := kc.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("bucket key")})
	must(t, "CreateKey", err)
	keyARN := aws.ToString(key.KeyMetadata.Arn)
	enc, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: &bucket})
	must(t, "GetBucketEncryption default", err)
	def := enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault
	if a := def.SSEAlgorithm; a != s3types.ServerSideEncryptionAes256 {
		t.Errorf("default encryption = %q, want AES256", a)
	}
	_, err = c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: &bucket,
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
			Rules: []s3types.ServerSideEncryptionRule{{
				ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{
					SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: &keyARN},
				BucketKeyEnabled: aws.Bool(true)}}}})
	must(t, "PutBucketEncryption", err)
	enc, err = c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: &bucket})
	must(t, "GetBucketEncryption", err)
	rule := enc.ServerSideEncryptionConfiguration.Rules[0]
	def = rule.ApplyServerSideEncryptionByDefault
	if def.SSEAlgorithm != s3types.ServerSideEncryptionAwsKms ||
		aws.ToString(def.KMSMasterKeyID) != keyARN ||
		!aws.ToBool(rule.BucketKeyEnabled) {
		t.Errorf("GetBucketEncryption = %+v, want aws:kms with %s and a bucket key",
			rule.ApplyServerSideEncryptionByDefault, keyARN)
	}
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("k"),
		Body: strings.NewReader("secret")})
	must(t, "PutObject", err)
	if put.ServerSideEncryption != s3types.ServerSideEncryptionAwsKms ||
		aws.ToString(put.SSEKMSKeyId) != keyARN {
		t.Errorf("PutObject encryption = %q %q, want aws:kms %s", put.ServerSideEncryption,
			aws.ToString(put.SSEKMSKeyId), keyARN)
	}
	_, err = c.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: &bucket})
	must(t, "DeleteBucketEncryption", err)
	_, err = c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: &bucket})
	wantCode(t, "GetBucketEncryption after delete", err,
		"ServerSideEncryptionConfigurationNotFoundError")

	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &bucket})
	wantCode(t, "DeleteBucket with an object", err, "BucketNotEmpty")
}

func TestSDKS3Control(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	for _, secure := range []bool{false, true} {
		t.Run(fmt.Sprintf("secure=%v", secure), func(t *testing.T) {
			c := s3ControlClient(srv, acct.Learner, secure)
			_, err := c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{
				AccountId: &acct.ID})
			wantCode(t, "GetPublicAccessBlock before put", err,
				"NoSuchPublicAccessBlockConfiguration")
			all := &s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true),
				IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true),
				RestrictPublicBuckets: aws.Bool(true)}
			_, err = c.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{
				AccountId: &acct.ID, PublicAccessBlockConfiguration: all})
			must(t, "PutPublicAccessBlock", err)
			got, err := c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{
				AccountId: &acct.ID})
			must(t, "GetPublicAccessBlock", err)
			if d := cmp.Diff(all, got.PublicAccessBlockConfiguration,
				cmp.Comparer(func(a, b *bool) bool { return aws.ToBool(a) == aws.ToBool(b) }),
				cmp.AllowUnexported(s3ctypes.PublicAccessBlockConfiguration{})); d != "" {
				t.Errorf("GetPublicAccessBlock (-want +got):\n%s", d)
			}
			_, err = c.DeletePublicAccessBlock(ctx, &s3control.DeletePublicAccessBlockInput{
				AccountId: &acct.ID})
			must(t, "DeletePublicAccessBlock", err)
			_, err = c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{
				AccountId: &acct.ID})
			wantCode(t, "GetPublicAccessBlock after delete", err,
				"NoSuchPublicAccessBlockConfiguration")
		})
	}
}
