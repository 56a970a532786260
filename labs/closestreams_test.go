package labs

import (
	"io"
	"reflect"
	"strings"
	"testing"
)

// trackedBody is a stream that records whether it was closed.
type trackedBody struct {
	io.Reader
	closed bool
}

func (b *trackedBody) Close() error { b.closed = true; return nil }

// TestCloseStreams checks that the streaming members of an output are closed, and that
// outputs without one, or with a nil one, are left alone.
func TestCloseStreams(t *testing.T) {
	type output struct {
		Body   io.ReadCloser
		Reader io.Reader // not a closer: left as it is
		ETag   *string
	}
	body := &trackedBody{Reader: strings.NewReader("x")}
	closeStreams(reflect.ValueOf(&output{Body: body, Reader: strings.NewReader("y")}))
	if !body.closed {
		t.Error("the Body of the output was not closed")
	}
	for _, out := range []any{&output{}, (*output)(nil), struct{}{}, "text"} {
		closeStreams(reflect.ValueOf(out)) // must not panic
	}
}
