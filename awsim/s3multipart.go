package awsim

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/proctorlabs/proctor/awsim/protocol"
)

// Multipart upload limits, as in S3.
const (
	maxPartNumber = 10000
	minPartSize   = 5 << 20
	// maxObjectSize bounds an assembled object, because objects live in memory.
	//
	// TODO: objects are held in memory and in the snapshot, so a completed multipart upload
	// is capped at 1 GiB; larger uploads fail with EntityTooLarge.
	maxObjectSize = 1 << 30
)

func noSuchUpload(id string) *protocol.Error {
	return &protocol.Error{Status: 404, Code: "NoSuchUpload", Sender: true,
		Message: "The specified upload does not exist. The upload ID may be invalid, or the " +
			"upload may have been aborted or completed.",
		Fields: map[string]string{"UploadId": id}}
}

func createMultipartUpload(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	key := str(c.in, "Key")
	sse, kmsKey := str(c.in, "ServerSideEncryption"), str(c.in, "SSEKMSKeyId")
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
	id, uerr := newUUID()
	if uerr != nil {
		return nil, uerr
	}
	id = strings.ReplaceAll(id, "-", "")
	up := &multipartUpload{Key: key, Initiated: c.now.UTC(), ContentType: str(c.in, "ContentType"),
		SSE: sse, KMSKeyID: kmsKey, Parts: map[int]*uploadPart{}}
	if meta, ok := c.in["Metadata"].(map[string]any); ok && len(meta) > 0 {
		up.Metadata = map[string]string{}
		for k, v := range meta {
			up.Metadata[k], _ = v.(string)
		}
	}
	if err := c.mutateBucket(b.name, func(live *bucket) {
		if live.Uploads == nil {
			live.Uploads = map[string]*multipartUpload{}
		}
		live.Uploads[id] = up
	}); err != nil {
		return nil, err
	}
	return protocol.Params{"Bucket": b.name, "Key": key, "UploadId": id}, nil
}

func uploadPartHandler(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	key, id := str(c.in, "Key"), str(c.in, "UploadId")
	if err := c.allow("s3:PutObject", b, key, nil); err != nil {
		return nil, err
	}
	n, _ := c.in["PartNumber"].(int64)
	if n < 1 || n > maxPartNumber {
		return nil, protocol.Errorf(400, "InvalidArgument", "Part number must be an integer "+
			"between 1 and %d, inclusive", maxPartNumber)
	}
	body, _ := c.in["Body"].([]byte)
	sum := md5.Sum(body)
	part := &uploadPart{Body: append([]byte(nil), body...),
		ETag: `"` + hex.EncodeToString(sum[:]) + `"`}
	var perr *protocol.Error
	if err := c.mutateBucket(b.name, func(live *bucket) {
		up := live.Uploads[id]
		if up == nil || up.Key != key {
			perr = noSuchUpload(id)
			return
		}
		up.Parts[int(n)] = part
	}); err != nil {
		return nil, err
	}
	if perr != nil {
		return nil, perr
	}
	return protocol.Params{"ETag": part.ETag}, nil
}

func completeMultipartUpload(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	key, id := str(c.in, "Key"), str(c.in, "UploadId")
	if err := c.allow("s3:PutObject", b, key, nil); err != nil {
		return nil, err
	}
	mu, _ := c.in["MultipartUpload"].(protocol.Params)
	listed, _ := mu["Parts"].([]any)
	if len(listed) == 0 {
		return nil, protocol.Errorf(400, "MalformedXML", "The XML you provided was not "+
			"well-formed or did not validate against our published schema: at least one "+
			"Part is required")
	}

	c.s.mu.RLock()
	var up multipartUpload
	found := false
	if live, ok := c.s.st.Buckets[b.name]; ok && live.Uploads[id] != nil &&
		live.Uploads[id].Key == key {
		up, found = *live.Uploads[id], true
	}
	c.s.mu.RUnlock()
	if !found {
		return nil, noSuchUpload(id)
	}

	prev := int64(0)
	for _, raw := range listed {
		p, _ := raw.(protocol.Params)
		n, _ := p["PartNumber"].(int64)
		if n <= prev {
			return nil, protocol.Errorf(400, "InvalidPartOrder", "The list of parts was not "+
				"in ascending order. The parts list must be specified in order by part number.")
		}
		prev = n
	}
	var body []byte
	var digests []byte
	for i, raw := range listed {
		p, _ := raw.(protocol.Params)
		n, _ := p["PartNumber"].(int64)
		part := up.Parts[int(n)]
		if part == nil || strings.Trim(str(p, "ETag"), `"`) != strings.Trim(part.ETag, `"`) {
			return nil, &protocol.Error{Status: 400, Code: "InvalidPart", Sender: true,
				Message: "One or more of the specified parts could not be found. The part " +
					"may not have been uploaded, or the specified entity tag may not match " +
					"the part's entity tag.", Fields: map[string]string{
					"PartNumber": fmt.Sprint(n), "UploadId": id}}
		}
		if i < len(listed)-1 && len(part.Body) < minPartSize {
			return nil, &protocol.Error{Status: 400, Code: "EntityTooSmall", Sender: true,
				Message: "Your proposed upload is smaller than the minimum allowed size",
				Fields: map[string]string{"PartNumber": fmt.Sprint(n),
					"ProposedSize":   fmt.Sprint(len(part.Body)),
					"MinSizeAllowed": fmt.Sprint(minPartSize)}}
		}
		if len(body)+len(part.Body) > maxObjectSize {
			return nil, protocol.Errorf(400, "EntityTooLarge", "Your proposed upload exceeds "+
				"the maximum allowed size")
		}
		body = append(body, part.Body...)
		d, _ := hex.DecodeString(strings.Trim(part.ETag, `"`))
		digests = append(digests, d...)
	}
	sum := md5.Sum(digests)
	obj := &s3Object{Key: key, Body: body, LastModified: c.now.UTC().Truncate(1e9),
		ETag:        fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(sum[:]), len(listed)),
		ContentType: up.ContentType, Metadata: up.Metadata}
	if err := c.storeObject(b.name, key, obj, up.SSE, up.KMSKeyID); err != nil {
		return nil, err
	}
	if err := c.mutateBucket(b.name, func(live *bucket) { delete(live.Uploads, id) }); err != nil {
		return nil, err
	}
	out := protocol.Params{"Location": "/" + b.name + "/" + key, "Bucket": b.name,
		"Key": key, "ETag": obj.ETag}
	if obj.SSE != "" {
		out["ServerSideEncryption"] = obj.SSE
	}
	if obj.KMSKeyID != "" {
		out["SSEKMSKeyId"] = obj.KMSKeyID
	}
	return out, nil
}

func abortMultipartUpload(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	key, id := str(c.in, "Key"), str(c.in, "UploadId")
	if err := c.allow("s3:AbortMultipartUpload", b, key, nil); err != nil {
		return nil, err
	}
	var perr *protocol.Error
	if err := c.mutateBucket(b.name, func(live *bucket) {
		if up := live.Uploads[id]; up == nil || up.Key != key {
			perr = noSuchUpload(id)
			return
		}
		delete(live.Uploads, id)
	}); err != nil {
		return nil, err
	}
	if perr != nil {
		return nil, perr
	}
	return protocol.Params{}, nil
}
