package awsim

import (
	"encoding/base64"
	"sort"
	"strconv"
	"strings"

	"github.com/proctorlabs/proctor/awsim/protocol"
	"github.com/proctorlabs/proctor/awsim/sigv4"
)

// listing is one page of a bucket's keys, as ListObjects and ListObjectsV2 return it.
type listing struct {
	contents, prefixes []protocol.Params
	truncated          bool
	// next is where the next page starts: the last key returned, or past the last common
	// prefix.
	next string
}

// listRequest authorises s3:ListBucket with the listing's condition keys and checks the
// parameters both list operations share.
func (c *call) listRequest(b *bucketView) (prefix, delim, encoding string, maxKeys int64,
	err *protocol.Error) {
	prefix, delim = str(c.in, "Prefix"), str(c.in, "Delimiter")
	maxKeys = 1000
	if n, ok := c.in["MaxKeys"].(int64); ok {
		if n < 0 {
			return "", "", "", 0, protocol.Errorf(400, "InvalidArgument",
				"max-keys must be a non-negative integer")
		}
		maxKeys = min(n, maxKeys)
	}
	extra := map[string][]string{"s3:max-keys": {strconv.FormatInt(maxKeys, 10)}}
	if prefix != "" {
		extra["s3:prefix"] = []string{prefix}
	}
	if delim != "" {
		extra["s3:delimiter"] = []string{delim}
	}
	if err := c.allow("s3:ListBucket", b, "", extra); err != nil {
		return "", "", "", 0, err
	}
	encoding = str(c.in, "EncodingType")
	if encoding != "" && encoding != "url" {
		return "", "", "", 0, protocol.Errorf(400, "InvalidArgument",
			"Invalid Encoding Method specified in Request")
	}
	return prefix, delim, encoding, maxKeys, nil
}

// list returns the page of keys under prefix after a key, grouping keys that contain the
// delimiter after the prefix into common prefixes. With url encoding, keys and prefixes are
// percent-encoded.
func (c *call) list(bucketName, prefix, delim, after, encoding string,
	maxKeys int64) (*listing, *protocol.Error) {
	keys, objects, found := c.s.listKeys(bucketName, prefix, after)
	if !found {
		return nil, noSuchBucket(bucketName)
	}
	sort.Strings(keys)
	enc := encoder(encoding)
	l := &listing{}
	seen := map[string]bool{}
	last := ""
	for _, k := range keys {
		if int64(len(l.contents)+len(l.prefixes)) >= maxKeys {
			l.truncated = true
			break
		}
		if delim != "" {
			if i := strings.Index(k[len(prefix):], delim); i >= 0 {
				cp := k[:len(prefix)+i+len(delim)]
				if !seen[cp] {
					seen[cp] = true
					l.prefixes = append(l.prefixes, protocol.Params{"Prefix": enc(cp)})
				}
				last = k
				continue
			}
		}
		o := objects[k]
		l.contents = append(l.contents, protocol.Params{"Key": enc(k),
			"LastModified": o.LastModified, "ETag": o.ETag, "Size": int64(len(o.Body)),
			"StorageClass": "STANDARD"})
		last = k
	}
	// A common prefix swallows every key under it, so the next page starts after them all.
	if l.truncated && delim != "" {
		if i := strings.Index(last[len(prefix):], delim); i >= 0 {
			last = last[:len(prefix)+i+len(delim)] + "\U0010FFFF"
		}
	}
	l.next = last
	return l, nil
}

func encoder(encoding string) func(string) string {
	if encoding == "url" {
		return sigv4.EncodePath
	}
	return func(s string) string { return s }
}

// page writes the members both list operations share.
func (l *listing) page(name, prefix, delim, encoding string, maxKeys int64) protocol.Params {
	enc := encoder(encoding)
	out := protocol.Params{"Name": name, "Prefix": enc(prefix), "MaxKeys": maxKeys,
		"IsTruncated": l.truncated}
	if len(l.contents) > 0 {
		out["Contents"] = l.contents
	}
	if len(l.prefixes) > 0 {
		out["CommonPrefixes"] = l.prefixes
	}
	if delim != "" {
		out["Delimiter"] = enc(delim)
	}
	if encoding != "" {
		out["EncodingType"] = encoding
	}
	return out
}

func listObjectsV2(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	prefix, delim, encoding, maxKeys, perr := c.listRequest(b)
	if perr != nil {
		return nil, perr
	}
	after := str(c.in, "StartAfter")
	token := str(c.in, "ContinuationToken")
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return nil, protocol.Errorf(400, "InvalidArgument", "The continuation token "+
				"provided is incorrect")
		}
		after = string(raw)
	}
	l, perr := c.list(b.name, prefix, delim, after, encoding, maxKeys)
	if perr != nil {
		return nil, perr
	}
	out := l.page(b.name, prefix, delim, encoding, maxKeys)
	out["KeyCount"] = int64(len(l.contents) + len(l.prefixes))
	if token != "" {
		out["ContinuationToken"] = token
	}
	if s := str(c.in, "StartAfter"); s != "" {
		out["StartAfter"] = encoder(encoding)(s)
	}
	if l.truncated {
		out["NextContinuationToken"] = base64.RawURLEncoding.EncodeToString([]byte(l.next))
	}
	return out, nil
}

// listObjects is the original listing, paged by Marker; NextMarker is returned only with a
// delimiter, as in S3 (without one, clients continue after the last key).
func listObjects(c *call) (protocol.Params, error) {
	b, err := c.view()
	if err != nil {
		return nil, err
	}
	prefix, delim, encoding, maxKeys, perr := c.listRequest(b)
	if perr != nil {
		return nil, perr
	}
	marker := str(c.in, "Marker")
	l, perr := c.list(b.name, prefix, delim, marker, encoding, maxKeys)
	if perr != nil {
		return nil, perr
	}
	out := l.page(b.name, prefix, delim, encoding, maxKeys)
	out["Marker"] = encoder(encoding)(marker)
	if l.truncated && delim != "" {
		out["NextMarker"] = encoder(encoding)(l.next)
	}
	return out, nil
}
