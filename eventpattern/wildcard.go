package eventpattern

import (
	"sort"
	"strconv"
	"strings"
)

// maxWildcardComplexity is the largest wildcard complexity EventBridge accepts for one field of
// a rule. Complexity is the largest number of partial wildcard matches that one input value can
// keep alive at once, summed over the field's wildcard patterns; EventBridge accepts
// "/Users/*/dir/dir/dir/dir/dir/doc.txt" (7) and three "*:stack/NAME/*" values (9) and rejects
// "*:*:*:*:*:event-bus/*" (11).
const maxWildcardComplexity = 10

// maxComplexityStates bounds the work of measuring complexity; a pattern set that needs more
// distinct match states than this is reported as too complex.
const maxComplexityStates = 5000

const tooComplex = "Rule is too complex - try using fewer wildcard characters or fewer " +
	"repeating character sequences after a wildcard character"

// wildcard is a compiled "wildcard" operand: the literal runs between its '*' characters.
// Matching is a single left-to-right scan (prefix, greedy leftmost middles, suffix), so its cost
// is linear in the value and never backtracks.
type wildcard struct {
	parts []string
}

// parseWildcard compiles a wildcard operand, in which '*' matches any run of characters,
// "\*" is a literal asterisk and "\\" a literal backslash. Consecutive '*' characters and any
// other backslash are rejected with the reason EventBridge gives.
func parseWildcard(s string) (wildcard, string) {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '*':
			if i+1 < len(s) && s[i+1] == '*' {
				return wildcard{}, "Consecutive wildcard characters at pos " + strconv.Itoa(i+1)
			}
			parts = append(parts, cur.String())
			cur.Reset()
		case '\\':
			if i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '\\') {
				cur.WriteByte(s[i+1])
				i++
				continue
			}
			return wildcard{}, "Invalid escape character at pos " + strconv.Itoa(i+1)
		default:
			cur.WriteByte(c)
		}
	}
	parts = append(parts, cur.String())
	return wildcard{parts: parts}, ""
}

func (w wildcard) match(s string) bool {
	if len(w.parts) == 1 {
		return s == w.parts[0]
	}
	first, last := w.parts[0], w.parts[len(w.parts)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) ||
		!strings.HasSuffix(s, last) {
		return false
	}
	rest := s[len(first) : len(s)-len(last)]
	for _, p := range w.parts[1 : len(w.parts)-1] {
		i := strings.Index(rest, p)
		if i < 0 {
			return false
		}
		rest = rest[i+len(p):]
	}
	return true
}

// tokens returns the operand as EventBridge's matcher sees it: the value in double quotes, one
// entry per byte, with -1 for each wildcard.
func (w wildcard) tokens() []int {
	t := []int{'"'}
	for i, p := range w.parts {
		if i > 0 {
			t = append(t, -1)
		}
		for j := 0; j < len(p); j++ {
			t = append(t, int(p[j]))
		}
	}
	return append(t, '"')
}

// complexityNode is a state of the matcher that wildcard patterns of one field share: patterns
// with a common beginning share states, as they do in EventBridge.
type complexityNode struct {
	lit      map[int]*complexityNode
	star     *complexityNode
	isStar   bool
	patterns int
	id       int
}

// wildcardComplexity measures the complexity of a field's wildcard patterns (see
// maxWildcardComplexity) by exploring every set of states an input can reach. It stops, and
// reports a value above the limit, as soon as the limit or the state budget is exceeded.
func wildcardComplexity(ws []wildcard) int {
	var nodes []*complexityNode
	newNode := func(star bool) *complexityNode {
		n := &complexityNode{lit: map[int]*complexityNode{}, isStar: star, id: len(nodes)}
		nodes = append(nodes, n)
		return n
	}
	root := newNode(false)
	for _, w := range ws {
		cur := root
		for _, t := range w.tokens() {
			if t < 0 {
				if cur.star == nil {
					cur.star = newNode(true)
				}
				cur = cur.star
			} else {
				if cur.lit[t] == nil {
					cur.lit[t] = newNode(false)
				}
				cur = cur.lit[t]
			}
			cur.patterns++
		}
	}

	// A set of states is kept as its sorted ids; a state reached by a literal brings along the
	// wildcard state that follows it, which may match nothing.
	closure := func(ids []int) []int {
		out := ids[:0:0]
		for _, id := range ids {
			for n := nodes[id]; n != nil; n = n.star {
				out = append(out, n.id)
			}
		}
		sort.Ints(out)
		uniq := out[:0]
		for i, id := range out {
			if i == 0 || id != out[i-1] {
				uniq = append(uniq, id)
			}
		}
		return uniq
	}
	key := func(ids []int) string {
		b := make([]byte, 0, 3*len(ids))
		for _, id := range ids {
			b = append(b, byte(id), byte(id>>8), byte(id>>16))
		}
		return string(b)
	}

	start := closure([]int{root.id})
	seen := map[string]bool{key(start): true}
	queue := [][]int{start}
	worst := 0
	for len(queue) > 0 {
		set := queue[0]
		queue = queue[1:]

		// Only bytes that some state of the set matches literally lead anywhere new; every
		// other byte leads to the set's wildcard states alone (symbol -1 below).
		symbols := []int{-1}
		for _, id := range set {
			for c := range nodes[id].lit {
				symbols = append(symbols, c)
			}
		}
		sort.Ints(symbols)
		for i, c := range symbols {
			if i > 0 && c == symbols[i-1] {
				continue
			}
			var next []int
			for _, id := range set {
				n := nodes[id]
				if n.isStar {
					next = append(next, id)
				}
				if m := n.lit[c]; m != nil {
					next = append(next, m.id)
				}
			}
			if len(next) == 0 {
				continue
			}
			next = closure(next)
			size := 0
			for _, id := range next {
				size += nodes[id].patterns
			}
			if size > worst {
				worst = size
				if worst > maxWildcardComplexity {
					return worst
				}
			}
			k := key(next)
			if !seen[k] {
				if len(seen) >= maxComplexityStates {
					return maxWildcardComplexity + 1
				}
				seen[k] = true
				queue = append(queue, next)
			}
		}
	}
	return worst
}
