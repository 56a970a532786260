package eventpattern

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// This file checks the matcher against a reference model written the slow, obvious way: the
// event is flattened into leaf values, each carrying the array elements it sits in, and every
// assignment of values to a branch's fields is tried. The model states the semantics the
// matcher must have: a branch matches when each field either takes a value it matches or,
// when it accepts absence, has no value that agrees on every shared array with the values the
// other fields took; and the values taken must agree on every array they share.

type refLeaf struct {
	path   string
	value  leaf
	arrays map[int]int // array id -> element index
}

func refFlatten(v any, path string, arrays map[int]int, nextID *int, out *[]refLeaf) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			refFlatten(child, p, arrays, nextID, out)
		}
	case []any:
		id := *nextID
		*nextID++
		for i, child := range x {
			inner := make(map[int]int, len(arrays)+1)
			for a, e := range arrays {
				inner[a] = e
			}
			inner[id] = i
			refFlatten(child, path, inner, nextID, out)
		}
	default:
		l, ok := leafOf(v)
		if ok {
			*out = append(*out, refLeaf{path: path, value: l, arrays: arrays})
		}
	}
}

func agree(a, b map[int]int) bool {
	for id, i := range a {
		if j, ok := b[id]; ok && i != j {
			return false
		}
	}
	return true
}

func refFields(n *bnode, out *[]*field) {
	if n.field != nil {
		*out = append(*out, n.field)
	}
	for _, k := range n.kids {
		refFields(k, out)
	}
}

// refMatch decides a decoded event against a compiled pattern with the reference model. It
// reports ok=false when the search would be too large to finish quickly.
func refMatch(p *Pattern, event map[string]any) (matched, ok bool) {
	var leaves []refLeaf
	id := 0
	refFlatten(event, "", map[int]int{}, &id, &leaves)
	for _, b := range p.branches {
		var fields []*field
		refFields(b, &fields)
		choices := make([][]int, len(fields)) // leaf index, or -1 for absent
		work := 1
		for i, f := range fields {
			for j := range leaves {
				if leaves[j].path == f.path && f.matchLeaf(&leaves[j].value) {
					choices[i] = append(choices[i], j)
				}
			}
			if f.absenceOK {
				choices[i] = append(choices[i], -1)
			}
			work *= len(choices[i]) + 1
			if work > 200000 {
				return false, false
			}
		}
		pick := make([]int, len(fields))
		var try func(i int) bool
		try = func(i int) bool {
			if i == len(fields) {
				return refConsistent(fields, pick, leaves)
			}
			for _, c := range choices[i] {
				pick[i] = c
				if try(i + 1) {
					return true
				}
			}
			return false
		}
		if try(0) {
			return true, true
		}
	}
	return false, true
}

func refConsistent(fields []*field, pick []int, leaves []refLeaf) bool {
	for i := range pick {
		for j := i + 1; j < len(pick); j++ {
			if pick[i] < 0 || pick[j] < 0 {
				continue
			}
			if !agree(leaves[pick[i]].arrays, leaves[pick[j]].arrays) {
				return false
			}
		}
	}
	for i, f := range fields {
		if pick[i] >= 0 {
			continue
		}
		for _, l := range leaves {
			if l.path != f.path {
				continue
			}
			present := true
			for _, c := range pick {
				if c >= 0 && !agree(l.arrays, leaves[c].arrays) {
					present = false
					break
				}
			}
			if present {
				return false
			}
		}
	}
	return true
}

// hasDottedKey reports whether any member name of the event contains a dot; the reference
// model and the matcher differ on purpose for events that spell one path two ways.
func hasDottedKey(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if strings.Contains(k, ".") || hasDottedKey(c) {
				return true
			}
		}
	case []any:
		for _, c := range x {
			if hasDottedKey(c) {
				return true
			}
		}
	}
	return false
}

var referenceSeeds = []struct{ pattern, event string }{
	{`{"l": {"k": ["a"], "v": [1]}}`, `{"l": [{"k": "a", "v": 2}, {"k": "a", "v": 1}]}`},
	{`{"l": {"k": ["a"], "g": [{"exists": false}]}}`, `{"l": [{"k": "b"}, {"k": "a"}, {"g": 1}]}`},
	{`{"l": {"g": [{"exists": false}]}}`, `{"l": [{"k": "b"}, {"g": 1}]}`},
	{`{"a": {"b": {"c": [1], "d": [{"exists": false}]}}, "e": [2]}`,
		`{"a": [{"b": [{"c": 1}, {"d": 1}]}, {"b": {"c": 1, "d": 2}}], "e": [1, 2]}`},
	{`{"$or": [{"x": {"y": [1]}}, {"x": {"z": [{"exists": true}], "y": [2]}}]}`,
		`{"x": [{"y": 2}, {"z": null}, {"y": 2, "z": 3}]}`},
	{`{"r": [{"anything-but": "a"}], "s": {"t": [{"numeric": [">", 1]}]}}`,
		`{"r": ["a", null], "s": [{"t": [0, 5]}, {"t": "9"}]}`},
	{`{"a": [{"exists": false}], "b": {"c": [{"exists": false}, 1]}}`, `{"b": [{"c": 2}, {}]}`},
}

func TestMatchAgreesWithReference(t *testing.T) {
	for _, s := range referenceSeeds {
		checkAgainstReference(t, s.pattern, []byte(s.event))
	}
}

func FuzzReference(f *testing.F) {
	for _, s := range referenceSeeds {
		f.Add(s.pattern, []byte(s.event))
	}
	f.Fuzz(func(t *testing.T, pattern string, event []byte) {
		checkAgainstReference(t, pattern, event)
	})
}

func checkAgainstReference(t *testing.T, pattern string, event []byte) {
	t.Helper()
	p, err := Compile([]byte(pattern))
	if err != nil {
		return
	}
	dec := json.NewDecoder(bytes.NewReader(event))
	dec.UseNumber()
	var decoded any
	if dec.Decode(&decoded) != nil {
		return
	}
	obj, isObject := decoded.(map[string]any)
	if !isObject || hasDottedKey(obj) || len(event) > 2000 {
		return
	}
	want, ok := refMatch(p, obj)
	if !ok {
		return
	}
	if got := p.MatchValue(obj); got != want {
		t.Fatalf("MatchValue = %v, reference = %v\npattern %s\nevent %s",
			got, want, pattern, event)
	}
}
