package eventpattern

import (
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"
)

// MaxPatternLength is the longest pattern, in characters, that Compile accepts; it is the
// length limit EventBridge puts on a rule's event pattern.
const MaxPatternLength = 4096

// MaxBranches is the largest number of alternatives a pattern may expand to once every "$or"
// is multiplied out. EventBridge documents no such number; this package sets one so that
// matching cost stays bounded, and it is far above what rules written by people reach.
const MaxBranches = 1024

// reservedInOr lists the names that cannot be field names inside "$or", because EventBridge
// reserves them for operators.
var reservedInOr = map[string]bool{
	"exactly": true, "equals-ignore-case": true, "prefix": true, "suffix": true,
	"anything-but": true, "exists": true, "wildcard": true, "numeric": true, "cidr": true,
	"=": true, "<": true, "<=": true, ">": true, ">=": true, "regex": true,
	"not-wildcard": true, "not-equals-ignore-case": true, "date-after": true,
	"date-on-or-after": true, "date-before": true, "date-on-or-before": true,
	"in-date-range": true, "ip-address-in-range": true, "ip-address-not-in-range": true,
}

// Pattern is a compiled event pattern. It is immutable and safe for concurrent use by many
// goroutines; compile it once and match it against any number of events.
type Pattern struct {
	source   string
	branches []*bnode
	root     *unode
}

// String returns the pattern text Compile was given.
func (p *Pattern) String() string { return p.source }

// field is the compiled value array of one field path: the field matches a leaf when any
// matcher does, and matches the field's absence when absenceOK ("exists": false) is set.
type field struct {
	path      string
	disp      string
	matchers  []matcher
	absenceOK bool
}

func (f *field) matchLeaf(v *leaf) bool {
	for _, m := range f.matchers {
		if m.match(v) {
			return true
		}
	}
	return false
}

// branchFields is one alternative of the pattern under construction: field path to field, in
// the order fields were first set.
type branchFields struct {
	order  []string
	fields map[string]*field
}

func (b *branchFields) put(f *field) {
	if _, ok := b.fields[f.path]; !ok {
		b.order = append(b.order, f.path)
	}
	b.fields[f.path] = f
}

func (b *branchFields) clone() *branchFields {
	c := &branchFields{
		order:  append([]string(nil), b.order...),
		fields: make(map[string]*field, len(b.fields)),
	}
	for k, v := range b.fields {
		c.fields[k] = v
	}
	return c
}

// Compile parses and validates an event pattern as EventBridge does, and returns it ready for
// matching. Any pattern EventBridge would reject yields an *Error naming the offending field
// and the reason; the returned Pattern is then nil.
func Compile(pattern []byte) (*Pattern, error) {
	if n := runeLen(pattern); n > MaxPatternLength {
		return nil, patternError("", -1, "Event pattern is %d characters long; the limit is %d", n,
			MaxPatternLength)
	}
	doc, err := parseDocument(pattern)
	if err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, patternError("", -1, "Filter is not valid JSON: %v at offset %d", err,
				syn.Offset)
		}
		return nil, patternError("", -1, "Filter is not valid JSON: %v", err)
	}
	if doc.kind != jsonObject {
		return nil, patternError("", -1, "Filter is not an object")
	}

	branches, err := (&compiler{}).object(doc, "", "", []*branchFields{newBranch()}, false)
	if err != nil {
		// EventBridge's matcher falls back to its original rule syntax, in which "$or" is an
		// ordinary field name, when a pattern is invalid as an "$or" pattern. The error
		// reported is still the one about "$or".
		legacy, legacyErr := (&compiler{legacy: true}).object(doc, "", "",
			[]*branchFields{newBranch()}, false)
		if legacyErr != nil || !hasOrKey(doc) {
			return nil, err
		}
		branches = legacy
	}
	if err := checkWildcardComplexity(branches); err != nil {
		return nil, err
	}
	return build(string(pattern), branches), nil
}

// MustCompile is like Compile but panics if the pattern is invalid. It is meant for patterns
// fixed in code, such as those of a validator.
func MustCompile(pattern string) *Pattern {
	p, err := Compile([]byte(pattern))
	if err != nil {
		panic(err)
	}
	return p
}

func newBranch() *branchFields { return &branchFields{fields: map[string]*field{}} }

