package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/proctorlabs/proctor"
)

// attemptColumns lists the attempt columns in the order scanAttempt reads them.
const attemptColumns = `name, sandbox, owner, lab_id, state, message, results, score,
	max_score, passed, create_time, complete_time, request_id`

// storedResult is the JSON form of one result in the results column. It is separate from
// proctor.Result so that renaming a domain field never breaks stored attempts.
type storedResult struct {
	CheckID   string           `json:"check_id"`
	Title     string           `json:"title,omitempty"`
	Verdict   string           `json:"verdict"`
	Message   string           `json:"message,omitempty"`
	Evidence  []storedEvidence `json:"evidence,omitempty"`
	Hint      string           `json:"hint,omitempty"`
	Controls  []string         `json:"controls,omitempty"`
	Points    float64          `json:"points"`
	MaxPoints int              `json:"max_points"`
	Duration  int64            `json:"duration_ns"`
}

type storedEvidence struct {
	Resource string `json:"resource,omitempty"`
	Observed string `json:"observed,omitempty"`
	Expected string `json:"expected,omitempty"`
}

// encodeResults returns the JSON of the results column.
func encodeResults(rs []proctor.Result) (string, error) {
	out := make([]storedResult, len(rs))
	for i, r := range rs {
		sr := storedResult{CheckID: r.CheckID, Title: r.Title, Verdict: string(r.Verdict),
			Message: r.Message, Hint: r.Hint, Controls: r.Controls, Points: r.Points,
			MaxPoints: r.MaxPoints, Duration: int64(r.Duration)}
		for _, e := range r.Evidence {
			sr.Evidence = append(sr.Evidence, storedEvidence(e))
		}
		out[i] = sr
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("store: encode results: %w", err)
	}
	return string(b), nil
}

// decodeResults parses the results column; an empty list is nil.
func decodeResults(s string) ([]proctor.Result, error) {
	var in []storedResult
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("store: decode results: %w", err)
	}
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]proctor.Result, len(in))
	for i, sr := range in {
		r := proctor.Result{CheckID: sr.CheckID, Title: sr.Title,
			Verdict: proctor.Verdict(sr.Verdict), Message: sr.Message, Hint: sr.Hint,
			Controls: sr.Controls, Points: sr.Points, MaxPoints: sr.MaxPoints,
			Duration: time.Duration(sr.Duration)}
		for _, e := range sr.Evidence {
			r.Evidence = append(r.Evidence, proctor.Evidence(e))
		}
		out[i] = r
	}
	return out, nil
}

// attemptValues returns a's column values in the order of attemptColumns.
func attemptValues(a *proctor.Attempt) ([]any, error) {
	results, err := encodeResults(a.Results)
	if err != nil {
		return nil, err
	}
	return []any{a.Name, a.Sandbox, a.Owner, a.LabID, string(a.State), a.Message, results,
		a.Score, a.MaxScore, a.Passed, encodeTime(a.CreateTime), encodeTime(a.CompleteTime),
		a.RequestID}, nil
}

// scanAttempt reads one row of attemptColumns.
func scanAttempt(r scanner) (*proctor.Attempt, error) {
	var a proctor.Attempt
	var state, results string
	var created, completed int64
	err := r.Scan(&a.Name, &a.Sandbox, &a.Owner, &a.LabID, &state, &a.Message, &results,
		&a.Score, &a.MaxScore, &a.Passed, &created, &completed, &a.RequestID)
	if err != nil {
		return nil, err
	}
	a.State = proctor.AttemptState(state)
	a.CreateTime = decodeTime(created)
	a.CompleteTime = decodeTime(completed)
	if a.Results, err = decodeResults(results); err != nil {
		return nil, err
	}
	return &a, nil
}

// checkAttempt rejects an attempt that lacks the fields every stored attempt has.
func checkAttempt(a *proctor.Attempt) error {
	var fields []proctor.FieldViolation
	for _, f := range []struct{ name, value string }{
		{"name", a.Name}, {"sandbox", a.Sandbox}, {"owner", a.Owner}, {"state", string(a.State)},
	} {
		if f.value == "" {
			fields = append(fields, proctor.FieldViolation{Field: f.name, Description: "required"})
		}
	}
	if len(fields) > 0 {
		return proctor.InvalidFields("store: incomplete attempt", fields...)
	}
	return nil
}

// CreateAttempt stores a new attempt and its results. A taken name, or a request id already
// used on the sandbox, is EConflict; a sandbox that is not stored is ENotFound.
func (d *DB) CreateAttempt(ctx context.Context, a *proctor.Attempt) error {
	if err := checkAttempt(a); err != nil {
		return err
	}
	vals, err := attemptValues(a)
	if err != nil {
		return err
	}
	_, err = d.db.ExecContext(ctx, `INSERT INTO attempts (`+attemptColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, vals...)
	if isUniqueViolation(err) {
		return proctor.Errorf(proctor.EConflict, "attempt %q or its request id already exists",
			a.Name).WithReason("ATTEMPT_EXISTS")
	}
	if isForeignKeyViolation(err) {
		return sandboxNotFound(a.Sandbox)
	}
	if err != nil {
		return storeError(err, "create attempt")
	}
	return nil
}

