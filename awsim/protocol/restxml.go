package protocol

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/proctorlabs/proctor/awsim/models"
)

// RestXML is the rest-xml codec (S3, S3 Control). Operations are chosen by method, path
// template and the query keys their request URI requires; members bind to the URI, query
// string, headers and an XML or raw payload.
type RestXML struct {
	restRouter
	svc *models.Service
	// Namespace is written on the root element of XML output.
	Namespace string
	// WrapErrors selects S3 Control's <ErrorResponse><Error>…</Error></ErrorResponse> form;
	// otherwise errors are S3's bare <Error>.
	WrapErrors bool
	// RootNames overrides the root element of operations whose output has no payload member
	// (S3's ListBuckets answers <ListAllMyBucketsResult>).
	RootNames map[string]string
}

// NewRestXML builds the codec for a rest-xml model.
func NewRestXML(svc *models.Service, namespace string, wrapErrors bool,
	rootNames map[string]string) *RestXML {
	return &RestXML{restRouter: newRestRouter(svc), svc: svc, Namespace: namespace,
		WrapErrors: wrapErrors, RootNames: rootNames}
}

// Route picks the most specific operation whose method, path and required query keys fit.
// A bucket path with one trailing slash ("/bucket/") is treated as the bucket itself. An
// operation of the service that awsim does not serve is NotImplemented.
func (c *RestXML) Route(r *http.Request, path string, _ []byte) (*models.Operation, error) {
	op, _ := c.route(r, path)
	if op == nil {
		return nil, Errorf(http.StatusNotImplemented, "NotImplemented", "awsim does not "+
			"implement %s %s%s", r.Method, path, subresourceOf(r, c.svc))
	}
	return op, nil
}

// subresourceOf names the subresource keys of a request, such as "?acl".
func subresourceOf(r *http.Request, svc *models.Service) string {
	var keys []string
	q := r.URL.Query()
	for _, k := range svc.Subresources {
		if q.Has(k) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	return "?" + strings.Join(keys, "&")
}

// Decode binds the request to the operation's input members.
func (c *RestXML) Decode(op *models.Operation, r *http.Request, path string,
	body []byte) (Params, error) {
	in := Params{}
	if op.Input == nil {
		return in, nil
	}
	sh := c.svc.Shapes[op.Input.Shape]
	if err := c.bindLocations(op, r, path, in, "InvalidArgument"); err != nil {
		return nil, err
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
	if st := writeLocations(c.svc, sh, out, h); st != 0 {
		status = st
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
		if m := soleScalarMember(c.svc, sh); m != nil && m.Name == name {
			// S3's GetBucketLocation answers the one member as the root's text.
			if v, ok := out[m.Name]; ok && v != nil {
				x.text(scalarText(c.svc.Shapes[m.Shape], v, "iso8601"))
			}
		} else {
			x.members(op.Output.Shape, out)
		}
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

// soleScalarMember returns the structure's only body member when it is a scalar, else nil.
func soleScalarMember(svc *models.Service, sh *models.Shape) *models.Member {
	var found *models.Member
	for i := range sh.Members {
		if sh.Members[i].Location != "" {
			continue
		}
		if found != nil {
			return nil
		}
		found = &sh.Members[i]
	}
	if found == nil {
		return nil
	}
	switch svc.Shapes[found.Shape].Type {
	case "structure", "list", "map":
		return nil
	}
	return found
}

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
