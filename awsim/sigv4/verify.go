package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Algorithm is the only signing algorithm this package accepts.
const Algorithm = "AWS4-HMAC-SHA256"

// Payload hash values with a special meaning in x-amz-content-sha256.
const (
	UnsignedPayload        = "UNSIGNED-PAYLOAD"
	StreamingSigned        = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	StreamingSignedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	StreamingUnsigned      = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
)

// MaxSkew is how far a header-signed request's time may be from the server's clock.
const MaxSkew = 15 * time.Minute

// maxPresignExpiry is the longest X-Amz-Expires AWS accepts: seven days.
const maxPresignExpiry = 7 * 24 * time.Hour

// Auth is the SigV4 authentication a request carries, as parsed by [Parse].
type Auth struct {
	AccessKeyID string
	// Date is the credential scope's date (YYYYMMDD); Region and Service complete the scope.
	Date, Region, Service string
	SignedHeaders         []string
	Signature             string
	// Time is the request's signing time, from X-Amz-Date (or Date).
	Time time.Time
	// Presigned is true for query-string authentication; Expires is then its lifetime.
	Presigned bool
	Expires   time.Duration
	// SecurityToken is X-Amz-Security-Token, empty when absent.
	SecurityToken string
	// PayloadHash is the payload hash the signature covers: x-amz-content-sha256 when sent,
	// UNSIGNED-PAYLOAD for presigned S3 requests, otherwise empty until Verify hashes the body.
	PayloadHash string
	amzDate     string
}

// Scope returns the credential scope "DATE/REGION/SERVICE/aws4_request".
func (a *Auth) Scope() string {
	return a.Date + "/" + a.Region + "/" + a.Service + "/aws4_request"
}

// Streaming reports whether the payload is aws-chunked streaming, which the caller must
// decode with [DecodeChunked].
func (a *Auth) Streaming() bool { return strings.HasPrefix(a.PayloadHash, "STREAMING-") }

// Parse reads the SigV4 authentication of r from its Authorization header or its query. It
// returns [ErrNotSigned] when the request carries neither, and an [*Error] with code
// Malformed when the data is incomplete.
func Parse(r *http.Request) (*Auth, error) {
	q := r.URL.Query()
	inQuery := q.Get("X-Amz-Algorithm") != "" || q.Get("X-Amz-Credential") != "" ||
		q.Get("X-Amz-Signature") != ""
	if h := r.Header.Get("Authorization"); h != "" {
		if inQuery {
			return nil, fail(Malformed, "only one authentication mechanism is allowed; "+
				"send either an Authorization header or X-Amz-Signature query parameters")
		}
		return parseHeader(r, h)
	}
	if inQuery {
		return parseQuery(r, q)
	}
	return nil, ErrNotSigned
}

func parseHeader(r *http.Request, h string) (*Auth, error) {
	alg, rest, _ := strings.Cut(h, " ")
	if alg != Algorithm {
		if strings.HasPrefix(h, "AWS ") {
			return nil, fail(Unsupported, "signature version 2 is not supported; use SigV4")
		}
		return nil, fail(Malformed, "unsupported authorization type "+quoteShort(alg))
	}
	a := &Auth{}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, fail(Malformed, "authorization header component "+
				quoteShort(strings.TrimSpace(part))+" is not of the form key=value")
		}
		fields[k] = v
	}
	for _, k := range []string{"Credential", "SignedHeaders", "Signature"} {
		if fields[k] == "" {
			return nil, fail(Malformed, "authorization header requires a "+k+" parameter")
		}
	}
	if err := a.setCredential(fields["Credential"]); err != nil {
		return nil, err
	}
	a.SignedHeaders = strings.Split(fields["SignedHeaders"], ";")
	a.Signature = fields["Signature"]
	a.amzDate = r.Header.Get("X-Amz-Date")
	if a.amzDate == "" {
		d := r.Header.Get("Date")
		t, err := http.ParseTime(d)
		if d == "" || err != nil {
			return nil, fail(Malformed, "request requires an X-Amz-Date or Date header")
		}
		a.amzDate = t.UTC().Format("20060102T150405Z")
	}
	if err := a.setTime(); err != nil {
		return nil, err
	}
	a.SecurityToken = r.Header.Get("X-Amz-Security-Token")
	a.PayloadHash = r.Header.Get("X-Amz-Content-Sha256")
	return a, nil
}

