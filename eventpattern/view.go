package eventpattern

// vnode is the part of an event that a pattern can look at: objects hold only the members on
// a path the pattern names, with dotted member names split into nested objects.
type vnode struct {
	kind  vkind
	leaf  leaf
	kids  []vkid
	elems []*vnode
}

type vkind uint8

const (
	vLeaf vkind = iota + 1
	vObject
	vArray
)

type vkid struct {
	u *unode
	n *vnode
}

func (n *vnode) kid(u *unode) *vnode {
	for i := range n.kids {
		if n.kids[i].u == u {
			return n.kids[i].n
		}
	}
	return nil
}

// insert adds child under u, merging it with what is already there. Two objects merge member
// by member; anything else at the same path (which only dotted member names such as "a.b"
// beside "a": {"b": ...} can produce) is pooled into one array of alternatives.
func (n *vnode) insert(u *unode, child *vnode) {
	for i := range n.kids {
		if n.kids[i].u == u {
			n.kids[i].n = merge(n.kids[i].n, child)
			return
		}
	}
	n.kids = append(n.kids, vkid{u: u, n: child})
}

func merge(a, b *vnode) *vnode {
	if a.kind == vObject && b.kind == vObject {
		for _, k := range b.kids {
			a.insert(k.u, k.n)
		}
		return a
	}
	// TODO: pooling treats the two values as elements of one array, so a pattern that needs
	// both of them at once (one field from each) does not match; EventBridge would match it.
	// Only events that spell one path both with a dotted name and with nesting are affected.
	pooled := &vnode{kind: vArray}
	for _, x := range []*vnode{a, b} {
		if x.kind == vArray {
			pooled.elems = append(pooled.elems, x.elems...)
		} else {
			pooled.elems = append(pooled.elems, x)
		}
	}
	return pooled
}

// placeMember puts the value of an object member named key (already known to lie on a pattern
// path below u) into obj, splitting the name at dots into nested objects.
func placeMember(obj *vnode, u *unode, key string, value *vnode) {
	var chain []*unode
	start := 0
	for i := 0; i <= len(key); i++ {
		if i == len(key) || key[i] == '.' {
			u = u.kid(key[start:i])
			chain = append(chain, u)
			start = i + 1
		}
	}
	sub := value
	for j := len(chain) - 1; j >= 1; j-- {
		sub = &vnode{kind: vObject, kids: []vkid{{u: chain[j], n: sub}}}
	}
	obj.insert(chain[0], sub)
}

// walkKey follows a member name, split at dots, down the trie from u, and returns nil when the
// pattern names no path through it.
func walkKey(u *unode, key []byte) *unode {
	start := 0
	for i := 0; i <= len(key); i++ {
		if i == len(key) || key[i] == '.' {
			if u.kids == nil {
				return nil
			}
			u = u.kids[string(key[start:i])]
			if u == nil {
				return nil
			}
			start = i + 1
		}
	}
	return u
}