// Attempt returns the attempt with the given name, or ENotFound.
func (d *DB) Attempt(ctx context.Context, name string) (*proctor.Attempt, error) {
	row := d.db.QueryRowContext(ctx,
		`SELECT `+attemptColumns+` FROM attempts WHERE name = ?`, name)
	a, err := scanAttempt(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, attemptNotFound(name)
	}
	if err != nil {
		return nil, storeError(err, "read attempt")
	}
	return a, nil
}

func attemptNotFound(name string) error {
	return proctor.Errorf(proctor.ENotFound, "attempt %q not found", name).
		WithReason("ATTEMPT_NOT_FOUND")
}

// AttemptByRequestID returns the sandbox's attempt created with the request id, or
// ENotFound. The empty request id never matches.
func (d *DB) AttemptByRequestID(ctx context.Context, sandbox, requestID string) (
	*proctor.Attempt, error) {
	if requestID == "" {
		return nil, proctor.Errorf(proctor.ENotFound, "no attempt for an empty request id")
	}
	row := d.db.QueryRowContext(ctx, `SELECT `+attemptColumns+` FROM attempts
		WHERE sandbox = ? AND request_id = ?`, sandbox, requestID)
	a, err := scanAttempt(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, proctor.Errorf(proctor.ENotFound, "no attempt for request id %q", requestID).
			WithReason("ATTEMPT_NOT_FOUND")
	}
	if err != nil {
		return nil, storeError(err, "read attempt")
	}
	return a, nil
}

// Attempts returns one page of a sandbox's attempts, newest first (ties broken by name,
// descending), and the next page's token, "" after the last page. An empty f.Sandbox is
// EInvalid, as is a token from another listing or one that does not decode.
func (d *DB) Attempts(ctx context.Context, f proctor.AttemptFilter) (
	[]*proctor.Attempt, string, error) {
	if f.Sandbox == "" {
		return nil, "", proctor.InvalidFields("the sandbox of the attempts is required",
			proctor.FieldViolation{Field: "parent", Description: "required"})
	}
	size, err := pageSize(f.Page.Size)
	if err != nil {
		return nil, "", err
	}
	c, after, err := decodeCursor(f.Page.Token, "attempts", f.Sandbox)
	if err != nil {
		return nil, "", err
	}

	q := `SELECT ` + attemptColumns + ` FROM attempts WHERE sandbox = ?`
	args := []any{f.Sandbox}
	if after {
		q += ` AND (create_time < ? OR (create_time = ? AND name < ?))`
		args = append(args, c.Time, c.Time, c.Name)
	}
	q += ` ORDER BY create_time DESC, name DESC LIMIT ?`
	args = append(args, size+1)

	out, err := d.queryAttempts(ctx, q, args...)
	if err != nil {
		return nil, "", err
	}
	if len(out) <= size {
		return out, "", nil
	}
	out = out[:size]
	last := out[size-1]
	next := cursor{Version: cursorVersion, Kind: "attempts", Scope: f.Sandbox,
		Time: encodeTime(last.CreateTime), Name: last.Name}
	return out, next.encode(), nil
}

// queryAttempts runs a query that selects attemptColumns.
func (d *DB) queryAttempts(ctx context.Context, q string, args ...any) (
	[]*proctor.Attempt, error) {
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, storeError(err, "list attempts")
	}
	defer rows.Close()
	var out []*proctor.Attempt
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return nil, storeError(err, "list attempts")
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(err, "list attempts")
	}
	return out, nil
}

// UpdateAttempt replaces the stored attempt of a's name, results included; ENotFound if
// there is none. The attempt's sandbox cannot change.
func (d *DB) UpdateAttempt(ctx context.Context, a *proctor.Attempt) error {
	if err := checkAttempt(a); err != nil {
		return err
	}
	vals, err := attemptValues(a)
	if err != nil {
		return err
	}
	res, err := d.db.ExecContext(ctx, `UPDATE attempts SET
		owner = ?, lab_id = ?, state = ?, message = ?, results = ?, score = ?, max_score = ?,
		passed = ?, create_time = ?, complete_time = ?, request_id = ?
		WHERE name = ? AND sandbox = ?`, append(vals[2:], a.Name, a.Sandbox)...)
	if isUniqueViolation(err) {
		return proctor.Errorf(proctor.EConflict,
			"another attempt of sandbox %q has request id %q", a.Sandbox, a.RequestID)
	}
	if err != nil {
		return storeError(err, "update attempt")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return storeError(err, "update attempt")
	}
	if n == 0 {
		return attemptNotFound(a.Name)
	}
	return nil
}

// AttemptsInState returns at most limit attempts in the state, oldest first. It implements
// proctor.AttemptStateQuerier.
func (d *DB) AttemptsInState(ctx context.Context, state proctor.AttemptState, limit int) (
	[]*proctor.Attempt, error) {
	if limit < 1 {
		return nil, nil
	}
	return d.queryAttempts(ctx, `SELECT `+attemptColumns+` FROM attempts WHERE state = ?
		ORDER BY create_time, name LIMIT ?`, string(state), limit)
}
