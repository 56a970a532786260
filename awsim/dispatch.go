package awsim

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/proctorlabs/proctor/awsim/models"
	"github.com/proctorlabs/proctor/awsim/protocol"
	"github.com/proctorlabs/proctor/awsim/sigv4"
	"github.com/proctorlabs/proctor/iampolicy"
)

// maxBody bounds a request body; larger requests fail with EntityTooLarge. Larger objects
// are uploaded in parts, as S3 clients do above a few megabytes.
const maxBody = 64 << 20

// endpoint is the handler of one listener.
type endpoint struct {
	s      *Server
	secure bool
}

// ServeHTTP answers proxy requests on the plain listener and AWS requests on both.
func (e *endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !e.secure && (r.Method == http.MethodConnect || isAbsoluteForm(r)) {
		if !e.s.proxy(w, r) {
			return
		}
	}
	e.s.serve(w, r, e.secure)
}

// call is one request being served.
type call struct {
	s         *Server
	r         *http.Request
	secure    bool
	requestID string
	svc       *service
	op        *models.Operation
	in        protocol.Params
	// path is the request path after virtual-host rewriting, still percent-encoded.
	path string
	body []byte
	// key is the caller's access key; nil for an anonymous request.
	key       *accessKey
	principal iampolicy.Principal
	auth      *sigv4.Auth
	now       time.Time
	// extraHeaders are set on a successful response beyond what the model describes, and
	// status, when not zero, replaces the operation's success status (206 for a range).
	extraHeaders map[string]string
	status       int
}

// account returns the caller's account id, "" for anonymous callers.
func (c *call) account() string {
	if c.key == nil {
		return ""
	}
	return c.key.Account
}

type statusWriter struct {
	http.ResponseWriter
	status int
	// override replaces a 200 success status when not zero.
	override int
}

// WriteHeader records the status for the request's log line.
func (w *statusWriter) WriteHeader(code int) {
	if code == http.StatusOK && w.override != 0 {
		code = w.override
	}
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write records an implicit 200 for the request's log line.
func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (s *Server) serve(rw http.ResponseWriter, r *http.Request, secure bool) {
	w := &statusWriter{ResponseWriter: rw}
	c := &call{s: s, r: r, secure: secure, requestID: newRequestID(), now: time.Now()}
	errCode := ""
	defer func() {
		if !s.log.Enabled(r.Context(), slog.LevelDebug) {
			return
		}
		op, svc := "", ""
		if c.op != nil {
			op = c.op.Name
		}
		if c.svc != nil {
			svc = c.svc.name
		}
		s.log.Debug("awsim request", "request_id", c.requestID, "service", svc,
			"operation", op, "account", c.account(), "method", r.Method,
			"secure", secure, "status", w.status, "error", errCode,
			"duration", time.Since(c.now).Round(time.Microsecond))
	}()

	perr := c.safeHandle()
	if perr != nil {
		if c.svc == nil {
			c.svc = s.svcs["s3"]
		}
		errCode = perr.Code
		c.svc.codec.WriteError(w, r, perr, c.requestID)
		return
	}
	out, err := c.run()
	if err != nil {
		var pe *protocol.Error
		if !errors.As(err, &pe) {
			s.log.Error("awsim internal error", "request_id", c.requestID,
				"operation", c.op.Name, "err", err)
			pe = &protocol.Error{Code: "InternalError", Status: 500,
				Message: "we encountered an internal error; please try again"}
		}
		errCode = pe.Code
		c.svc.codec.WriteError(w, r, pe, c.requestID)
		return
	}
	for k, v := range c.extraHeaders {
		w.Header().Set(k, v)
	}
	if c.status != 0 {
		w.override = c.status
	}
	c.svc.codec.WriteOutput(w, r, c.op, out, c.requestID)
}

// run calls the operation's handler, turning a panic into an internal error so that one bad
// request cannot take the connection down without an answer.
func (c *call) run() (out protocol.Params, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("awsim: handler %s panicked: %v", c.op.Name, p)
		}
	}()
	return c.svc.handlers[c.op.Name](c)
}

