package awsim

import "github.com/proctorlabs/proctor/awsim/protocol"

// Bucket-level Block Public Access and default encryption.

func putPublicAccessBlock(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	if err := c.allow("s3:PutBucketPublicAccessBlock", b, "", nil); err != nil {
		return nil, err
	}
	cfg, _ := c.in["PublicAccessBlockConfiguration"].(protocol.Params)
	pab := pabFrom(cfg)
	return protocol.Params{}, c.mutateBucket(b.name, func(b *bucket) {
		b.PublicAccessBlock = pab
	})
}

func pabFrom(cfg protocol.Params) *publicAccessBlock {
	return &publicAccessBlock{
		BlockPublicAcls:       boolean(cfg, "BlockPublicAcls"),
		IgnorePublicAcls:      boolean(cfg, "IgnorePublicAcls"),
		BlockPublicPolicy:     boolean(cfg, "BlockPublicPolicy"),
		RestrictPublicBuckets: boolean(cfg, "RestrictPublicBuckets"),
	}
}

func pabParams(p *publicAccessBlock) protocol.Params {
	return protocol.Params{
		"BlockPublicAcls":       p.BlockPublicAcls,
		"IgnorePublicAcls":      p.IgnorePublicAcls,
		"BlockPublicPolicy":     p.BlockPublicPolicy,
		"RestrictPublicBuckets": p.RestrictPublicBuckets,
	}
}

func noSuchPAB() *protocol.Error {
	return &protocol.Error{Status: 404, Code: "NoSuchPublicAccessBlockConfiguration",
		Sender: true, Message: "The public access block configuration was not found"}
}

func getPublicAccessBlock(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	if err := c.allow("s3:GetBucketPublicAccessBlock", b, "", nil); err != nil {
		return nil, err
	}
	c.s.mu.RLock()
	var pab *publicAccessBlock
	if live, ok := c.s.st.Buckets[b.name]; ok && live.PublicAccessBlock != nil {
		cp := *live.PublicAccessBlock
		pab = &cp
	}
	c.s.mu.RUnlock()
	if pab == nil {
		e := noSuchPAB()
		e.Fields = map[string]string{"BucketName": b.name}
		return nil, e
	}
	return protocol.Params{"PublicAccessBlockConfiguration": pabParams(pab)}, nil
}

func deletePublicAccessBlock(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	if err := c.allow("s3:PutBucketPublicAccessBlock", b, "", nil); err != nil {
		return nil, err
	}
	return protocol.Params{}, c.mutateBucket(b.name, func(b *bucket) {
		b.PublicAccessBlock = nil
	})
}

var sseAlgorithms = map[string]bool{"AES256": true, "aws:kms": true, "aws:kms:dsse": true}

func putBucketEncryption(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	if err := c.allow("s3:PutEncryptionConfiguration", b, "", nil); err != nil {
		return nil, err
	}
	cfg, _ := c.in["ServerSideEncryptionConfiguration"].(protocol.Params)
	rules, _ := cfg["Rules"].([]any)
	if len(rules) != 1 {
		return nil, protocol.Errorf(400, "MalformedXML", "The XML you provided was not "+
			"well-formed or did not validate against our published schema: exactly one Rule "+
			"is required, found %d", len(rules))
	}
	rule, _ := rules[0].(protocol.Params)
	def, _ := rule["ApplyServerSideEncryptionByDefault"].(protocol.Params)
	if def == nil {
		return nil, protocol.Errorf(400, "MalformedXML", "The XML you provided was not "+
			"well-formed or did not validate against our published schema: "+
			"ApplyServerSideEncryptionByDefault is required")
	}
	alg := str(def, "SSEAlgorithm")
	if !sseAlgorithms[alg] {
		return nil, protocol.Errorf(400, "MalformedXML", "The XML you provided was not "+
			"well-formed or did not validate against our published schema: SSEAlgorithm %q "+
			"is not one of AES256, aws:kms, aws:kms:dsse", alg)
	}
	keyID := str(def, "KMSMasterKeyID")
	if keyID != "" && alg == "AES256" {
		return nil, protocol.Errorf(400, "InvalidArgument", "a KMSMasterKeyID is not "+
			"applicable if the default sse algorithm is not aws:kms or aws:kms:dsse")
	}
	rule2 := &encryptionRule{Algorithm: alg, KMSMasterKeyID: keyID,
		BucketKeyEnabled: boolean(rule, "BucketKeyEnabled")}
	return protocol.Params{}, c.mutateBucket(b.name, func(b *bucket) { b.Encryption = rule2 })
}

func getBucketEncryption(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	if err := c.allow("s3:GetEncryptionConfiguration", b, "", nil); err != nil {
		return nil, err
	}
	c.s.mu.RLock()
	var rule *encryptionRule
	if live, ok := c.s.st.Buckets[b.name]; ok && live.Encryption != nil {
		cp := *live.Encryption
		rule = &cp
	}
	c.s.mu.RUnlock()
	if rule == nil {
		return nil, &protocol.Error{Status: 404, Sender: true,
			Code:    "ServerSideEncryptionConfigurationNotFoundError",
			Message: "The server side encryption configuration was not found",
			Fields:  map[string]string{"BucketName": b.name}}
	}
	def := protocol.Params{"SSEAlgorithm": rule.Algorithm}
	if rule.KMSMasterKeyID != "" {
		def["KMSMasterKeyID"] = rule.KMSMasterKeyID
	}
	return protocol.Params{"ServerSideEncryptionConfiguration": protocol.Params{
		"Rules": []any{protocol.Params{"ApplyServerSideEncryptionByDefault": def,
			"BucketKeyEnabled": rule.BucketKeyEnabled}},
	}}, nil
}

func deleteBucketEncryption(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	if err := c.allow("s3:PutEncryptionConfiguration", b, "", nil); err != nil {
		return nil, err
	}
	return protocol.Params{}, c.mutateBucket(b.name, func(b *bucket) { b.Encryption = nil })
}
