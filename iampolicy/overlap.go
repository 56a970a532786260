package iampolicy

import "strings"

// ExpandResource returns the resource types a Resource pattern such as
// "arn:aws:s3:::app-data*" can reach: every catalog resource type whose ARN pattern shares
// at least one ARN with it, segment by segment. "*" reaches every resource type. The
// result is in catalog order (by service, then name).
//
// A placeholder of an ARN pattern, such as ${BucketName}, may in general hold a '/', so
// arn:aws:s3:::app-data/* would also overlap the bucket pattern arn:*:s3:::*. Where a
// service has a more specific resource type that the pattern reaches (the object type
// here), the general type is kept only if the pattern reaches it with placeholders that
// hold no '/'.
func (c *Catalog) ExpandResource(pattern string) []*ResourceType {
	var out []*ResourceType
	for _, prefix := range c.prefixes {
		var hits []*ResourceType
		for _, rt := range c.services[strings.ToLower(prefix)].ResourceTypes {
			if pattern == "*" || arnsOverlap(pattern, rt.glob) {
				hits = append(hits, rt)
			}
		}
		for _, rt := range hits {
			if pattern == "*" || !generalized(rt, hits) ||
				arnsOverlap(pattern, strictGlob(rt.ARN)) {
				out = append(out, rt)
			}
		}
	}
	return out
}

// generalized reports whether another of the types is a more specific form of rt: its
// literal text extends rt's.
func generalized(rt *ResourceType, types []*ResourceType) bool {
	for _, o := range types {
		if o != rt && len(o.literal) > len(rt.literal) &&
			strings.HasPrefix(o.literal, rt.literal) {
			return true
		}
	}
	return false
}

// noSlash stands, in a glob, for any run of characters without a '/'.
const noSlash = '\x01'

// strictGlob turns a catalog ARN pattern into a glob whose placeholders hold no '/'.
func strictGlob(tmpl string) string {
	return replaceVars(tmpl, func(string) string { return string(noSlash) })
}

// arnsOverlap reports whether two ARN patterns, each with '*' and '?' wildcards, match at
// least one common ARN. Like matchARN it compares the first five segments on their own
// and the resource part as one string; a pattern with fewer segments is padded with '*'.
func arnsOverlap(a, b string) bool {
	var as, bs [6]string
	na, nb := splitARN(a, &as, nil), splitARN(b, &bs, nil)
	for i := na; i < 6; i++ {
		as[i] = "*"
	}
	for i := nb; i < 6; i++ {
		bs[i] = "*"
	}
	for i := range 6 {
		if !globsOverlap(as[i], bs[i]) {
			return false
		}
	}
	return true
}

// globsOverlap reports whether some string matches both glob patterns ('*', '?' and
// noSlash wildcards). It walks both
// patterns at once, memoizing the pairs of positions already tried, so its cost is the
// product of the patterns' lengths.
func globsOverlap(a, b string) bool {
	seen := make(map[[2]int]bool)
	var walk func(i, j int) bool
	walk = func(i, j int) bool {
		key := [2]int{i, j}
		if v, ok := seen[key]; ok {
			return v
		}
		seen[key] = false
		var ok bool
		switch {
		case i == len(a) && j == len(b):
			ok = true
		case i < len(a) && a[i] == '*':
			// The star matches nothing, or one more character of b's side.
			ok = walk(i+1, j) || (j < len(b) && walk(i, j+1))
		case j < len(b) && b[j] == '*':
			ok = walk(i, j+1) || (i < len(a) && walk(i+1, j))
		case i < len(a) && a[i] == noSlash:
			ok = walk(i+1, j) || (j < len(b) && b[j] != '/' && walk(i, j+1))
		case j < len(b) && b[j] == noSlash:
			ok = walk(i, j+1) || (i < len(a) && a[i] != '/' && walk(i+1, j))
		case i < len(a) && j < len(b):
			ok = (a[i] == b[j] || a[i] == '?' || b[j] == '?') && walk(i+1, j+1)
		}
		seen[key] = ok
		return ok
	}
	return walk(0, 0)
}
