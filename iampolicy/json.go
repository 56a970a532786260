package iampolicy

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// kind is the JSON type of a node.
type kind int

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

// String names the JSON type the way error messages do.
func (k kind) String() string {
	switch k {
	case kindNull:
		return "null"
	case kindBool:
		return "a boolean"
	case kindNumber:
		return "a number"
	case kindString:
		return "a string"
	case kindArray:
		return "an array"
	default:
		return "an object"
	}
}

// node is one JSON value with the byte offset where it starts, so that the policy parser
// can report the line and column of every element it rejects.
type node struct {
	kind   kind
	offset int
	str    string // string contents, or the literal text of a number or boolean
	items  []*node
	keys   []member
}

// member is one key of a JSON object, with the offset of the key itself.
type member struct {
	name   string
	offset int
	value  *node
}

// jsonReader reads one JSON document, keeping offsets. It rejects duplicate keys, since
// AWS would silently use one of them and a learner would not know which.
type jsonReader struct {
	src   []byte
	pos   int
	depth int
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 64

// syntaxError is a JSON-level problem at a byte offset.
type syntaxError struct {
	offset int
	path   string
	reason string
}

func (e *syntaxError) Error() string { return e.reason }

func parseJSON(src []byte) (*node, error) {
	r := &jsonReader{src: src}
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		r.pos = 3
	}
	r.skipSpace()
	n, err := r.value("")
	if err != nil {
		return nil, err
	}
	r.skipSpace()
	if r.pos < len(r.src) {
		return nil, &syntaxError{r.pos, "", "unexpected text after the end of the document"}
	}
	return n, nil
}

