package keyedmutex

import (
	"sync"
	"testing"
	"time"
)

func TestSameKeyIsSerialized(t *testing.T) {
	var m Map
	var wg sync.WaitGroup
	inside, maxInside := 0, 0
	var mu sync.Mutex
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock := m.Lock("sb-1")
			mu.Lock()
			inside++
			maxInside = max(maxInside, inside)
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			inside--
			mu.Unlock()
			unlock()
		}()
	}
	wg.Wait()
	if maxInside != 1 {
		t.Errorf("%d holders of one key at once, want 1", maxInside)
	}
	if n := m.len(); n != 0 {
		t.Errorf("%d keys kept after every holder left, want 0", n)
	}
}

func TestOtherKeysDoNotWait(t *testing.T) {
	var m Map
	unlock := m.Lock("a")
	defer unlock()
	done := make(chan struct{})
	go func() {
		m.Lock("b")()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("locking key b waited for the holder of key a")
	}
}
