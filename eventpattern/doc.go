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
// at any level and nest.
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
// malformed numeric ranges and CIDR blocks, consecutive '*' in wildcards, wildcard operands
// too complex to match efficiently, and patterns over [MaxPatternLength] characters. Member
// names that repeat in a pattern object keep the last value, as EventBridge does.
//
// # What callers may rely on
//
// A [Pattern] is immutable and safe for concurrent use; compile it once and match it many
// times. Matching reads only the parts of an event that the pattern names, never backtracks
// (wildcards are matched in one scan), and costs time proportional to the size of the event
// times the number of "$or" alternatives (at most [MaxBranches]); the size of the pattern adds
// nothing beyond that. [Pattern.Match] validates the whole
// event and returns an error only for malformed JSON or an event that is not an object;
// [Pattern.MatchValue] takes an event already decoded by encoding/json. [Test] has the
// semantics of the TestEventPattern API, including its check that the event has the required
// envelope fields.
package eventpattern
