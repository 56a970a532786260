package eventpattern

import (
	"math"
	"math/big"
	"strconv"
)

// comparableNumber reports the float64 value of a JSON number literal when EventBridge can
// compare it numerically, and ok=false otherwise. EventBridge compares numbers as IEEE-754
// doubles and refuses any literal whose decimal value is not exactly the value of the shortest
// decimal form of its nearest double: 0.1 and 3.018e2 qualify, 12345678901234567890 (an
// account-number-sized integer) and 1e400 do not. Negative zero is read as zero, as EventBridge
// reads its literals through an arbitrary-precision decimal that has no negative zero.
func comparableNumber(lit string) (float64, bool) {
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	sig, zero := significantDigits(lit)
	if zero {
		return 0, true
	}
	if f == 0 || sig > 17 {
		// A nonzero literal that underflowed, or one with more significant digits than any
		// shortest double form has.
		return 0, false
	}
	abs := math.Abs(f)
	if sig <= 15 && abs >= 0x1p-1022 {
		// Every decimal of at most 15 significant digits in the normal range survives the
		// round trip through a double unchanged.
		return f, true
	}
	want, ok := new(big.Rat).SetString(lit)
	if !ok {
		return 0, false
	}
	got, ok := new(big.Rat).SetString(strconv.FormatFloat(f, 'g', -1, 64))
	if !ok || want.Cmp(got) != 0 {
		return 0, false
	}
	return f, true
}

// significantDigits counts the digits of a number literal's mantissa from its first to its
// last nonzero digit, and reports whether all its digits are zero.
func significantDigits(lit string) (n int, zero bool) {
	first, last, pos := -1, -1, 0
	for i := 0; i < len(lit); i++ {
		c := lit[i]
		if c == 'e' || c == 'E' {
			break
		}
		if c < '0' || c > '9' {
			continue
		}
		if c != '0' {
			if first < 0 {
				first = pos
			}
			last = pos
		}
		pos++
	}
	if first < 0 {
		return 0, true
	}
	return last - first + 1, false
}
