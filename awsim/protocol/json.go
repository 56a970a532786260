package protocol

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/proctorlabs/proctor/awsim/models"
)

// JSON is the JSON 1.1 codec (KMS, later CloudTrail, EventBridge, Config, Organizations): the
// operation comes from X-Amz-Target, and the body is a JSON object of the input shape with
// timestamps as epoch seconds and blobs in base64.
type JSON struct {
	svc    *models.Service
	values jsonValues
}

// NewJSON builds the codec for a json-protocol model.
func NewJSON(svc *models.Service) *JSON {
	return &JSON{svc: svc, values: jsonValues{svc: svc}}
}

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
	v, err := c.values.decode(op.Input.Shape, raw, "")
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

func (c *JSON) contentType() string {
	return "application/x-amz-json-" + c.svc.Metadata.JSONVersion
}

// WriteOutput writes the output as a JSON object.
func (c *JSON) WriteOutput(w http.ResponseWriter, _ *http.Request, op *models.Operation,
	out Params, requestID string) {
	body := []byte("{}")
	if op.Output != nil {
		b, err := json.Marshal(c.values.encode(op.Output.Shape, out))
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
