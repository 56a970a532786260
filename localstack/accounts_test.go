package localstack

import (
	"encoding/base32"
	"fmt"
	"math/big"
	"strings"
	"testing"
)

// decodeAccount is LocalStack's reading of a structured access key id: characters 4 to 12 are
// a base32 number from which 2^39 is subtracted and which is then doubled, and the account id
// is odd when character 12 lies in the second half of the alphabet.
func decodeAccount(t *testing.T, key string) string {
	t.Helper()
	raw, err := base32.StdEncoding.DecodeString(key[4:12])
	if err != nil {
		t.Fatalf("key %q: %v", key, err)
	}
	n := new(big.Int).SetBytes(raw)
	n.Sub(n, big.NewInt(1<<39))
	n.Mul(n, big.NewInt(2))
	if strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", key[12]) >= 16 {
		n.Add(n, big.NewInt(1))
	}
	return fmt.Sprintf("%012d", n)
}

// TestDecodeAccountMatchesLocalStack checks the test's decoder against the examples LocalStack
// documents, so that the round trip below proves something about LocalStack.
func TestDecodeAccountMatchesLocalStack(t *testing.T) {
	for key, want := range map[string]string{
		"LSIAQAAAAAAVNCBMPNSG": "000000000042", // LocalStack's credentials documentation
		"ASIAQAAAAAAAGMKEM7X5": "000000000000", // LocalStack's source, in its docstring
		"AKIARZPUZDIKGB2VALC4": "123456789012",
	} {
		if got := decodeAccount(t, key); got != want {
			t.Errorf("decodeAccount(%s) = %s, want %s", key, got, want)
		}
	}
}

func TestAccessKeyIDDecodesToItsAccount(t *testing.T) {
	for _, account := range []string{"000000000000", "000000000001", "000000000042",
		"123456789012", "999999999999", "549755813887", "314159265358"} {
		seen := map[string]bool{}
		for range 8 {
			key, err := accessKeyID(account)
			if err != nil {
				t.Fatal(err)
			}
			if len(key) != 20 || !strings.HasPrefix(key, "LKIA") {
				t.Fatalf("accessKeyID(%s) = %q, want 20 characters starting LKIA", account, key)
			}
			if strings.Trim(key[4:], "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
				t.Fatalf("accessKeyID(%s) = %q has characters outside base32", account, key)
			}
			if got := decodeAccount(t, key); got != account {
				t.Fatalf("accessKeyID(%s) = %s, which decodes to %s", account, key, got)
			}
			seen[key] = true
		}
		if len(seen) < 2 {
			t.Errorf("accessKeyID(%s) returned one key in 8 calls: not random", account)
		}
	}
}

func TestAccessKeyIDRejectsBadAccounts(t *testing.T) {
	for _, bad := range []string{"", "12345678901", "1234567890123", "12345678901a", "-12345678901"} {
		if key, err := accessKeyID(bad); err == nil {
			t.Errorf("accessKeyID(%q) = %q, want an error", bad, key)
		}
	}
}

func TestRandomAccountID(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		id, err := randomAccountID()
		if err != nil {
			t.Fatal(err)
		}
		if !accountPattern.MatchString(id) || id == localStackDefaultAccount {
			t.Fatalf("randomAccountID() = %q, want 12 digits other than LocalStack's default", id)
		}
		seen[id] = true
	}
	if len(seen) < 49 {
		t.Errorf("50 random account ids held only %d distinct ones", len(seen))
	}
}

func FuzzAccessKeyID(f *testing.F) {
	f.Add(uint64(0))
	f.Add(uint64(999999999999))
	f.Add(uint64(123456789012))
	f.Fuzz(func(t *testing.T, n uint64) {
		account := fmt.Sprintf("%012d", n%1_000_000_000_000)
		key, err := accessKeyID(account)
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeAccount(t, key); got != account {
			t.Fatalf("accessKeyID(%s) = %s, which decodes to %s", account, key, got)
		}
	})
}
