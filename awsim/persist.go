package awsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/proctorlabs/proctor/iampolicy"
)

// stateFile is the snapshot's file name inside DataDir.
const stateFile = "state.json"

// stateVersion is written into every snapshot; a snapshot of another version is refused
// rather than misread.
const stateVersion = 2

// snapshotFile is the snapshot's format: one record per account.
type snapshotFile struct {
	Version  int               `json:"version"`
	Accounts []json.RawMessage `json:"accounts"`
}

// accountRecord is everything one account owns.
type accountRecord struct {
	Account *account     `json:"account"`
	Keys    []*accessKey `json:"keys"`
	Buckets []*bucket    `json:"buckets"`
}

// loadState reads the snapshot in dir; a missing snapshot is an empty state. It returns the
// encoded record of every account too, so that the first save re-encodes only what changed.
func loadState(dir string) (*state, map[string][]byte, error) {
	path := filepath.Join(dir, stateFile)
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return newState(), map[string][]byte{}, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("awsim: read state: %w", err)
	}
	var file snapshotFile
	if err := json.Unmarshal(raw, &file); err != nil {
		return nil, nil, fmt.Errorf("awsim: parse state %s: %w", path, err)
	}
	if file.Version != stateVersion {
		return nil, nil, fmt.Errorf("awsim: state %s has version %d, want %d", path,
			file.Version, stateVersion)
	}
	st := newState()
	encoded := map[string][]byte{}
	for i, rawRec := range file.Accounts {
		var rec accountRecord
		if err := json.Unmarshal(rawRec, &rec); err != nil || rec.Account == nil {
			return nil, nil, fmt.Errorf("awsim: parse state %s: account record %d: %v", path,
				i, err)
		}
		if err := st.addRecord(&rec); err != nil {
			return nil, nil, fmt.Errorf("awsim: state %s: %w", path, err)
		}
		encoded[rec.Account.ID] = rawRec
	}
	return st, encoded, nil
}

// addRecord puts a loaded account record into the state, rebuilding the indexes and the
// parsed policies.
func (st *state) addRecord(rec *accountRecord) error {
	a := rec.Account
	if a.KMSKeys == nil {
		a.KMSKeys = map[string]*kmsKey{}
	}
	if a.Aliases == nil {
		a.Aliases = map[string]*kmsAlias{}
	}
	a.buckets = map[string]struct{}{}
	for _, k := range a.KMSKeys {
		if keyPolicyOf(k) == nil {
			return fmt.Errorf("policy of key %s does not parse", k.ARN)
		}
	}
	st.Accounts[a.ID] = a
	for _, k := range rec.Keys {
		st.Keys[k.ID] = k
		a.keyIDs = append(a.keyIDs, k.ID)
	}
	for _, b := range rec.Buckets {
		if b.Objects == nil {
			b.Objects = map[string]*s3Object{}
		}
		if b.Policy != "" {
			p, err := iampolicy.Parse([]byte(b.Policy))
			if err != nil {
				return fmt.Errorf("policy of bucket %s: %w", b.Name, err)
			}
			b.parsedPolicy = p
		}
		st.Buckets[b.Name] = b
		a.buckets[b.Name] = struct{}{}
	}
	return nil
}

// record gathers what an account owns; the caller holds at least the read lock.
func (st *state) record(a *account) *accountRecord {
	rec := &accountRecord{Account: a}
	for _, id := range a.keyIDs {
		if k := st.Keys[id]; k != nil {
			rec.Keys = append(rec.Keys, k)
		}
	}
	names := make([]string, 0, len(a.buckets))
	for name := range a.buckets {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if b := st.Buckets[name]; b != nil {
			rec.Buckets = append(rec.Buckets, b)
		}
	}
	return rec
}

// changed marks an account's state dirty; the save loop writes the snapshot soon after.
func (s *Server) changed(accountID string) {
	s.dirtyMu.Lock()
	s.dirtyAccounts[accountID] = struct{}{}
	s.dirtyMu.Unlock()
	select {
	case s.dirty <- struct{}{}:
	default:
	}
}

// save writes the snapshot atomically. Only accounts changed since the last save are
// encoded, under the read lock; the others keep their encoding, so the lock is held for
// time proportional to the change rather than to the whole state.
func (s *Server) save() error {
	s.persistMu.Lock()
	defer s.persistMu.Unlock()
	s.dirtyMu.Lock()
	dirty := s.dirtyAccounts
	s.dirtyAccounts = map[string]struct{}{}
	s.dirtyMu.Unlock()

	var encErr error
	s.mu.RLock()
	for id := range dirty {
		a := s.st.Accounts[id]
		if a == nil {
			delete(s.encoded, id)
			continue
		}
		b, err := json.Marshal(s.st.record(a))
		if err != nil {
			encErr = err
			continue
		}
		s.encoded[id] = b
	}
	s.mu.RUnlock()
	if encErr != nil {
		return fmt.Errorf("awsim: encode state: %w", encErr)
	}

	ids := make([]string, 0, len(s.encoded))
	for id := range s.encoded {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `{"version":%d,"accounts":[`, stateVersion)
	for i, id := range ids {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
		buf.Write(s.encoded[id])
	}
	buf.WriteString("\n]}\n")
	return writeFileAtomic(filepath.Join(s.cfg.DataDir, stateFile), buf.Bytes(), 0o600)
}
