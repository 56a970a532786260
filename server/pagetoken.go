package server

import (
	"encoding/base64"
	"encoding/json"

	"github.com/proctorlabs/proctor"
)

// maxPageTokenLen bounds the size of a page token the server will decode.
const maxPageTokenLen = 2048

// pageToken is what a next_page_token holds: the listing it continues (the collection, its
// parent and the caller), and the position within it, which for sandboxes and attempts is
// the domain's own opaque token. Binding the token to its listing lets the server reject a
// token passed to another listing instead of returning a confusing page.
type pageToken struct {
	Collection string `json:"c"`
	Parent     string `json:"p,omitempty"`
	Subject    string `json:"s"`
	Position   string `json:"t"`
}

// encodePageToken returns the token that continues a listing at position, or "" when the
// listing is over (position is "").
func encodePageToken(collection, parent string, caller proctor.Caller, position string) string {
	if position == "" {
		return ""
	}
	b, err := json.Marshal(pageToken{Collection: collection, Parent: parent,
		Subject: caller.Subject, Position: position})
	if err != nil {
		// A struct of strings always marshals.
		panic("server: marshal page token: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// pageToken checks a page_token against the listing it is passed to and returns the
// position it holds, or "" for the first page.
func (v *violations) pageToken(field, token, collection, parent string,
	caller proctor.Caller) string {
	if token == "" {
		return ""
	}
	var t pageToken
	b, err := base64.RawURLEncoding.DecodeString(token)
	if len(token) > maxPageTokenLen || err != nil || json.Unmarshal(b, &t) != nil ||
		t.Position == "" {
		v.add(field, "is not a page token that this server issued; pass the "+
			"next_page_token of the previous page, or leave it empty for the first page")
		return ""
	}
	if t.Collection != collection || t.Parent != parent || t.Subject != caller.Subject {
		v.add(field, "was issued for another listing; a page token is valid only with the "+
			"same request fields and caller as the page that returned it")
		return ""
	}
	return t.Position
}
