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
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
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

func TestSDKSTSAndKMS(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	for _, secure := range []bool{false, true} {
		t.Run(fmt.Sprintf("secure=%v", secure), func(t *testing.T) {
			id, err := stsClient(srv, acct.Learner, secure).GetCallerIdentity(ctx,
				&sts.GetCallerIdentityInput{})
			must(t, "GetCallerIdentity", err)
			wantARN := "arn:aws:sts::" + acct.ID + ":assumed-role/ProctorLearner/learner"
			if aws.ToString(id.Account) != acct.ID || aws.ToString(id.Arn) != wantARN {
				t.Errorf("GetCallerIdentity = %s %s, want %s %s", aws.ToString(id.Account),
					aws.ToString(id.Arn), acct.ID, wantARN)
			}
			gid, err := stsClient(srv, acct.Grader, secure).GetCallerIdentity(ctx,
				&sts.GetCallerIdentityInput{})
			must(t, "GetCallerIdentity grader", err)
			if !strings.Contains(aws.ToString(gid.Arn), ":assumed-role/ProctorGrader/") {
				t.Errorf("grader identity = %s, want the ProctorGrader role",
					aws.ToString(gid.Arn))
			}

			kc := kmsClient(srv, acct.Learner, secure)
			key, err := kc.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("app")})
			must(t, "CreateKey", err)
			md := key.KeyMetadata
			arnPrefix := "arn:aws:kms:us-east-1:" + acct.ID + ":key/"
			if md.KeySpec != kmstypes.KeySpecSymmetricDefault ||
				md.KeyState != kmstypes.KeyStateEnabled ||
				!strings.HasPrefix(aws.ToString(md.Arn), arnPrefix) {
				t.Errorf("CreateKey metadata = %s %s %s", md.KeySpec, md.KeyState,
					aws.ToString(md.Arn))
			}
			alias := fmt.Sprintf("alias/app-%v", secure)
			_, err = kc.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: &alias,
				TargetKeyId: md.KeyId})
			must(t, "CreateAlias", err)
			_, err = kc.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: &alias,
				TargetKeyId: md.KeyId})
			wantCode(t, "CreateAlias twice", err, "AlreadyExistsException")
			d, err := kc.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &alias})
			must(t, "DescribeKey by alias", err)
			if aws.ToString(d.KeyMetadata.KeyId) != aws.ToString(md.KeyId) {
				t.Errorf("DescribeKey(alias) = %s, want %s", aws.ToString(d.KeyMetadata.KeyId),
					aws.ToString(md.KeyId))
			}
			_, err = kc.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/none")})
			wantCode(t, "DescribeKey missing alias", err, "NotFoundException")

			keys, err := kc.ListKeys(ctx, &kms.ListKeysInput{})
			must(t, "ListKeys", err)
			listed := false
			for _, k := range keys.Keys {
				listed = listed || aws.ToString(k.KeyArn) == aws.ToString(md.Arn)
			}
			if !listed {
				t.Errorf("ListKeys does not list %s", aws.ToString(md.Arn))
			}
			al, err := kc.ListAliases(ctx, &kms.ListAliasesInput{KeyId: md.KeyId})
			must(t, "ListAliases", err)
			if len(al.Aliases) != 1 || aws.ToString(al.Aliases[0].AliasName) != alias {
				t.Errorf("ListAliases = %+v, want just %s", al.Aliases, alias)
			}

			rs, err := kc.GetKeyRotationStatus(ctx,
				&kms.GetKeyRotationStatusInput{KeyId: md.KeyId})
			must(t, "GetKeyRotationStatus", err)
			if rs.KeyRotationEnabled {
				t.Errorf("a new key has rotation enabled")
			}
			_, err = kc.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: md.KeyId})
			must(t, "EnableKeyRotation", err)
			rs, err = kc.GetKeyRotationStatus(ctx,
				&kms.GetKeyRotationStatusInput{KeyId: md.KeyId})
			must(t, "GetKeyRotationStatus", err)
			if !rs.KeyRotationEnabled {
				t.Errorf("rotation not enabled after EnableKeyRotation")
			}

			ec := map[string]string{"purpose": "test"}
			ct, err := kc.Encrypt(ctx, &kms.EncryptInput{KeyId: &alias,
				Plaintext: []byte("attack at dawn"), EncryptionContext: ec})
			must(t, "Encrypt", err)
			if bytes.Contains(ct.CiphertextBlob, []byte("attack at dawn")) {
				t.Errorf("ciphertext contains the plaintext")
			}
			pt, err := kc.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: ct.CiphertextBlob,
				EncryptionContext: ec})
			must(t, "Decrypt", err)
			if string(pt.Plaintext) != "attack at dawn" {
				t.Errorf("Decrypt = %q, want %q", pt.Plaintext, "attack at dawn")
			}
			_, err = kc.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: ct.CiphertextBlob})
			wantCode(t, "Decrypt without the context", err, "InvalidCiphertextException")

			asym, err := kc.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecRsa2048,
				KeyUsage: kmstypes.KeyUsageTypeSignVerify})
			must(t, "CreateKey RSA", err)
			_, err = kc.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{
				KeyId: asym.KeyMetadata.KeyId})
			wantCode(t, "GetKeyRotationStatus asymmetric", err, "UnsupportedOperationException")
			_, err = kc.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("bad name"),
				TargetKeyId: md.KeyId})
			wantCode(t, "CreateAlias bad name", err, "ValidationException")
		})
	}
}

