package proctor

import "strings"

// Resource names: a sandbox is "sandboxes/{sandbox}" and an attempt
// "sandboxes/{sandbox}/attempts/{attempt}", where each id is 1 to 63 lower-case letters,
// digits and '-', starting with a letter and not ending with '-'.

// ValidResourceID reports whether id is a valid sandbox or attempt id.
func ValidResourceID(id string) bool {
	if len(id) == 0 || len(id) > 63 || id[0] < 'a' || id[0] > 'z' || id[len(id)-1] == '-' {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// ValidSandboxName reports whether name is a sandbox's resource name.
func ValidSandboxName(name string) bool {
	id, ok := strings.CutPrefix(name, "sandboxes/")
	return ok && ValidResourceID(id)
}

// ParseAttemptName returns the sandbox's name of an attempt's resource name, and false when
// name is not an attempt's name.
func ParseAttemptName(name string) (sandbox string, ok bool) {
	parts := strings.Split(name, "/")
	if len(parts) != 4 || parts[0] != "sandboxes" || parts[2] != "attempts" ||
		!ValidResourceID(parts[1]) || !ValidResourceID(parts[3]) {
		return "", false
	}
	return parts[0] + "/" + parts[1], true
}
