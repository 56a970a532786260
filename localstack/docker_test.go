package localstack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/moby/moby/api/types/container"

	"github.com/proctorlabs/proctor"
)

// fakeDocker is a Docker engine API that knows containers by id and labels, enough for the
// calls the provisioner makes besides starting containers.
type fakeDocker struct {
	mu         sync.Mutex
	containers map[string]map[string]string // id -> labels
	gone       map[string]bool              // ids that vanish between listing and removal
	removed    []string
	removeArgs []string
}

func (f *fakeDocker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Api-Version", "1.47")
	path := r.URL.Path
	if i := strings.Index(path[1:], "/"); strings.HasPrefix(path, "/v1.") && i > 0 {
		path = path[i+1:]
	}
	switch {
	case path == "/_ping":
		w.Write([]byte("OK"))
	case r.Method == http.MethodGet && path == "/containers/json":
		var filters map[string]map[string]bool
		if err := json.Unmarshal([]byte(r.URL.Query().Get("filters")), &filters); err != nil {
			http.Error(w, `{"message":"bad filters"}`, http.StatusBadRequest)
			return
		}
		list := []map[string]any{}
		for id, labels := range f.containers {
			if matches(labels, filters["label"]) && r.URL.Query().Get("all") == "1" {
				list = append(list, map[string]any{"Id": id, "Labels": labels})
			}
		}
		json.NewEncoder(w).Encode(list)
	case r.Method == http.MethodDelete && strings.HasPrefix(path, "/containers/"):
		id := strings.TrimPrefix(path, "/containers/")
		f.removeArgs = append(f.removeArgs, r.URL.RawQuery)
		if _, ok := f.containers[id]; !ok || f.gone[id] {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"message":"No such container: ` + id + `"}`))
			return
		}
		delete(f.containers, id)
		f.removed = append(f.removed, id)
		w.WriteHeader(http.StatusNoContent)
	default:
		http.Error(w, `{"message":"unexpected call"}`, http.StatusNotImplemented)
	}
}

// matches reports whether the labels hold every "key=value" of the filter.
func matches(labels map[string]string, want map[string]bool) bool {
	for kv := range want {
		k, v, _ := strings.Cut(kv, "=")
		if labels[k] != v {
			return false
		}
	}
	return true
}

// serveFakeDocker serves f on a unix socket and returns the engine's DOCKER_HOST.
func serveFakeDocker(t *testing.T, f *fakeDocker) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "docker.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("no unix sockets here: %v", err)
	}
	srv := httptest.NewUnstartedServer(f)
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return "unix://" + sock
}

func TestDockerEngineFindsAndRemovesByLabel(t *testing.T) {
	f := &fakeDocker{
		containers: map[string]map[string]string{
			"aaa": {LabelBackend: Backend, LabelAccount: "111111111111"},
			"bbb": {LabelBackend: Backend, LabelAccount: "222222222222"},
			"ccc": {LabelBackend: Backend, LabelAccount: "111111111111"},
			// Someone else's container that happens to carry the account label.
			"ddd": {"proctor.backend": "other", LabelAccount: "111111111111"},
		},
		gone: map[string]bool{"ccc": true},
	}
	host := serveFakeDocker(t, f)
	eng, err := newDockerEngine(host, slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	defer eng.close()
	ctx := context.Background()

	if err := eng.probe(ctx); err != nil {
		t.Fatalf("probe = %v", err)
	}
	if n, err := eng.count(ctx, "111111111111"); err != nil || n != 2 {
		t.Errorf("count = %d, %v; want 2", n, err)
	}
	n, err := eng.remove(ctx, "111111111111")
	if err != nil {
		t.Fatalf("remove = %v", err)
	}
	// ccc vanished before its removal, which counts as removed by someone else.
	if n != 1 || !cmp.Equal(f.removed, []string{"aaa"}) {
		t.Errorf("remove = %d, removed %v; want 1, [aaa]", n, f.removed)
	}
	for _, q := range f.removeArgs {
		if !strings.Contains(q, "force=1") || !strings.Contains(q, "v=1") {
			t.Errorf("removal query %q, want force=1 and v=1", q)
		}
	}
	if _, ok := f.containers["bbb"]; !ok {
		t.Error("removing account 111111111111 removed account 222222222222's container")
	}
	if _, ok := f.containers["ddd"]; !ok {
		t.Error("removing removed a container of another backend")
	}
	if n, err := eng.remove(ctx, "333333333333"); err != nil || n != 0 {
		t.Errorf("remove of an account without containers = %d, %v; want 0, nil", n, err)
	}
}

func TestProvisionerReleaseOnDocker(t *testing.T) {
	f := &fakeDocker{containers: map[string]map[string]string{
		"aaa": {LabelBackend: Backend, LabelAccount: "444444444444"},
	}}
	t.Setenv("DOCKER_HOST", serveFakeDocker(t, f))
	p, err := New(Config{})
	if err != nil {
		t.Fatalf("New on an answering engine = %v", err)
	}
	if p.host != "localhost" {
		t.Errorf("endpoint host %q, want localhost", p.host)
	}
	if err := p.Release(context.Background(), "444444444444"); err != nil {
		t.Fatal(err)
	}
	if len(f.containers) != 0 {
		t.Errorf("containers left: %v", f.containers)
	}
	defer p.Close()
	if err := p.Release(context.Background(), "444444444444"); err != nil {
		t.Errorf("Release of a gone sandbox = %v, want nil", err)
	}
}

func TestDockerEngineProbeNamesTheHost(t *testing.T) {
	host := "unix://" + filepath.Join(t.TempDir(), "absent.sock")
	eng, err := newDockerEngine(host, slog.New(slog.DiscardHandler), "")
	if err != nil {
		t.Fatal(err)
	}
	defer eng.close()
	err = eng.probe(context.Background())
	var perr *proctor.Error
	if !errors.As(err, &perr) || perr.Code != proctor.EUnavailable ||
		perr.Message != "no Docker engine answers at "+host {
		t.Errorf("probe = %v, want EUnavailable naming %s", err, host)
	}
}

func TestHostConfig(t *testing.T) {
	for _, loopback := range []bool{true, false} {
		hc := &container.HostConfig{Binds: []string{"/var/run/docker.sock:/var/run/docker.sock"}}
		hostConfig(containerSpec{Loopback: loopback})(hc)
		if len(hc.Binds) != 0 {
			t.Errorf("loopback=%v: binds %v, want none", loopback, hc.Binds)
		}
		got := fmt.Sprint(hc.PortBindings)
		want := "map[]"
		if loopback {
			want = "map[4566/tcp:[{127.0.0.1 0}]]"
		}
		if got != want {
			t.Errorf("loopback=%v: port bindings %s, want %s", loopback, got, want)
		}
	}
}
