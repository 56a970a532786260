package eventpattern

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
	"unsafe"
)

// maxEventDepth is the deepest nesting of arrays and objects an event may have; it is the limit
// encoding/json applies, so an event Match accepts is one encoding/json can decode.
const maxEventDepth = 10000

// errNotObject is returned for a well-formed event that is not a JSON object.
var errNotObject = errors.New("event is not a JSON object")

// eventParser reads an event's JSON, validating all of it but keeping only the members on
// paths the pattern names.
type eventParser struct {
	arena
	data    []byte
	pos     int
	depth   int
	pending []pendingMember // members of the objects being read, innermost last
}

type syntaxError struct {
	msg string
	off int
}

func (e *syntaxError) Error() string { return fmt.Sprintf("%s at offset %d", e.msg, e.off) }

// readEvent parses an event against the trie of a pattern's paths. It returns an error for
// malformed JSON and for JSON that is not an object.
func readEvent(data []byte, root *unode) (*vnode, error) {
	p := &eventParser{data: data}
	p.ws()
	if p.pos >= len(p.data) {
		return nil, p.fail("unexpected end of JSON input")
	}
	isObject := p.data[p.pos] == '{'
	var n *vnode
	var err error
	if isObject {
		n, err = p.value(root)
	} else {
		err = p.skip()
	}
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.pos != len(p.data) {
		return nil, p.fail("invalid character after top-level value")
	}
	if !isObject {
		return nil, errNotObject
	}
	if n == nil {
		n = p.newObject(root)
	}
	return n, nil
}

func (p *eventParser) fail(msg string) error { return &syntaxError{msg: msg, off: p.pos} }

func (p *eventParser) ws() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// value parses the value at the current position, which lies at trie node u, and returns the
// part of it the pattern can look at (nil when there is none).
func (p *eventParser) value(u *unode) (*vnode, error) {
	if p.pos >= len(p.data) {
		return nil, p.fail("unexpected end of JSON input")
	}
	switch c := p.data[p.pos]; c {
	case '{':
		if len(u.kids) == 0 {
			return nil, p.skip()
		}
		return p.object(u)
	case '[':
		return p.array(u)
	case '"':
		start := p.pos
		raw, err := p.str()
		if err != nil || !u.field {
			return nil, err
		}
		s, err := p.decodeString(raw, start)
		if err != nil {
			return nil, err
		}
		n := p.newNode(vLeaf)
		n.leaf = leaf{kind: kindString, text: s}
		return n, nil
	default:
		start := p.pos
		kind, err := p.scalar()
		if err != nil || !u.field {
			return nil, err
		}
		n := p.newNode(vLeaf)
		n.leaf.kind = kind
		if kind == kindNumber {
			n.leaf.text = view(p.data[start:p.pos])
		}
		return n, nil
	}
}

func (p *eventParser) enter() error {
	p.depth++
	if p.depth > maxEventDepth {
		return p.fail("exceeded max depth")
	}
	return nil
}

type pendingMember struct {
	key   []byte
	value *vnode
}

func (p *eventParser) object(u *unode) (*vnode, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	p.pos++ // '{'
	first := len(p.pending)
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		p.depth--
		return nil, nil
	}
	for {
		p.ws()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.fail("expected a member name")
		}
		start := p.pos
		raw, err := p.str()
		if err != nil {
			return nil, err
		}
		var key []byte
		if hasEscapeOrHighBytes(raw) {
			s, err := p.decodeString(raw, start)
			if err != nil {
				return nil, err
			}
			key = []byte(s)
		} else {
			key = raw
		}
		p.ws()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.fail("expected ':' after a member name")
		}
		p.pos++
		p.ws()
		target := walkKey(u, key)
		if target == nil {
			if err := p.skip(); err != nil {
				return nil, err
			}
		} else {
			child, err := p.value(target)
			if err != nil {
				return nil, err
			}
			p.setMember(first, key, child)
		}
		p.ws()
		if p.pos >= len(p.data) {
			return nil, p.fail("unexpected end of JSON input")
		}
		if p.data[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.data[p.pos] == '}' {
			p.pos++
			break
		}
		return nil, p.fail("expected ',' or '}' in object")
	}
	p.depth--

	var obj *vnode
	for _, m := range p.pending[first:] {
		if m.value == nil {
			continue
		}
		if obj == nil {
			obj = p.newObject(u)
		}
		placeMember(&p.arena, obj, u, m.key, m.value)
	}
	p.pending = p.pending[:first]
	return obj, nil
}

// setMember records a member of the object whose members start at first, replacing an earlier
// member of the same name: the last of duplicate names wins, as when encoding/json decodes
// the event.
func (p *eventParser) setMember(first int, key []byte, v *vnode) {
	for i := first; i < len(p.pending); i++ {
		if string(p.pending[i].key) == string(key) {
			p.pending[i].value = v
			return
		}
	}
	p.pending = append(p.pending, pendingMember{key: key, value: v})
}