func TestPresignedGetObject(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	c := s3Client(srv, acct.Learner, clientOpts{secure: true})
	bucket := "presign-" + acct.ID
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	must(t, "CreateBucket", err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("a b.txt"),
		Body: strings.NewReader("shared")})
	must(t, "PutObject", err)
	req, err := s3.NewPresignClient(c).PresignGetObject(ctx, &s3.GetObjectInput{
		Bucket: &bucket, Key: aws.String("a b.txt")})
	must(t, "PresignGetObject", err)

	get := func(url string) (int, string) {
		resp, err := httpClient(srv, false).Get(url)
		must(t, "GET", err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(req.URL); code != 200 || body != "shared" {
		t.Errorf("presigned GET = %d %q, want 200 %q", code, body, "shared")
	}
	tampered := strings.Replace(req.URL, "a%20b.txt", "other.txt", 1)
	if code, body := get(tampered); code != 403 || !strings.Contains(body,
		"SignatureDoesNotMatch") {
		t.Errorf("presigned GET of another key = %d %s, want 403 SignatureDoesNotMatch",
			code, body)
	}
}

func TestKMSKeyPolicy(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	kc := kmsClient(srv, acct.Learner, true)
	key, err := kc.CreateKey(ctx, &kms.CreateKeyInput{})
	must(t, "CreateKey", err)
	id := key.KeyMetadata.KeyId
	got, err := kc.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: id,
		PolicyName: aws.String("default")})
	must(t, "GetKeyPolicy", err)
	if !strings.Contains(aws.ToString(got.Policy), "arn:aws:iam::"+acct.ID+":root") {
		t.Errorf("default key policy %s does not delegate to the account",
			aws.ToString(got.Policy))
	}

	// A policy that names no principal of the account would lock everyone out.
	lockout := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
		`"Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`
	_, err = kc.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: id,
		PolicyName: aws.String("default"), Policy: &lockout})
	wantCode(t, "PutKeyPolicy that locks the caller out", err, "MalformedPolicyDocumentException")

	// Deny the grader's role explicitly; the learner keeps access through the account.
	deny := `{"Version":"2012-10-17","Statement":[{"Sid":"Account","Effect":"Allow",` +
		`"Principal":{"AWS":"arn:aws:iam::` + acct.ID + `:root"},"Action":"kms:*",` +
		`"Resource":"*"},{"Sid":"NoGrader","Effect":"Deny","Principal":{"AWS":` +
		`"arn:aws:iam::` + acct.ID + `:role/ProctorGrader"},"Action":"kms:*","Resource":"*"}]}`
	_, err = kc.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: id,
		PolicyName: aws.String("default"), Policy: &deny})
	must(t, "PutKeyPolicy", err)
	_, err = kmsClient(srv, acct.Grader, true).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: id})
	wantCode(t, "grader DescribeKey under a deny", err, "AccessDeniedException")
	_, err = kc.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: id})
	must(t, "learner DescribeKey", err)

	// Without the account statement the role's identity policy no longer counts.
	only := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":` +
		`"arn:aws:iam::` + acct.ID + `:role/ProctorLearner"},"Action":["kms:PutKeyPolicy",` +
		`"kms:GetKeyPolicy"],"Resource":"*"}]}`
	_, err = kc.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: id,
		PolicyName: aws.String("default"), Policy: &only})
	must(t, "PutKeyPolicy naming the role", err)
	_, err = kc.Encrypt(ctx, &kms.EncryptInput{KeyId: id, Plaintext: []byte("x")})
	wantCode(t, "Encrypt not granted by the key policy", err, "AccessDeniedException")

	_, err = kc.DisableKey(ctx, &kms.DisableKeyInput{KeyId: id})
	wantCode(t, "DisableKey not granted by the key policy", err, "AccessDeniedException")
	other, err := kc.CreateKey(ctx, &kms.CreateKeyInput{})
	must(t, "CreateKey", err)
	_, err = kc.DisableKey(ctx, &kms.DisableKeyInput{KeyId: other.KeyMetadata.KeyId})
	must(t, "DisableKey", err)
	_, err = kc.Encrypt(ctx, &kms.EncryptInput{KeyId: other.KeyMetadata.KeyId,
		Plaintext: []byte("x")})
	wantCode(t, "Encrypt with a disabled key", err, "DisabledException")
	_, err = kc.EnableKey(ctx, &kms.EnableKeyInput{KeyId: other.KeyMetadata.KeyId})
	must(t, "EnableKey", err)
}

