package awsim

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/proctorlabs/proctor/awsim/protocol"
)

func noSuchKey(key string) *protocol.Error {
	return &protocol.Error{Status: 404, Code: "NoSuchKey", Sender: true,
		Message: "The specified key does not exist.", Fields: map[string]string{"Key": key}}
}

func putObject(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	key := str(c.in, "Key")
	sse := str(c.in, "ServerSideEncryption")
	kmsKey := str(c.in, "SSEKMSKeyId")
	extra := map[string][]string{}
	if sse != "" {
		extra["s3:x-amz-server-side-encryption"] = []string{sse}
	}
	if kmsKey != "" {
		extra["s3:x-amz-server-side-encryption-aws-kms-key-id"] = []string{kmsKey}
	}
	if err := c.allow("s3:PutObject", b, key, extra); err != nil {
		return nil, err
	}
	if acl := str(c.in, "ACL"); acl != "" && acl != "private" &&
		acl != "bucket-owner-full-control" {
		return nil, aclNotSupported()
	}
	if len(key) > 1024 {
		return nil, protocol.Errorf(400, "KeyTooLongError", "Your key is too long")
	}
	if sse != "" && !sseAlgorithms[sse] {
		return nil, protocol.Errorf(400, "InvalidArgument", "The encryption method specified "+
			"is not supported: %q", sse)
	}
	if kmsKey != "" && sse != "aws:kms" && sse != "aws:kms:dsse" {
		return nil, protocol.Errorf(400, "InvalidArgument", "x-amz-server-side-encryption-"+
			"aws-kms-key-id is only valid with aws:kms or aws:kms:dsse encryption")
	}

	body, _ := c.in["Body"].([]byte)
	sum := md5.Sum(body)
	obj := &s3Object{
		Key: key, Body: append([]byte(nil), body...), CRC32: crc32Of(body),
		ETag:         `"` + hex.EncodeToString(sum[:]) + `"`,
		LastModified: c.now.UTC().Truncate(1e9), ContentType: str(c.in, "ContentType"),
	}
	if meta, ok := c.in["Metadata"].(map[string]any); ok && len(meta) > 0 {
		obj.Metadata = map[string]string{}
		for k, v := range meta {
			s, _ := v.(string)
			obj.Metadata[k] = s
		}
	}

	if err := c.storeObject(b.name, key, obj, sse, kmsKey); err != nil {
		return nil, err
	}
	c.s.changed(b.account)

	out := protocol.Params{"ETag": obj.ETag}
	if obj.SSE != "" {
		out["ServerSideEncryption"] = obj.SSE
	}
	if obj.KMSKeyID != "" {
		out["SSEKMSKeyId"] = obj.KMSKeyID
	}
	out["ChecksumCRC32"] = obj.CRC32
	for name, member := range map[string]string{"x-amz-checksum-crc32c": "ChecksumCRC32C",
		"x-amz-checksum-sha1": "ChecksumSHA1", "x-amz-checksum-sha256": "ChecksumSHA256"} {
		if v := c.r.Header.Get(name); v != "" {
			out[member] = v
		}
	}
	return out, nil
}

// storeObject applies the bucket's default encryption to obj, resolves its KMS key and
// stores it, all under the write lock (released even on a panic).
func (c *call) storeObject(bucketName, key string, obj *s3Object, sse,
	kmsKey string) *protocol.Error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	live, ok := c.s.st.Buckets[bucketName]
	if !ok {
		return noSuchBucket(bucketName)
	}
	obj.SSE, obj.KMSKeyID = sse, kmsKey
	if obj.SSE == "" && live.Encryption != nil {
		obj.SSE, obj.KMSKeyID = live.Encryption.Algorithm, live.Encryption.KMSMasterKeyID
	}
	if strings.HasPrefix(obj.SSE, "aws:kms") && obj.KMSKeyID != "" {
		k, found := c.s.resolveKeyLocked(live.Account, obj.KMSKeyID)
		if !found {
			return protocol.Errorf(400, "KMS.NotFoundException", "Invalid keyId %s",
				obj.KMSKeyID)
		}
		obj.KMSKeyID = k.ARN
	}
	live.Objects[key] = obj
	return nil
}

// readObject finds an object for GetObject and HeadObject. A missing key is NoSuchKey only for
// callers allowed to list the bucket; others get AccessDenied, so that keys cannot be probed.
func (c *call) readObject() (*s3Object, *protocol.Error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	key := str(c.in, "Key")
	if err := c.allow("s3:GetObject", b, key, nil); err != nil {
		return nil, err
	}
	c.s.mu.RLock()
	var obj *s3Object
	if live, ok := c.s.st.Buckets[b.name]; ok {
		obj = live.Objects[key]
	}
	c.s.mu.RUnlock()
	if obj == nil {
		if c.allow("s3:ListBucket", b, "", nil) != nil {
			return nil, accessDenied()
		}
		return nil, noSuchKey(key)
	}
	return obj, nil
}

func objectHeaders(obj *s3Object) protocol.Params {
	out := protocol.Params{
		"ContentLength": int64(len(obj.Body)),
		"ETag":          obj.ETag,
		"LastModified":  obj.LastModified,
		"AcceptRanges":  "bytes",
		"ContentType":   obj.ContentType,
	}
	if obj.ContentType == "" {
		out["ContentType"] = "binary/octet-stream"
	}
	if obj.SSE != "" {
		out["ServerSideEncryption"] = obj.SSE
	}
	if obj.KMSKeyID != "" {
		out["SSEKMSKeyId"] = obj.KMSKeyID
	}
	if len(obj.Metadata) > 0 {
		meta := map[string]any{}
		for k, v := range obj.Metadata {
			meta[k] = v
		}
		out["Metadata"] = meta
	}
	return out
}

