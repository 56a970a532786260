package localstack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeID is the id of the fake engine's one container.
var fakeID = strings.Repeat("c0ffee", 10) + "c0de"

// startEngine is a Docker engine API deep enough for testcontainers-go to create, start and
// inspect one container, whose port 4566 is served by health, an HTTP server on this machine.
type startEngine struct {
	health     *httptest.Server
	mu         sync.Mutex
	created    map[string]any // the body of the create call
	labels     map[string]string
	running    bool
	unexpected []string
}

func (e *startEngine) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	w.Header().Set("Api-Version", "1.47")
	w.Header().Set("Content-Type", "application/json")
	path := r.URL.Path
	if i := strings.Index(path[1:], "/"); strings.HasPrefix(path, "/v1.") && i > 0 {
		path = path[i+1:]
	}
	_, port, _ := net.SplitHostPort(e.health.Listener.Addr().String())
	switch {
	case path == "/_ping":
		io.WriteString(w, "OK")
	case path == "/info":
		io.WriteString(w, `{"ID":"fake","Name":"fake","ServerVersion":"27.0.0",`+
			`"OperatingSystem":"Fake Linux","OSType":"linux","Architecture":"x86_64"}`)
	case path == "/networks" && r.Method == http.MethodGet:
		io.WriteString(w, `[{"Name":"bridge","Id":"net1","Driver":"bridge"}]`)
	case strings.HasPrefix(path, "/networks/"):
		io.WriteString(w, `{"Name":"bridge","Id":"net1","Driver":"bridge",`+
			`"IPAM":{"Config":[{"Subnet":"127.0.0.0/8","Gateway":"127.0.0.1"}]}}`)
	case strings.HasPrefix(path, "/images/") && strings.HasSuffix(path, "/json"):
		io.WriteString(w, `{"Id":"sha256:`+strings.Repeat("0", 64)+`","Config":`+
			`{"ExposedPorts":{"4566/tcp":{}}}}`)
	case path == "/containers/create":
		json.NewDecoder(r.Body).Decode(&e.created)
		if l, ok := e.created["Labels"].(map[string]any); ok {
			e.labels = map[string]string{}
			for k, v := range l {
				e.labels[k], _ = v.(string)
			}
		}
		io.WriteString(w, `{"Id":"`+fakeID+`","Warnings":[]}`)
	case path == "/containers/"+fakeID+"/start":
		e.running = true
		w.WriteHeader(http.StatusNoContent)
	case path == "/containers/"+fakeID+"/json":
		fmt.Fprintf(w, `{"Id":"`+fakeID+`","Name":"/sandbox","Created":%q,`+
			`"State":{"Status":"running","Running":%t},"Config":{"Image":"x","Labels":{}},`+
			`"HostConfig":{"NetworkMode":"bridge"},`+
			`"NetworkSettings":{"Ports":{"4566/tcp":[{"HostIp":"127.0.0.1","HostPort":%q}]}}}`,
			time.Now().UTC().Format(time.RFC3339Nano), e.running, port)
	case path == "/containers/json":
		var list []map[string]any
		if e.running {
			list = append(list, map[string]any{"Id": fakeID, "Labels": e.labels})
		}
		json.NewEncoder(w).Encode(list)
	case path == "/containers/"+fakeID+"/stop":
		e.running = false
		w.WriteHeader(http.StatusNoContent)
	case path == "/containers/"+fakeID && r.Method == http.MethodDelete:
		e.running = false
		w.WriteHeader(http.StatusNoContent)
	default:
		e.unexpected = append(e.unexpected, r.Method+" "+path)
		w.WriteHeader(http.StatusNotImplemented)
		io.WriteString(w, `{"message":"the fake engine does not serve this"}`)
	}
}