func TestRangeGet(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	c := s3Client(srv, acct.Learner, clientOpts{})
	bucket := "ranges-" + acct.ID
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	must(t, "CreateBucket", err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("k"),
		Body: strings.NewReader("0123456789")})
	must(t, "PutObject", err)
	tests := []struct{ rng, want, contentRange string }{
		{"bytes=0-3", "0123", "bytes 0-3/10"},
		{"bytes=7-", "789", "bytes 7-9/10"},
		{"bytes=-2", "89", "bytes 8-9/10"},
		{"bytes=5-100", "56789", "bytes 5-9/10"},
		{"bytes=0-1,4-5", "0123456789", ""},
	}
	for _, tt := range tests {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("k"),
			Range: aws.String(tt.rng)})
		must(t, "GetObject "+tt.rng, err)
		body, _ := io.ReadAll(out.Body)
		if string(body) != tt.want || aws.ToString(out.ContentRange) != tt.contentRange {
			t.Errorf("Range %s = %q %q, want %q %q", tt.rng, body,
				aws.ToString(out.ContentRange), tt.want, tt.contentRange)
		}
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("k"),
		Range: aws.String("bytes=20-30")})
	wantCode(t, "GetObject beyond the end", err, "InvalidRange")
}

func TestMultipartUpload(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	c := s3Client(srv, acct.Learner, clientOpts{secure: true})
	bucket := "multipart-" + acct.ID
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	must(t, "CreateBucket", err)
	key := aws.String("big.bin")
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &bucket,
		Key: key, ContentType: aws.String("application/x-test")})
	must(t, "CreateMultipartUpload", err)
	first := bytes.Repeat([]byte("a"), 5<<20)
	second := []byte("tail")
	var parts []s3types.CompletedPart
	for i, data := range [][]byte{first, second} {
		p, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: &bucket, Key: key,
			UploadId: up.UploadId, PartNumber: aws.Int32(int32(i + 1)),
			Body: bytes.NewReader(data)})
		must(t, "UploadPart", err)
		parts = append(parts, s3types.CompletedPart{ETag: p.ETag,
			PartNumber: aws.Int32(int32(i + 1))})
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &bucket,
		Key: key, UploadId: up.UploadId, MultipartUpload: &s3types.CompletedMultipartUpload{
			Parts: []s3types.CompletedPart{parts[1], parts[0]}}})
	wantCode(t, "CompleteMultipartUpload out of order", err, "InvalidPartOrder")
	done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &bucket,
		Key: key, UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts}})
	must(t, "CompleteMultipartUpload", err)
	if !strings.HasSuffix(aws.ToString(done.ETag), `-2"`) {
		t.Errorf("multipart ETag = %s, want the -2 suffix of a two-part upload",
			aws.ToString(done.ETag))
	}
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: key})
	must(t, "GetObject", err)
	body, _ := io.ReadAll(got.Body)
	if !bytes.Equal(body, append(append([]byte(nil), first...), second...)) ||
		aws.ToString(got.ContentType) != "application/x-test" {
		t.Errorf("assembled object: %d bytes of type %q, want %d of application/x-test",
			len(body), aws.ToString(got.ContentType), len(first)+len(second))
	}
	_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: &bucket, Key: key,
		UploadId: up.UploadId, PartNumber: aws.Int32(3), Body: strings.NewReader("x")})
	wantCode(t, "UploadPart after completion", err, "NoSuchUpload")

	small, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &bucket,
		Key: aws.String("small")})
	must(t, "CreateMultipartUpload", err)
	var smallParts []s3types.CompletedPart
	for i := range 2 {
		p, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: &bucket, Key: aws.String("small"),
			UploadId: small.UploadId, PartNumber: aws.Int32(int32(i + 1)),
			Body: strings.NewReader("tiny")})
		must(t, "UploadPart", err)
		smallParts = append(smallParts, s3types.CompletedPart{ETag: p.ETag,
			PartNumber: aws.Int32(int32(i + 1))})
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &bucket,
		Key: aws.String("small"), UploadId: small.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: smallParts}})
	wantCode(t, "CompleteMultipartUpload with a small first part", err, "EntityTooSmall")
	_, err = c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &bucket,
		Key: aws.String("small"), UploadId: small.UploadId})
	must(t, "AbortMultipartUpload", err)
	_, err = c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &bucket,
		Key: aws.String("small"), UploadId: small.UploadId})
	wantCode(t, "AbortMultipartUpload twice", err, "NoSuchUpload")
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("small")})
	wantCode(t, "HeadObject of an aborted upload", err, "NotFound")
}
