package labs

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Problem is one thing wrong with a lab file, at a line and column (both from 1).
type Problem struct {
	File    string
	Line    int
	Column  int
	Message string
}

// String returns "file:line:column: message", the form editors and compilers use.
func (p Problem) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Column, p.Message)
}

// Problems are every problem of a lab file, in file order. As an error it lists them one a
// line.
type Problems []Problem

// Error returns the problems, one a line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// problems collects the problems of one file.
type problems struct {
	file string
	list Problems
}

// at records a problem at a node's position.
func (ps *problems) at(n *yaml.Node, format string, args ...any) {
	line, col := 1, 1
	if n != nil && n.Line > 0 {
		line, col = n.Line, max(n.Column, 1)
	}
	ps.list = append(ps.list, Problem{File: ps.file, Line: line, Column: col,
		Message: shorten(fmt.Sprintf(format, args...))})
}

// maxMessage bounds the length of a problem's message, in bytes.
const maxMessage = 1024

// shorten returns a message longer than maxMessage with its middle cut out: a message that
// long repeats a huge value from the file, and its start (what is wrong) and end (the
// hint) are what a reader needs. Cuts fall on UTF-8 character boundaries.
func shorten(msg string) string {
	if len(msg) <= maxMessage {
		return msg
	}
	const cut = " [...] "
	keep := (maxMessage - len(cut)) / 2
	head, tail := keep, len(msg)-keep
	for head > 0 && !utf8.RuneStart(msg[head]) {
		head--
	}
	for tail < len(msg) && !utf8.RuneStart(msg[tail]) {
		tail++
	}
	return msg[:head] + cut + msg[tail:]
}

// sorted returns the problems in file order; problems at one position keep their order.
func (ps *problems) sorted() Problems {
	sort.SliceStable(ps.list, func(i, j int) bool {
		a, b := ps.list[i], ps.list[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return ps.list
}