// TestStartOnAFakeEngine provisions through testcontainers-go on a fake engine. It runs in a
// child process: testcontainers-go settles its Docker host and settings once per process, and
// this test must not leave them pointing at the fake.
func TestStartOnAFakeEngine(t *testing.T) {
	if os.Getenv("PROCTOR_LOCALSTACK_FAKE_ENGINE") != "1" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestStartOnAFakeEngine$", "-test.v")
		cmd.Env = append(os.Environ(), "PROCTOR_LOCALSTACK_FAKE_ENGINE=1",
			"TESTCONTAINERS_RYUK_DISABLED=true", "HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("the child test failed: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), "--- PASS: TestStartOnAFakeEngine") {
			t.Fatalf("the child test did not pass:\n%s", out)
		}
		return
	}

	var mu sync.Mutex
	ready, asked := false, 0
	health := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path != healthPath {
			http.NotFound(w, r)
			return
		}
		asked++
		state := "starting"
		if ready {
			state = "running"
		}
		// The first answers say s3 is starting; the wait must outlast them.
		ready = true
		fmt.Fprintf(w, `{"services":{"s3":%q,"sts":"running","sqs":"disabled"}}`, state)
	}))
	defer health.Close()
	eng := &startEngine{health: health}
	sock := filepath.Join(t.TempDir(), "docker.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("no unix sockets here: %v", err)
	}
	srv := httptest.NewUnstartedServer(eng)
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	t.Setenv("DOCKER_HOST", "unix://"+sock)
	t.Setenv(AuthTokenEnv, "ls-child-token")

	p, err := New(Config{Services: []string{"s3", "sts"}, StartTimeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	acct, err := p.Provision(ctx)
	if err != nil {
		t.Fatalf("Provision = %v (unexpected engine calls: %v)", err, eng.unexpected)
	}

	_, port, _ := net.SplitHostPort(health.Listener.Addr().String())
	if want := "http://localhost:" + port; acct.Endpoint.HTTP != want {
		t.Errorf("endpoint %q, want %q", acct.Endpoint.HTTP, want)
	}
	env := map[string]string{}
	for _, kv := range eng.created["Env"].([]any) {
		k, v, _ := strings.Cut(kv.(string), "=")
		env[k] = v
	}
	for k, want := range map[string]string{"SERVICES": "s3,sts", "EAGER_SERVICE_LOADING": "1",
		AuthTokenEnv: "ls-child-token"} {
		if env[k] != want {
			t.Errorf("container env %s = %q, want %q", k, env[k], want)
		}
	}
	if eng.labels[LabelAccount] != acct.ID || eng.labels[LabelBackend] != Backend {
		t.Errorf("container labels %v, want account %s", eng.labels, acct.ID)
	}
	hc, _ := eng.created["HostConfig"].(map[string]any)
	if binds, _ := hc["Binds"].([]any); len(binds) != 0 {
		t.Errorf("the container mounts %v", binds)
	}
	bindings, _ := hc["PortBindings"].(map[string]any)["4566/tcp"].([]any)
	if len(bindings) != 1 {
		t.Fatalf("port bindings %v, want one for 4566/tcp", hc["PortBindings"])
	}
	wantIP := "127.0.0.1" // a local engine, seen from outside any container
	if inContainer() {
		wantIP = "" // the host's loopback interface is out of this container's reach
	}
	if got := bindings[0].(map[string]any)["HostIp"]; got != wantIP {
		t.Errorf("port bound on %q, want %q", got, wantIP)
	}
	mu.Lock()
	if asked < 2 {
		t.Errorf("the health endpoint was asked %d times; the wait ended while s3 started",
			asked)
	}
	mu.Unlock()
	if got := eng.created["Image"]; got != DefaultImage {
		t.Errorf("image %v, want %s", got, DefaultImage)
	}

	if err := p.Release(ctx, acct.ID); err != nil {
		t.Fatal(err)
	}
	if eng.running {
		t.Error("the container still runs after Release")
	}
	if diff := cmp.Diff([]string(nil), eng.unexpected); diff != "" {
		t.Logf("engine calls the fake does not serve (-want +got):\n%s", diff)
	}
}
