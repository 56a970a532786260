// Package keyedmutex provides one mutex per key, so that work on one learner or sandbox is
// serialized while work on different ones never waits on each other.
package keyedmutex

import "sync"

// Map holds one mutex per key, created on first use and dropped when nobody holds or waits
// for it. The zero value is ready to use; a Map must not be copied after first use.
type Map struct {
	mu    sync.Mutex
	locks map[string]*entry
}

type entry struct {
	mu    sync.Mutex
	users int // holders and waiters
}

// Lock locks the key's mutex and returns the function that unlocks it.
func (m *Map) Lock(key string) (unlock func()) {
	m.mu.Lock()
	if m.locks == nil {
		m.locks = map[string]*entry{}
	}
	e, ok := m.locks[key]
	if !ok {
		e = &entry{}
		m.locks[key] = e
	}
	e.users++
	m.mu.Unlock()

	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		m.mu.Lock()
		e.users--
		if e.users == 0 {
			delete(m.locks, key)
		}
		m.mu.Unlock()
	}
}

// len returns the number of keys with holders or waiters.
func (m *Map) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.locks)
}
