package awsim

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"fmt"
	"sort"
	"strings"

	"github.com/proctorlabs/proctor/awsim/protocol"
)

// KMS really encrypts: every symmetric key has 256 bits of random material, and Encrypt,
// Decrypt and GenerateDataKey use AES-256-GCM under it.

// Ciphertext blobs are: a version byte, the 36-byte key id, a 12-byte nonce and the AES-GCM
// sealed plaintext, with the encryption context bound as additional data.
const cipherVersion = 1

func usableForEncryption(k *kmsKey) *protocol.Error {
	switch k.State {
	case "Enabled":
	case "Disabled":
		return kmsError("DisabledException", "%s is disabled.", k.ARN)
	default:
		return kmsError("KMSInvalidStateException", "%s is %s.", k.ARN, k.State)
	}
	if k.KeyUsage != "ENCRYPT_DECRYPT" || k.Material == nil {
		return kmsError("InvalidKeyUsageException", "%s key usage is %s, or its key spec "+
			"%s is not supported for encryption by awsim", k.ARN, k.KeyUsage, k.KeySpec)
	}
	return nil
}

func contextAAD(ec any) []byte {
	m, _ := ec.(map[string]any)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		v, _ := m[k].(string)
		fmt.Fprintf(&b, "%d:%s%d:%s", len(k), k, len(v), v)
	}
	return []byte(b.String())
}

func seal(k *kmsKey, plaintext []byte, ec any) ([]byte, error) {
	block, err := aes.NewCipher(k.Material)
	if err != nil {
		return nil, fmt.Errorf("awsim: key cipher: %w", err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("awsim: key cipher: %w", err)
	}
	out := make([]byte, 1+36+gcm.NonceSize())
	out[0] = cipherVersion
	copy(out[1:37], k.ID)
	if _, err := rand.Read(out[37:]); err != nil {
		return nil, fmt.Errorf("awsim: nonce: %w", err)
	}
	return gcm.Seal(out, out[37:], plaintext, contextAAD(ec)), nil
}

func encrypt(c *call) (protocol.Params, error) {
	k, err := c.lookupKey()
	if err != nil {
		return nil, err
	}
	if err := c.kmsAllowKey("kms:Encrypt", &k); err != nil {
		return nil, err
	}
	if err := usableForEncryption(&k); err != nil {
		return nil, err
	}
	if alg := str(c.in, "EncryptionAlgorithm"); alg != "" && alg != "SYMMETRIC_DEFAULT" {
		return nil, kmsError("InvalidKeyUsageException", "%s does not support %s", k.ARN, alg)
	}
	pt, _ := c.in["Plaintext"].([]byte)
	blob, serr := seal(&k, pt, c.in["EncryptionContext"])
	if serr != nil {
		return nil, serr
	}
	return protocol.Params{"CiphertextBlob": blob, "KeyId": k.ARN,
		"EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}, nil
}

func decrypt(c *call) (protocol.Params, error) {
	blob, _ := c.in["CiphertextBlob"].([]byte)
	invalid := kmsError("InvalidCiphertextException", "the ciphertext is invalid, or was "+
		"not encrypted under a key of this account with this encryption context")
	if len(blob) < 1+36+12+16 || blob[0] != cipherVersion {
		return nil, invalid
	}
	id := string(blob[1:37])
	c.s.mu.RLock()
	live, ok := c.s.resolveKeyLocked(c.key.Account, id)
	var k kmsKey
	if ok {
		k = *live
	}
	c.s.mu.RUnlock()
	if !ok {
		return nil, invalid
	}
	if err := c.kmsAllowKey("kms:Decrypt", &k); err != nil {
		return nil, err
	}
	if ref := str(c.in, "KeyId"); ref != "" {
		c.s.mu.RLock()
		named, found := c.s.resolveKeyLocked(c.key.Account, ref)
		c.s.mu.RUnlock()
		if !found || named.ID != k.ID {
			return nil, kmsError("IncorrectKeyException", "the key ID in the request does "+
				"not identify the key that encrypted the ciphertext")
		}
	}
	if err := usableForEncryption(&k); err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(k.Material)
	if err != nil {
		return nil, fmt.Errorf("awsim: key cipher: %w", err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("awsim: key cipher: %w", err)
	}
	pt, err := gcm.Open(nil, blob[37:49], blob[49:], contextAAD(c.in["EncryptionContext"]))
	if err != nil {
		return nil, invalid
	}
	return protocol.Params{"Plaintext": pt, "KeyId": k.ARN,
		"EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}, nil
}

func generateDataKey(c *call) (protocol.Params, error) {
	k, err := c.lookupKey()
	if err != nil {
		return nil, err
	}
	if err := c.kmsAllowKey("kms:GenerateDataKey", &k); err != nil {
		return nil, err
	}
	if err := usableForEncryption(&k); err != nil {
		return nil, err
	}
	n, hasN := c.in["NumberOfBytes"].(int64)
	spec := str(c.in, "KeySpec")
	switch {
	case hasN && spec != "":
		return nil, kmsError("ValidationException", "specify either KeySpec or "+
			"NumberOfBytes, not both")
	case spec == "AES_256":
		n = 32
	case spec == "AES_128":
		n = 16
	case !hasN:
		return nil, kmsError("ValidationException", "please specify either KeySpec or "+
			"NumberOfBytes")
	}
	pt := make([]byte, n)
	if _, err := rand.Read(pt); err != nil {
		return nil, fmt.Errorf("awsim: data key: %w", err)
	}
	blob, serr := seal(&k, pt, c.in["EncryptionContext"])
	if serr != nil {
		return nil, serr
	}
	return protocol.Params{"CiphertextBlob": blob, "Plaintext": pt, "KeyId": k.ARN}, nil
}
