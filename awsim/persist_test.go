package awsim

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkSaveOneChange measures a snapshot save after one account changed while many
// others exist: only the changed account is encoded under the lock.
func BenchmarkSaveOneChange(b *testing.B) {
	s, err := New(Config{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var last string
	for i := range 2000 {
		a, err := s.CreateAccount(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		name := fmt.Sprintf("bench-%d-%s", i, a.ID)
		s.mu.Lock()
		s.st.Buckets[name] = &bucket{Name: name, Account: a.ID, Objects: map[string]*s3Object{
			"k": {Key: "k", Body: make([]byte, 512)}}}
		s.st.Accounts[a.ID].buckets[name] = struct{}{}
		s.mu.Unlock()
		s.changed(a.ID)
		last = a.ID
	}
	if err := s.save(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s.changed(last)
		if err := s.save(); err != nil {
			b.Fatal(err)
		}
	}
}
