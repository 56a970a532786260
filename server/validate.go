package server

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/proctorlabs/proctor"
)

// Page sizes: 0 asks for defaultPageSize, and larger sizes than maxPageSize are lowered to it.
const (
	defaultPageSize = 50
	maxPageSize     = 1000
)

var (
	// labIDPattern is a lab id: lower-case words of letters and digits joined by '-'.
	labIDPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// violations collects every problem of a request, so that the caller learns of all of them
// at once.
type violations []proctor.FieldViolation

// add records a problem with a field.
func (v *violations) add(field, format string, args ...any) {
	*v = append(*v, proctor.FieldViolation{Field: field,
		Description: fmt.Sprintf(format, args...)})
}

// err returns nil when no problem was recorded, and else an EInvalid error listing every
// problem, whose message names each field and its problem.
func (v violations) err() error {
	if len(v) == 0 {
		return nil
	}
	parts := make([]string, len(v))
	for i, f := range v {
		parts[i] = f.Field + ": " + f.Description
	}
	return proctor.InvalidFields("invalid request: "+strings.Join(parts, "; "), v...)
}

// quote returns s quoted for a message, shortened when it is long, so that a huge or odd
// value never floods a message.
func quote(s string) string {
	const max = 80
	if len(s) > max {
		s = s[:max] + "..."
	}
	return fmt.Sprintf("%q", s)
}

// labName checks a lab's resource name, "labs/{lab}", and returns the lab's id.
func (v *violations) labName(field, name string) string {
	if name == "" {
		v.add(field, "is required: a lab name such as labs/s3-data-protection")
		return ""
	}
	id, ok := strings.CutPrefix(name, "labs/")
	if !ok || len(id) > 63 || !labIDPattern.MatchString(id) {
		v.add(field, "%s is not a lab name: want labs/{lab} with a lab id of lower-case "+
			"letters and digits joined by '-', at most 63 characters", quote(name))
		return ""
	}
	return id
}

// sandboxName checks a sandbox's resource name, "sandboxes/{sandbox}", and returns it.
func (v *violations) sandboxName(field, name string) string {
	if name == "" {
		v.add(field, "is required: a sandbox name such as sandboxes/sb-1")
		return ""
	}
	if !proctor.ValidSandboxName(name) {
		v.add(field, "%s is not a sandbox name: want sandboxes/{sandbox} with an id of 1 "+
			"to 63 lower-case letters, digits and '-' that starts with a letter", quote(name))
		return ""
	}
	return name
}

// attemptName checks an attempt's resource name, "sandboxes/{sandbox}/attempts/{attempt}",
// and returns it.
func (v *violations) attemptName(field, name string) string {
	if name == "" {
		v.add(field, "is required: an attempt name such as sandboxes/sb-1/attempts/a-1")
		return ""
	}
	if _, ok := proctor.ParseAttemptName(name); !ok {
		v.add(field, "%s is not an attempt name: want sandboxes/{sandbox}/attempts/{attempt} "+
			"with ids of 1 to 63 lower-case letters, digits and '-' that start with a letter",
			quote(name))
		return ""
	}
	return name
}

// requestID checks an optional idempotency key.
func (v *violations) requestID(field, id string) string {
	if id == "" {
		return ""
	}
	if len(id) > proctor.MaxRequestIDLength {
		// Said here rather than by CheckRequestID, which repeats the whole id: a request id
		// of a megabyte must not come back as a megabyte of error message.
		v.add(field, "%s has %d bytes; a request id has at most %d letters, digits, '-', "+
			"'_', '.' or ':', such as a UUID", quote(id), len(id), proctor.MaxRequestIDLength)
		return ""
	}
	if fv := proctor.CheckRequestID(field, id); fv != nil {
		v.add(field, "%s", fv.Description)
		return ""
	}
	return id
}

// pageSize checks a page_size and returns the size to ask for.
func (v *violations) pageSize(field string, size int32) int {
	switch {
	case size < 0:
		v.add(field, "is %d; want 0 (the default, %d) or more", size, defaultPageSize)
		return 0
	case size == 0:
		return defaultPageSize
	case size > maxPageSize:
		return maxPageSize
	}
	return int(size)
}
