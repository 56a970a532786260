package labs

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/proctorlabs/proctor/labs/suggest"
)

// field is one key of a YAML mapping and its value.
type field struct {
	key, value *yaml.Node
}

// mapping returns the fields of a mapping node by key, reporting a node that is not a
// mapping, keys that are not strings, keys not in allowed (when allowed is not nil) and
// keys given twice. ok is false when n is not a mapping.
func (ps *problems) mapping(n *yaml.Node, what string, allowed []string) (map[string]field,
	bool) {
	if n.Kind != yaml.MappingNode {
		ps.at(n, "%s must be a mapping, not %s", what, kindOf(n))
		return nil, false
	}
	out := map[string]field{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag != "!!str" {
			ps.at(k, "%s has a key that is not a string", what)
			continue
		}
		if prev, dup := out[k.Value]; dup {
			ps.at(k, "%s: field %s is given twice (first at line %d)", what, k.Value,
				prev.key.Line)
			continue
		}
		if allowed != nil && !containsString(allowed, k.Value) {
			if hint := suggest.DidYouMean(k.Value, allowed); hint != "" {
				ps.at(k, "%s: unknown field %s%s", what, k.Value, hint)
			} else {
				ps.at(k, "%s: unknown field %s (fields: %s)", what, k.Value,
					strings.Join(allowed, ", "))
			}
			continue
		}
		out[k.Value] = field{k, v}
	}
	return out, true
}

// require reports each name in required that the fields lack, at the mapping's position.
func (ps *problems) require(n *yaml.Node, what string, fields map[string]field,
	required ...string) {
	for _, r := range required {
		if _, ok := fields[r]; !ok {
			ps.at(n, "%s: missing field %s", what, r)
		}
	}
}

// str returns a string scalar, reporting any other node.
func (ps *problems) str(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		ps.at(n, "%s must be a string, not %s", what, kindOf(n))
		return "", false
	}
	return n.Value, true
}

// integer returns an integer scalar within [lo, hi], reporting anything else.
func (ps *problems) integer(n *yaml.Node, what string, lo, hi int) (int, bool) {
	var v int
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || n.Decode(&v) != nil {
		ps.at(n, "%s must be an integer, not %s", what, kindOf(n))
		return 0, false
	}
	if v < lo || v > hi {
		ps.at(n, "%s is %d; it must be between %d and %d", what, v, lo, hi)
		return v, false
	}
	return v, true
}

// boolean returns a bool scalar, reporting anything else.
func (ps *problems) boolean(n *yaml.Node, what string) (bool, bool) {
	var v bool
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" || n.Decode(&v) != nil {
		ps.at(n, "%s must be true or false, not %s", what, kindOf(n))
		return false, false
	}
	return v, true
}

// strings returns a sequence of strings, reporting other nodes and repeated elements.
func (ps *problems) strings(n *yaml.Node, what string) ([]string, bool) {
	if n.Kind != yaml.SequenceNode {
		ps.at(n, "%s must be a list of strings, not %s", what, kindOf(n))
		return nil, false
	}
	var out []string
	ok := true
	for i, e := range n.Content {
		s, good := ps.str(e, fmt.Sprintf("%s[%d]", what, i))
		switch {
		case !good:
			ok = false
		case containsString(out, s):
			ps.at(e, "%s lists %s twice", what, s)
			ok = false
		default:
			out = append(out, s)
		}
	}
	return out, ok
}

// value turns a node into the Go value it stands for: maps, lists, strings, ints, floats,
// bools and nil. Aliases are refused, so that a small file cannot expand into a huge value.
func (ps *problems) value(n *yaml.Node, what string) (any, bool) {
	switch n.Kind {
	case yaml.AliasNode:
		ps.at(n, "%s: YAML aliases are not supported in labs; write the value out", what)
		return nil, false
	case yaml.MappingNode:
		fields, ok := ps.mapping(n, what, nil)
		if !ok {
			return nil, false
		}
		out := make(map[string]any, len(fields))
		for k, f := range fields {
			v, good := ps.value(f.value, what+"."+k)
			ok = ok && good
			out[k] = v
		}
		return out, ok
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		ok := true
		for i, e := range n.Content {
			v, good := ps.value(e, fmt.Sprintf("%s[%d]", what, i))
			ok = ok && good
			out[i] = v
		}
		return out, ok
	case yaml.ScalarNode:
		var v any
		switch n.Tag {
		case "!!int":
			var i int
			if err := n.Decode(&i); err != nil {
				ps.at(n, "%s: %s is not an integer Go can hold", what, n.Value)
				return nil, false
			}
			v = i
		case "!!float":
			var f float64
			if err := n.Decode(&f); err != nil {
				ps.at(n, "%s: %s is not a number", what, n.Value)
				return nil, false
			}
			v = f
		case "!!bool":
			var b bool
			_ = n.Decode(&b)
			v = b
		case "!!null":
			v = nil
		default:
			v = n.Value
		}
		return v, true
	}
	ps.at(n, "%s: unexpected YAML node", what)
	return nil, false
}

// locate returns the node a decoder path points to under n: the key node of the last
// member when key is set (for an unknown member), else the value node. It stops at the
// deepest node it can find.
func locate(n *yaml.Node, path []any, key bool) *yaml.Node {
	for i, p := range path {
		last := i == len(path)-1
		switch p := p.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return n
			}
			found := false
			for j := 0; j+1 < len(n.Content); j += 2 {
				if n.Content[j].Value == p {
					if last && key {
						return n.Content[j]
					}
					n, found = n.Content[j+1], true
					break
				}
			}
			if !found {
				return n
			}
		case int:
			if n.Kind != yaml.SequenceNode || p >= len(n.Content) {
				return n
			}
			n = n.Content[p]
		}
	}
	return n
}

// kindOf names a node's kind and, for scalars, its type, for messages.
func kindOf(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!str":
			return fmt.Sprintf("the string %q", n.Value)
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return "the bool " + n.Value
		case "!!null":
			return "null"
		}
		return fmt.Sprintf("%s %q", n.Tag, n.Value)
	}
	return "an empty document"
}
