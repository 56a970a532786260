package sigv4_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/proctorlabs/proctor/awsim/sigv4"
)

const (
	keyID  = "AKIAEXAMPLEKEY000001"
	secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

var creds = aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret}

func hashOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// signed builds a request signed by the AWS SDK's own signer, the independent reference.
func signed(t *testing.T, method, url, service string, body []byte, at time.Time,
	edit func(*http.Request)) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(r)
	}
	signer := v4.NewSigner()
	if service == "s3" {
		// As the S3 client does: the payload hash is sent, and the path is escaped once.
		r.Header.Set("X-Amz-Content-Sha256", hashOf(body))
		signer = v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	}
	err = signer.SignHTTP(context.Background(), creds, r, hashOf(body), service,
		"us-east-1", at)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func codeOf(err error) sigv4.Code {
	var e *sigv4.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

func TestVerifyHeaderAuth(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	body := []byte("Action=GetCallerIdentity&Version=2011-06-15")
	tests := []struct {
		name    string
		method  string
		url     string
		service string
		body    []byte
		tamper  func(*http.Request) []byte
		secret  string
		at      time.Time
		want    sigv4.Code
	}{
		{name: "sts form", method: "POST", url: "http://localhost:4566/", service: "sts",
			body: body},
		{name: "s3 escaped key", method: "GET", service: "s3",
			url: "http://localhost:4566/bucket/a%20b/c%2Bd.txt?list-type=2&prefix=x%2Fy"},
		{name: "s3 virtual host", method: "GET", service: "s3",
			url: "http://bucket.localhost:4566/?policy="},
		{name: "wrong secret", method: "POST", url: "http://localhost:4566/", service: "sts",
			body: body, secret: "not-the-secret", want: sigv4.Mismatch},
		{name: "body changed", method: "POST", url: "http://localhost:4566/", service: "sts",
			body: body, want: sigv4.Mismatch,
			tamper: func(*http.Request) []byte { return []byte("Action=Other") }},
		{name: "query changed", method: "GET", service: "s3", want: sigv4.Mismatch,
			url:    "http://localhost:4566/bucket?list-type=2",
			tamper: func(r *http.Request) []byte { r.URL.RawQuery = "list-type=1"; return nil }},
		{name: "header changed", method: "POST", url: "http://localhost:4566/",
			service: "sts", body: body, want: sigv4.Mismatch,
			tamper: func(r *http.Request) []byte {
				r.Header.Set("X-Amz-Date", "20261203T120001Z")
				return nil
			}},
		{name: "clock skew", method: "POST", url: "http://localhost:4566/", service: "sts",
			body: body, at: now.Add(-20 * time.Minute), want: sigv4.Skewed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := tt.at
			if at.IsZero() {
				at = now
			}
			r := signed(t, tt.method, tt.url, tt.service, tt.body, at, nil)
			got := tt.body
			if tt.tamper != nil {
				if b := tt.tamper(r); b != nil {
					got = b
				}
			}
			if tt.service != "s3" {
				r.Header.Del("X-Amz-Content-Sha256")
			}
			a, err := sigv4.Parse(r)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if a.AccessKeyID != keyID || a.Service != tt.service || a.Region != "us-east-1" {
				t.Errorf("Parse = %s/%s/%s, want %s/%s/us-east-1", a.AccessKeyID, a.Service,
					a.Region, keyID, tt.service)
			}
			s := secret
			if tt.secret != "" {
				s = tt.secret
			}
			err = a.Verify(r, got, s, now)
			if c := codeOf(err); c != tt.want {
				t.Errorf("Verify = %v (code %v), want code %v", err, c, tt.want)
			}
		})
	}
}

func TestVerifyPayloadHashMismatch(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	r := signed(t, "PUT", "http://localhost/b/k", "s3", []byte("hello"), now, nil)
	a, err := sigv4.Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Verify(r, []byte("hellO"), secret, now); codeOf(err) != sigv4.PayloadMismatch {
		t.Errorf("Verify = %v, want PayloadMismatch", err)
	}
}

