package eventpattern

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Match reports whether the event, a JSON object, matches the pattern. The error is non-nil
// only when the event is not well-formed JSON or not an object; the result is then false.
func (p *Pattern) Match(event []byte) (bool, error) {
	if p == nil || p.root == nil {
		return false, errNotCompiled
	}
	view, err := readEvent(event, p.root)
	if err != nil {
		return false, fmt.Errorf("eventpattern: malformed event: %w", err)
	}
	return p.matchView(view), nil
}

// MatchValue reports whether an already-decoded event matches the pattern. The event is what
// encoding/json produces when decoding into an any (objects as map[string]any, arrays as
// []any, numbers as json.Number or float64); Go integer types, []string and map[string]string
// are accepted too. A value of any other type counts as absent, and an event that is not an
// object does not match. Decode with UseNumber to keep numbers as written: a float64 cannot
// hold a literal too precise to compare numerically, such as 123456789012345678901, so such a
// value then matches as the nearest double rather than as the literal.
func (p *Pattern) MatchValue(event any) bool {
	if p == nil || p.root == nil {
		return false
	}
	obj, ok := event.(map[string]any)
	if !ok {
		if m, isStrings := event.(map[string]string); isStrings {
			obj = make(map[string]any, len(m))
			for k, v := range m {
				obj[k] = v
			}
		} else {
			return false
		}
	}
	a := &arena{}
	view := a.viewOfObject(obj, p.root)
	if view == nil {
		view = a.newObject(p.root)
	}
	return p.matchView(view)
}

func (p *Pattern) matchView(view *vnode) bool {
	for _, b := range p.branches {
		if pos, abs := eval(view, b); pos || abs {
			return true
		}
	}
	return false
}

// eval decides one branch (rooted at t) against the event part n found at t's path. It
// reports whether the branch's fields below t can be satisfied using at least one event value
// (pos), and whether they can be satisfied by absence alone (abs).
//
// Arrays are where the two differ. Fields matched inside an array must all be matched within
// one element (array consistency), and a field required to be absent is then looked for in
// that element only; a field required to be absent under an array that no matched field goes
// through must be absent from every element. Each event node is visited once per branch, so
// the cost is linear in the size of the event parts the pattern names.
func eval(n *vnode, t *bnode) (pos, abs bool) {
	if n == nil {
		return false, t.absentOK
	}
	switch n.kind {
	case vLeaf:
		if t.field == nil {
			return false, t.kidsAbsentOK
		}
		return t.kidsAbsentOK && t.field.matchLeaf(&n.leaf), false
	case vObject:
		if t.field != nil && !t.field.absenceOK {
			return false, false
		}
		abs = true
		for _, k := range t.kids {
			p, a := eval(n.kid(k.u), k)
			if !p && !a {
				return false, false
			}
			pos = pos || p
			abs = abs && a
		}
		return pos, abs
	default:
		abs = true
		for _, e := range n.elems {
			p, a := eval(e, t)
			pos = pos || p
			abs = abs && a
			if pos && !abs {
				break
			}
		}
		return pos, abs
	}
}

