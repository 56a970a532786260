package iampolicy

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ParseError reports the first problem found in a policy document: where it is, as a
// 1-based line and column and as a JSON path such as "Statement[1].Condition", and why.
type ParseError struct {
	Line, Column int    // 1-based; the column counts characters, not bytes
	Path         string // the JSON path of the element, "" for the whole document
	Reason       string // why the element is rejected
}

// Error returns "line L, column C: PATH: REASON", leaving out the path when the problem
// concerns the whole document.
func (e *ParseError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Reason)
	}
	return fmt.Sprintf("line %d, column %d: %s: %s", e.Line, e.Column, e.Path, e.Reason)
}

// Parse parses a policy document. It accepts every element of the IAM policy grammar
// (Version, Id, Statement; Sid, Effect, Principal, NotPrincipal, Action, NotAction,
// Resource, NotResource, Condition) and rejects anything else, including unknown or
// duplicate keys, a wrong JSON type for an element, an unknown Version, a statement with
// both or neither of Action and NotAction, and an unknown condition operator. Errors are
// *ParseError. Parse does not know which kind of policy the document is; [Policy.Check]
// applies the rules of one policy type.
func Parse(doc []byte) (*Policy, error) {
	root, err := parseJSON(doc)
	if err != nil {
		var se *syntaxError
		if errors.As(err, &se) {
			return nil, newParseError(doc, se.offset, se.path, "invalid JSON: "+se.reason)
		}
		return nil, err
	}
	p := &parser{src: doc}
	pol, perr := p.policy(root)
	if perr != nil {
		return nil, perr
	}
	return pol, nil
}

func newParseError(doc []byte, offset int, path, reason string) *ParseError {
	line, col := lineColumn(doc, offset)
	return &ParseError{Line: line, Column: col, Path: path, Reason: reason}
}

type parser struct {
	src  []byte
	vars bool // the document's Version makes ${...} a policy variable
	// literalVars records where a ${...} appears in a document whose Version makes it
	// literal text, for Check to report.
	literalVars []position

	lastOffset, lastLine, lastCol int
}

// position is where an element of a policy starts, kept for the problems Check reports.
type position struct {
	line, col int
	path      string
}

// pos converts an offset to a line and column. Offsets mostly grow as the parser walks
// the document, so it counts on from the previous offset rather than from the start.
func (p *parser) pos(offset int, path string) position {
	if offset < p.lastOffset || p.lastLine == 0 {
		p.lastOffset, p.lastLine, p.lastCol = 0, 1, 1
	}
	line, col := p.lastLine, p.lastCol
	for i := p.lastOffset; i < offset && i < len(p.src); {
		if p.src[i] == '\n' {
			line, col = line+1, 1
			i++
			continue
		}
		_, size := utf8.DecodeRune(p.src[i:])
		i += size
		col++
	}
	p.lastOffset, p.lastLine, p.lastCol = offset, line, col
	return position{line: line, col: col, path: path}
}

func (p *parser) errAt(n *node, path, format string, args ...any) *ParseError {
	return newParseError(p.src, n.offset, path, fmt.Sprintf(format, args...))
}

func (p *parser) errKey(m member, path, format string, args ...any) *ParseError {
	return newParseError(p.src, m.offset, path, fmt.Sprintf(format, args...))
}

func (p *parser) policy(root *node) (*Policy, *ParseError) {
	if root.kind != kindObject {
		return nil, p.errAt(root, "", "a policy must be a JSON object, not %s", root.kind)
	}
	pol := &Policy{}
	var stmts *member
	for i := range root.keys {
		m := root.keys[i]
		switch m.name {
		case "Version":
			if m.value.kind != kindString {
				return nil, p.errAt(m.value, m.name, "must be a string, not %s", m.value.kind)
			}
			if m.value.str != Version2012 && m.value.str != Version2008 {
				return nil, p.errAt(m.value, m.name,
					"unsupported version %q (want %q or %q)", m.value.str, Version2012,
					Version2008)
			}
			pol.Version = m.value.str
		case "Id":
			if m.value.kind != kindString {
				return nil, p.errAt(m.value, m.name, "must be a string, not %s", m.value.kind)
			}
			pol.ID = m.value.str
		case "Statement":
			stmts = &root.keys[i]
		default:
			return nil, p.errKey(m, m.name, "unknown policy element %q%s", m.name,
				suggest(m.name, "Version", "Id", "Statement"))
		}
	}
	if stmts == nil {
		return nil, p.errAt(root, "", "missing the Statement element")
	}
	p.vars = pol.Version == Version2012
	pol.size = nonSpace(p.src)

	v := stmts.value
	switch v.kind {
	case kindObject:
		st, err := p.statement(v, "Statement")
		if err != nil {
			return nil, err
		}
		pol.Statements = []Statement{st}
	case kindArray:
		if len(v.items) == 0 {
			return nil, p.errAt(v, "Statement", "must hold at least one statement")
		}
		sids := map[string]int{}
		for i, item := range v.items {
			path := fmt.Sprintf("Statement[%d]", i)
			st, err := p.statement(item, path)
			if err != nil {
				return nil, err
			}
			if st.Sid != "" {
				if prev, dup := sids[st.Sid]; dup {
					return nil, p.errAt(item, path, "duplicate Sid %q (also Statement[%d])",
						st.Sid, prev)
				}
				sids[st.Sid] = i
			}
			pol.Statements = append(pol.Statements, st)
		}
	default:
		return nil, p.errAt(v, "Statement", "must be an object or an array of objects, not %s",
			v.kind)
	}
	pol.literalVars = p.literalVars
	return pol, nil
}

