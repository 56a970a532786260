package iampolicy

import (
	"strings"
	"unicode/utf8"
)

// pattern is one value of a policy that may hold wildcards and, in a 2012-10-17 document,
// policy variables. Patterns without variables are matched as written; patterns with
// variables are resolved against the request first.
type pattern struct {
	raw   string
	parts []patPart // nil when the value has no policy variable
}

// patPart is a literal run of a pattern or a policy variable with an optional default.
type patPart struct {
	lit        string
	variable   string // lower-cased key name; "" for a literal part
	def        string
	hasDefault bool
}

// compilePattern splits raw into literals and variables when vars is set. A "${" that does
// not start a well-formed variable stays literal text.
func compilePattern(raw string, vars bool) pattern {
	p := pattern{raw: raw}
	if !vars || !strings.Contains(raw, "${") {
		return p
	}
	var lit strings.Builder
	rest := raw
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			lit.WriteString(rest)
			break
		}
		end := strings.IndexByte(rest[i:], '}')
		if end < 0 {
			lit.WriteString(rest)
			break
		}
		lit.WriteString(rest[:i])
		body := rest[i+2 : i+end]
		rest = rest[i+end+1:]
		switch body {
		case "*", "?", "$":
			// Escapes for the characters that would otherwise be wildcards.
			p.parts = appendLit(p.parts, &lit)
			p.parts = append(p.parts, patPart{lit: body, variable: "\x00"})
			continue
		}
		name, def, hasDef := splitDefault(body)
		if name == "" {
			lit.WriteString("${" + body + "}")
			continue
		}
		p.parts = appendLit(p.parts, &lit)
		p.parts = append(p.parts, patPart{variable: strings.ToLower(name), def: def,
			hasDefault: hasDef})
	}
	p.parts = appendLit(p.parts, &lit)
	if len(p.parts) == 1 && p.parts[0].variable == "" {
		p.parts = nil
	}
	return p
}

func appendLit(parts []patPart, b *strings.Builder) []patPart {
	if b.Len() > 0 {
		parts = append(parts, patPart{lit: b.String()})
		b.Reset()
	}
	return parts
}

// splitDefault splits "key, 'default'" into its key and default value.
func splitDefault(body string) (name, def string, ok bool) {
	name = strings.TrimSpace(body)
	if i := strings.IndexByte(body, ','); i >= 0 {
		name = strings.TrimSpace(body[:i])
		d := strings.TrimSpace(body[i+1:])
		if len(d) >= 2 && d[0] == '\'' && d[len(d)-1] == '\'' {
			def, ok = d[1:len(d)-1], true
		} else {
			return "", "", false
		}
	}
	if name == "" || strings.ContainsAny(name, " {}$") {
		return "", "", false
	}
	return name, def, ok
}

// resolved is a pattern with its variables replaced: the text, and a mask that marks the
// bytes that are literal even though they are '*' or '?' (nil when there are none).
type resolved struct {
	text string
	lit  []bool
}

// resolve replaces the pattern's variables from the request, anywhere in the value. It
// reports false when a variable is missing from the request and has no default: such a
// value matches nothing.
//
// TODO: iam-simulate replaces variables in a Resource only after the resource type, and
// AWS's documentation does not settle the account or region segments; a policy that puts
// ${aws:PrincipalAccount} in the account segment may be judged differently by AWS.
func (p *pattern) resolve(ctx *evalContext) (resolved, bool) {
	if p.parts == nil {
		return resolved{text: p.raw}, true
	}
	var b strings.Builder
	var lit []bool
	mark := func(s string, literal bool) {
		if literal && strings.ContainsAny(s, "*?") {
			if lit == nil {
				lit = make([]bool, b.Len(), b.Len()+len(s))
			}
		}
		b.WriteString(s)
		if lit != nil {
			for range len(s) {
				lit = append(lit, literal)
			}
		}
	}
	for _, part := range p.parts {
		switch {
		case part.variable == "":
			mark(part.lit, false)
		case part.variable == "\x00":
			mark(part.lit, true)
		default:
			vals, ok := ctx.lookup(part.variable)
			switch {
			case ok && len(vals) == 1:
				mark(vals[0], true)
			case part.hasDefault:
				mark(part.def, true)
			default:
				return resolved{}, false
			}
		}
	}
	return resolved{text: b.String(), lit: lit}, true
}

// widened returns the pattern with every variable replaced by a '*' wildcard: what the
// pattern could match whatever the variables' values.
func (p *pattern) widened() resolved {
	if p.parts == nil {
		return resolved{text: p.raw}
	}
	var b strings.Builder
	var lit []bool
	for _, part := range p.parts {
		switch {
		case part.variable == "":
			b.WriteString(part.lit)
			for range len(part.lit) {
				lit = append(lit, false)
			}
		case part.variable == "\x00":
			b.WriteString(part.lit)
			lit = append(lit, true)
		default:
			b.WriteByte('*')
			lit = append(lit, false)
		}
	}
	return resolved{text: b.String(), lit: lit}
}

// glob reports whether s matches pattern p, where '*' matches any run of characters and
// '?' matches exactly one, except at the positions lit marks as literal. With fold set,
// ASCII letters compare case-insensitively.
func glob(p string, lit []bool, s string, fold bool) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(p) {
			c := p[pi]
			special := lit == nil || !lit[pi]
			switch {
			case c == '*' && special:
				starP, starS = pi, si
				pi++
				continue
			case c == '?' && special:
				_, n := utf8.DecodeRuneInString(s[si:])
				si += n
				pi++
				continue
			case c == s[si] || (fold && foldEq(c, s[si])):
				pi++
				si++
				continue
			}
		}
		if starP < 0 {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starS:])
		starS += n
		si = starS
		pi = starP + 1
	}
	for pi < len(p) && p[pi] == '*' && (lit == nil || !lit[pi]) {
		pi++
	}
	return pi == len(p)
}

