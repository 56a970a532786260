// Package placeholder fills the {{.Name}} placeholders of lab text, step inputs and check
// parameters with the values of one sandbox.
//
// A placeholder is exactly "{{.Name}}" (spaces inside the braces allowed); nothing else of
// Go's template language is accepted, so lab files cannot run code. Every sandbox fills the
// built-in names [AccountID] and [Region]; lab steps may save more.
package placeholder

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/proctorlabs/proctor"
)

// Values are the placeholder values of one sandbox, by name: the built-in AccountID and
// Region, and the values that earlier steps saved.
type Values map[string]string

// The built-in placeholder names, which every sandbox fills.
const (
	AccountID = "AccountID"
	Region    = "Region"
)

// Builtins returns the built-in placeholder names.
func Builtins() []string { return []string{AccountID, Region} }

// ForTarget returns the built-in placeholder values of a target.
func ForTarget(t proctor.Target) Values {
	return Values{AccountID: t.AccountID, Region: t.Region}
}

// re matches one placeholder, "{{.Name}}", with optional spaces inside the braces.
var re = regexp.MustCompile(`\{\{\s*\.([A-Za-z][A-Za-z0-9_]*)\s*\}\}`)

// Fill replaces every {{.Name}} placeholder in s with its value. It fails, naming the
// placeholder, when a name has no value; text without placeholders is returned unchanged.
func Fill(s string, v Values) (string, error) {
	if !strings.Contains(s, "{{") {
		return s, nil
	}
	var missing []string
	out := re.ReplaceAllStringFunc(s, func(m string) string {
		name := re.FindStringSubmatch(m)[1]
		val, ok := v[name]
		if !ok {
			missing = append(missing, name)
			return m
		}
		return val
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("placeholder: no value for placeholder {{.%s}}", missing[0])
	}
	return out, nil
}

// Names returns the names of the placeholders in s, in order, each once.
func Names(s string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		seen := false
		for _, n := range out {
			seen = seen || n == m[1]
		}
		if !seen {
			out = append(out, m[1])
		}
	}
	return out
}

// FillValue returns a copy of x (a value decoded from YAML: maps, lists and scalars) with
// the placeholders of every string, map keys excluded, filled.
func FillValue(x any, v Values) (any, error) {
	switch x := x.(type) {
	case string:
		return Fill(x, v)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			f, err := FillValue(e, v)
			if err != nil {
				return nil, err
			}
			out[k] = f
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			f, err := FillValue(e, v)
			if err != nil {
				return nil, err
			}
			out[i] = f
		}
		return out, nil
	default:
		return x, nil
	}
}

// FillMap returns a copy of m with the placeholders of every string filled from v.
func FillMap(m map[string]any, v Values) (map[string]any, error) {
	f, err := FillValue(m, v)
	if err != nil {
		return nil, err
	}
	out, _ := f.(map[string]any)
	return out, nil
}

// Problems reports the placeholders of s whose names are not in known, and any "{{" that
// does not start a well-formed placeholder, one message each.
func Problems(s string, known map[string]bool) []string {
	if !strings.Contains(s, "{{") {
		return nil
	}
	var out []string
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		if !known[m[1]] {
			out = append(out, fmt.Sprintf("unknown placeholder {{.%s}} (known: %s)", m[1],
				strings.Join(sortedKeys(known), ", ")))
		}
	}
	if rest := re.ReplaceAllString(s, ""); strings.Contains(rest, "{{") {
		frag := rest[strings.Index(rest, "{{"):]
		if end := strings.Index(frag, "}}"); end >= 0 && end < 60 {
			frag = frag[:end+2]
		} else if len(frag) > 20 {
			frag = frag[:20]
		}
		out = append(out, fmt.Sprintf("malformed placeholder %q: write {{.Name}}", frag))
	}
	return out
}

// Expand replaces the placeholders of s that name a definition by the definition's text,
// leaving every other placeholder as it is. Labs use it to inline their variables.
func Expand(s string, defs map[string]string) string {
	if len(defs) == 0 || !strings.Contains(s, "{{") {
		return s
	}
	return re.ReplaceAllStringFunc(s, func(m string) string {
		if def, ok := defs[re.FindStringSubmatch(m)[1]]; ok {
			return def
		}
		return m
	})
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