// Test reports whether the event matches the pattern with the semantics of EventBridge's
// TestEventPattern API. An invalid pattern yields an *Error (InvalidEventPatternException);
// an event that is malformed, not an object, or lacks one of the fields TestEventPattern
// requires (id, account, source, time, region and detail-type; not resources, which the API
// documentation lists but the service does not require) yields an error wrapping
// ErrInvalidEvent, which EventBridge reports as a ValidationException with the message
// "Parameter Event is not valid.".
func Test(pattern, event []byte) (bool, error) {
	p, err := Compile(pattern)
	if err != nil {
		return false, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(event, &top); err != nil || top == nil {
		return false, fmt.Errorf("%w: the event is not a JSON object", ErrInvalidEvent)
	}
	for _, name := range requiredEventFields {
		if _, ok := top[name]; !ok {
			return false, fmt.Errorf("%w: the event has no %q field", ErrInvalidEvent, name)
		}
	}
	ok, err := p.Match(event)
	if err != nil {
		return false, fmt.Errorf("%w: %v", ErrInvalidEvent, err)
	}
	return ok, nil
}

// errNotCompiled is returned by Match on a Pattern that did not come from Compile.
var errNotCompiled = errors.New("eventpattern: the pattern was not made by Compile")

// requiredEventFields are the top-level fields TestEventPattern requires of an event.
var requiredEventFields = []string{"id", "account", "source", "time", "region", "detail-type"}

// viewOfObject builds the view of a decoded event object (see MatchValue).
func (a *arena) viewOfObject(obj map[string]any, u *unode) *vnode {
	if len(u.kids) == 0 {
		return nil
	}
	var out *vnode
	for k, v := range obj {
		target := walkKey(u, k)
		if target == nil {
			continue
		}
		child := a.viewOf(v, target)
		if child == nil {
			continue
		}
		if out == nil {
			out = a.newObject(u)
		}
		placeMember(a, out, u, k, child)
	}
	return out
}

func (a *arena) viewOf(v any, u *unode) *vnode {
	switch x := v.(type) {
	case map[string]any:
		return a.viewOfObject(x, u)
	case map[string]string:
		m := make(map[string]any, len(x))
		for k, s := range x {
			m[k] = s
		}
		return a.viewOfObject(m, u)
	case []any:
		return a.viewOfArray(len(x), func(i int) any { return x[i] }, u)
	case []string:
		return a.viewOfArray(len(x), func(i int) any { return x[i] }, u)
	}
	if !u.field {
		return nil
	}
	l, ok := leafOf(v)
	if !ok {
		return nil
	}
	n := a.newNode(vLeaf)
	n.leaf = l
	return n
}

func (a *arena) viewOfArray(n int, at func(int) any, u *unode) *vnode {
	var arr *vnode
	for i := 0; i < n; i++ {
		if child := a.viewOf(at(i), u); child != nil {
			if arr == nil {
				arr = a.newNode(vArray)
			}
			arr.elems = append(arr.elems, child)
		}
	}
	return arr
}

func leafOf(v any) (leaf, bool) {
	switch x := v.(type) {
	case nil:
		return leaf{kind: kindNull}, true
	case bool:
		if x {
			return leaf{kind: kindTrue}, true
		}
		return leaf{kind: kindFalse}, true
	case string:
		return leaf{kind: kindString, text: x}, true
	case json.Number:
		return leaf{kind: kindNumber, text: string(x)}, true
	case float64:
		return leaf{kind: kindNumber, text: strconv.FormatFloat(x, 'g', -1, 64)}, true
	case float32:
		return leaf{kind: kindNumber, text: strconv.FormatFloat(float64(x), 'g', -1, 32)}, true
	case int:
		return leaf{kind: kindNumber, text: strconv.FormatInt(int64(x), 10)}, true
	case int8:
		return leaf{kind: kindNumber, text: strconv.FormatInt(int64(x), 10)}, true
	case int16:
		return leaf{kind: kindNumber, text: strconv.FormatInt(int64(x), 10)}, true
	case int32:
		return leaf{kind: kindNumber, text: strconv.FormatInt(int64(x), 10)}, true
	case int64:
		return leaf{kind: kindNumber, text: strconv.FormatInt(x, 10)}, true
	case uint:
		return leaf{kind: kindNumber, text: strconv.FormatUint(uint64(x), 10)}, true
	case uint8:
		return leaf{kind: kindNumber, text: strconv.FormatUint(uint64(x), 10)}, true
	case uint16:
		return leaf{kind: kindNumber, text: strconv.FormatUint(uint64(x), 10)}, true
	case uint32:
		return leaf{kind: kindNumber, text: strconv.FormatUint(uint64(x), 10)}, true
	case uint64:
		return leaf{kind: kindNumber, text: strconv.FormatUint(x, 10)}, true
	}
	return leaf{}, false
}