func (r *jsonReader) skipSpace() {
	for r.pos < len(r.src) {
		switch r.src[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

func (r *jsonReader) fail(path, format string, args ...any) error {
	return &syntaxError{r.pos, path, fmt.Sprintf(format, args...)}
}

func (r *jsonReader) value(path string) (*node, error) {
	if r.pos >= len(r.src) {
		return nil, r.fail(path, "unexpected end of the document")
	}
	start := r.pos
	switch c := r.src[r.pos]; {
	case c == '{':
		return r.object(path)
	case c == '[':
		return r.array(path)
	case c == '"':
		s, err := r.stringLit(path)
		if err != nil {
			return nil, err
		}
		return &node{kind: kindString, offset: start, str: s}, nil
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if strings.HasPrefix(string(r.src[r.pos:min(len(r.src), r.pos+5)]), lit) {
				r.pos += len(lit)
				if lit == "null" {
					return &node{kind: kindNull, offset: start}, nil
				}
				return &node{kind: kindBool, offset: start, str: lit}, nil
			}
		}
		return nil, r.fail(path, "invalid JSON value")
	case c == '-' || (c >= '0' && c <= '9'):
		return r.number(path)
	default:
		return nil, r.fail(path, "invalid character %q where a JSON value belongs", rune(c))
	}
}

func (r *jsonReader) enter(path string) error {
	r.depth++
	if r.depth > maxDepth {
		return r.fail(path, "nesting deeper than %d levels", maxDepth)
	}
	return nil
}

func (r *jsonReader) object(path string) (*node, error) {
	if err := r.enter(path); err != nil {
		return nil, err
	}
	defer func() { r.depth-- }()
	n := &node{kind: kindObject, offset: r.pos}
	r.pos++
	r.skipSpace()
	if r.pos < len(r.src) && r.src[r.pos] == '}' {
		r.pos++
		return n, nil
	}
	seen := map[string]bool{}
	for {
		r.skipSpace()
		if r.pos >= len(r.src) || r.src[r.pos] != '"' {
			return nil, r.fail(path, "expected a quoted key")
		}
		keyAt := r.pos
		key, err := r.stringLit(path)
		if err != nil {
			return nil, err
		}
		if seen[key] {
			r.pos = keyAt
			return nil, r.fail(joinPath(path, key), "duplicate key %q", key)
		}
		seen[key] = true
		r.skipSpace()
		if r.pos >= len(r.src) || r.src[r.pos] != ':' {
			return nil, r.fail(joinPath(path, key), "expected ':' after the key")
		}
		r.pos++
		r.skipSpace()
		v, err := r.value(joinPath(path, key))
		if err != nil {
			return nil, err
		}
		n.keys = append(n.keys, member{name: key, offset: keyAt, value: v})
		r.skipSpace()
		if r.pos >= len(r.src) {
			return nil, r.fail(path, "unexpected end of the document inside an object")
		}
		switch r.src[r.pos] {
		case ',':
			r.pos++
		case '}':
			r.pos++
			return n, nil
		default:
			return nil, r.fail(path, "expected ',' or '}' in an object")
		}
	}
}

func (r *jsonReader) array(path string) (*node, error) {
	if err := r.enter(path); err != nil {
		return nil, err
	}
	defer func() { r.depth-- }()
	n := &node{kind: kindArray, offset: r.pos}
	r.pos++
	r.skipSpace()
	if r.pos < len(r.src) && r.src[r.pos] == ']' {
		r.pos++
		return n, nil
	}
	for {
		r.skipSpace()
		v, err := r.value(fmt.Sprintf("%s[%d]", path, len(n.items)))
		if err != nil {
			return nil, err
		}
		n.items = append(n.items, v)
		r.skipSpace()
		if r.pos >= len(r.src) {
			return nil, r.fail(path, "unexpected end of the document inside an array")
		}
		switch r.src[r.pos] {
		case ',':
			r.pos++
		case ']':
			r.pos++
			return n, nil
		default:
			return nil, r.fail(path, "expected ',' or ']' in an array")
		}
	}
}

func (r *jsonReader) number(path string) (*node, error) {
	start := r.pos
	if r.src[r.pos] == '-' {
		r.pos++
	}
	digits := func() int {
		s := r.pos
		for r.pos < len(r.src) && r.src[r.pos] >= '0' && r.src[r.pos] <= '9' {
			r.pos++
		}
		return r.pos - s
	}
	if digits() == 0 {
		return nil, r.fail(path, "invalid number")
	}
	if r.pos < len(r.src) && r.src[r.pos] == '.' {
		r.pos++
		if digits() == 0 {
			return nil, r.fail(path, "invalid number")
		}
	}
	if r.pos < len(r.src) && (r.src[r.pos] == 'e' || r.src[r.pos] == 'E') {
		r.pos++
		if r.pos < len(r.src) && (r.src[r.pos] == '+' || r.src[r.pos] == '-') {
			r.pos++
		}
		if digits() == 0 {
			return nil, r.fail(path, "invalid number")
		}
	}
	return &node{kind: kindNumber, offset: start, str: string(r.src[start:r.pos])}, nil
}

func (r *jsonReader) stringLit(path string) (string, error) {
	r.pos++ // opening quote
	var b strings.Builder
	for {
		if r.pos >= len(r.src) {
			return "", r.fail(path, "unterminated string")
		}
		c := r.src[r.pos]
		switch {
		case c == '"':
			r.pos++
			return b.String(), nil
		case c == '\\':
			if err := r.escape(path, &b); err != nil {
				return "", err
			}
		case c < 0x20:
			return "", r.fail(path, "control character in a string")
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			r.pos++
		default:
			ru, size := utf8.DecodeRune(r.src[r.pos:])
			if ru == utf8.RuneError && size == 1 {
				return "", r.fail(path, "invalid UTF-8 in a string")
			}
			b.WriteRune(ru)
			r.pos += size
		}
	}
}

// simpleEscapes maps the character after a backslash to the character it stands for.
var simpleEscapes = map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f',
	'n': '\n', 'r': '\r', 't': '\t'}

func (r *jsonReader) escape(path string, b *strings.Builder) error {
	if r.pos+1 >= len(r.src) {
		return r.fail(path, "unterminated string")
	}
	c := r.src[r.pos+1]
	if v, ok := simpleEscapes[c]; ok {
		b.WriteByte(v)
		r.pos += 2
		return nil
	}
	if c != 'u' {
		return r.fail(path, "invalid escape \\%c in a string", c)
	}
	ru, err := r.hex4(path, r.pos+2)
	if err != nil {
		return err
	}
	r.pos += 6
	if utf16.IsSurrogate(ru) {
		if r.pos+1 < len(r.src) && r.src[r.pos] == '\\' && r.src[r.pos+1] == 'u' {
			lo, err := r.hex4(path, r.pos+2)
			if err != nil {
				return err
			}
			if dec := utf16.DecodeRune(ru, lo); dec != utf8.RuneError {
				r.pos += 6
				b.WriteRune(dec)
				return nil
			}
		}
		ru = utf8.RuneError
	}
	b.WriteRune(ru)
	return nil
}

func (r *jsonReader) hex4(path string, at int) (rune, error) {
	if at+4 > len(r.src) {
		return 0, r.fail(path, "invalid \\u escape in a string")
	}
	v, err := strconv.ParseUint(string(r.src[at:at+4]), 16, 32)
	if err != nil {
		return 0, r.fail(path, "invalid \\u escape in a string")
	}
	return rune(v), nil
}

// joinPath appends an object key to a JSON path such as "Statement[0]".
func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// lineColumn converts a byte offset into a 1-based line and a 1-based column counted in
// characters.
func lineColumn(src []byte, offset int) (line, col int) {
	line, col = 1, 1
	if offset > len(src) {
		offset = len(src)
	}
	for i := 0; i < offset; {
		if src[i] == '\n' {
			line++
			col = 1
			i++
			continue
		}
		_, size := utf8.DecodeRune(src[i:])
		i += size
		col++
	}
	return line, col
}
