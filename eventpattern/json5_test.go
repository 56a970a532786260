package eventpattern_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// json5ToJSON rewrites a JSON5 document as JSON, token for token: comments are dropped,
// trailing commas removed, single-quoted strings and bare member names double-quoted. Numbers,
// member order and duplicate member names are kept exactly, which the conformance cases rely
// on and which decoding into Go values would lose. JSON5 number forms that JSON lacks
// (hexadecimal, Infinity, NaN, a leading '+' or '.') are rejected rather than converted.
func json5ToJSON(src []byte) ([]byte, error) {
	var out []byte
	commaAt := -1 // where the last comma was written, until a token follows it
	token := func(next byte) {
		if commaAt >= 0 && (next == '}' || next == ']') {
			out = append(out[:commaAt], out[commaAt+1:]...)
		}
		commaAt = -1
	}
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			out = append(out, c)
			i++
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := bytes.Index(src[i+2:], []byte("*/"))
			if end < 0 {
				return nil, fmt.Errorf("json5: unterminated comment at offset %d", i)
			}
			i += end + 4
		case c == ',':
			if commaAt >= 0 {
				return nil, fmt.Errorf("json5: two commas in a row at offset %d", i)
			}
			commaAt = len(out)
			out = append(out, c)
			i++
		case c == '"' || c == '\'':
			token(c)
			s, n, err := readJSON5String(src[i:])
			if err != nil {
				return nil, fmt.Errorf("json5: offset %d: %w", i, err)
			}
			b, _ := json.Marshal(s)
			out = append(out, b...)
			i += n
		case c == '-' || (c >= '0' && c <= '9'):
			token(c)
			j := i + 1
			for j < len(src) && strings.IndexByte("0123456789.eE+-xX", src[j]) >= 0 {
				j++
			}
			num := src[i:j]
			if bytes.ContainsAny(num, "xX") || bytes.HasSuffix(num, []byte(".")) ||
				bytes.Contains(num, []byte("-.")) {
				return nil, fmt.Errorf("json5: number %q at offset %d has no JSON form", num, i)
			}
			out = append(out, num...)
			i = j
		case isIdentStart(c):
			token(c)
			j := i
			for j < len(src) && (isIdentStart(src[j]) || (src[j] >= '0' && src[j] <= '9')) {
				j++
			}
			word := string(src[i:j])
			switch word {
			case "true", "false", "null":
				out = append(out, word...)
			case "Infinity", "NaN":
				return nil, fmt.Errorf("json5: %s at offset %d has no JSON form", word, i)
			default:
				b, _ := json.Marshal(word) // a bare member name
				out = append(out, b...)
			}
			i = j
		case c == '+' || c == '.':
			return nil, fmt.Errorf("json5: number at offset %d has no JSON form", i)
		default:
			token(c)
			out = append(out, c)
			i++
		}
	}
	if commaAt >= 0 {
		return nil, fmt.Errorf("json5: trailing comma at end of document")
	}
	if !json.Valid(out) {
		return nil, fmt.Errorf("json5: document is not valid JSON5")
	}
	return out, nil
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// readJSON5String reads a quoted string (either quote) and returns its value and length.
func readJSON5String(src []byte) (string, int, error) {
	quote := src[0]
	var b strings.Builder
	for i := 1; i < len(src); i++ {
		c := src[i]
		switch {
		case c == quote:
			return b.String(), i + 1, nil
		case c == '\\':
			i++
			if i >= len(src) {
				return "", 0, fmt.Errorf("unterminated string")
			}
			switch e := src[i]; e {
			case '\'', '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case '\n':
				// a JSON5 line continuation
			case 'u':
				if i+4 >= len(src) {
					return "", 0, fmt.Errorf("short \\u escape")
				}
				var s string
				if err := json.Unmarshal([]byte(`"\u`+string(src[i+1:i+5])+`"`), &s); err != nil {
					return "", 0, fmt.Errorf("bad \\u escape")
				}
				b.WriteString(s)
				i += 4
			default:
				return "", 0, fmt.Errorf("unsupported escape \\%c", e)
			}
		case c == '\n':
			return "", 0, fmt.Errorf("newline in string")
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, fmt.Errorf("unterminated string")
}

func TestJSON5ToJSON(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{name: "plain json", in: `{"a": [1, 2.50, 3e2]}`, want: `{"a": [1, 2.50, 3e2]}`},
		{name: "line comment", in: "{\n// note\n\"a\": 1 // tail\n}", want: "{\n\n\"a\": 1 \n}"},
		{name: "block comment", in: `{/* x */"a": 1}`, want: `{"a": 1}`},
		{name: "trailing commas", in: `{"a": [1, 2,], "b": {"c": 3,},}`,
			want: `{"a": [1, 2], "b": {"c": 3}}`},
		{name: "negative and exponent", in: `[-1.5e-3, 0, 9.018e2]`,
			want: `[-1.5e-3, 0, 9.018e2]`},
		{name: "comma before comment", in: "[1, // c\n]", want: "[1 \n]"},
		{name: "leading dot rejected", in: `[.5]`, wantErr: true},
		{name: "single quotes", in: `{'a': 'it''s'}`, wantErr: true},
		{name: "single quoted value", in: `{'a': 'say "hi"'}`, want: `{"a": "say \"hi\""}`},
		{name: "bare key", in: `{abc: true, d_1: null}`, want: `{"abc": true, "d_1": null}`},
		{name: "duplicate keys kept", in: `{"a": 1, "a": 2}`, want: `{"a": 1, "a": 2}`},
		{name: "comment marker in string", in: `{"a": "x // y"}`, want: `{"a": "x // y"}`},
		{name: "apostrophe in comment", in: "{\n// it's fine\n\"a\": 1}", want: "{\n\n\"a\": 1}"},
		{name: "unicode string", in: `{"a": "🚀 é"}`, want: `{"a": "🚀 é"}`},
		{name: "hex rejected", in: `{"a": 0x10}`, wantErr: true},
		{name: "infinity rejected", in: `{"a": Infinity}`, wantErr: true},
		{name: "double comma rejected", in: `[1,,2]`, wantErr: true},
		{name: "unterminated comment", in: `{"a": 1 /* x`, wantErr: true},
		{name: "unterminated string", in: `{"a": "x}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json5ToJSON([]byte(tt.in))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("json5ToJSON(%q) = %q, want an error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("json5ToJSON(%q): %v", tt.in, err)
			}
			if string(got) != tt.want {
				t.Errorf("json5ToJSON(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
