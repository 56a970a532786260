package server_test

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/proctorlabs/proctor"
)

// fakeCatalog is a LabCatalog over a fixed list of labs.
type fakeCatalog struct {
	labs []*proctor.Lab // sorted by id
}

func (c *fakeCatalog) Lab(id string) (*proctor.Lab, error) {
	for _, l := range c.labs {
		if l.ID == id {
			return l, nil
		}
	}
	return nil, proctor.Errorf(proctor.ENotFound, "lab %q not found", id)
}

func (c *fakeCatalog) Labs() []*proctor.Lab { return c.labs }

// call records one call of a fake service.
type call struct {
	Method string
	Caller proctor.Caller
	Args   []string
	Page   proctor.Page
}

// recorder records the calls of a fake and can make the next call fail.
type recorder struct {
	mu    sync.Mutex
	calls []call
	fail  error // returned by every call when set
	panic bool  // every call panics when set
}

func (r *recorder) record(c call) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, c)
	if r.panic {
		panic("fake: told to panic")
	}
	return r.fail
}

func (r *recorder) Calls() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]call(nil), r.calls...)
}

// fakeSandboxes is a SandboxService over a map, authorizing as the domain documents: a
// sandbox the caller may not see is ENotFound. Page tokens are decimal offsets.
type fakeSandboxes struct {
	recorder
	mu        sync.Mutex
	sandboxes map[string]*proctor.Sandbox
	next      int
}

func newFakeSandboxes(sbs ...*proctor.Sandbox) *fakeSandboxes {
	f := &fakeSandboxes{sandboxes: map[string]*proctor.Sandbox{}}
	for _, s := range sbs {
		f.sandboxes[s.Name] = s
	}
	return f
}

func (f *fakeSandboxes) CreateSandbox(ctx context.Context, caller proctor.Caller, labID,
	requestID string) (*proctor.Sandbox, error) {
	if err := f.record(call{Method: "CreateSandbox", Caller: caller,
		Args: []string{labID, requestID}}); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	s := &proctor.Sandbox{Name: fmt.Sprintf("sandboxes/new-%d", f.next), Owner: caller.Subject,
		LabID: labID, State: proctor.SandboxReady, RequestID: requestID,
		Learner: proctor.Credentials{AccessKeyID: "AKIANEW", SecretAccessKey: "new-secret"}}
	f.sandboxes[s.Name] = s
	return s, nil
}

func (f *fakeSandboxes) Sandbox(ctx context.Context, caller proctor.Caller,
	name string) (*proctor.Sandbox, error) {
	if err := f.record(call{Method: "Sandbox", Caller: caller, Args: []string{name}}); err != nil {
		return nil, err
	}
	return f.visible(caller, name)
}

func (f *fakeSandboxes) visible(caller proctor.Caller, name string) (*proctor.Sandbox, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sandboxes[name]
	if !ok || !caller.CanSee(s.Owner) {
		return nil, proctor.Errorf(proctor.ENotFound, "sandbox %q not found", name)
	}
	return s, nil
}

func (f *fakeSandboxes) Sandboxes(ctx context.Context, caller proctor.Caller,
	page proctor.Page) ([]*proctor.Sandbox, string, error) {
	if err := f.record(call{Method: "Sandboxes", Caller: caller, Page: page}); err != nil {
		return nil, "", err
	}
	f.mu.Lock()
	var all []*proctor.Sandbox
	for _, s := range f.sandboxes {
		if caller.CanSee(s.Owner) {
			all = append(all, s)
		}
	}
	f.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return pageOf(all, page)
}

func (f *fakeSandboxes) DeleteSandbox(ctx context.Context, caller proctor.Caller,
	name string) (*proctor.Sandbox, error) {
	if err := f.record(call{Method: "DeleteSandbox", Caller: caller,
		Args: []string{name}}); err != nil {
		return nil, err
	}
	s, err := f.visible(caller, name)
	if err != nil {
		return nil, err
	}
	d := *s
	d.State = proctor.SandboxDeleted
	return &d, nil
}