func TestVerifyPresigned(t *testing.T) {
	signedAt := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	r, _ := http.NewRequest("GET", "http://localhost:4566/bucket/key.txt?X-Amz-Expires=300", nil)
	url, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, r,
		"UNSIGNED-PAYLOAD", "s3", "us-east-1", signedAt)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		url  string
		now  time.Time
		want sigv4.Code
	}{
		{"valid", url, signedAt.Add(time.Minute), 0},
		{"expired", url, signedAt.Add(301 * time.Second), sigv4.Expired},
		{"other key", strings.Replace(url, "key.txt", "other.txt", 1), signedAt, sigv4.Mismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", tt.url, nil)
			a, err := sigv4.Parse(req)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !a.Presigned || a.Expires != 300*time.Second {
				t.Errorf("Parse: presigned %v expires %v, want true 5m", a.Presigned, a.Expires)
			}
			err = a.Verify(req, nil, secret, tt.now)
			if c := codeOf(err); c != tt.want {
				t.Errorf("Verify = %v, want code %v", err, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		header string
		query  string
		want   error
		code   sigv4.Code
	}{
		{name: "unsigned", want: sigv4.ErrNotSigned},
		{name: "no signature", header: "AWS4-HMAC-SHA256 Credential=" + keyID +
			"/20261203/us-east-1/s3/aws4_request, SignedHeaders=host", code: sigv4.Malformed},
		{name: "bad scope", header: "AWS4-HMAC-SHA256 Credential=" + keyID +
			"/20261203/s3/aws4_request, SignedHeaders=host, Signature=ab", code: sigv4.Malformed},
		{name: "sigv2", header: "AWS " + keyID + ":abc", code: sigv4.Unsupported},
		{name: "presign missing date", query: "X-Amz-Algorithm=AWS4-HMAC-SHA256" +
			"&X-Amz-Credential=K%2F20261203%2Fus-east-1%2Fs3%2Faws4_request" +
			"&X-Amz-SignedHeaders=host&X-Amz-Signature=ab", code: sigv4.Malformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := http.NewRequest("GET", "http://localhost/?"+tt.query, nil)
			if tt.header != "" {
				r.Header.Set("Authorization", tt.header)
				r.Header.Set("X-Amz-Date", "20261203T120000Z")
			}
			_, err := sigv4.Parse(r)
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Parse = %v, want %v", err, tt.want)
			}
			if tt.code != 0 && codeOf(err) != tt.code {
				t.Errorf("Parse = %v, want code %v", err, tt.code)
			}
			if err != nil && strings.Contains(err.Error(), keyID) {
				t.Errorf("error %q shows the whole access key id", err)
			}
		})
	}
}

// chunkedBody frames payload in aws-chunked encoding with chunk signatures from the SDK's
// stream signer, seeded by the request's signature.
func chunkedBody(t *testing.T, seed string, at time.Time, parts ...[]byte) []byte {
	t.Helper()
	ss := v4.NewStreamSigner(creds, "s3", "us-east-1", mustHex(t, seed))
	var b bytes.Buffer
	for _, p := range append(parts, nil) {
		sig, err := ss.GetSignature(context.Background(), nil, p, at)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%x;chunk-signature=%x\r\n%s\r\n", len(p), sig, p)
	}
	return b.Bytes()
}

