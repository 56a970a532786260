package protocol

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/proctorlabs/proctor/awsim/models"
)

// RestXML is the rest-xml codec (S3, S3 Control). Operations are chosen by method, path
// template and the query keys their request URI requires; members bind to the URI, query
// string, headers and an XML or raw payload.
type RestXML struct {
	svc    *models.Service
	routes []route
	// Namespace is written on the root element of XML output.
	Namespace string
	// WrapErrors selects S3 Control's <ErrorResponse><Error>…</Error></ErrorResponse> form;
	// otherwise errors are S3's bare <Error>.
	WrapErrors bool
	// RootNames overrides the root element of operations whose output has no payload member
	// (S3's ListBuckets answers <ListAllMyBucketsResult>).
	RootNames map[string]string
}

type route struct {
	op       *models.Operation
	segments []string // literal segments, or "{Name}" / "{Name+}" labels
	query    map[string]string
}

// NewRestXML builds the codec for a rest-xml model.
func NewRestXML(svc *models.Service, namespace string, wrapErrors bool,
	rootNames map[string]string) *RestXML {
	c := &RestXML{svc: svc, Namespace: namespace, WrapErrors: wrapErrors, RootNames: rootNames}
	for _, op := range svc.Operations {
		path, rawQuery, _ := strings.Cut(op.HTTP.RequestURI, "?")
		rt := route{op: op, segments: splitPath(path), query: map[string]string{}}
		for _, kv := range strings.Split(rawQuery, "&") {
			if kv == "" {
				continue
			}
			k, v, _ := strings.Cut(kv, "=")
			if k != "x-id" {
				rt.query[k] = v
			}
		}
		// Operations that share a method and path (PutObject and UploadPart) differ by the
		// query-string members they require.
		if op.Input != nil {
			in := svc.Shapes[op.Input.Shape]
			for _, m := range in.Members {
				if m.Location == "querystring" && in.IsRequired(m.Name) {
					rt.query[m.LocationName] = ""
				}
			}
		}
		c.routes = append(c.routes, rt)
	}
	// Most specific first: more required query keys, then more literal segments.
	sort.Slice(c.routes, func(i, j int) bool {
		a, b := c.routes[i], c.routes[j]
		if len(a.query) != len(b.query) {
			return len(a.query) > len(b.query)
		}
		if len(a.segments) != len(b.segments) {
			return len(a.segments) > len(b.segments)
		}
		return a.op.Name < b.op.Name
	})
	return c
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// match binds a path's labels against a route; ok is false when the route does not fit.
func (rt *route) match(method, path string, q url.Values) (map[string]string, bool) {
	if rt.op.HTTP.Method != method {
		return nil, false
	}
	for k, v := range rt.query {
		if !q.Has(k) || (v != "" && q.Get(k) != v) {
			return nil, false
		}
	}
	raw := strings.TrimPrefix(path, "/")
	labels := map[string]string{}
	for i, seg := range rt.segments {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "+}") {
			if raw == "" {
				return nil, false
			}
			labels[seg[1:len(seg)-2]] = raw
			raw = ""
			if i != len(rt.segments)-1 {
				return nil, false
			}
			break
		}
		part, rest, _ := strings.Cut(raw, "/")
		if strings.HasPrefix(seg, "{") {
			if part == "" {
				return nil, false
			}
			labels[seg[1:len(seg)-1]] = part
		} else if part != seg {
			return nil, false
		}
		raw = rest
	}
	if raw != "" {
		return nil, false
	}
	for k, v := range labels {
		d, err := url.PathUnescape(v)
		if err != nil {
			return nil, false
		}
		labels[k] = d
	}
	return labels, true
}

// Route picks the most specific operation whose method, path and required query keys fit.
// A bucket path with one trailing slash ("/bucket/") is treated as the bucket itself.
func (c *RestXML) Route(r *http.Request, path string, _ []byte) (*models.Operation, error) {
	op, _ := c.route(r, path)
	if op == nil {
		return nil, Errorf(http.StatusMethodNotAllowed, "MethodNotAllowed",
			"the specified method is not allowed against this resource")
	}
	return op, nil
}

func (c *RestXML) route(r *http.Request, path string) (*models.Operation, map[string]string) {
	q := r.URL.Query()
	candidates := []string{path}
	if trimmed := strings.TrimSuffix(path, "/"); trimmed != path && trimmed != "" &&
		!strings.Contains(strings.TrimPrefix(trimmed, "/"), "/") {
		candidates = append(candidates, trimmed)
	}
	for _, p := range candidates {
		for i := range c.routes {
			if labels, ok := c.routes[i].match(r.Method, p, q); ok {
				return c.routes[i].op, labels
			}
		}
	}
	return nil, nil
}

