package eventpattern

import "net/netip"

// valueKind is the JSON type of a leaf value of an event.
type valueKind uint8

const (
	kindString valueKind = iota + 1
	kindNumber
	kindTrue
	kindFalse
	kindNull
)

// leaf is one scalar value of an event. For numbers, text is the literal as written in the
// event; the numeric and IP readings are computed on first use and cached.
type leaf struct {
	kind valueKind
	text string

	numDone bool
	numOK   bool
	num     float64

	ipDone bool
	ipOK   bool
	ip     netip.Addr
}

func (v *leaf) number() (float64, bool) {
	if v.kind != kindNumber {
		return 0, false
	}
	if !v.numDone {
		v.num, v.numOK = comparableNumber(v.text)
		v.numDone = true
	}
	return v.num, v.numOK
}

func (v *leaf) addr() (netip.Addr, bool) {
	if v.kind != kindString {
		return netip.Addr{}, false
	}
	if !v.ipDone {
		v.ip, v.ipOK = parseIP(v.text)
		v.ipDone = true
	}
	return v.ip, v.ipOK
}
