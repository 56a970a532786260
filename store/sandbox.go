package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/proctorlabs/proctor"
)

// sandboxColumns lists the sandbox columns in the order scanSandbox reads them.
const sandboxColumns = `name, owner, lab_id, backend, state, message, account_id, region,
	endpoint_http, endpoint_https, endpoint_ca_bundle, endpoint_proxy,
	learner_access_key_id, learner_secret_access_key, learner_session_token,
	grader_access_key_id, grader_secret_access_key, grader_session_token,
	create_time, expire_time, request_id`

// sandboxValues returns s's column values in the order of sandboxColumns.
func sandboxValues(s *proctor.Sandbox) []any {
	return []any{s.Name, s.Owner, s.LabID, s.Backend, string(s.State), s.Message,
		s.AccountID, s.Region,
		s.Endpoint.HTTP, s.Endpoint.HTTPS, s.Endpoint.CABundle, s.Endpoint.Proxy,
		s.Learner.AccessKeyID, s.Learner.SecretAccessKey, s.Learner.SessionToken,
		s.Grader.AccessKeyID, s.Grader.SecretAccessKey, s.Grader.SessionToken,
		encodeTime(s.CreateTime), encodeTime(s.ExpireTime), s.RequestID}
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// scanSandbox reads one row of sandboxColumns.
func scanSandbox(r scanner) (*proctor.Sandbox, error) {
	var s proctor.Sandbox
	var state string
	var created, expires int64
	err := r.Scan(&s.Name, &s.Owner, &s.LabID, &s.Backend, &state, &s.Message,
		&s.AccountID, &s.Region,
		&s.Endpoint.HTTP, &s.Endpoint.HTTPS, &s.Endpoint.CABundle, &s.Endpoint.Proxy,
		&s.Learner.AccessKeyID, &s.Learner.SecretAccessKey, &s.Learner.SessionToken,
		&s.Grader.AccessKeyID, &s.Grader.SecretAccessKey, &s.Grader.SessionToken,
		&created, &expires, &s.RequestID)
	if err != nil {
		return nil, err
	}
	s.State = proctor.SandboxState(state)
	s.CreateTime = decodeTime(created)
	s.ExpireTime = decodeTime(expires)
	return &s, nil
}

// CreateSandbox stores a new sandbox. A name that is taken, or a request id the owner has
// used before, is EConflict; an empty name, owner or state is EInvalid.
func (d *DB) CreateSandbox(ctx context.Context, s *proctor.Sandbox) error {
	if err := checkSandbox(s); err != nil {
		return err
	}
	_, err := d.db.ExecContext(ctx, `INSERT INTO sandboxes (`+sandboxColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sandboxValues(s)...)
	if isUniqueViolation(err) {
		return proctor.Errorf(proctor.EConflict, "sandbox %q or its request id already exists",
			s.Name).WithReason("SANDBOX_EXISTS")
	}
	if err != nil {
		return storeError(err, "create sandbox")
	}
	return nil
}

// checkSandbox rejects a sandbox that lacks the fields every stored sandbox has.
func checkSandbox(s *proctor.Sandbox) error {
	var fields []proctor.FieldViolation
	if s.Name == "" {
		fields = append(fields, proctor.FieldViolation{Field: "name", Description: "required"})
	}
	if s.Owner == "" {
		fields = append(fields, proctor.FieldViolation{Field: "owner", Description: "required"})
	}
	if s.State == "" {
		fields = append(fields, proctor.FieldViolation{Field: "state", Description: "required"})
	}
	if len(fields) > 0 {
		return proctor.InvalidFields("store: incomplete sandbox", fields...)
	}
	return nil
}

// Sandbox returns the sandbox with the given name, or ENotFound.
func (d *DB) Sandbox(ctx context.Context, name string) (*proctor.Sandbox, error) {
	row := d.db.QueryRowContext(ctx,
		`SELECT `+sandboxColumns+` FROM sandboxes WHERE name = ?`, name)
	s, err := scanSandbox(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sandboxNotFound(name)
	}
	if err != nil {
		return nil, storeError(err, "read sandbox")
	}
	return s, nil
}

func sandboxNotFound(name string) error {
	return proctor.Errorf(proctor.ENotFound, "sandbox %q not found", name).
		WithReason("SANDBOX_NOT_FOUND")
}

// SandboxByRequestID returns the owner's sandbox created with the request id, or ENotFound.
// The empty request id never matches.
func (d *DB) SandboxByRequestID(ctx context.Context, owner, requestID string) (
	*proctor.Sandbox, error) {
	if requestID == "" {
		return nil, proctor.Errorf(proctor.ENotFound, "no sandbox for an empty request id")
	}
	row := d.db.QueryRowContext(ctx, `SELECT `+sandboxColumns+` FROM sandboxes
		WHERE owner = ? AND request_id = ?`, owner, requestID)
	s, err := scanSandbox(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, proctor.Errorf(proctor.ENotFound, "no sandbox for request id %q", requestID).
			WithReason("SANDBOX_NOT_FOUND")
	}
	if err != nil {
		return nil, storeError(err, "read sandbox")
	}
	return s, nil
}

// Sandboxes returns one page of sandboxes, newest first (ties broken by name, descending),
// only the owner's when f.Owner is set, and the next page's token, "" after the last page.
// A token from another listing, or one that does not decode, is EInvalid.
func (d *DB) Sandboxes(ctx context.Context, f proctor.SandboxFilter) (
	[]*proctor.Sandbox, string, error) {
	size, err := pageSize(f.Page.Size)
	if err != nil {
		return nil, "", err
	}
	c, after, err := decodeCursor(f.Page.Token, "sandboxes", f.Owner)
	if err != nil {
		return nil, "", err
	}

	var where []string
	var args []any
	if f.Owner != "" {
		where = append(where, "owner = ?")
		args = append(args, f.Owner)
	}
	if after {
		where = append(where, "(create_time < ? OR (create_time = ? AND name < ?))")
		args = append(args, c.Time, c.Time, c.Name)
	}
	q := `SELECT ` + sandboxColumns + ` FROM sandboxes`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY create_time DESC, name DESC LIMIT ?`
	args = append(args, size+1)

	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", storeError(err, "list sandboxes")
	}
	defer rows.Close()
	var out []*proctor.Sandbox
	for rows.Next() {
		s, err := scanSandbox(rows)
		if err != nil {
			return nil, "", storeError(err, "list sandboxes")
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, "", storeError(err, "list sandboxes")
	}

	if len(out) <= size {
		return out, "", nil
	}
	out = out[:size]
	last := out[size-1]
	next := cursor{Version: cursorVersion, Kind: "sandboxes", Scope: f.Owner,
		Time: encodeTime(last.CreateTime), Name: last.Name}
	return out, next.encode(), nil
}

// UpdateSandbox replaces the stored sandbox of s's name with s; ENotFound if there is none.
func (d *DB) UpdateSandbox(ctx context.Context, s *proctor.Sandbox) error {
	if err := checkSandbox(s); err != nil {
		return err
	}
	vals := sandboxValues(s)
	res, err := d.db.ExecContext(ctx, `UPDATE sandboxes SET
		owner = ?, lab_id = ?, backend = ?, state = ?, message = ?, account_id = ?, region = ?,
		endpoint_http = ?, endpoint_https = ?, endpoint_ca_bundle = ?, endpoint_proxy = ?,
		learner_access_key_id = ?, learner_secret_access_key = ?, learner_session_token = ?,
		grader_access_key_id = ?, grader_secret_access_key = ?, grader_session_token = ?,
		create_time = ?, expire_time = ?, request_id = ?
		WHERE name = ?`, append(vals[1:], s.Name)...)
	if isUniqueViolation(err) {
		return proctor.Errorf(proctor.EConflict,
			"another sandbox of %q has request id %q", s.Owner, s.RequestID)
	}
	if err != nil {
		return storeError(err, "update sandbox")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return storeError(err, "update sandbox")
	}
	if n == 0 {
		return sandboxNotFound(s.Name)
	}
	return nil
}

// SandboxesInStates returns at most limit sandboxes whose state is one of states, only the
// owner's when owner is not empty, the soonest to expire first (then by name). It
// implements proctor.SandboxStateQuerier.
func (d *DB) SandboxesInStates(ctx context.Context, owner string, states []proctor.SandboxState,
	limit int) ([]*proctor.Sandbox, error) {
	if limit < 1 || len(states) == 0 {
		return nil, nil
	}
	q := `SELECT ` + sandboxColumns + ` FROM sandboxes WHERE state IN (?` +
		strings.Repeat(", ?", len(states)-1) + `)`
	var args []any
	for _, st := range states {
		args = append(args, string(st))
	}
	if owner != "" {
		q += ` AND owner = ?`
		args = append(args, owner)
	}
	q += ` ORDER BY expire_time, name LIMIT ?`
	args = append(args, limit)

	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, storeError(err, "list sandboxes by state")
	}
	defer rows.Close()
	var out []*proctor.Sandbox
	for rows.Next() {
		s, err := scanSandbox(rows)
		if err != nil {
			return nil, storeError(err, "list sandboxes by state")
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(err, "list sandboxes by state")
	}
	return out, nil
}

// encodeTime returns t as Unix nanoseconds, and 0 for the zero time.
func encodeTime(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// decodeTime reverses encodeTime, in UTC.
func decodeTime(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
