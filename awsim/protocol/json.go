package protocol

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/proctorlabs/proctor/awsim/models"
)

// JSON is the JSON 1.1 codec (KMS, later CloudTrail, EventBridge, Config, Organizations): the
// operation comes from X-Amz-Target, and the body is a JSON object of the input shape with
// timestamps as epoch seconds and blobs in base64.
type JSON struct {
	svc *models.Service
}

// NewJSON builds the codec for a json-protocol model.
func NewJSON(svc *models.Service) *JSON { return &JSON{svc: svc} }

// Route reads X-Amz-Target ("TrentService.CreateKey").
func (c *JSON) Route(r *http.Request, _ string, _ []byte) (*models.Operation, error) {
	target := r.Header.Get("X-Amz-Target")
	prefix, name, ok := strings.Cut(target, ".")
	if !ok || prefix != c.svc.Metadata.TargetPrefix {
		return nil, Errorf(http.StatusBadRequest, "UnknownOperationException",
			"X-Amz-Target %q names no operation of this service", target)
	}
	op, ok := c.svc.Operations[name]
	if !ok {
		return nil, Errorf(http.StatusBadRequest, "UnknownOperationException",
			"operation %s is not supported", name)
	}
	if r.Method != http.MethodPost {
		return nil, Errorf(http.StatusBadRequest, "UnknownOperationException",
			"JSON operations take POST, not %s", r.Method)
	}
	return op, nil
}

// Decode parses the JSON body against the input shape and validates it.
func (c *JSON) Decode(op *models.Operation, _ *http.Request, _ string,
	body []byte) (Params, error) {
	if op.Input == nil {
		return Params{}, nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return nil, Errorf(http.StatusBadRequest, "SerializationException",
			"request body is not valid JSON: %v", err)
	}
	if dec.More() {
		return nil, Errorf(http.StatusBadRequest, "SerializationException",
			"request body has data after the JSON object")
	}
	v, err := c.fromJSON(op.Input.Shape, raw, "")
	if err != nil {
		return nil, Errorf(http.StatusBadRequest, "SerializationException", "%v", err)
	}
	in, _ := v.(Params)
	if msg := (validator{c.svc}).structure(op.Input.Shape, in, ""); msg != "" {
		return nil, Errorf(http.StatusBadRequest, "ValidationException", "1 validation error "+
			"detected: %s", msg)
	}
	return in, nil
}

func (c *JSON) fromJSON(shapeName string, raw any, where string) (any, error) {
	sh := c.svc.Shapes[shapeName]
	if raw == nil {
		return nil, nil
	}
	bad := func(want string) error {
		if where == "" {
			return fmt.Errorf("the request body must be a JSON %s", want)
		}
		return fmt.Errorf("%s must be a JSON %s", where, want)
	}
	switch sh.Type {
	case "structure":
		obj, ok := raw.(map[string]any)
		if !ok {
			return nil, bad("object")
		}
		p := Params{}
		for k, rv := range obj {
			m := sh.MemberNamed(k)
			if m == nil {
				// Unknown members are ignored, as AWS services do for forward compatibility.
				continue
			}
			v, err := c.fromJSON(m.Shape, rv, join(where, k))
			if err != nil {
				return nil, err
			}
			if v != nil {
				p[k] = v
			}
		}
		return p, nil
	case "list":
		arr, ok := raw.([]any)
		if !ok {
			return nil, bad("array")
		}
		out := make([]any, 0, len(arr))
		for i, rv := range arr {
			v, err := c.fromJSON(sh.Member.Shape, rv, fmt.Sprintf("%s[%d]", where, i))
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case "map":
		obj, ok := raw.(map[string]any)
		if !ok {
			return nil, bad("object")
		}
		out := map[string]any{}
		for k, rv := range obj {
			v, err := c.fromJSON(sh.Value.Shape, rv, join(where, k))
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	case "string":
		s, ok := raw.(string)
		if !ok {
			return nil, bad("string")
		}
		return s, nil
	case "boolean":
		b, ok := raw.(bool)
		if !ok {
			return nil, bad("boolean")
		}
		return b, nil
	case "integer", "long":
		n, ok := raw.(json.Number)
		if !ok {
			return nil, bad("number")
		}
		i, err := n.Int64()
		if err != nil {
			return nil, bad("integer")
		}
		return i, nil
	case "float", "double":
		n, ok := raw.(json.Number)
		if !ok {
			return nil, bad("number")
		}
		f, err := n.Float64()
		if err != nil {
			return nil, bad("number")
		}
		return f, nil
	case "timestamp":
		switch t := raw.(type) {
		case json.Number:
			f, err := t.Float64()
			if err != nil {
				return nil, bad("timestamp")
			}
			sec, frac := math.Modf(f)
			return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
		case string:
			ts, err := parseTime(t, "iso8601")
			if err != nil {
				return nil, bad("timestamp")
			}
			return ts, nil
		}
		return nil, bad("timestamp")
	case "blob":
		s, ok := raw.(string)
		if !ok {
			return nil, bad("base64 string")
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("%s is not valid base64", where)
		}
		return b, nil
	}
	return raw, nil
}

func (c *JSON) toJSON(shapeName string, v any) any {
	sh := c.svc.Shapes[shapeName]
	switch sh.Type {
	case "structure":
		p, _ := v.(Params)
		out := map[string]any{}
		for _, m := range sh.Members {
			if mv, ok := p[m.Name]; ok && mv != nil {
				out[m.Name] = c.toJSON(m.Shape, mv)
			}
		}
		return out
	case "list":
		items := toList(v)
		out := make([]any, len(items))
		for i, it := range items {
			out[i] = c.toJSON(sh.Member.Shape, it)
		}
		return out
	case "map":
		m, _ := v.(map[string]any)
		out := map[string]any{}
		for k, mv := range m {
			out[k] = c.toJSON(sh.Value.Shape, mv)
		}
		return out
	case "timestamp":
		t, _ := v.(time.Time)
		return json.Number(strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', -1, 64))
	case "blob":
		b, _ := v.([]byte)
		return base64.StdEncoding.EncodeToString(b)
	case "integer", "long":
		return toInt(v)
	}
	return v
}

func (c *JSON) contentType() string {
	return "application/x-amz-json-" + c.svc.Metadata.JSONVersion
}

// WriteOutput writes the output as a JSON object.
func (c *JSON) WriteOutput(w http.ResponseWriter, _ *http.Request, op *models.Operation,
	out Params, requestID string) {
	body := []byte("{}")
	if op.Output != nil {
		b, err := json.Marshal(c.toJSON(op.Output.Shape, out))
		if err == nil {
			body = b
		}
	}
	h := w.Header()
	h.Set("Content-Type", c.contentType())
	h.Set("x-amzn-RequestId", requestID)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// WriteError writes {"__type": CODE, "message": MESSAGE} with X-Amzn-ErrorType set to the
// same code.
func (c *JSON) WriteError(w http.ResponseWriter, _ *http.Request, e *Error,
	requestID string) {
	body, _ := json.Marshal(map[string]string{"__type": e.Code, "message": e.Message})
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	h := w.Header()
	h.Set("Content-Type", c.contentType())
	h.Set("X-Amzn-ErrorType", e.Code)
	h.Set("x-amzn-RequestId", requestID)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