// safeHandle is handle with a panic turned into an internal error.
func (c *call) safeHandle() (perr *protocol.Error) {
	defer func() {
		if p := recover(); p != nil {
			c.s.log.Error("awsim request handling panicked", "request_id", c.requestID,
				"panic", fmt.Sprint(p))
			perr = &protocol.Error{Code: "InternalError", Status: 500,
				Message: "we encountered an internal error; please try again"}
		}
	}()
	return c.handle()
}

// handle reads, authenticates, routes and decodes the request; on success c.svc, c.op and
// c.in are set.
func (c *call) handle() *protocol.Error {
	r := c.r
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return &protocol.Error{Code: "IncompleteBody", Status: 400, Sender: true,
			Message: "you did not provide the number of bytes specified by the " +
				"Content-Length HTTP header"}
	}
	if len(body) > maxBody {
		return &protocol.Error{Code: "EntityTooLarge", Status: 400, Sender: true,
			Message: "your proposed upload exceeds the maximum allowed size"}
	}

	auth, aerr := sigv4.Parse(r)
	path := sigv4.RawPath(r)
	c.svc = c.s.serviceFor(r, auth, path)
	if c.svc == nil {
		name := "unknown"
		if auth != nil {
			name = auth.Service
		}
		c.svc = c.s.svcs["sts"]
		return protocol.Errorf(400, "InvalidAction", "awsim does not serve the %q service",
			name)
	}
	if c.svc.name == "s3" {
		path = c.s.virtualHostPath(r.Host, path)
	}
	c.path = path

	switch {
	case errors.Is(aerr, sigv4.ErrNotSigned):
		if !c.svc.s3 {
			return authError(c.svc, errMissingAuth, "")
		}
		c.principal = iampolicy.Principal{}
	case aerr != nil:
		var se *sigv4.Error
		errors.As(aerr, &se)
		pe := authError(c.svc, se.Code, se.Message)
		if c.svc.s3 && se.Code == sigv4.Malformed && r.Header.Get("Authorization") == "" {
			pe.Code = "AuthorizationQueryParametersError"
		}
		return pe
	default:
		c.auth = auth
		if perr := c.authenticate(body); perr != nil {
			return perr
		}
	}

	payload, perr := c.payload(body)
	if perr != nil {
		return perr
	}
	c.body = payload

	op, err := c.svc.codec.Route(r, path, payload)
	if err != nil {
		return asProtocolError(err)
	}
	c.op = op
	in, err := c.svc.codec.Decode(op, r, path, payload)
	if err != nil {
		return asProtocolError(err)
	}
	c.in = in
	return nil
}

func asProtocolError(err error) *protocol.Error {
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return pe
	}
	return &protocol.Error{Code: "InternalError", Status: 500, Message: err.Error()}
}

// authenticate checks the caller's key, session token and signature.
func (c *call) authenticate(body []byte) *protocol.Error {
	c.s.mu.RLock()
	k := c.s.st.Keys[c.auth.AccessKeyID]
	var key accessKey
	if k != nil {
		key = *k
	}
	c.s.mu.RUnlock()
	if k == nil {
		return authError(c.svc, errUnknownKey, "")
	}
	if subtle.ConstantTimeCompare([]byte(key.SessionToken), []byte(c.auth.SecurityToken)) != 1 {
		return authError(c.svc, errBadToken, "")
	}
	if err := c.auth.Verify(c.r, body, key.Secret, c.now); err != nil {
		var se *sigv4.Error
		errors.As(err, &se)
		return authError(c.svc, se.Code, se.Message)
	}
	c.key = &key
	c.principal = principalOf(&key)
	return nil
}

// principalOf returns the policy-evaluation principal of a key: a role session for the
// learner and grader, the account root user for the root key.
func principalOf(k *accessKey) iampolicy.Principal {
	if k.Role == roleRoot {
		return iampolicy.Principal{ARN: roleARN(k.Account, roleRoot), Account: k.Account}
	}
	return iampolicy.Principal{ARN: sessionARN(k), Account: k.Account}
}

