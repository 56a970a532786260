package auth

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// KeyFile is the name of the signing key's file in the data directory. It holds the
// secret in standard base64 on one line.
const KeyFile = "jwt-signing.key"

// minSecretLen is the shortest secret accepted, in bytes; new keys have this many.
const minSecretLen = 32

// maxKeyFileBytes bounds how much of a key file is read.
const maxKeyFileBytes = 4096

// LoadKey returns the signing key kept in dataDir, creating the directory (mode 0700) and a
// new random key (file mode 0600) when there is none yet. Two processes creating it at once
// end up with the same key. A key file that others may read or write, or whose contents
// are not a base64 secret of at least 32 bytes, is an error and is left as it is.
func LoadKey(dataDir string) (*Key, error) {
	if dataDir == "" {
		return nil, errors.New("auth: data directory is empty")
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("auth: create data directory: %w", err)
	}
	path := filepath.Join(dataDir, KeyFile)

	secret, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := createKeyFile(dataDir, path); err != nil {
			return nil, err
		}
		secret, err = readKeyFile(path)
	}
	if err != nil {
		return nil, err
	}
	return NewKey(secret)
}

// readKeyFile reads and decodes the key file at path, refusing one that others may access.
func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("auth: open key file: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("auth: stat key file: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("auth: key file %s is not a regular file", path)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("auth: key file %s has mode %04o; others may access it "+
			"(want 0600)", path, perm)
	}

	raw, err := io.ReadAll(io.LimitReader(f, maxKeyFileBytes))
	if err != nil {
		return nil, fmt.Errorf("auth: read key file %s: %w", path, err)
	}
	text := bytes.TrimSpace(raw)
	secret := make([]byte, base64.StdEncoding.DecodedLen(len(text)))
	m, err := base64.StdEncoding.Decode(secret, text)
	if err != nil {
		return nil, fmt.Errorf("auth: key file %s is not base64: %w", path, err)
	}
	if m < minSecretLen {
		return nil, fmt.Errorf("auth: key file %s holds %d bytes; want at least %d",
			path, m, minSecretLen)
	}
	return secret[:m], nil
}

// createKeyFile writes a new random secret to path unless a file is already there. It
// writes a temporary file and links it into place, so that readers never see a partial key
// and a concurrent creator's key wins cleanly.
func createKeyFile(dir, path string) error {
	secret := make([]byte, minSecretLen)
	if _, err := rand.Read(secret); err != nil {
		return fmt.Errorf("auth: generate key: %w", err)
	}

	tmp, err := os.CreateTemp(dir, ".jwt-signing.key-*")
	if err != nil {
		return fmt.Errorf("auth: create key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("auth: create key file: %w", err)
	}
	line := base64.StdEncoding.EncodeToString(secret) + "\n"
	if _, err := tmp.WriteString(line); err != nil {
		tmp.Close()
		return fmt.Errorf("auth: write key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("auth: write key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("auth: write key file: %w", err)
	}

	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("auth: install key file: %w", err)
	}
	return nil
}