// nonSpace counts the characters of a document that are not white space, the way AWS
// measures policy size.
func nonSpace(src []byte) int {
	n := 0
	for _, c := range string(src) {
		switch c {
		case ' ', '\t', '\n', '\r':
		default:
			n++
		}
	}
	return n
}

// suggest returns a hint naming the valid element that differs from name only in case.
func suggest(name string, valid ...string) string {
	for _, v := range valid {
		if strings.EqualFold(v, name) {
			return fmt.Sprintf(" (element names are case-sensitive: did you mean %q?)", v)
		}
	}
	return ""
}

var statementElements = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action",
	"NotAction", "Resource", "NotResource", "Condition"}

func (p *parser) statement(n *node, path string) (Statement, *ParseError) {
	var st Statement
	if n.kind != kindObject {
		return st, p.errAt(n, path, "a statement must be an object, not %s", n.kind)
	}
	st.pos = p.pos(n.offset, path)
	var seenAction, seenResource, seenPrincipal string
	for _, m := range n.keys {
		ep := path + "." + m.name
		st.elements = append(st.elements, p.pos(m.offset, ep))
		switch m.name {
		case "Sid":
			if m.value.kind != kindString {
				return st, p.errAt(m.value, ep, "must be a string, not %s", m.value.kind)
			}
			st.Sid = m.value.str
		case "Effect":
			if m.value.kind != kindString {
				return st, p.errAt(m.value, ep, "must be a string, not %s", m.value.kind)
			}
			switch m.value.str {
			case "Allow":
				st.Effect = Allow
			case "Deny":
				st.Effect = Deny
			default:
				return st, p.errAt(m.value, ep, "must be \"Allow\" or \"Deny\", not %q",
					m.value.str)
			}
		case "Action", "NotAction":
			if seenAction != "" {
				return st, p.errKey(m, ep, "a statement may not have both %s and %s",
					seenAction, m.name)
			}
			seenAction = m.name
			vals, err := p.stringList(m.value, ep)
			if err != nil {
				return st, err
			}
			for i, a := range vals {
				if reason := checkAction(a); reason != "" {
					return st, p.errAt(itemNode(m.value, i), itemPath(m.value, ep, i), "%s",
						reason)
				}
			}
			st.Actions, st.NotAction = vals, m.name == "NotAction"
		case "Resource", "NotResource":
			if seenResource != "" {
				return st, p.errKey(m, ep, "a statement may not have both %s and %s",
					seenResource, m.name)
			}
			seenResource = m.name
			vals, err := p.stringList(m.value, ep)
			if err != nil {
				return st, err
			}
			for i, r := range vals {
				if reason := checkResource(r); reason != "" {
					return st, p.errAt(itemNode(m.value, i), itemPath(m.value, ep, i), "%s",
						reason)
				}
				p.noteLiteralVar(r, itemNode(m.value, i), itemPath(m.value, ep, i))
			}
			st.Resources, st.NotResource = vals, m.name == "NotResource"
		case "Principal", "NotPrincipal":
			if seenPrincipal != "" {
				return st, p.errKey(m, ep, "a statement may not have both %s and %s",
					seenPrincipal, m.name)
			}
			seenPrincipal = m.name
			ps, err := p.principal(m.value, ep)
			if err != nil {
				return st, err
			}
			st.Principal, st.NotPrincipal = ps, m.name == "NotPrincipal"
		case "Condition":
			conds, err := p.conditions(m.value, ep)
			if err != nil {
				return st, err
			}
			st.Conditions = conds
		default:
			return st, p.errKey(m, ep, "unknown statement element %q%s", m.name,
				suggest(m.name, statementElements...))
		}
	}
	if st.Effect == 0 {
		return st, p.errAt(n, path, "missing the Effect element")
	}
	if seenAction == "" {
		return st, p.errAt(n, path, "missing the Action or NotAction element")
	}
	st.compile(p.vars)
	return st, nil
}

// noteLiteralVar records a value that looks like it uses a policy variable in a document
// whose Version makes it literal text.
func (p *parser) noteLiteralVar(v string, n *node, path string) {
	if !p.vars && strings.Contains(v, "${") {
		p.literalVars = append(p.literalVars, p.pos(n.offset, path))
	}
}

// compile prepares the statement's patterns for matching.
func (st *Statement) compile(vars bool) {
	st.actions = make([]actionPattern, len(st.Actions))
	for i, a := range st.Actions {
		st.actions[i] = compileAction(a)
	}
	st.resources = make([]pattern, len(st.Resources))
	for i, r := range st.Resources {
		st.resources[i] = compilePattern(r, vars)
	}
}

func itemNode(n *node, i int) *node {
	if n.kind == kindArray {
		return n.items[i]
	}
	return n
}

func itemPath(n *node, path string, i int) string {
	if n.kind == kindArray {
		return fmt.Sprintf("%s[%d]", path, i)
	}
	return path
}

// stringList reads a string or a non-empty array of strings.
func (p *parser) stringList(n *node, path string) ([]string, *ParseError) {
	switch n.kind {
	case kindString:
		return []string{n.str}, nil
	case kindArray:
		if len(n.items) == 0 {
			return nil, p.errAt(n, path, "must not be an empty array")
		}
		out := make([]string, len(n.items))
		for i, it := range n.items {
			if it.kind != kindString {
				return nil, p.errAt(it, fmt.Sprintf("%s[%d]", path, i),
					"must be a string, not %s", it.kind)
			}
			out[i] = it.str
		}
		return out, nil
	default:
		return nil, p.errAt(n, path, "must be a string or an array of strings, not %s", n.kind)
	}
}

// MustParse is like [Parse] but panics on error. It is meant for policies written into
// programs and tests.
func MustParse(doc string) *Policy {
	p, err := Parse([]byte(doc))
	if err != nil {
		panic("iampolicy: MustParse: " + err.Error())
	}
	return p
}