func mustHex(t *testing.T, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeChunkedSigned(t *testing.T) {
	at := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	r, _ := http.NewRequest("PUT", "http://localhost/b/k", nil)
	r.Header.Set("X-Amz-Content-Sha256", sigv4.StreamingSigned)
	r.Header.Set("Content-Encoding", "aws-chunked")
	err := v4.NewSigner().SignHTTP(context.Background(), creds, r, sigv4.StreamingSigned, "s3",
		"us-east-1", at)
	if err != nil {
		t.Fatal(err)
	}
	a, err := sigv4.Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Verify(r, nil, secret, at); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	body := chunkedBody(t, a.Signature, at, []byte("hello, "), []byte("world"))
	got, _, err := sigv4.DecodeChunked(a, body, secret)
	if err != nil {
		t.Fatalf("DecodeChunked: %v", err)
	}
	if string(got) != "hello, world" {
		t.Errorf("DecodeChunked = %q, want %q", got, "hello, world")
	}
	bad := bytes.Replace(body, []byte("world"), []byte("w0rld"), 1)
	if _, _, err := sigv4.DecodeChunked(a, bad, secret); codeOf(err) != sigv4.Mismatch {
		t.Errorf("DecodeChunked(tampered) = %v, want Mismatch", err)
	}
	if _, _, err := sigv4.DecodeChunked(a, body[:20], secret); codeOf(err) != sigv4.Malformed {
		t.Errorf("DecodeChunked(truncated) = %v, want Malformed", err)
	}
}

func TestDecodeChunkedUnsignedTrailer(t *testing.T) {
	a := &sigv4.Auth{PayloadHash: sigv4.StreamingUnsigned}
	body := []byte("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n")
	got, trailers, err := sigv4.DecodeChunked(a, body, "")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "hello" || trailers["x-amz-checksum-crc32"] != "NhCmhg==" {
		t.Errorf("DecodeChunked = %q %v", got, trailers)
	}
	if err := sigv4.CheckDigests(http.Header{}, trailers, got); err != nil {
		t.Errorf("CheckDigests(good crc32) = %v", err)
	}
	err = sigv4.CheckDigests(http.Header{}, trailers, []byte("hellO"))
	if codeOf(err) != sigv4.BadDigest {
		t.Errorf("CheckDigests(bad) = %v, want BadDigest", err)
	}
}

func FuzzDecodeChunked(f *testing.F) {
	f.Add([]byte("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"))
	f.Add([]byte("ffffffff\r\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		a := &sigv4.Auth{PayloadHash: sigv4.StreamingUnsigned}
		got, _, err := sigv4.DecodeChunked(a, body, "")
		if err == nil && len(got) > len(body) {
			t.Errorf("decoded %d bytes from %d", len(got), len(body))
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=K/20261203/us-east-1/s3/aws4_request, " +
		"SignedHeaders=host, Signature=ab")
	f.Fuzz(func(t *testing.T, h string) {
		r, _ := http.NewRequest("GET", "http://localhost/", nil)
		r.Header.Set("Authorization", h)
		r.Header.Set("X-Amz-Date", "20261203T120000Z")
		_, _ = sigv4.Parse(r)
	})
}

func TestParseRejectsTwoMechanisms(t *testing.T) {
	r, _ := http.NewRequest("GET", "http://localhost/b/k?X-Amz-Signature=ab", nil)
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+keyID+
		"/20261203/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab")
	r.Header.Set("X-Amz-Date", "20261203T120000Z")
	if _, err := sigv4.Parse(r); codeOf(err) != sigv4.Malformed {
		t.Errorf("Parse = %v, want Malformed", err)
	}
}

// TestDecodeChunkedSignedTrailer builds a signed-trailer body by following the
// string-to-sign of AWS's "Signature Calculations for the Authorization Header: Transferring
// Payload in Multiple Chunks" with trailing headers, written out here independently.
func TestDecodeChunkedSignedTrailer(t *testing.T) {
	at := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	r, _ := http.NewRequest("PUT", "http://localhost/b/k", nil)
	r.Header.Set("X-Amz-Content-Sha256", sigv4.StreamingSignedTrailer)
	r.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
	err := v4.NewSigner().SignHTTP(context.Background(), creds, r,
		sigv4.StreamingSignedTrailer, "s3", "us-east-1", at)
	if err != nil {
		t.Fatal(err)
	}
	a, err := sigv4.Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	mac := func(key []byte, s string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(s))
		return h.Sum(nil)
	}
	key := mac(mac(mac(mac([]byte("AWS4"+secret), "20261203"), "us-east-1"), "s3"),
		"aws4_request")
	scope := "20261203/us-east-1/s3/aws4_request"
	prev := a.Signature
	var b bytes.Buffer
	for _, chunk := range []string{"hello", ""} {
		sts := "AWS4-HMAC-SHA256-PAYLOAD\n20261203T120000Z\n" + scope + "\n" + prev + "\n" +
			hashOf(nil) + "\n" + hashOf([]byte(chunk))
		prev = hex.EncodeToString(mac(key, sts))
		fmt.Fprintf(&b, "%x;chunk-signature=%s\r\n", len(chunk), prev)
		if chunk != "" {
			b.WriteString(chunk + "\r\n")
		}
	}
	trailer := "x-amz-checksum-crc32:NhCmhg==\n"
	sts := "AWS4-HMAC-SHA256-TRAILER\n20261203T120000Z\n" + scope + "\n" + prev + "\n" +
		hashOf([]byte(trailer))
	b.WriteString("x-amz-checksum-crc32:NhCmhg==\r\n")
	b.WriteString("x-amz-trailer-signature:" + hex.EncodeToString(mac(key, sts)) + "\r\n\r\n")

	got, trailers, err := sigv4.DecodeChunked(a, b.Bytes(), secret)
	if err != nil {
		t.Fatalf("DecodeChunked: %v", err)
	}
	if string(got) != "hello" || trailers["x-amz-checksum-crc32"] != "NhCmhg==" {
		t.Errorf("DecodeChunked = %q %v", got, trailers)
	}
	bad := bytes.Replace(b.Bytes(), []byte("NhCmhg=="), []byte("AAAAAA=="), 1)
	if _, _, err := sigv4.DecodeChunked(a, bad, secret); codeOf(err) != sigv4.Mismatch {
		t.Errorf("DecodeChunked with a changed trailer = %v, want Mismatch", err)
	}
}
