package eventpattern

// vnode is the part of an event that a pattern can look at: objects hold only the members on
// a path the pattern names, with dotted member names split into nested objects. An object at
// trie node u has one slot per child of u, indexed by the child's idx.
type vnode struct {
	kind  vkind
	leaf  leaf
	slots []*vnode
	elems []*vnode
}

type vkind uint8

const (
	vLeaf vkind = iota + 1
	vObject
	vArray
)

// arena hands out the nodes of one event's view in chunks, so that reading an event costs a
// few allocations rather than one per value.
type arena struct {
	nodes []vnode
	slots []*vnode
}

func (a *arena) newNode(kind vkind) *vnode {
	if len(a.nodes) == cap(a.nodes) {
		a.nodes = make([]vnode, 0, 32)
	}
	a.nodes = append(a.nodes, vnode{kind: kind})
	return &a.nodes[len(a.nodes)-1]
}

func (a *arena) newObject(u *unode) *vnode {
	n := a.newNode(vObject)
	k := len(u.kids)
	if cap(a.slots)-len(a.slots) < k {
		a.slots = make([]*vnode, 0, max(64, k))
	}
	l := len(a.slots)
	a.slots = a.slots[:l+k]
	n.slots = a.slots[l : l+k : l+k]
	return n
}

func (n *vnode) kid(u *unode) *vnode { return n.slots[u.idx] }

// insert adds child under u, merging it with what is already there. Two objects merge member
// by member; anything else at the same path (which only dotted member names such as "a.b"
// beside "a": {"b": ...} can produce) is pooled into one array of alternatives.
func (n *vnode) insert(u *unode, child *vnode) {
	if old := n.slots[u.idx]; old != nil {
		n.slots[u.idx] = merge(old, child)
		return
	}
	n.slots[u.idx] = child
}

func merge(a, b *vnode) *vnode {
	if a.kind == vObject && b.kind == vObject {
		for i, k := range b.slots {
			if k == nil {
				continue
			}
			if a.slots[i] != nil {
				a.slots[i] = merge(a.slots[i], k)
			} else {
				a.slots[i] = k
			}
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
func placeMember[S ~string | ~[]byte](a *arena, obj *vnode, u *unode, key S, value *vnode) {
	if !containsDot(key) {
		obj.insert(u.kids[string(key)], value)
		return
	}
	chain := []*unode{u}
	start := 0
	for i := 0; i <= len(key); i++ {
		if i == len(key) || key[i] == '.' {
			u = u.kids[string(key[start:i])]
			chain = append(chain, u)
			start = i + 1
		}
	}
	sub := value
	for j := len(chain) - 1; j >= 2; j-- {
		o := a.newObject(chain[j-1])
		o.slots[chain[j].idx] = sub
		sub = o
	}
	obj.insert(chain[1], sub)
}

// walkKey follows a member name, split at dots, down the trie from u, and returns nil when the
// pattern names no path through it.
func walkKey[S ~string | ~[]byte](u *unode, key S) *unode {
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

func containsDot[S ~string | ~[]byte](key S) bool {
	for i := 0; i < len(key); i++ {
		if key[i] == '.' {
			return true
		}
	}
	return false
}
