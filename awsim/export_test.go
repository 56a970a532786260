package awsim

import "testing"

// RootCredentials returns the root user's key of an account for tests of the root user's
// exceptions; learners never receive it.
func RootCredentials(t testing.TB, s *Server, accountID string) Credentials {
	t.Helper()
	c, ok := s.rootCredentials(accountID)
	if !ok {
		t.Fatalf("no root key for account %s", accountID)
	}
	return c
}