// getObject returns the object, or the byte range the Range header asks for (206), unless a
// condition fails (304 or 412).
func getObject(c *call) (protocol.Params, error) {
	obj, err := c.readObject()
	if err != nil {
		return nil, err
	}
	if notModified, err := c.conditions(obj); err != nil || notModified {
		return protocol.Params{"ETag": obj.ETag, "LastModified": obj.LastModified}, err
	}
	out := objectHeaders(obj)
	out["Body"] = obj.Body
	if str(c.in, "ChecksumMode") == "ENABLED" && str(c.in, "Range") == "" && obj.CRC32 != "" {
		out["ChecksumCRC32"] = obj.CRC32
	}
	if spec := str(c.in, "Range"); spec != "" {
		start, end, ok := parseRange(spec, int64(len(obj.Body)))
		if !ok {
			return nil, &protocol.Error{Status: 416, Code: "InvalidRange", Sender: true,
				Message: "The requested range is not satisfiable",
				Fields: map[string]string{"RangeRequested": spec,
					"ActualObjectSize": strconv.Itoa(len(obj.Body))}}
		}
		if start >= 0 {
			out["Body"] = obj.Body[start : end+1]
			out["ContentLength"] = end + 1 - start
			out["ContentRange"] = fmt.Sprintf("bytes %d-%d/%d", start, end, len(obj.Body))
			c.status = http.StatusPartialContent
		}
	}
	return out, nil
}

// parseRange reads a single HTTP byte range ("bytes=0-99", "bytes=100-", "bytes=-20") for an
// object of size bytes. It returns start -1 for a header S3 ignores (several ranges, another
// unit), and ok false for a range that lies outside the object.
func parseRange(spec string, size int64) (start, end int64, ok bool) {
	r, found := strings.CutPrefix(strings.TrimSpace(spec), "bytes=")
	if !found || strings.Contains(r, ",") {
		return -1, -1, true
	}
	first, last, found := strings.Cut(r, "-")
	if !found {
		return -1, -1, true
	}
	switch {
	case first == "":
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n <= 0 {
			return 0, 0, false
		}
		if n > size {
			n = size
		}
		if size == 0 {
			return 0, 0, false
		}
		return size - n, size - 1, true
	default:
		a, err := strconv.ParseInt(first, 10, 64)
		if err != nil || a < 0 || a >= size {
			return 0, 0, false
		}
		b := size - 1
		if last != "" {
			b, err = strconv.ParseInt(last, 10, 64)
			if err != nil || b < a {
				return -1, -1, true
			}
			if b >= size {
				b = size - 1
			}
		}
		return a, b, true
	}
}

func headObject(c *call) (protocol.Params, error) {
	obj, err := c.readObject()
	if err != nil {
		return nil, err
	}
	if notModified, err := c.conditions(obj); err != nil || notModified {
		return protocol.Params{"ETag": obj.ETag, "LastModified": obj.LastModified}, err
	}
	out := objectHeaders(obj)
	if str(c.in, "ChecksumMode") == "ENABLED" && obj.CRC32 != "" {
		out["ChecksumCRC32"] = obj.CRC32
	}
	return out, nil
}

// crc32Of is the base64 big-endian CRC-32 (IEEE) S3 reports in x-amz-checksum-crc32.
func crc32Of(b []byte) string {
	return base64.StdEncoding.EncodeToString(
		binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(b)))
}

// conditions applies If-Match, If-Unmodified-Since (412 PreconditionFailed), If-None-Match
// and If-Modified-Since (304 Not Modified) in the order RFC 9110 gives them.
func (c *call) conditions(obj *s3Object) (bool, error) {
	matches := func(list string) bool {
		for _, tag := range strings.Split(list, ",") {
			tag = strings.TrimSpace(tag)
			if tag == "*" || strings.Trim(tag, `"`) == strings.Trim(obj.ETag, `"`) {
				return true
			}
		}
		return false
	}
	failed := &protocol.Error{Status: http.StatusPreconditionFailed,
		Code: "PreconditionFailed", Sender: true,
		Message: "At least one of the pre-conditions you specified did not hold"}
	if m := str(c.in, "IfMatch"); m != "" {
		if !matches(m) {
			return false, failed
		}
	} else if t, ok := c.in["IfUnmodifiedSince"].(time.Time); ok && obj.LastModified.After(t) {
		return false, failed
	}
	if m := str(c.in, "IfNoneMatch"); m != "" {
		if matches(m) {
			c.status = http.StatusNotModified
			return true, nil
		}
	} else if t, ok := c.in["IfModifiedSince"].(time.Time); ok && !obj.LastModified.After(t) {
		c.status = http.StatusNotModified
		return true, nil
	}
	return false, nil
}

func deleteObject(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	key := str(c.in, "Key")
	if err := c.allow("s3:DeleteObject", b, key, nil); err != nil {
		return nil, err
	}
	return protocol.Params{}, c.mutateBucket(b.name, func(live *bucket) {
		delete(live.Objects, key)
	})
}

// listKeys returns the keys of a bucket under prefix and after a key, and the objects they
// name, copied under the read lock.
func (s *Server) listKeys(bucketName, prefix, after string) ([]string, map[string]*s3Object,
	bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	live, ok := s.st.Buckets[bucketName]
	if !ok {
		return nil, nil, false
	}
	var keys []string
	objects := map[string]*s3Object{}
	for k, o := range live.Objects {
		if strings.HasPrefix(k, prefix) && k > after {
			keys = append(keys, k)
			objects[k] = o
		}
	}
	return keys, objects, true
}
