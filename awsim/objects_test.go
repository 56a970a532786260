package awsim_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

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

func TestListObjectsV1(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	c := s3Client(srv, acct.Learner, clientOpts{})
	bucket := "v1-" + acct.ID
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	must(t, "CreateBucket", err)
	for _, k := range []string{"a", "b/1", "b/2", "c"} {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(k),
			Body: strings.NewReader(k)})
		must(t, "PutObject", err)
	}
	var keys []string
	marker := ""
	for {
		out, err := c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: &bucket,
			MaxKeys: aws.Int32(1), Marker: aws.String(marker)})
		must(t, "ListObjects", err)
		for _, o := range out.Contents {
			keys = append(keys, aws.ToString(o.Key))
			marker = aws.ToString(o.Key)
		}
		if !aws.ToBool(out.IsTruncated) {
			break
		}
	}
	if strings.Join(keys, ",") != "a,b/1,b/2,c" {
		t.Errorf("ListObjects pages = %v, want a,b/1,b/2,c", keys)
	}
	out, err := c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: &bucket,
		Delimiter: aws.String("/")})
	must(t, "ListObjects with a delimiter", err)
	if len(out.CommonPrefixes) != 1 || aws.ToString(out.CommonPrefixes[0].Prefix) != "b/" ||
		len(out.Contents) != 2 {
		t.Errorf("ListObjects with a delimiter = %d keys and prefixes %v, want a, c and b/",
			len(out.Contents), out.CommonPrefixes)
	}
}

func TestGetBucketLocation(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	c := s3Client(srv, acct.Learner, clientOpts{})
	for _, region := range []string{"", "eu-west-1"} {
		bucket := fmt.Sprintf("where-%s-%s", strings.ReplaceAll(region+"x", "-", ""), acct.ID)
		in := &s3.CreateBucketInput{Bucket: &bucket}
		if region != "" {
			in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{
				LocationConstraint: s3types.BucketLocationConstraint(region)}
		}
		_, err := c.CreateBucket(ctx, in)
		must(t, "CreateBucket", err)
		out, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: &bucket})
		must(t, "GetBucketLocation", err)
		if string(out.LocationConstraint) != region {
			t.Errorf("GetBucketLocation = %q, want %q", out.LocationConstraint, region)
		}
	}
}

func TestBucketACLsAreDisabled(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	c := s3Client(srv, acct.Learner, clientOpts{})
	bucket := "acl-" + acct.ID
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	must(t, "CreateBucket", err)
	acl, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: &bucket})
	must(t, "GetBucketAcl", err)
	if len(acl.Grants) != 1 || acl.Grants[0].Permission != s3types.PermissionFullControl ||
		acl.Grants[0].Grantee.Type != s3types.TypeCanonicalUser ||
		aws.ToString(acl.Grants[0].Grantee.ID) != aws.ToString(acl.Owner.ID) {
		t.Errorf("GetBucketAcl = %+v, want the owner's full control only", acl.Grants)
	}
	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: &bucket,
		ACL: s3types.BucketCannedACLPublicRead})
	wantCode(t, "PutBucketAcl public-read", err, "AccessControlListNotSupported")
	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: &bucket,
		AccessControlPolicy: &s3types.AccessControlPolicy{Owner: acl.Owner,
			Grants: []s3types.Grant{{Permission: s3types.PermissionRead,
				Grantee: &s3types.Grantee{Type: s3types.TypeGroup,
					URI: aws.String("http://acs.amazonaws.com/groups/global/AllUsers")}}}}})
	wantCode(t, "PutBucketAcl granting AllUsers", err, "AccessControlListNotSupported")
	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: &bucket,
		AccessControlPolicy: &s3types.AccessControlPolicy{Owner: acl.Owner,
			Grants: acl.Grants}})
	must(t, "PutBucketAcl with the owner's grant", err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("k"),
		ACL: s3types.ObjectCannedACLPublicRead, Body: strings.NewReader("x")})
	wantCode(t, "PutObject with a public-read ACL", err, "AccessControlListNotSupported")
	oc, err := c.GetBucketOwnershipControls(ctx,
		&s3.GetBucketOwnershipControlsInput{Bucket: &bucket})
	must(t, "GetBucketOwnershipControls", err)
	if r := oc.OwnershipControls.Rules; len(r) != 1 ||
		r[0].ObjectOwnership != s3types.ObjectOwnershipBucketOwnerEnforced {
		t.Errorf("GetBucketOwnershipControls = %+v, want BucketOwnerEnforced", r)
	}
}

func TestConditionalGet(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	c := s3Client(srv, acct.Learner, clientOpts{})
	bucket := "cond-" + acct.ID
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	must(t, "CreateBucket", err)
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("k"),
		Body: strings.NewReader("v1")})
	must(t, "PutObject", err)
	status := func(err error) int {
		var re *awshttp.ResponseError
		if errors.As(err, &re) {
			return re.HTTPStatusCode()
		}
		return 0
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("k"),
		IfNoneMatch: put.ETag})
	if status(err) != 304 {
		t.Errorf("GetObject If-None-Match the current ETag = %v, want 304", err)
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("k"),
		IfMatch: aws.String(`"0123"`)})
	wantCode(t, "GetObject If-Match another ETag", err, "PreconditionFailed")
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("k"),
		IfMatch: put.ETag, IfNoneMatch: aws.String(`"0123"`)})
	must(t, "GetObject with conditions that hold", err)
	body, _ := io.ReadAll(out.Body)
	if string(body) != "v1" {
		t.Errorf("GetObject = %q, want v1", body)
	}
}

// TestChecksumMode: with checksum mode on (the SDK's default), GetObject returns the
// object's CRC-32, which the SDK verifies against the body it received.
func TestChecksumMode(t *testing.T) {
	srv := startServer(t, "")
	acct := newAccount(t, srv)
	c := s3Client(srv, acct.Learner, clientOpts{})
	bucket := "crc-" + acct.ID
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	must(t, "CreateBucket", err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("k"),
		Body: strings.NewReader("hello")})
	must(t, "PutObject", err)
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("k"),
		ChecksumMode: s3types.ChecksumModeEnabled})
	must(t, "GetObject", err)
	body, err := io.ReadAll(out.Body)
	must(t, "read body", err)
	// CRC-32 (IEEE) of "hello" is 0x3610a686.
	if string(body) != "hello" || aws.ToString(out.ChecksumCRC32) != "NhCmhg==" {
		t.Errorf("GetObject = %q with CRC32 %q, want hello with NhCmhg==", body,
			aws.ToString(out.ChecksumCRC32))
	}
}

func TestPresignedMalformed(t *testing.T) {
	srv := startServer(t, "")
	resp, err := httpClient(srv, false).Get(srv.HTTPSEndpoint() + "/b/k?X-Amz-Algorithm=" +
		"AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F20261203%2Fus-east-1%2Fs3%2Faws4_request")
	must(t, "GET", err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || !strings.Contains(string(body),
		"<Code>AuthorizationQueryParametersError</Code>") ||
		!strings.Contains(string(body), "X-Amz-Date") {
		t.Errorf("incomplete presigned URL = %d %s, want 400 "+
			"AuthorizationQueryParametersError naming X-Amz-Date", resp.StatusCode, body)
	}
}