// compiler turns a parsed pattern into branches. In legacy mode it reads the original rule
// syntax: no "$or" operator, and "anything-but" limited to one prefix, one suffix or
// equals-ignore-case values.
type compiler struct {
	legacy bool
}

// hasOrKey reports whether any object in the pattern has a member named "$or".
func hasOrKey(n *node) bool {
	for _, m := range n.members {
		if m.key == "$or" || hasOrKey(m.value) {
			return true
		}
	}
	for _, item := range n.items {
		if hasOrKey(item) {
			return true
		}
	}
	return false
}

func joinPath(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// object compiles the members of a pattern object found at field path prefix (disp is the same
// path as shown in errors) into every branch.
func (c *compiler) object(obj *node, prefix, disp string, branches []*branchFields,
	inOr bool) ([]*branchFields, error) {
	if len(obj.members) == 0 {
		return nil, patternError(disp, -1, "Empty objects are not allowed")
	}
	for _, m := range obj.members {
		if m.key == "$or" && !c.legacy {
			var err error
			branches, err = c.or(m.value, prefix, disp, branches)
			if err != nil {
				return nil, err
			}
			continue
		}
		name := joinPath(prefix, m.key)
		shown := joinPath(disp, m.key)
		if inOr && reservedInOr[m.key] {
			return nil, patternError(shown, -1,
				"%s is Ruler reserved fieldName which cannot be used inside $or.", m.key)
		}
		switch m.value.kind {
		case jsonObject:
			var err error
			branches, err = c.object(m.value, name, shown, branches, inOr)
			if err != nil {
				return nil, err
			}
		case jsonArray:
			f, err := compileField(m.value, name, shown, c.legacy)
			if err != nil {
				return nil, err
			}
			for _, b := range branches {
				b.put(f)
			}
		default:
			return nil, patternError(shown, -1, "%q must be an object or an array", m.key)
		}
	}
	return branches, nil
}

// or multiplies the current branches by the alternatives of a "$or" array.
func (c *compiler) or(v *node, prefix, disp string,
	branches []*branchFields) ([]*branchFields, error) {
	shown := joinPath(disp, "$or")
	if v.kind != jsonArray {
		return nil, patternError(shown, -1, "It must be an Array followed with $or.")
	}
	var out []*branchFields
	for i, alt := range v.items {
		if alt.kind != jsonObject {
			return nil, patternError(shown, i,
				"Only JSON object is allowed in array of $or relationship.")
		}
		copies := make([]*branchFields, len(branches))
		for j, b := range branches {
			copies[j] = b.clone()
		}
		got, err := c.object(alt, prefix, shown+"["+strconv.Itoa(i)+"]", copies, true)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
		if len(out) > MaxBranches {
			return nil, patternError(shown, -1,
				"Pattern expands to more than %d alternatives through $or", MaxBranches)
		}
	}
	if len(v.items) < 2 {
		return nil, patternError(shown, -1,
			"There must have at least 2 Objects in $or relationship.")
	}
	return out, nil
}

// checkWildcardComplexity rejects a pattern whose wildcard operands on one field could keep too
// many partial matches alive at once (see maxWildcardComplexity).
func checkWildcardComplexity(branches []*branchFields) error {
	type fieldWilds struct {
		disp  string
		seen  map[string]bool
		wilds []wildcard
	}
	byPath := map[string]*fieldWilds{}
	var paths []string
	for _, b := range branches {
		for _, path := range b.order {
			f := b.fields[path]
			for _, m := range f.matchers {
				var ws []wildcard
				switch m := m.(type) {
				case wildcardMatch:
					ws = []wildcard{m.w}
				case *anythingBut:
					ws = m.wilds
				}
				for _, w := range ws {
					fw := byPath[path]
					if fw == nil {
						fw = &fieldWilds{disp: f.disp, seen: map[string]bool{}}
						byPath[path] = fw
						paths = append(paths, path)
					}
					k := strings.Join(w.parts, "\x00*")
					if !fw.seen[k] {
						fw.seen[k] = true
						fw.wilds = append(fw.wilds, w)
					}
				}
			}
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		if wildcardComplexity(byPath[p].wilds) > maxWildcardComplexity {
			return patternError(byPath[p].disp, -1, tooComplex)
		}
	}
	return nil
}