// sessionARN is the assumed-role ARN GetCallerIdentity reports for a role key.
func sessionARN(k *accessKey) string {
	return "arn:aws:sts::" + k.Account + ":assumed-role/" + k.Role + "/" + sessionName(k.Role)
}

func sessionName(role string) string {
	return strings.ToLower(strings.TrimPrefix(role, "Proctor"))
}

// payload decodes aws-chunked framing and checks the digests sent with an S3 body.
func (c *call) payload(body []byte) ([]byte, *protocol.Error) {
	chunked := strings.Contains(c.r.Header.Get("Content-Encoding"), "aws-chunked") ||
		strings.HasPrefix(c.r.Header.Get("X-Amz-Content-Sha256"), "STREAMING-")
	payload := body
	var trailers map[string]string
	if chunked {
		a := c.auth
		if a == nil {
			ph := c.r.Header.Get("X-Amz-Content-Sha256")
			if ph != sigv4.StreamingUnsigned {
				return nil, protocol.Errorf(400, "InvalidRequest",
					"anonymous requests may only stream %s payloads", sigv4.StreamingUnsigned)
			}
			a = &sigv4.Auth{PayloadHash: ph}
		}
		secret := ""
		if c.key != nil {
			secret = c.key.Secret
		}
		var err error
		payload, trailers, err = sigv4.DecodeChunked(a, body, secret)
		if err != nil {
			var se *sigv4.Error
			errors.As(err, &se)
			return nil, authError(c.svc, se.Code, se.Message)
		}
	}
	if c.svc.s3 {
		if err := sigv4.CheckDigests(c.r.Header, trailers, payload); err != nil {
			var se *sigv4.Error
			errors.As(err, &se)
			if se.Code == sigv4.Malformed {
				return nil, protocol.Errorf(400, "InvalidDigest", "%s",
					strings.TrimPrefix(se.Message, "sigv4: "))
			}
			return nil, protocol.Errorf(400, "BadDigest", "%s", se.Message)
		}
	}
	return payload, nil
}

// serviceFor picks the service of a request: the credential scope's service name (s3 with a
// /v20180820/ path is S3 Control), or for unsigned requests the protocol's marks.
func (s *Server) serviceFor(r *http.Request, auth *sigv4.Auth, path string) *service {
	name := ""
	switch {
	case auth != nil:
		name = auth.Service
	case r.Header.Get("X-Amz-Target") != "":
		name = "kms"
	case r.Method == http.MethodPost && path == "/" &&
		strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		name = "sts"
	default:
		name = "s3"
	}
	if name == "s3" && strings.HasPrefix(path, "/v20180820/") {
		name = "s3control"
	}
	return s.svcs[name]
}

// ownHost reports whether a host name (no port) is one of awsim's own names.
func (s *Server) ownHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	switch {
	case host == "localhost", strings.HasSuffix(host, ".localhost"),
		host == "127.0.0.1", host == "::1":
		return true
	case host == s.cfg.Host, strings.HasSuffix(host, "."+s.cfg.Host):
		return true
	}
	return false
}

// virtualHostPath turns a virtual-hosted S3 request (bucket.localhost/key) into path style
// (/bucket/key). Only a prefix in front of awsim's own host names counts as a bucket.
func (s *Server) virtualHostPath(hostport, path string) string {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for _, base := range []string{s.cfg.Host, "localhost"} {
		if bucket, ok := strings.CutSuffix(host, "."+base); ok && bucket != "" {
			if path == "/" {
				return "/" + bucket
			}
			return "/" + bucket + path
		}
	}
	return path
}

func isAbsoluteForm(r *http.Request) bool {
	return strings.HasPrefix(r.RequestURI, "http://") ||
		strings.HasPrefix(r.RequestURI, "https://")
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}
