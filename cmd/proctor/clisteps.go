package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/proctorlabs/proctor"
	"github.com/proctorlabs/proctor/labs/placeholder"
)

// cliServices maps a step's SDK client name to the aws CLI's command, where they differ.
var cliServices = map[string]string{"s3": "s3api"}

// cliCommand writes a lab step as the aws CLI command a learner would type. known holds the
// values of placeholders to fill in ({{.AccountID}}, ...); any other placeholder is a value
// an earlier step saved, written as a shell variable. A step that saves values assigns them
// to shell variables of the same names.
func cliCommand(s proctor.Step, known map[string]string) string {
	service := s.Service
	if c, ok := cliServices[service]; ok {
		service = c
	}
	parts := []string{"aws", service, kebab(s.Action)}
	keys := make([]string, 0, len(s.Input))
	for k := range s.Input {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, "--"+kebab(k), cliValue(s.Input[k], known))
	}
	cmd := strings.Join(parts, " ")

	if len(s.Save) == 0 {
		return cmd
	}
	names := make([]string, 0, len(s.Save))
	for n := range s.Save {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 1 {
		return fmt.Sprintf("%s=$(%s --query %s --output text)", names[0], cmd, s.Save[names[0]])
	}
	paths := make([]string, len(names))
	for i, n := range names {
		paths[i] = s.Save[n]
	}
	return fmt.Sprintf("read -r %s <<< \"$(%s --query '[%s]' --output text)\"",
		strings.Join(names, " "), cmd, strings.Join(paths, ", "))
}

// cliValue writes one input value as a shell word: scalars as they are, structures as JSON,
// which the CLI accepts for every structured parameter.
func cliValue(v any, known map[string]string) string {
	switch x := v.(type) {
	case string:
		return shellWord(fill(x, known))
	case bool, int, int64, float64:
		return fmt.Sprint(x)
	}
	b, err := json.Marshal(fillAll(v, known))
	if err != nil {
		return shellQuote(fmt.Sprint(v))
	}
	return shellWord(string(b))
}

// fill replaces known placeholders with their values and the others with ${NAME}.
func fill(s string, known map[string]string) string {
	s = placeholder.Expand(s, known)
	vars := map[string]string{}
	for _, name := range placeholder.Names(s) {
		vars[name] = "${" + name + "}"
	}
	return placeholder.Expand(s, vars)
}

func fillAll(v any, known map[string]string) any {
	switch x := v.(type) {
	case string:
		return fill(x, known)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = fillAll(e, known)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = fillAll(e, known)
		}
		return out
	}
	return v
}

// shellWord quotes s for the shell: single quotes, unless it holds a ${NAME} variable,
// which needs double quotes to expand.
func shellWord(s string) string {
	if !strings.Contains(s, "${") {
		if s != "" && strings.IndexFunc(s, needsQuote) < 0 {
			return s
		}
		return shellQuote(s)
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "\\`")
	return `"` + r.Replace(s) + `"`
}

func needsQuote(r rune) bool {
	return !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_./:=,@", r))
}

// kebab turns an API name into the CLI's spelling: PutBucketPolicy is put-bucket-policy,
// KMSMasterKeyID is kms-master-key-id.
func kebab(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 {
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				b.WriteByte('-')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
