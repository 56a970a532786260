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

// Query is the query-protocol codec (STS, later IAM and SNS): the operation is the Action
// parameter of a form body or query string, lists are Name.member.N (or Name.N when
// flattened), maps Name.entry.N.key/value, and responses are <OpResponse><OpResult>.
type Query struct {
	svc *models.Service
	// ec2 selects the ec2 protocol's input names: queryName, else the locationName with its
	// first letter capitalised, and lists as Name.N without a member level.
	ec2 bool
}

// NewQuery builds the codec for a query-protocol model.
func NewQuery(svc *models.Service) *Query { return &Query{svc: svc} }

func formValues(r *http.Request, body []byte) url.Values {
	vals := url.Values{}
	for k, v := range r.URL.Query() {
		vals[k] = v
	}
	ct := r.Header.Get("Content-Type")
	if r.Method == http.MethodPost && (ct == "" ||
		strings.HasPrefix(ct, "application/x-www-form-urlencoded")) {
		if form, err := url.ParseQuery(string(body)); err == nil {
			for k, v := range form {
				vals[k] = v
			}
		}
	}
	return vals
}

// Route reads Action from the query string or the form body.
func (c *Query) Route(r *http.Request, _ string, body []byte) (*models.Operation, error) {
	action := formValues(r, body).Get("Action")
	if action == "" {
		return nil, Errorf(http.StatusBadRequest, "MissingAction",
			"the request must contain the parameter Action")
	}
	op, ok := c.svc.Operations[action]
	if !ok {
		return nil, Errorf(http.StatusBadRequest, "InvalidAction",
			"could not find operation %s for version %s", action, c.svc.Metadata.APIVersion)
	}
	return op, nil
}

// Decode binds form parameters to the input shape and validates them.
func (c *Query) Decode(op *models.Operation, r *http.Request, _ string,
	body []byte) (Params, error) {
	if op.Input == nil {
		return Params{}, nil
	}
	vals := newFormIndex(formValues(r, body))
	v, err := c.decode(op.Input.Shape, vals, "")
	if err != nil {
		return nil, Errorf(http.StatusBadRequest, "ValidationError", "%v", err)
	}
	in, _ := v.(Params)
	if in == nil {
		in = Params{}
	}
	if msg := (validator{c.svc}).structure(op.Input.Shape, in, ""); msg != "" {
		return nil, Errorf(http.StatusBadRequest, "ValidationError", "1 validation error "+
			"detected: %s", msg)
	}
	return in, nil
}

// wireName is a member's parameter name.
func (c *Query) wireName(m *models.Member) string {
	if c.ec2 {
		if m.QueryName != "" {
			return m.QueryName
		}
		if m.LocationName != "" {
			return strings.ToUpper(m.LocationName[:1]) + m.LocationName[1:]
		}
		return m.Name
	}
	if m.LocationName != "" {
		return m.LocationName
	}
	return m.Name
}

func (c *Query) decode(shapeName string, vals *formIndex, prefix string) (any, error) {
	sh := c.svc.Shapes[shapeName]
	switch sh.Type {
	case "structure":
		p := Params{}
		for i := range sh.Members {
			m := &sh.Members[i]
			key := c.wireName(m)
			if prefix != "" {
				key = prefix + "." + key
			}
			if !vals.has(key) {
				continue
			}
			v, err := c.decode(m.Shape, vals, key)
			if err != nil {
				return nil, err
			}
			if v != nil {
				p[m.Name] = v
			}
		}
		return p, nil
	case "list":
		base := prefix + ".member"
		if sh.Flattened || c.ec2 {
			base = prefix
		}
		if vals.vals.Get(prefix) == "" && vals.vals.Has(prefix) {
			return []any{}, nil
		}
		var out []any
		for i := 1; ; i++ {
			key := base + "." + strconv.Itoa(i)
			if !vals.has(key) {
				break
			}
			v, err := c.decode(sh.Member.Shape, vals, key)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case "map":
		out := map[string]any{}
		for i := 1; ; i++ {
			key := fmt.Sprintf("%s.entry.%d", prefix, i)
			if !vals.has(key) {
				break
			}
			k := vals.vals.Get(key + ".key")
			v, err := c.decode(sh.Value.Shape, vals, key+".value")
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	}
	if !vals.vals.Has(prefix) {
		return nil, nil
	}
	return parseScalar(sh, vals.vals.Get(prefix), "iso8601", prefix)
}

// formIndex holds form values with every dotted prefix of their names, so that asking
// whether any parameter lies under a name costs one lookup, however many were sent.
type formIndex struct {
	vals     url.Values
	prefixes map[string]bool
}

func newFormIndex(vals url.Values) *formIndex {
	idx := &formIndex{vals: vals, prefixes: map[string]bool{}}
	for k := range vals {
		for i := 0; i < len(k); i++ {
			if k[i] == '.' {
				idx.prefixes[k[:i]] = true
			}
		}
		idx.prefixes[k] = true
	}
	return idx
}

// has reports whether a parameter is named key or lies under key.
func (f *formIndex) has(key string) bool { return f.prefixes[key] }

func (c *Query) namespace() string { return c.svc.Metadata.XMLNamespace }

// WriteOutput writes <OpResponse><OpResult>…</OpResult><ResponseMetadata>.
func (c *Query) WriteOutput(w http.ResponseWriter, _ *http.Request, op *models.Operation,
	out Params, requestID string) {
	x := &xmlWriter{svc: c.svc, query: true}
	x.open(op.Name+"Response", c.namespace())
	if op.Output != nil {
		wrapper := op.Output.ResultWrapper
		if wrapper == "" {
			wrapper = op.Name + "Result"
		}
		x.open(wrapper, "")
		x.members(op.Output.Shape, out)
		x.close(wrapper)
	}
	x.open("ResponseMetadata", "")
	x.element("RequestId", requestID)
	x.close("ResponseMetadata")
	x.close(op.Name + "Response")
	writeXML(w, http.StatusOK, requestID, x.b.Bytes())
}

// WriteError writes <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>.
func (c *Query) WriteError(w http.ResponseWriter, _ *http.Request, e *Error,
	requestID string) {
	x := &xmlWriter{svc: c.svc, query: true}
	x.open("ErrorResponse", c.namespace())
	x.open("Error", "")
	kind := "Receiver"
	if e.Sender {
		kind = "Sender"
	}
	x.element("Type", kind)
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
	x.close("Error")
	x.element("RequestId", requestID)
	x.close("ErrorResponse")
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	writeXML(w, status, requestID, x.b.Bytes())
}

func writeXML(w http.ResponseWriter, status int, requestID string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("x-amzn-RequestId", requestID)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
