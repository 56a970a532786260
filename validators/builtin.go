package validators

// builtins returns the definitions of every built-in validator.
func builtins() []Definition {
	return []Definition{
		accountPublicAccessBlock,
		bucketTLSOnly,
		bucketDefaultEncryption,
		bucketNotPublic,
		keyRotation,
		keyPolicyNotPublic,
		roleLeastPrivilege,
	}
}