func parseQuery(r *http.Request, q url.Values) (*Auth, error) {
	for _, k := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
		"X-Amz-SignedHeaders", "X-Amz-Signature"} {
		if q.Get(k) == "" {
			return nil, fail(Malformed, "query-string authentication requires the "+k+
				" parameter")
		}
	}
	if q.Get("X-Amz-Algorithm") != Algorithm {
		return nil, fail(Malformed, "X-Amz-Algorithm only supports "+Algorithm)
	}
	a := &Auth{Presigned: true}
	if err := a.setCredential(q.Get("X-Amz-Credential")); err != nil {
		return nil, err
	}
	a.SignedHeaders = strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	a.Signature = q.Get("X-Amz-Signature")
	a.amzDate = q.Get("X-Amz-Date")
	if err := a.setTime(); err != nil {
		return nil, err
	}
	if e := q.Get("X-Amz-Expires"); e != "" {
		n, err := strconv.Atoi(e)
		if err != nil || n < 0 {
			return nil, fail(Malformed, "X-Amz-Expires must be a non-negative integer")
		}
		a.Expires = time.Duration(n) * time.Second
		if a.Expires > maxPresignExpiry {
			return nil, fail(Malformed, "X-Amz-Expires must be less than a week "+
				"(in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds")
		}
	} else if a.Service == "s3" {
		return nil, fail(Malformed, "query-string authentication requires the X-Amz-Expires "+
			"parameter")
	}
	a.SecurityToken = q.Get("X-Amz-Security-Token")
	a.PayloadHash = r.Header.Get("X-Amz-Content-Sha256")
	if a.PayloadHash == "" && a.Service == "s3" {
		a.PayloadHash = UnsignedPayload
	}
	return a, nil
}

func (a *Auth) setCredential(cred string) error {
	parts := strings.Split(cred, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" || parts[0] == "" {
		return fail(Malformed, "credential "+quoteShort(redactKey(cred))+
			" is not of the form KEY/DATE/REGION/SERVICE/aws4_request")
	}
	if len(parts[1]) != 8 {
		return fail(Malformed, "credential scope date "+quoteShort(parts[1])+
			" is not of the form YYYYMMDD")
	}
	a.AccessKeyID, a.Date, a.Region, a.Service = parts[0], parts[1], parts[2], parts[3]
	return nil
}

func (a *Auth) setTime() error {
	t, err := time.Parse("20060102T150405Z", a.amzDate)
	if err != nil {
		return fail(Malformed, "X-Amz-Date "+quoteShort(a.amzDate)+
			" is not of the form YYYYMMDDTHHMMSSZ")
	}
	if a.amzDate[:8] != a.Date {
		return fail(Malformed, "credential scope date "+a.Date+" does not match X-Amz-Date "+
			a.amzDate)
	}
	a.Time = t
	return nil
}

// Verify checks a's signature over r with the access key's secret, at time now. body is the
// request body exactly as received: Verify hashes it when the payload hash is neither sent nor
// special, and compares it with a sent hex payload hash. Streaming payloads are not read here;
// decode them with [DecodeChunked] after Verify succeeds.
func (a *Auth) Verify(r *http.Request, body []byte, secret string, now time.Time) error {
	if a.Presigned {
		if now.Before(a.Time.Add(-MaxSkew)) {
			return fail(Malformed, "request is not valid yet: X-Amz-Date is in the future")
		}
		if now.After(a.Time.Add(a.Expires)) {
			return fail(Expired, "request has expired")
		}
	} else if d := now.Sub(a.Time); d > MaxSkew || d < -MaxSkew {
		return fail(Skewed, fmt.Sprintf("the difference between the request time %s and the "+
			"server time %s is too large", a.amzDate, now.UTC().Format("20060102T150405Z")))
	}
	if !containsFold(a.SignedHeaders, "host") {
		return fail(Malformed, "signed headers must include host")
	}

	bodyHash := hashHex(body)
	payload := a.PayloadHash
	switch {
	case payload == "":
		payload = bodyHash
	case payload == UnsignedPayload || a.Streaming():
	case len(payload) == 64 && isHex(payload):
		if !strings.EqualFold(payload, bodyHash) {
			return fail(PayloadMismatch, "the provided x-amz-content-sha256 header does not "+
				"match what was computed")
		}
	default:
		return fail(Malformed, "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, a STREAMING- "+
			"value or a hex SHA-256 digest")
	}

	key := SigningKey(secret, a.Date, a.Region, a.Service)
	for _, uri := range canonicalURIs(r, a.Service) {
		creq := a.canonicalRequest(r, uri, payload)
		sig := hex.EncodeToString(hmacSHA256(key, []byte(a.stringToSign(creq))))
		if subtle.ConstantTimeCompare([]byte(sig), []byte(strings.ToLower(a.Signature))) == 1 {
			return nil
		}
	}
	return fail(Mismatch, "the request signature we calculated does not match the signature "+
		"you provided; check your key and signing method")
}

func (a *Auth) stringToSign(canonicalRequest string) string {
	return Algorithm + "\n" + a.amzDate + "\n" + a.Scope() + "\n" +
		hashHex([]byte(canonicalRequest))
}

