package awsim

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/proctorlabs/proctor/iampolicy"
)

// Config configures a [Server].
type Config struct {
	// DataDir holds the state snapshot, the CA and the server certificate; state survives a
	// restart with the same DataDir. It is created when missing. Required.
	DataDir string
	// Host is the host name handed to clients; "localhost" when empty. Clients put bucket
	// names and account ids in front of it, so it should be a name, not an IP address.
	Host string
	// Region is the region handed to clients; "us-east-1" when empty.
	Region string
	// Logger receives one debug line per request and errors; nil discards.
	Logger *slog.Logger
}

// Server is the embedded AWS endpoint. Its methods are safe for concurrent use.
type Server struct {
	cfg     Config
	log     *slog.Logger
	cert    tls.Certificate
	caPool  *x509.CertPool
	caFile  string
	handler map[bool]http.Handler
	svcs    map[string]*service

	mu sync.RWMutex
	st *state

	// dirtyAccounts are the accounts changed since the last save; encoded holds each
	// account's last saved record. encoded is guarded by persistMu.
	dirtyMu       sync.Mutex
	dirtyAccounts map[string]struct{}
	encoded       map[string][]byte

	dirty     chan struct{}
	persistMu sync.Mutex // serialises snapshot writes
	stopSave  chan struct{}
	saveDone  chan struct{}

	lnMu      sync.Mutex
	httpLn    net.Listener
	httpsLn   net.Listener
	httpSrv   *http.Server
	httpsSrv  *http.Server
	httpPort  int
	httpsPort int
	closed    bool
	// tunnels are the open CONNECT tunnels, client to upstream connection; Close ends them.
	tunnels map[net.Conn]net.Conn
}

// saveDelay is how long after a change the snapshot is written, so that a burst of changes
// (a lab's setup) costs one write.
const saveDelay = 50 * time.Millisecond

// New returns a server for cfg, loading the state in cfg.DataDir when there is one and
// creating the CA and certificate there on first use. It does not listen; call
// [Server.Start].
func New(cfg Config) (*Server, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("awsim: Config.DataDir is required")
	}
	// Bucket policies are checked against the IAM action catalog; load it now, in the
	// background, rather than in the first learner's PutBucketPolicy.
	go iampolicy.DefaultCatalog()
	if cfg.Host == "" {
		cfg.Host = "localhost"
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("awsim: create data directory: %w", err)
	}
	cert, pool, err := loadOrCreateTLS(cfg.DataDir, cfg.Host)
	if err != nil {
		return nil, err
	}
	svcs, err := buildServices()
	if err != nil {
		return nil, err
	}
	st, encoded, err := loadState(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:     cfg,
		log:     log,
		cert:    cert,
		caPool:  pool,
		caFile:  filepath.Join(cfg.DataDir, caCertFile),
		st:      st,
		svcs:    svcs,
		encoded: encoded,

		dirtyAccounts: map[string]struct{}{},
		dirty:         make(chan struct{}, 1),
		stopSave:      make(chan struct{}),
		saveDone:      make(chan struct{}),
	}
	s.handler = map[bool]http.Handler{
		false: &endpoint{s: s, secure: false},
		true:  &endpoint{s: s, secure: true},
	}
	go s.saveLoop()
	return s, nil
}

// Handler returns the handler of one listener: secure is true for the HTTPS listener, which
// sets aws:SecureTransport to true. The plain handler also serves proxy requests. It is meant
// for tests that run awsim behind httptest servers; such a handler only proxies to the ports
// of listeners opened by [Server.Start].
func (s *Server) Handler(secure bool) http.Handler { return s.handler[secure] }

