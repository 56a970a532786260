package eventpattern

import "strings"

// unode is a node of the trie of every field path any branch of a pattern names, split at
// dots. Events are read against it, so that only the parts of an event a pattern can look at
// are kept.
type unode struct {
	kids  map[string]*unode
	field bool // some branch has a field at this path
	idx   int  // position among its parent's children, the slot it has in event objects
}

func (u *unode) kid(seg string) *unode {
	if u.kids == nil {
		return nil
	}
	return u.kids[seg]
}

// bnode is a node of one branch's trie of field paths.
type bnode struct {
	u     *unode
	field *field
	kids  []*bnode

	// absentOK: every field at or below this path accepts absence ("exists": false).
	// kidsAbsentOK: the same for the fields strictly below it.
	absentOK     bool
	kidsAbsentOK bool
}

func build(source string, branches []*branchFields) *Pattern {
	p := &Pattern{source: source, root: &unode{}}
	for _, b := range branches {
		root := &bnode{u: p.root}
		for _, path := range b.order {
			u, bn := p.root, root
			for _, seg := range strings.Split(path, ".") {
				next := u.kid(seg)
				if next == nil {
					if u.kids == nil {
						u.kids = map[string]*unode{}
					}
					next = &unode{idx: len(u.kids)}
					u.kids[seg] = next
				}
				u = next
				var child *bnode
				for _, k := range bn.kids {
					if k.u == u {
						child = k
						break
					}
				}
				if child == nil {
					child = &bnode{u: u}
					bn.kids = append(bn.kids, child)
				}
				bn = child
			}
			u.field = true
			bn.field = b.fields[path]
		}
		setAbsence(root)
		p.branches = append(p.branches, root)
	}
	return p
}

func setAbsence(n *bnode) {
	n.kidsAbsentOK = true
	for _, k := range n.kids {
		setAbsence(k)
		n.kidsAbsentOK = n.kidsAbsentOK && k.absentOK
	}
	n.absentOK = n.kidsAbsentOK && (n.field == nil || n.field.absenceOK)
}