func (a *Auth) canonicalRequest(r *http.Request, uri, payload string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(uri)
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(rawQuery(r), a.Presigned))
	b.WriteByte('\n')
	names := make([]string, len(a.SignedHeaders))
	for i, h := range a.SignedHeaders {
		names[i] = strings.ToLower(strings.TrimSpace(h))
	}
	for _, h := range names {
		b.WriteString(h)
		b.WriteByte(':')
		b.WriteString(headerValue(r, h))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(names, ";"))
	b.WriteByte('\n')
	b.WriteString(payload)
	return b.String()
}

// headerValue returns the canonical value of a signed header: values trimmed, inner runs of
// spaces collapsed, several values joined by commas.
func headerValue(r *http.Request, name string) string {
	var vals []string
	switch name {
	case "host":
		vals = []string{r.Host}
	case "content-length":
		vals = r.Header.Values("Content-Length")
		if len(vals) == 0 && r.ContentLength >= 0 {
			vals = []string{strconv.FormatInt(r.ContentLength, 10)}
		}
	case "transfer-encoding":
		vals = r.TransferEncoding
	default:
		vals = r.Header.Values(name)
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(out, ",")
}

// RawPath returns the request's path exactly as the client sent it, still percent-encoded,
// also for absolute-form requests (a proxy request names the whole URL), and "/" for an
// empty one. It is the path a signature covers.
func RawPath(r *http.Request) string {
	uri := r.RequestURI
	if uri == "" {
		return r.URL.EscapedPath()
	}
	if i := strings.Index(uri, "://"); i >= 0 {
		uri = uri[i+3:]
		if j := strings.IndexByte(uri, '/'); j >= 0 {
			uri = uri[j:]
		} else {
			uri = "/"
		}
	}
	if i := strings.IndexByte(uri, '?'); i >= 0 {
		uri = uri[:i]
	}
	if uri == "" {
		uri = "/"
	}
	return uri
}

func rawQuery(r *http.Request) string { return r.URL.RawQuery }

// canonicalURIs returns the canonical URI candidates of r. S3 signs the path encoded once and
// not normalised; the other services sign it encoded twice. Clients differ in how they
// escape characters outside the unreserved set, so both the path as sent and its re-encoded
// form are tried.
func canonicalURIs(r *http.Request, service string) []string {
	raw := RawPath(r)
	decoded, err := url.PathUnescape(raw)
	if err != nil {
		decoded = raw
	}
	once := EncodePath(decoded)
	if service == "s3" {
		if once == raw {
			return []string{raw}
		}
		return []string{raw, once}
	}
	twice := EncodePath(once)
	if twice == raw {
		return []string{raw}
	}
	return []string{twice, raw}
}

// canonicalQuery sorts the query's parameters by encoded name and value, re-encoding each with
// SigV4's rules; presigned requests leave out X-Amz-Signature.
func canonicalQuery(raw string, presigned bool) string {
	if raw == "" {
		return ""
	}
	type kv struct{ k, v string }
	var pairs []kv
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		dk, err := url.QueryUnescape(k)
		if err != nil {
			dk = k
		}
		dv, err := url.QueryUnescape(v)
		if err != nil {
			dv = v
		}
		if presigned && dk == "X-Amz-Signature" {
			continue
		}
		pairs = append(pairs, kv{Encode(dk), Encode(dv)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.k + "=" + p.v
	}
	return strings.Join(parts, "&")
}

// Encode percent-encodes s as SigV4 requires: every byte except A-Z, a-z, 0-9, '-', '_', '.'
// and '~' becomes %XX with upper-case hex digits.
func Encode(s string) string { return encode(s, false) }

// EncodePath is [Encode] that leaves '/' alone.
func EncodePath(s string) string { return encode(s, true) }

func encode(s string, keepSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' || keepSlash && c == '/' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// SigningKey derives the SigV4 signing key of a secret for one date, region and service.
func SigningKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), []byte(date))
	k = hmacSHA256(k, []byte(region))
	k = hmacSHA256(k, []byte(service))
	return hmacSHA256(k, []byte("aws4_request"))
}

func hmacSHA256(key, data []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(data)
	return h.Sum(nil)
}

func hashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(strings.TrimSpace(v), s) {
			return true
		}
	}
	return false
}

// quoteShort quotes s for an error message, cut to a length that cannot flood a log.
func quoteShort(s string) string {
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return strconv.Quote(s)
}

// redactKey keeps a credential's scope but not more of its access key id than AWS shows.
func redactKey(cred string) string {
	key, rest, ok := strings.Cut(cred, "/")
	if len(key) > 4 {
		key = key[:4] + "****"
	}
	if !ok {
		return key
	}
	return key + "/" + rest
}
