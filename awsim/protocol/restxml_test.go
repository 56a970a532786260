package protocol_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor/awsim/models"
	"github.com/proctorlabs/proctor/awsim/protocol"
)

var (
	_ protocol.Codec = (*protocol.RestXML)(nil)
	_ protocol.Codec = (*protocol.JSON)(nil)
	_ protocol.Codec = (*protocol.Query)(nil)
)

func load(t testing.TB, name string) *models.Service {
	t.Helper()
	svc, err := models.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func s3Codec(t testing.TB) *protocol.RestXML {
	return protocol.NewRestXML(load(t, "s3"), "http://s3.amazonaws.com/doc/2006-03-01/", false,
		map[string]string{"ListObjectsV2": "ListBucketResult"})
}

// TestRestXMLRoute checks routing against the S3 API reference's request syntax.
func TestRestXMLRoute(t *testing.T) {
	c := s3Codec(t)
	tests := []struct{ method, target, want string }{
		{"GET", "/", "ListBuckets"},
		{"PUT", "/b", "CreateBucket"},
		{"HEAD", "/b", "HeadBucket"},
		{"DELETE", "/b", "DeleteBucket"},
		{"PUT", "/b?policy", "PutBucketPolicy"},
		{"GET", "/b?policy=", "GetBucketPolicy"},
		{"DELETE", "/b?policy", "DeleteBucketPolicy"},
		{"GET", "/b?policyStatus", "GetBucketPolicyStatus"},
		{"PUT", "/b?publicAccessBlock=", "PutPublicAccessBlock"},
		{"GET", "/b?encryption", "GetBucketEncryption"},
		{"DELETE", "/b?encryption", "DeleteBucketEncryption"},
		{"GET", "/b?list-type=2&prefix=a", "ListObjectsV2"},
		{"GET", "/b/?list-type=2", "ListObjectsV2"},
		{"PUT", "/b/k?x-id=PutObject", "PutObject"},
		{"GET", "/b/dir/sub/k.txt", "GetObject"},
		{"HEAD", "/b/k", "HeadObject"},
		{"DELETE", "/b/k", "DeleteObject"},
		{"POST", "/b/k?uploads", "CreateMultipartUpload"},
		{"PUT", "/b/k?partNumber=1&uploadId=u", "UploadPart"},
		{"PUT", "/b/k?uploadId=u", "PutObject"},
		{"POST", "/b/k?uploadId=u", "CompleteMultipartUpload"},
		{"DELETE", "/b/k?uploadId=u", "AbortMultipartUpload"},
		{"GET", "/b?acl", "GetBucketAcl"},
		{"GET", "/b?cors", ""},
		{"PUT", "/b/k?tagging", ""},
		{"GET", "/b", "ListObjects"},
		{"POST", "/b", ""},
		{"GET", "/b?list-type=1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, nil)
			op, err := c.Route(r, r.URL.EscapedPath(), nil)
			got := ""
			if op != nil {
				got = op.Name
			}
			if got != tt.want {
				t.Errorf("Route = %q (%v), want %q", got, err, tt.want)
			}
			if tt.want == "" && err == nil {
				t.Errorf("Route of an unknown operation returned no error")
			}
		})
	}
}

