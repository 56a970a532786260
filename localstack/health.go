package localstack

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// healthPath is LocalStack's health endpoint. It answers a JSON object whose "services" member
// maps each service name to its state.
const healthPath = "/_localstack/health"

// readyStates are the states of a service that can serve requests: "running" once started,
// "available" when it starts on its first request.
var readyStates = []string{"available", "running"}

// unready reads a health document and returns the services among want that are not ready,
// each with its state ("missing" when the document does not list it), sorted. A document
// that is not LocalStack's health JSON is an error.
func unready(body io.Reader, want []string) ([]string, error) {
	var doc struct {
		Services map[string]string `json:"services"`
	}
	if err := json.NewDecoder(io.LimitReader(body, 1<<20)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("localstack: health document: %w", err)
	}
	if doc.Services == nil {
		return nil, fmt.Errorf("localstack: health document has no services member")
	}
	var out []string
	for _, s := range want {
		state, ok := doc.Services[s]
		switch {
		case !ok:
			out = append(out, s+"=missing")
		case !slices.Contains(readyStates, state):
			out = append(out, s+"="+state)
		}
	}
	sort.Strings(out)
	return out, nil
}

// healthMatcher returns a response matcher for testcontainers-go's HTTP wait strategy that is
// true once every one of the services is ready.
func healthMatcher(services []string) func(io.Reader) bool {
	return func(body io.Reader) bool {
		bad, err := unready(body, services)
		return err == nil && len(bad) == 0
	}
}

// servicesEnv is the value of LocalStack's SERVICES variable for the services.
func servicesEnv(services []string) string { return strings.Join(sorted(services), ",") }
