package eventpattern

import (
	"errors"
	"fmt"
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

// syntaxError reports malformed event JSON and the byte offset where it was found.
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
