// Package eventpattern implements the Amazon EventBridge event pattern language: it validates
// patterns as EventBridge does and decides whether an event matches one.
//
// # Overview
//
// A pattern is a JSON object shaped like the events it selects. Each leaf of the pattern is a
// field path (nested objects, or member names joined with dots: "detail.state" and
// {"detail": {"state": ...}} are the same path, in patterns and in events alike) with an array
// of values; the event matches when, for every field of the pattern, one of the field's values
// matches. An event field holding an array matches when any element does.
//
// The values of a field's array may be:
//
//   - exact values: strings (compared character by character, without any folding; a string
//     that is an IP address matches the same address however it is spelled), numbers
//     (compared as numbers, so 300 matches 300.0 and 3.0e2), true, false and null;
//   - {"prefix": "s"} and {"suffix": "s"}, also as {"prefix": {"equals-ignore-case": "s"}};
//   - {"equals-ignore-case": "s"};
//   - {"wildcard": "s"}, where '*' matches any run of characters and "\*" is a literal '*';
//   - {"anything-but": ...} with a string, a number, a list of strings or of numbers, or an
//     object applying it to "prefix", "suffix", "equals-ignore-case" or "wildcard" (one value
//     or a list); it matches any present value that is not excluded, including null and
//     values of another type;
//   - {"numeric": [op, n]} or {"numeric": [">" or ">=", low, "<" or "<=", high]} with the
//     operators =, <, <=, > and >=;
//   - {"exists": true} (any leaf value, null included) and {"exists": false} (no leaf value:
//     a missing field, an empty array or an object all count as absent);
//   - {"cidr": "10.0.0.0/24"} for IPv4 and IPv6 addresses.
//
// "$or" takes an array of at least two pattern objects, any of which may match; it may appear
// at any level and nest. Like EventBridge, a pattern that is invalid as an "$or" pattern but
// valid when "$or" is read as an ordinary field name (as in {"$or": {"a": ["x"]}}) is
// accepted with that reading; the original rule syntax it then follows has no "wildcard"
// inside "anything-but" and only one "prefix" or "suffix" string there.
//
// # Numbers
//
// Numbers are compared as IEEE-754 doubles across their whole range. EventBridge refuses to
// compare a number whose decimal value is not exactly that of the shortest decimal form of
// its nearest double (12345678901234567890 is such a number, 0.1 is not): in a pattern, such a
// number is an error inside "numeric" and "anything-but", and elsewhere matches only the same
// literal spelled the same way; in an event it is never in a numeric range. Numeric operators
// never match strings, even "300".
//
// # Arrays of objects
//
// Matching is array-consistent, as EventBridge's matcher is: fields matched inside an array of
// objects must all be matched within the same element, and a field required to be absent is
// then looked for in that element only.
//
// # Validation
//
// [Compile] rejects what EventBridge rejects, with an [*Error] naming the field path and the
// reason in EventBridge's words: a pattern that is not a JSON object, leaves that are not
// arrays, empty arrays and objects, unknown or mis-cased operators, operands of the wrong type,
// malformed numeric ranges and CIDR blocks (EventBridge allows at most /31 for IPv4 and /127
// for IPv6), consecutive '*' in wildcards, wildcard operands
// too complex to match efficiently, and patterns over [MaxPatternLength] characters. Member
// names that repeat in a pattern object keep the last value, as EventBridge does.
//
// # What callers may rely on
//
// A [Pattern] is immutable and safe for concurrent use; compile it once and match it many
// times. [Pattern.Match] validates the whole event, returns an error only for malformed JSON
// or an event that is not an object, and keeps only the parts of the event that the pattern
// names. Matching then visits each kept part once per "$or" alternative (at most
// [MaxBranches]) and never backtracks: wildcards are matched in one left-to-right scan. Its
// cost is therefore linear in the size of the event, whatever the pattern's operators.
// [Pattern.MatchValue] takes an event already decoded by encoding/json and gives the same
// verdicts. When an event repeats a member name, the last one counts, as with encoding/json.
// [Test] has the semantics of the TestEventPattern API, including its check that the event
// has the envelope fields TestEventPattern requires.
package eventpattern