// Decode binds the request to the operation's input members.
func (c *RestXML) Decode(op *models.Operation, r *http.Request, path string,
	body []byte) (Params, error) {
	in := Params{}
	if op.Input == nil {
		return in, nil
	}
	_, labels := c.route(r, path)
	sh := c.svc.Shapes[op.Input.Shape]
	q := r.URL.Query()
	for _, m := range sh.Members {
		msh := c.svc.Shapes[m.Shape]
		name := m.LocationName
		if name == "" {
			name = m.Name
		}
		switch m.Location {
		case "uri":
			if v, ok := labels[name]; ok {
				in[m.Name] = v
			}
		case "querystring":
			if msh.Type == "map" {
				continue
			}
			if !q.Has(name) {
				continue
			}
			v, err := c.scalarOrList(msh, q[name], "iso8601", name)
			if err != nil {
				return nil, err
			}
			in[m.Name] = v
		case "header":
			vals := r.Header.Values(name)
			if len(vals) == 0 {
				continue
			}
			if msh.Type == "list" {
				vals = splitComma(vals)
			}
			v, err := c.scalarOrList(msh, vals, "rfc822", name)
			if err != nil {
				return nil, err
			}
			in[m.Name] = v
		case "headers":
			prefix := strings.ToLower(name)
			meta := map[string]any{}
			for k, v := range r.Header {
				lk := strings.ToLower(k)
				if strings.HasPrefix(lk, prefix) && len(lk) > len(prefix) {
					meta[lk[len(prefix):]] = strings.Join(v, ",")
				}
			}
			if len(meta) > 0 {
				in[m.Name] = meta
			}
		}
	}
	if sh.Payload != "" {
		m := sh.MemberNamed(sh.Payload)
		msh := c.svc.Shapes[m.Shape]
		switch {
		case msh.Type == "blob":
			in[m.Name] = body
		case msh.Type == "string":
			if len(body) > 0 {
				in[m.Name] = string(body)
			}
		case len(strings.TrimSpace(string(body))) > 0:
			root, err := parseXML(body)
			if err != nil {
				return nil, Errorf(http.StatusBadRequest, "MalformedXML", "The XML you "+
					"provided was not well-formed or did not validate against our published "+
					"schema")
			}
			want := m.LocationName
			if want == "" {
				want = m.Name
			}
			if root.name != want {
				return nil, Errorf(http.StatusBadRequest, "MalformedXML", "The XML you "+
					"provided was not well-formed or did not validate against our published "+
					"schema: the root element must be %s", want)
			}
			v, err := decodeNode(c.svc, &m.Ref, root, want)
			if err != nil {
				return nil, Errorf(http.StatusBadRequest, "MalformedXML", "The XML you "+
					"provided was not well-formed or did not validate against our published "+
					"schema: %s", strings.TrimPrefix(err.Error(), "protocol: malformed XML: "))
			}
			in[m.Name] = v
		}
	}
	if msg := (validator{c.svc}).structure(op.Input.Shape, in, ""); msg != "" {
		// A problem inside the XML payload is S3's MalformedXML; one in the URI, query or
		// headers is InvalidArgument.
		p := " " + sh.Payload
		if sh.Payload != "" && (strings.HasSuffix(msg, p) || strings.Contains(msg, p+".") ||
			strings.Contains(msg, p+"[")) {
			return nil, Errorf(http.StatusBadRequest, "MalformedXML", "The XML you provided "+
				"was not well-formed or did not validate against our published schema: %s", msg)
		}
		return nil, Errorf(http.StatusBadRequest, "InvalidArgument", "%s", msg)
	}
	return in, nil
}

func splitComma(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			out = append(out, strings.TrimSpace(p))
		}
	}
	return out
}

func (c *RestXML) scalarOrList(sh *models.Shape, vals []string, format,
	where string) (any, error) {
	if sh.Type == "list" {
		ish := c.svc.Shapes[sh.Member.Shape]
		out := make([]any, 0, len(vals))
		for _, v := range vals {
			x, err := parseScalar(ish, v, format, where)
			if err != nil {
				return nil, Errorf(http.StatusBadRequest, "InvalidArgument", "%v", err)
			}
			out = append(out, x)
		}
		return out, nil
	}
	x, err := parseScalar(sh, vals[0], format, where)
	if err != nil {
		return nil, Errorf(http.StatusBadRequest, "InvalidArgument", "%v", err)
	}
	return x, nil
}

