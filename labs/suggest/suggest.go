// Package suggest proposes the name a person most likely meant when they mistype one: a
// lab field, a step's operation, a validator or its parameter.
package suggest

// DidYouMean returns " (did you mean X?)" for the option closest to word when it is close
// enough to be a typo (an edit distance of at most a third of the word's length, plus
// one), and "" otherwise, or when word is itself an option. Of options equally close, the
// first wins.
func DidYouMean(word string, options []string) string {
	limit := len(word)/3 + 1
	best, bestDist := "", limit+1
	for _, o := range options {
		if abs(len(word)-len(o)) >= bestDist {
			// The distance is at least the difference in length: o cannot be closer, and
			// skipping it keeps a huge word from costing its length times every option.
			continue
		}
		d := Distance(word, o)
		if d == 0 {
			return ""
		}
		if d < bestDist {
			best, bestDist = o, d
		}
	}
	if best == "" {
		return ""
	}
	return " (did you mean " + best + "?)"
}

// Distance is the Levenshtein distance between a and b, in bytes. It takes time
// proportional to the product of their lengths.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