func foldEq(a, b byte) bool {
	if 'A' <= a && a <= 'Z' {
		a += 'a' - 'A'
	}
	if 'A' <= b && b <= 'Z' {
		b += 'a' - 'A'
	}
	return a == b
}

// hasWildcard reports whether s holds '*' or '?'.
func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

// actionPattern is an action pattern split at its colon, so that evaluation compares the
// service prefix and the name without splitting the pattern again.
type actionPattern struct {
	all               bool // the pattern is "*"
	svc, name         string
	svcWild, nameWild bool
}

func compileAction(p string) actionPattern {
	if p == "*" {
		return actionPattern{all: true}
	}
	svc, name, _ := strings.Cut(p, ":")
	return actionPattern{svc: svc, name: name, svcWild: hasWildcard(svc),
		nameWild: hasWildcard(name)}
}

// matches reports whether the pattern matches the action svc:name (ok is false when the
// action has no colon), case-insensitively.
func (a *actionPattern) matches(svc, name string, ok bool) bool {
	switch {
	case a.all:
		return true
	case !ok:
		return false
	case a.svcWild && !glob(a.svc, nil, svc, true):
		return false
	case !a.svcWild && !strings.EqualFold(a.svc, svc):
		return false
	case a.nameWild:
		return glob(a.name, nil, name, true)
	default:
		return strings.EqualFold(a.name, name)
	}
}

// matchAction reports whether the action pattern p ("s3:Get*", "*") matches the action,
// case-insensitively. The service prefix and the action name are matched separately, so a
// wildcard never crosses the colon.
func matchAction(p, action string) bool {
	if p == "*" {
		return true
	}
	pi := strings.IndexByte(p, ':')
	ai := strings.IndexByte(action, ':')
	if pi < 0 || ai < 0 {
		return false
	}
	return glob(p[:pi], nil, action[:ai], true) && glob(p[pi+1:], nil, action[ai+1:], true)
}

// matchARN reports whether the resource pattern r matches the ARN, segment by segment: the
// partition, service, region and account are each matched on their own, and the resource
// part (everything after the fifth colon) as one string, so that a '*' there may cross
// ':' and '/'. In the resource part, the resource type before the first '/' or ':' is
// compared literally, as AWS documents that it cannot hold a wildcard (S3 bucket and
// object ARNs have no resource type). A pattern with fewer than six segments that holds a
// wildcard is padded with '*' segments; one without a wildcard matches only an identical
// string.
func matchARN(r resolved, arn string) bool { return matchARNParts(r, arn, false, true) }

// matchARNHead reports whether the pattern matches the ARN's partition, service, region,
// account and resource type, ignoring the rest of the resource part.
func matchARNHead(r resolved, arn string) bool { return matchARNParts(r, arn, true, true) }

// matchARNValue is the comparison of the ArnLike and ArnEquals operators: each of the six
// components matched on its own, wildcards allowed in all of them, the resource type
// included.
func matchARNValue(r resolved, arn string) bool { return matchARNParts(r, arn, false, false) }

func matchARNParts(r resolved, arn string, headOnly, literalType bool) bool {
	if r.text == "*" && r.lit == nil {
		return true
	}
	var pseg, aseg [6]string
	var poff [6]int
	np := splitARN(r.text, &pseg, &poff)
	na := splitARN(arn, &aseg, nil)
	if np < 6 {
		if !hasWildcard(r.text) {
			return r.text == arn
		}
		for i := np; i < 6; i++ {
			pseg[i] = "*"
			poff[i] = -1
		}
	}
	if na < 6 {
		return !headOnly && glob(r.text, r.lit, arn, false)
	}
	for i := range 6 {
		var mask []bool
		if r.lit != nil && poff[i] >= 0 {
			mask = r.lit[poff[i] : poff[i]+len(pseg[i])]
		}
		p, a := pseg[i], aseg[i]
		if i == 5 && literalType && !(pseg[2] == "s3" && pseg[3] == "" && pseg[4] == "") {
			// The resource type (the text up to the first '/' or ':') takes no
			// wildcard: arn:aws:iam::123456789012:*/bob matches nothing.
			if j := strings.IndexAny(p, "/:"); j >= 0 {
				if !strings.HasPrefix(a, p[:j+1]) {
					return false
				}
				p, a = p[j+1:], a[j+1:]
				if mask != nil {
					mask = mask[j+1:]
				}
			}
		}
		if i == 5 && headOnly {
			return true
		}
		if !glob(p, mask, a, false) {
			return false
		}
	}
	return true
}

// splitARN splits s at its first five colons into at most six segments, recording each
// segment's offset when off is not nil. It returns the number of segments.
func splitARN(s string, seg *[6]string, off *[6]int) int {
	n, start := 0, 0
	for i := 0; i < len(s) && n < 5; i++ {
		if s[i] == ':' {
			seg[n] = s[start:i]
			if off != nil {
				off[n] = start
			}
			n++
			start = i + 1
		}
	}
	seg[n] = s[start:]
	if off != nil {
		off[n] = start
	}
	return n + 1
}