func TestRestXMLDecode(t *testing.T) {
	c := s3Codec(t)
	r := httptest.NewRequest("PUT", "/my-bucket/a%20b/c%2Bd.txt", strings.NewReader("data"))
	r.Header.Set("Content-Type", "text/plain")
	r.Header.Set("X-Amz-Meta-Owner", "lab")
	r.Header.Set("x-amz-server-side-encryption", "aws:kms")
	r.Header.Set("Content-Length", "4")
	path := r.URL.EscapedPath()
	op, err := c.Route(r, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	in, err := c.Decode(op, r, path, []byte("data"))
	if err != nil {
		t.Fatal(err)
	}
	want := protocol.Params{
		"Bucket": "my-bucket", "Key": "a b/c+d.txt", "ContentType": "text/plain",
		"Metadata": map[string]any{"owner": "lab"}, "ServerSideEncryption": "aws:kms",
		"ContentLength": int64(4), "Body": []byte("data"),
	}
	if d := cmp.Diff(want, in); d != "" {
		t.Errorf("Decode (-want +got):\n%s", d)
	}

	body := `<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
		`<BlockPublicAcls>true</BlockPublicAcls><RestrictPublicBuckets>false` +
		`</RestrictPublicBuckets></PublicAccessBlockConfiguration>`
	r = httptest.NewRequest("PUT", "/b?publicAccessBlock", strings.NewReader(body))
	op, _ = c.Route(r, "/b", nil)
	in, err = c.Decode(op, r, "/b", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want = protocol.Params{"Bucket": "b", "PublicAccessBlockConfiguration": protocol.Params{
		"BlockPublicAcls": true, "RestrictPublicBuckets": false}}
	if d := cmp.Diff(want, in); d != "" {
		t.Errorf("Decode XML payload (-want +got):\n%s", d)
	}
}

func TestRestXMLDecodeErrors(t *testing.T) {
	c := s3Codec(t)
	tests := []struct{ name, target, body, code, message string }{
		{"not XML", "/b?publicAccessBlock", "<Public", "MalformedXML", ""},
		{"wrong root", "/b?publicAccessBlock", "<X/>", "MalformedXML",
			"PublicAccessBlockConfiguration"},
		{"bad boolean", "/b?publicAccessBlock", "<PublicAccessBlockConfiguration>" +
			"<BlockPublicAcls>yes</BlockPublicAcls></PublicAccessBlockConfiguration>",
			"MalformedXML", "BlockPublicAcls"},
		{"missing payload", "/b?publicAccessBlock", "", "MalformedXML", ""},
		{"bad enum", "/b?encryption", "<ServerSideEncryptionConfiguration><Rule>" +
			"<ApplyServerSideEncryptionByDefault><SSEAlgorithm>DES</SSEAlgorithm>" +
			"</ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>",
			"MalformedXML", "DES"},
		{"deep nesting", "/b?publicAccessBlock", "<PublicAccessBlockConfiguration>" +
			strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100) +
			"</PublicAccessBlockConfiguration>", "MalformedXML", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("PUT", tt.target, strings.NewReader(tt.body))
			op, err := c.Route(r, "/b", nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Decode(op, r, "/b", []byte(tt.body))
			pe, ok := err.(*protocol.Error)
			if !ok || pe.Code != tt.code || !strings.Contains(pe.Message, tt.message) {
				t.Errorf("Decode = %v, want %s mentioning %q", err, tt.code, tt.message)
			}
		})
	}
}

func TestRestXMLWriteOutput(t *testing.T) {
	c := s3Codec(t)
	svc := load(t, "s3")
	modified := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		op     string
		method string
		out    protocol.Params
		status int
		body   string
		header map[string]string
	}{
		{op: "GetBucketPolicyStatus", method: "GET",
			out:    protocol.Params{"PolicyStatus": protocol.Params{"IsPublic": true}},
			status: 200,
			body: `<PolicyStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
				`<IsPublic>true</IsPublic></PolicyStatus>`},
		{op: "GetBucketPolicy", method: "GET", out: protocol.Params{"Policy": `{"a":1}`},
			status: 200, body: `{"a":1}`},
		{op: "ListObjectsV2", method: "GET", status: 200,
			out: protocol.Params{"Name": "b", "KeyCount": int64(2), "Contents": []protocol.Params{
				{"Key": "x", "Size": int64(1), "LastModified": modified},
				{"Key": "y", "Size": int64(2)}}},
			body: `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
				`<Contents><Key>x</Key><LastModified>2026-12-03T10:00:00.000Z</LastModified>` +
				`<Size>1</Size></Contents><Contents><Key>y</Key><Size>2</Size></Contents>` +
				`<Name>b</Name><KeyCount>2</KeyCount></ListBucketResult>`},
		{op: "DeleteObject", method: "DELETE", out: protocol.Params{}, status: 204},
		{op: "HeadObject", method: "HEAD", status: 200,
			out: protocol.Params{"ContentLength": int64(9), "LastModified": modified,
				"Metadata": map[string]any{"owner": "lab"}},
			header: map[string]string{"Content-Length": "9", "X-Amz-Meta-Owner": "lab",
				"Last-Modified": "Thu, 03 Dec 2026 10:00:00 GMT"}},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			w := httptest.NewRecorder()
			r := httptest.NewRequest(tt.method, "/b", nil)
			c.WriteOutput(w, r, svc.Operations[tt.op], tt.out, "REQ1")
			body := strings.TrimPrefix(w.Body.String(),
				`<?xml version="1.0" encoding="UTF-8"?>`+"\n")
			if w.Code != tt.status || body != tt.body {
				t.Errorf("WriteOutput = %d %s\nwant %d %s", w.Code, body, tt.status, tt.body)
			}
			for k, v := range tt.header {
				if got := w.Header().Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestRestXMLWriteError(t *testing.T) {
	e := &protocol.Error{Code: "NoSuchBucket", Message: "gone", Status: 404,
		Fields: map[string]string{"BucketName": "b"}}
	tests := []struct {
		name   string
		wrap   bool
		method string
		want   string
	}{
		{"s3", false, "GET", `<Error><Code>NoSuchBucket</Code><Message>gone</Message>` +
			`<BucketName>b</BucketName><RequestId>R</RequestId><HostId>awsim/R</HostId></Error>`},
		{"s3control", true, "GET", `<ErrorResponse><Error><Code>NoSuchBucket</Code>` +
			`<Message>gone</Message><BucketName>b</BucketName></Error><RequestId>R</RequestId>` +
			`<HostId>awsim/R</HostId></ErrorResponse>`},
		{"head", false, "HEAD", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := protocol.NewRestXML(load(t, "s3"), "", tt.wrap, nil)
			w := httptest.NewRecorder()
			c.WriteError(w, httptest.NewRequest(tt.method, "/", nil), e, "R")
			got := strings.TrimPrefix(w.Body.String(),
				`<?xml version="1.0" encoding="UTF-8"?>`+"\n")
			if w.Code != http.StatusNotFound || got != tt.want {
				t.Errorf("WriteError = %d %s\nwant 404 %s", w.Code, got, tt.want)
			}
		})
	}
}
