package eventpattern

import (
	"encoding/json"
	"unicode/utf8"
	"unsafe"
)

// skip validates and passes over one value.
func (p *eventParser) skip() error {
	if p.pos >= len(p.data) {
		return p.fail("unexpected end of JSON input")
	}
	switch p.data[p.pos] {
	case '{':
		if err := p.enter(); err != nil {
			return err
		}
		p.pos++
		p.ws()
		if p.pos < len(p.data) && p.data[p.pos] == '}' {
			p.pos++
			p.depth--
			return nil
		}
		for {
			p.ws()
			if p.pos >= len(p.data) || p.data[p.pos] != '"' {
				return p.fail("expected a member name")
			}
			if _, err := p.str(); err != nil {
				return err
			}
			p.ws()
			if p.pos >= len(p.data) || p.data[p.pos] != ':' {
				return p.fail("expected ':' after a member name")
			}
			p.pos++
			p.ws()
			if err := p.skip(); err != nil {
				return err
			}
			p.ws()
			if p.pos >= len(p.data) {
				return p.fail("unexpected end of JSON input")
			}
			if p.data[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.data[p.pos] == '}' {
				p.pos++
				p.depth--
				return nil
			}
			return p.fail("expected ',' or '}' in object")
		}
	case '[':
		if err := p.enter(); err != nil {
			return err
		}
		p.pos++
		p.ws()
		if p.pos < len(p.data) && p.data[p.pos] == ']' {
			p.pos++
			p.depth--
			return nil
		}
		for {
			p.ws()
			if err := p.skip(); err != nil {
				return err
			}
			p.ws()
			if p.pos >= len(p.data) {
				return p.fail("unexpected end of JSON input")
			}
			if p.data[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.data[p.pos] == ']' {
				p.pos++
				p.depth--
				return nil
			}
			return p.fail("expected ',' or ']' in array")
		}
	case '"':
		_, err := p.str()
		return err
	default:
		_, err := p.scalar()
		return err
	}
}

// str passes over a string token, validating its escapes, and returns its raw contents.
func (p *eventParser) str() ([]byte, error) {
	p.pos++ // opening quote
	start := p.pos
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if !stringSpecial[c] {
			p.pos++
			continue
		}
		switch {
		case c == '"':
			raw := p.data[start:p.pos]
			p.pos++
			return raw, nil
		case c == '\\':
			p.pos++
			if p.pos >= len(p.data) {
				return nil, p.fail("unexpected end of JSON input")
			}
			switch p.data[p.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.pos++
			case 'u':
				if p.pos+4 >= len(p.data) {
					return nil, p.fail("unexpected end of JSON input")
				}
				for i := 1; i <= 4; i++ {
					if !isHex(p.data[p.pos+i]) {
						return nil, p.fail("invalid character in \\u escape")
					}
				}
				p.pos += 5
			default:
				return nil, p.fail("invalid escape in string")
			}
		case c < 0x20:
			return nil, p.fail("invalid control character in string")
		default:
			p.pos++
		}
	}
	return nil, p.fail("unexpected end of JSON input")
}

// stringSpecial marks the bytes that end or escape a string, or may not appear in one.
var stringSpecial = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// view returns b as a string without copying it. The view of an event lives only as long as
// the Match call that reads it, and the event bytes are not changed meanwhile, so the string
// never outlives or observes a change to the bytes it shares.
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

func hasEscapeOrHighBytes(raw []byte) bool {
	for _, c := range raw {
		if c == '\\' || c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// decodeString returns the text of a string token whose raw contents are raw and which begins
// at offset start. Escapes and invalid UTF-8 are decoded exactly as encoding/json decodes them.
func (p *eventParser) decodeString(raw []byte, start int) (string, error) {
	if !hasEscapeOrHighBytes(raw) {
		return view(raw), nil
	}
	var s string
	if err := json.Unmarshal(p.data[start:start+len(raw)+2], &s); err != nil {
		return "", &syntaxError{msg: "invalid string", off: start}
	}
	return s, nil
}

// scalar passes over a number, true, false or null and reports which it was.
func (p *eventParser) scalar() (valueKind, error) {
	d := p.data
	for _, lit := range [...]struct {
		word string
		kind valueKind
	}{{"true", kindTrue}, {"false", kindFalse}, {"null", kindNull}} {
		if d[p.pos] == lit.word[0] {
			if len(d)-p.pos < len(lit.word) || string(d[p.pos:p.pos+len(lit.word)]) != lit.word {
				return 0, p.fail("invalid literal")
			}
			p.pos += len(lit.word)
			return lit.kind, nil
		}
	}
	i := p.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	default:
		return 0, p.fail("invalid character looking for a value")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return 0, p.fail("invalid number")
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return 0, p.fail("invalid number")
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	p.pos = i
	return kindNumber, nil
}