func (p *eventParser) array(u *unode) (*vnode, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	p.pos++ // '['
	var arr *vnode
	p.ws()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		p.depth--
		return nil, nil
	}
	for {
		p.ws()
		child, err := p.value(u)
		if err != nil {
			return nil, err
		}
		if child != nil {
			if arr == nil {
				arr = p.newNode(vArray)
			}
			arr.elems = append(arr.elems, child)
		}
		p.ws()
		if p.pos >= len(p.data) {
			return nil, p.fail("unexpected end of JSON input")
		}
		if p.data[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.data[p.pos] == ']' {
			p.pos++
			break
		}
		return nil, p.fail("expected ',' or ']' in array")
	}
	p.depth--
	return arr, nil
}

// skip validates and passes over one value.
func (p *eventParser) skip() error {
	if p.pos >= len(p.data) {
		return p.fail("unexpected end of JSON input")
	}
	switch p.data[p.pos] {
	case '{':
		if err := p.enter(); err != nil {
			return err
		}
		p.pos++
		p.ws()
		if p.pos < len(p.data) && p.data[p.pos] == '}' {
			p.pos++
			p.depth--
			return nil
		}
		for {
			p.ws()
			if p.pos >= len(p.data) || p.data[p.pos] != '"' {
				return p.fail("expected a member name")
			}
			if _, err := p.str(); err != nil {
				return err
			}
			p.ws()
			if p.pos >= len(p.data) || p.data[p.pos] != ':' {
				return p.fail("expected ':' after a member name")
			}
			p.pos++
			p.ws()
			if err := p.skip(); err != nil {
				return err
			}
			p.ws()
			if p.pos >= len(p.data) {
				return p.fail("unexpected end of JSON input")
			}
			if p.data[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.data[p.pos] == '}' {
				p.pos++
				p.depth--
				return nil
			}
			return p.fail("expected ',' or '}' in object")
		}
	case '[':
		if err := p.enter(); err != nil {
			return err
		}
		p.pos++
		p.ws()
		if p.pos < len(p.data) && p.data[p.pos] == ']' {
			p.pos++
			p.depth--
			return nil
		}
		for {
			p.ws()
			if err := p.skip(); err != nil {
				return err
			}
			p.ws()
			if p.pos >= len(p.data) {
				return p.fail("unexpected end of JSON input")
			}
			if p.data[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.data[p.pos] == ']' {
				p.pos++
				p.depth--
				return nil
			}
			return p.fail("expected ',' or ']' in array")
		}
	case '"':
		_, err := p.str()
		return err
	default:
		_, err := p.scalar()
		return err
	}
}

// str passes over a string token, validating its escapes, and returns its raw contents.
func (p *eventParser) str() ([]byte, error) {
	p.pos++ // opening quote
	start := p.pos
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if !stringSpecial[c] {
			p.pos++
			continue
		}
		switch {
		case c == '"':
			raw := p.data[start:p.pos]
			p.pos++
			return raw, nil
		case c == '\\':
			p.pos++
			if p.pos >= len(p.data) {
				return nil, p.fail("unexpected end of JSON input")
			}
			switch p.data[p.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.pos++
			case 'u':
				if p.pos+4 >= len(p.data) {
					return nil, p.fail("unexpected end of JSON input")
				}
				for i := 1; i <= 4; i++ {
					if !isHex(p.data[p.pos+i]) {
						return nil, p.fail("invalid character in \\u escape")
					}
				}
				p.pos += 5
			default:
				return nil, p.fail("invalid escape in string")
			}
		case c < 0x20:
			return nil, p.fail("invalid control character in string")
		default:
			p.pos++
		}
	}
	return nil, p.fail("unexpected end of JSON input")
}

// stringSpecial marks the bytes that end or escape a string, or may not appear in one.
var stringSpecial = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// view returns b as a string without copying it. The view of an event lives only as long as
// the Match call that reads it, and the event bytes are not changed meanwhile, so the string
// never outlives or observes a change to the bytes it shares.
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

func hasEscapeOrHighBytes(raw []byte) bool {
	for _, c := range raw {
		if c == '\\' || c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// decodeString returns the text of a string token whose raw contents are raw and which begins
// at offset start. Escapes and invalid UTF-8 are decoded exactly as encoding/json decodes them.
func (p *eventParser) decodeString(raw []byte, start int) (string, error) {
	if !hasEscapeOrHighBytes(raw) {
		return view(raw), nil
	}
	var s string
	if err := json.Unmarshal(p.data[start:start+len(raw)+2], &s); err != nil {
		return "", &syntaxError{msg: "invalid string", off: start}
	}
	return s, nil
}

// scalar passes over a number, true, false or null and reports which it was.
func (p *eventParser) scalar() (valueKind, error) {
	d := p.data
	for _, lit := range [...]struct {
		word string
		kind valueKind
	}{{"true", kindTrue}, {"false", kindFalse}, {"null", kindNull}} {
		if d[p.pos] == lit.word[0] {
			if len(d)-p.pos < len(lit.word) || string(d[p.pos:p.pos+len(lit.word)]) != lit.word {
				return 0, p.fail("invalid literal")
			}
			p.pos += len(lit.word)
			return lit.kind, nil
		}
	}
	i := p.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		return 0, p.fail("invalid character looking for a value")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return 0, p.fail("invalid number")
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return 0, p.fail("invalid number")
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	p.pos = i
	return kindNumber, nil
}
