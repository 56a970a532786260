package main

import (
	"errors"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestAllPagesFollowsTokens(t *testing.T) {
	pages := map[string][]int{"": {1, 2}, "p2": {3}, "p3": {4, 5}}
	next := map[string]string{"": "p2", "p2": "p3", "p3": ""}
	var asked []string
	got, err := allPages(func(token string) ([]int, string, error) {
		asked = append(asked, token)
		return pages[token], next[token], nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{1, 2, 3, 4, 5}, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"", "p2", "p3"}, asked); diff != "" {
		t.Errorf("tokens asked (-want +got):\n%s", diff)
	}
}

func TestAllPagesStopsAtAnError(t *testing.T) {
	calls := 0
	_, err := allPages(func(token string) ([]int, string, error) {
		calls++
		if calls == 2 {
			return nil, "", status.Error(codes.InvalidArgument, "bad page_token")
		}
		return []int{calls}, strconv.Itoa(calls), nil
	})
	if err == nil || err.Error() != "INVALID_ARGUMENT: bad page_token" {
		t.Errorf("error = %v, want the API error spelled out", err)
	}
	if calls != 2 {
		t.Errorf("%d calls, want 2", calls)
	}
	if errors.Unwrap(err) != nil {
		t.Errorf("the error wraps %v; the CLI prints it as it is", errors.Unwrap(err))
	}
}
