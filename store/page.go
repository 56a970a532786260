package store

import (
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/proctorlabs/proctor"
)

// Page sizes: a request for 0 items gets DefaultPageSize, and no page holds more than
// MaxPageSize.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// cursor is the decoded form of a page token: the listing it belongs to and the sort key of
// the last item already returned. Listings sort by creation time, then name, both descending.
type cursor struct {
	Version int    `json:"v"`
	Kind    string `json:"k"` // "sandboxes" or "attempts"
	Scope   string `json:"s"` // the owner filter, or the sandbox of an attempt listing
	Time    int64  `json:"t"` // creation time in Unix nanoseconds
	Name    string `json:"n"`
}

const cursorVersion = 1

// encode returns the opaque token of c.
func (c cursor) encode() string {
	b, err := json.Marshal(c)
	if err != nil {
		// A struct of strings and integers always marshals.
		panic(fmt.Sprintf("store: encode page token: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor parses token for a listing of the given kind and scope. The empty token is the
// first page (ok false). Any other token that is not one this store issued for the same
// listing is an EInvalid error on the page_token field.
func decodeCursor(token, kind, scope string) (c cursor, ok bool, err error) {
	if token == "" {
		return cursor{}, false, nil
	}
	bad := func(why string) error {
		return proctor.InvalidFields("invalid page token", proctor.FieldViolation{
			Field: "page_token", Description: why,
		})
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return cursor{}, false, bad("the token is not one this server issued")
	}
	if err := json.Unmarshal(b, &c); err != nil || c.Version != cursorVersion || c.Name == "" {
		return cursor{}, false, bad("the token is not one this server issued")
	}
	if c.Kind != kind || c.Scope != scope {
		return cursor{}, false, bad("the token belongs to a different listing")
	}
	return c, true, nil
}

// pageSize returns the number of items to return for a requested size: the default for 0,
// at most MaxPageSize, and an EInvalid error for a negative size.
func pageSize(n int) (int, error) {
	switch {
	case n < 0:
		return 0, proctor.InvalidFields("invalid page size", proctor.FieldViolation{
			Field: "page_size", Description: fmt.Sprintf("must not be negative, got %d", n),
		})
	case n == 0:
		return DefaultPageSize, nil
	case n > MaxPageSize:
		return MaxPageSize, nil
	}
	return n, nil
}