// WriteOutput writes headers, the status code and the payload of the operation's output.
func (c *RestXML) WriteOutput(w http.ResponseWriter, r *http.Request, op *models.Operation,
	out Params, requestID string) {
	h := w.Header()
	h.Set("x-amz-request-id", requestID)
	h.Set("x-amz-id-2", hostID(requestID))
	status := op.HTTP.ResponseCode
	if status == 0 {
		status = http.StatusOK
	}
	if op.Output == nil {
		w.WriteHeader(status)
		return
	}
	sh := c.svc.Shapes[op.Output.Shape]
	for _, m := range sh.Members {
		v, ok := out[m.Name]
		if !ok || v == nil {
			continue
		}
		msh := c.svc.Shapes[m.Shape]
		switch m.Location {
		case "header":
			if msh.Type == "list" {
				var parts []string
				for _, it := range toList(v) {
					parts = append(parts, scalarText(c.svc.Shapes[msh.Member.Shape], it, "rfc822"))
				}
				h.Set(m.LocationName, strings.Join(parts, ","))
			} else {
				h.Set(m.LocationName, scalarText(msh, v, "rfc822"))
			}
		case "headers":
			if meta, ok := v.(map[string]any); ok {
				for k, mv := range meta {
					s, _ := mv.(string)
					h.Set(m.LocationName+k, s)
				}
			}
		case "statusCode":
			status = int(toInt(v))
		}
	}
	var body []byte
	if sh.Payload != "" {
		m := sh.MemberNamed(sh.Payload)
		msh := c.svc.Shapes[m.Shape]
		v, ok := out[m.Name]
		switch {
		case !ok || v == nil:
		case msh.Type == "blob":
			body, _ = v.([]byte)
			if h.Get("Content-Type") == "" {
				h.Set("Content-Type", "binary/octet-stream")
			}
		case msh.Type == "string":
			s, _ := v.(string)
			body = []byte(s)
		default:
			name := m.LocationName
			if name == "" {
				name = m.Name
			}
			x := &xmlWriter{svc: c.svc}
			x.b.WriteString(xmlHeader)
			x.open(name, c.Namespace)
			p, _ := v.(Params)
			x.members(m.Shape, p)
			x.close(name)
			body = x.b.Bytes()
			h.Set("Content-Type", "application/xml")
		}
	} else if hasBodyMembers(sh) {
		name := c.RootNames[op.Name]
		if name == "" {
			name = strings.TrimSuffix(op.Output.Shape, "Output") + "Result"
		}
		x := &xmlWriter{svc: c.svc}
		x.b.WriteString(xmlHeader)
		x.open(name, c.Namespace)
		x.members(op.Output.Shape, out)
		x.close(name)
		body = x.b.Bytes()
		h.Set("Content-Type", "application/xml")
	}
	if r.Method == http.MethodHead {
		if cl, ok := out["ContentLength"]; ok {
			h.Set("Content-Length", strconv.FormatInt(toInt(cl), 10))
		}
		w.WriteHeader(status)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

func hasBodyMembers(sh *models.Shape) bool {
	for _, m := range sh.Members {
		if m.Location == "" {
			return true
		}
	}
	return false
}

// hostID derives the x-amz-id-2 value clients echo in their error reports.
func hostID(requestID string) string { return "awsim/" + requestID }

// WriteError writes S3's bare <Error> or, for S3 Control, the wrapped <ErrorResponse>. HEAD
// responses carry no body, as in S3.
func (c *RestXML) WriteError(w http.ResponseWriter, r *http.Request, e *Error,
	requestID string) {
	h := w.Header()
	h.Set("x-amz-request-id", requestID)
	h.Set("x-amz-id-2", hostID(requestID))
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return
	}
	x := &xmlWriter{svc: c.svc}
	x.b.WriteString(xmlHeader)
	if c.WrapErrors {
		x.open("ErrorResponse", "")
	}
	x.open("Error", "")
	x.element("Code", e.Code)
	x.element("Message", e.Message)
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		x.element(k, e.Fields[k])
	}
	if !c.WrapErrors {
		x.element("RequestId", requestID)
		x.element("HostId", hostID(requestID))
	}
	x.close("Error")
	if c.WrapErrors {
		x.element("RequestId", requestID)
		x.element("HostId", hostID(requestID))
		x.close("ErrorResponse")
	}
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", fmt.Sprint(x.b.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(x.b.Bytes())
}
