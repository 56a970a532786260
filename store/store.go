// Package store keeps Proctor's sandboxes, attempts and results in one SQLite file, through
// the pure-Go modernc.org/sqlite driver (no cgo). The schema is versioned with goose
// migrations embedded in the binary and applied by Open.
//
// A *DB implements proctor.SandboxStore, proctor.AttemptStore, proctor.SandboxStateQuerier
// and proctor.AttemptStateQuerier. It is safe for concurrent use: the file is in WAL mode, so
// readers never wait for the writer, and writers wait for each other up to a busy timeout
// rather than failing at once.
//
// Credentials are stored in the file, because the server needs them to run lab steps and
// graders; the store never logs them, and it creates the file readable by its owner alone.
//
// Listings are paginated with opaque tokens. A token names the position after the last item
// of the previous page and the listing it belongs to; a token that does not decode, or that
// belongs to a different listing, is an EInvalid error.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/proctorlabs/proctor"
)

//go:embed migrations/*.sql
var migrations embed.FS

// busyTimeoutMillis is how long a writer waits for another writer before the store reports
// the database as unavailable.
const busyTimeoutMillis = 5000

// DB is an open Proctor database. Its methods are safe for concurrent use.
type DB struct {
	db *sql.DB
}

// Open opens the SQLite database at path, creating the file (mode 0600) when it does not
// exist, and applies every pending migration. The directory must exist. Close the DB when
// done. A path that is empty or contains '?' is an error, since the driver would read the
// rest as connection options, and so is an existing file that other users may read or
// write, since it holds credentials; such a file is left as it is.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("store: open: empty path")
	}
	if strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("store: open %q: path must not contain '?'", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	info, err := f.Stat()
	if err == nil {
		err = checkPrivate(path, info)
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("store: open: %w", cerr)
	}
	if err != nil {
		return nil, err
	}

	dsn := fmt.Sprintf("%s?_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)"+
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate",
		path, busyTimeoutMillis)
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %q: %w", path, err)
	}
	// A few connections let readers run beside the writer; SQLite itself serializes writes.
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %q: %w", path, err)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return &DB{db: db}, nil
}

// checkPrivate refuses a database file that is not a regular file, or that users other
// than its owner may read or write: it holds sandbox credentials. SQLite gives its journal
// files the database file's mode, so a private database keeps them private too.
func checkPrivate(path string, info os.FileInfo) error {
	if !info.Mode().IsRegular() {
		return fmt.Errorf("store: open %s: not a regular file", path)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("store: open %s: the file has mode %04o, so other users may read "+
			"the credentials it holds; make it private (chmod 600 %s)", path, perm, path)
	}
	return nil
}

// migrate applies the embedded migrations that the database has not seen yet.
func migrate(ctx context.Context, db *sql.DB) error {
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	provider, err := goose.NewProvider(goose.DialectSQLite3, db, dir,
		goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// Close closes the database. Calls made after Close fail.
func (d *DB) Close() error {
	if err := d.db.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// isUniqueViolation reports whether err is SQLite's report of a duplicate key.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE ||
		se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// storeError wraps a database failure for the caller: a busy or locked database is
// EUnavailable (retry later), anything else EInternal. The cause stays in the chain for logs.
func storeError(err error, op string) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return proctor.WrapError(proctor.EUnavailable, err, "the database is busy; retry")
		}
	}
	return proctor.WrapError(proctor.EInternal, err, "store: %s failed", op)
}

// isForeignKeyViolation reports whether err is SQLite's report of a missing referenced row.
func isForeignKeyViolation(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// The interfaces a *DB implements.
var (
	_ proctor.SandboxStore        = (*DB)(nil)
	_ proctor.AttemptStore        = (*DB)(nil)
	_ proctor.SandboxStateQuerier = (*DB)(nil)
	_ proctor.AttemptStateQuerier = (*DB)(nil)
)