func (f *fakeSandboxes) ExtendSandbox(ctx context.Context, caller proctor.Caller,
	name string, by time.Duration) (*proctor.Sandbox, error) {
	if err := f.record(call{Method: "ExtendSandbox", Caller: caller,
		Args: []string{name, by.String()}}); err != nil {
		return nil, err
	}
	s, err := f.visible(caller, name)
	if err != nil {
		return nil, err
	}
	e := *s
	e.ExpireTime = e.ExpireTime.Add(by)
	return &e, nil
}

// pageOf returns the page of items that page asks for, with offset tokens.
func pageOf[T any](items []T, page proctor.Page) ([]T, string, error) {
	start := 0
	if page.Token != "" {
		n, err := strconv.Atoi(page.Token)
		if err != nil || n < 0 || n > len(items) {
			return nil, "", proctor.Errorf(proctor.EInvalid, "bad page token")
		}
		start = n
	}
	end := min(start+page.Size, len(items))
	next := ""
	if end < len(items) {
		next = strconv.Itoa(end)
	}
	return items[start:end], next, nil
}

// fakeAttempts is an AttemptService whose attempts belong to the sandboxes of a
// fakeSandboxes. WatchAttempt sends the events that the test writes to events, then
// returns when the channel is closed.
type fakeAttempts struct {
	recorder
	sandboxes *fakeSandboxes
	mu        sync.Mutex
	attempts  map[string]*proctor.Attempt
	events    chan proctor.AttemptEvent
}

func (f *fakeAttempts) SubmitAttempt(ctx context.Context, caller proctor.Caller, sandbox,
	requestID string) (*proctor.Attempt, error) {
	if err := f.record(call{Method: "SubmitAttempt", Caller: caller,
		Args: []string{sandbox, requestID}}); err != nil {
		return nil, err
	}
	s, err := f.sandboxes.visible(caller, sandbox)
	if err != nil {
		return nil, err
	}
	a := &proctor.Attempt{Name: sandbox + "/attempts/new", Sandbox: sandbox, Owner: s.Owner,
		LabID: s.LabID, State: proctor.AttemptGrading, RequestID: requestID}
	return a, nil
}

func (f *fakeAttempts) attempt(caller proctor.Caller, name string) (*proctor.Attempt, error) {
	f.mu.Lock()
	a, ok := f.attempts[name]
	f.mu.Unlock()
	if !ok {
		return nil, proctor.Errorf(proctor.ENotFound, "attempt %q not found", name)
	}
	if _, err := f.sandboxes.visible(caller, a.Sandbox); err != nil {
		return nil, proctor.Errorf(proctor.ENotFound, "attempt %q not found", name)
	}
	return a, nil
}

func (f *fakeAttempts) Attempt(ctx context.Context, caller proctor.Caller,
	name string) (*proctor.Attempt, error) {
	if err := f.record(call{Method: "Attempt", Caller: caller, Args: []string{name}}); err != nil {
		return nil, err
	}
	return f.attempt(caller, name)
}

func (f *fakeAttempts) Attempts(ctx context.Context, caller proctor.Caller, sandbox string,
	page proctor.Page) ([]*proctor.Attempt, string, error) {
	if err := f.record(call{Method: "Attempts", Caller: caller, Args: []string{sandbox},
		Page: page}); err != nil {
		return nil, "", err
	}
	if _, err := f.sandboxes.visible(caller, sandbox); err != nil {
		return nil, "", err
	}
	f.mu.Lock()
	var all []*proctor.Attempt
	for _, a := range f.attempts {
		if a.Sandbox == sandbox {
			all = append(all, a)
		}
	}
	f.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return pageOf(all, page)
}

func (f *fakeAttempts) WatchAttempt(ctx context.Context, caller proctor.Caller, name string,
	fn func(proctor.AttemptEvent) error) error {
	if err := f.record(call{Method: "WatchAttempt", Caller: caller,
		Args: []string{name}}); err != nil {
		return err
	}
	if _, err := f.attempt(caller, name); err != nil {
		return err
	}
	for {
		select {
		case ev, ok := <-f.events:
			if !ok {
				return nil
			}
			if err := fn(ev); err != nil {
				return err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
