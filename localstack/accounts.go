package localstack

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"math/big"

	"github.com/proctorlabs/proctor"
)

// keyAlphabet is the alphabet of AWS access key ids after their four-letter prefix: base32.
const keyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// accountOffset is what LocalStack subtracts from the base32 number in an access key id's
// characters 4 to 12 before doubling it into an account id.
const accountOffset = 1 << 39

// accessKeyID returns a random access key id in LocalStack's structured form that LocalStack
// decodes to the 12-digit account: a long-term "LKIA" prefix, eight characters holding half
// the account id plus an offset, a character whose place in the alphabet carries the account
// id's lowest bit, and seven random characters.
func accessKeyID(account string) (string, error) {
	n, ok := new(big.Int).SetString(account, 10)
	if !ok || !accountPattern.MatchString(account) {
		return "", fmt.Errorf("localstack: account id %q is not 12 digits", account)
	}
	id := n.Uint64()

	var half [8]byte
	binary.BigEndian.PutUint64(half[:], id/2+accountOffset)
	middle := base32.StdEncoding.EncodeToString(half[3:]) // the low 40 bits: 8 characters

	random := make([]byte, 8)
	if _, err := rand.Read(random); err != nil {
		return "", fmt.Errorf("localstack: access key id: %w", err)
	}
	parity := int(random[0] % 16)
	if id%2 == 1 {
		parity += 16
	}
	key := []byte("LKIA" + middle)
	key = append(key, keyAlphabet[parity])
	for _, b := range random[1:] {
		key = append(key, keyAlphabet[b%32])
	}
	return string(key), nil
}

// newCredentials returns fresh credentials for the account. LocalStack ignores secret keys, but
// they are random all the same, so that nothing about them is guessable on other backends.
func newCredentials(account string) (proctor.Credentials, error) {
	id, err := accessKeyID(account)
	if err != nil {
		return proctor.Credentials{}, err
	}
	secret := make([]byte, 30)
	if _, err := rand.Read(secret); err != nil {
		return proctor.Credentials{}, fmt.Errorf("localstack: secret access key: %w", err)
	}
	return proctor.Credentials{AccessKeyID: id,
		SecretAccessKey: base32.StdEncoding.EncodeToString(secret)}, nil
}

// randomAccountID returns a random 12-digit account id that is not LocalStack's default
// account, which requests with unstructured keys fall into.
func randomAccountID() (string, error) {
	for {
		n, err := rand.Int(rand.Reader, big.NewInt(1_000_000_000_000))
		if err != nil {
			return "", fmt.Errorf("localstack: account id: %w", err)
		}
		if id := fmt.Sprintf("%012d", n); id != localStackDefaultAccount {
			return id, nil
		}
	}
}

// localStackDefaultAccount is the account LocalStack serves requests whose access key id it
// cannot decode.
const localStackDefaultAccount = "000000000000"
