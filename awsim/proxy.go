package awsim

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// proxy handles a proxy request on the HTTP listener: CONNECT tunnels and absolute-form
// requests. Only awsim's own host names on awsim's own ports are served, so the proxy can
// never reach anything else. It returns true when the request is an absolute-form request to
// be served by the HTTP listener itself.
func (s *Server) proxy(w http.ResponseWriter, r *http.Request) bool {
	host, portText, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
		portText = "80"
		if r.Method == http.MethodConnect {
			portText = "443"
		}
	}
	port, _ := strconv.Atoi(portText)
	s.lnMu.Lock()
	httpPort, httpsPort := s.httpPort, s.httpsPort
	var target net.Addr
	switch {
	case port == httpsPort && s.httpsLn != nil:
		target = s.httpsLn.Addr()
	case port == httpPort && s.httpLn != nil:
		target = s.httpLn.Addr()
	}
	s.lnMu.Unlock()

	if !s.ownHost(host) || target == nil {
		s.log.Debug("awsim proxy refused", "host", r.Host, "method", r.Method)
		http.Error(w, "awsim: proxy refuses "+r.Host+": awsim only proxies to its own "+
			"endpoints (localhost and *.localhost on ports "+strconv.Itoa(httpPort)+" and "+
			strconv.Itoa(httpsPort)+")", http.StatusForbidden)
		return false
	}
	if r.Method != http.MethodConnect {
		if port == httpsPort {
			http.Error(w, "awsim: send https:// requests through CONNECT",
				http.StatusBadRequest)
			return false
		}
		return true
	}
	s.tunnel(w, r, target)
	return false
}

// tunnel answers CONNECT by piping the client's connection to one of awsim's own listeners.
func (s *Server) tunnel(w http.ResponseWriter, r *http.Request, target net.Addr) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "awsim: CONNECT is not supported on this connection",
			http.StatusInternalServerError)
		return
	}
	upstream, err := net.DialTimeout("tcp", target.String(), 5*time.Second)
	if err != nil {
		http.Error(w, "awsim: cannot reach own listener", http.StatusBadGateway)
		return
	}
	client, buf, err := hj.Hijack()
	if err != nil {
		upstream.Close()
		return
	}
	if _, err := client.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n")); err != nil {
		client.Close()
		upstream.Close()
		return
	}
	s.log.Debug("awsim proxy tunnel", "host", r.Host)
	if !s.trackTunnel(client, upstream, true) {
		client.Close()
		upstream.Close()
		return
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		if n := buf.Reader.Buffered(); n > 0 {
			b, _ := buf.Reader.Peek(n)
			_, _ = upstream.Write(b)
		}
		_, _ = io.Copy(upstream, client)
		if tc, ok := upstream.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
	}()
	go func() {
		defer wg.Done()
		_, _ = io.Copy(client, upstream)
		if tc, ok := client.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
	}()
	go func() {
		wg.Wait()
		client.Close()
		upstream.Close()
		s.trackTunnel(client, upstream, false)
	}()
}

// trackTunnel adds (or removes) a tunnel's connections to the set Close shuts down; adding
// fails once the server is closing.
func (s *Server) trackTunnel(client, upstream net.Conn, add bool) bool {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	if !add {
		delete(s.tunnels, client)
		return true
	}
	if s.closed {
		return false
	}
	if s.tunnels == nil {
		s.tunnels = map[net.Conn]net.Conn{}
	}
	s.tunnels[client] = upstream
	return true
}