// Start opens the HTTP and HTTPS listeners (addresses such as "127.0.0.1:0") and returns once
// both accept connections. It may be called once.
func (s *Server) Start(httpAddr, httpsAddr string) error {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	if s.closed {
		return errors.New("awsim: server is closed")
	}
	if s.httpLn != nil {
		return errors.New("awsim: server already started")
	}
	hl, err := net.Listen("tcp", httpAddr)
	if err != nil {
		return fmt.Errorf("awsim: listen on %s: %w", httpAddr, err)
	}
	tl, err := net.Listen("tcp", httpsAddr)
	if err != nil {
		hl.Close()
		return fmt.Errorf("awsim: listen on %s: %w", httpsAddr, err)
	}
	s.httpLn, s.httpsLn = hl, tl
	s.httpPort = hl.Addr().(*net.TCPAddr).Port
	s.httpsPort = tl.Addr().(*net.TCPAddr).Port
	s.httpSrv = &http.Server{Handler: s.handler[false], ReadHeaderTimeout: 30 * time.Second,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	s.httpsSrv = &http.Server{Handler: s.handler[true], ReadHeaderTimeout: 30 * time.Second,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{s.cert},
			MinVersion: tls.VersionTLS12}}
	go func() { _ = s.httpSrv.Serve(hl) }()
	go func() { _ = s.httpsSrv.ServeTLS(tl, "", "") }()
	s.log.Info("awsim listening", "http", s.endpointURL("http", s.httpPort),
		"https", s.endpointURL("https", s.httpsPort))
	return nil
}

func (s *Server) endpointURL(scheme string, port int) string {
	return scheme + "://" + net.JoinHostPort(s.cfg.Host, strconv.Itoa(port))
}

// HTTPEndpoint returns the HTTP endpoint, such as "http://localhost:4566"; "" before Start.
func (s *Server) HTTPEndpoint() string {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	if s.httpPort == 0 {
		return ""
	}
	return s.endpointURL("http", s.httpPort)
}

// HTTPSEndpoint returns the HTTPS endpoint, such as "https://localhost:4567"; "" before Start.
func (s *Server) HTTPSEndpoint() string {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	if s.httpsPort == 0 {
		return ""
	}
	return s.endpointURL("https", s.httpsPort)
}

// ProxyURL returns the proxy URL clients set as HTTPS_PROXY / HTTP_PROXY: the HTTP listener.
func (s *Server) ProxyURL() string { return s.HTTPEndpoint() }

// CAFile returns the path of the CA certificate (PEM) that issued the HTTPS certificate,
// for AWS_CA_BUNDLE.
func (s *Server) CAFile() string { return s.caFile }

// CAPool returns a pool holding the CA certificate, for Go clients.
func (s *Server) CAPool() *x509.CertPool { return s.caPool }

// Region returns the region handed to clients.
func (s *Server) Region() string { return s.cfg.Region }

// Close stops the listeners, letting requests in flight finish for up to five seconds, and
// writes the state snapshot. It is safe to call more than once.
func (s *Server) Close() error {
	s.lnMu.Lock()
	if s.closed {
		s.lnMu.Unlock()
		return nil
	}
	s.closed = true
	srvs := []*http.Server{s.httpSrv, s.httpsSrv}
	tunnels := s.tunnels
	s.tunnels = nil
	s.lnMu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	for _, srv := range srvs {
		if srv == nil {
			continue
		}
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("awsim: shut down: %w", err))
			_ = srv.Close()
		}
	}
	// Hijacked tunnels are invisible to Shutdown, which has let their requests finish by
	// now; whatever is left of them is closed.
	for client, upstream := range tunnels {
		client.Close()
		upstream.Close()
	}
	close(s.stopSave)
	<-s.saveDone
	if err := s.save(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (s *Server) saveLoop() {
	defer close(s.saveDone)
	delay := saveDelay
	for {
		select {
		case <-s.stopSave:
			return
		case <-s.dirty:
		}
		select {
		case <-s.stopSave:
			return
		case <-time.After(delay):
		}
		start := time.Now()
		if err := s.save(); err != nil {
			s.log.Error("awsim: state not saved", "err", err)
		}
		// A large state takes long to encode, and encoding holds the read lock; waiting ten
		// times as long as the last save keeps saving to a tenth of the time.
		delay = max(saveDelay, 10*time.Since(start))
	}
}
