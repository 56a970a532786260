package protocol

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/proctorlabs/proctor/awsim/models"
)

// RestJSON is the rest-json codec (GuardDuty, Access Analyzer, Security Hub): REST routing
// and binding as in rest-xml, with a JSON body whose keys are the members' locationNames,
// and errors as {"__type", "message"} with X-Amzn-ErrorType, which clients read first.
type RestJSON struct {
	restRouter
	svc    *models.Service
	values jsonValues
	// invalid is the service's error code for input that fails validation, such as
	// BadRequestException (GuardDuty) or ValidationException (Access Analyzer).
	invalid string
}

// NewRestJSON builds the codec for a rest-json model; invalidCode is the error code the
// service answers malformed or invalid input with.
func NewRestJSON(svc *models.Service, invalidCode string) *RestJSON {
	return &RestJSON{restRouter: newRestRouter(svc), svc: svc,
		values: jsonValues{svc: svc, locationNames: true}, invalid: invalidCode}
}

// Route picks the most specific operation whose method, path and required query keys fit.
func (c *RestJSON) Route(r *http.Request, path string, _ []byte) (*models.Operation, error) {
	op, _ := c.route(r, path)
	if op == nil {
		return nil, Errorf(http.StatusNotFound, "UnknownOperationException",
			"no operation of this service answers %s %s", r.Method, path)
	}
	return op, nil
}

// Decode binds the URI, query string and headers, then the JSON body or payload, and
// validates the input.
func (c *RestJSON) Decode(op *models.Operation, r *http.Request, path string,
	body []byte) (Params, error) {
	in := Params{}
	if op.Input == nil {
		return in, nil
	}
	sh := c.svc.Shapes[op.Input.Shape]
	if err := c.bindLocations(op, r, path, in, c.invalid); err != nil {
		return nil, err
	}
	target := op.Input.Shape
	var payload *models.Member
	if sh.Payload != "" {
		payload = sh.MemberNamed(sh.Payload)
		switch c.svc.Shapes[payload.Shape].Type {
		case "blob":
			in[payload.Name] = body
			return c.validate(op, in)
		case "string":
			if len(body) > 0 {
				in[payload.Name] = string(body)
			}
			return c.validate(op, in)
		}
		target = payload.Shape
	}
	if len(bytes.TrimSpace(body)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var raw any
		if err := dec.Decode(&raw); err != nil || dec.More() {
			return nil, Errorf(http.StatusBadRequest, c.invalid,
				"the request body is not a valid JSON document")
		}
		v, err := c.values.decode(target, raw, "")
		if err != nil {
			return nil, Errorf(http.StatusBadRequest, c.invalid, "%v", err)
		}
		decoded, _ := v.(Params)
		if payload != nil {
			in[payload.Name] = decoded
		} else {
			for k, val := range decoded {
				in[k] = val
			}
		}
	}
	return c.validate(op, in)
}

func (c *RestJSON) validate(op *models.Operation, in Params) (Params, error) {
	if msg := (validator{c.svc}).structure(op.Input.Shape, in, ""); msg != "" {
		return nil, Errorf(http.StatusBadRequest, c.invalid, "%s", msg)
	}
	return in, nil
}

// WriteOutput writes headers, the status code and the JSON body or payload.
func (c *RestJSON) WriteOutput(w http.ResponseWriter, _ *http.Request, op *models.Operation,
	out Params, requestID string) {
	h := w.Header()
	h.Set("x-amzn-RequestId", requestID)
	status := op.HTTP.ResponseCode
	if status == 0 {
		status = http.StatusOK
	}
	body := []byte("{}")
	if op.Output != nil {
		sh := c.svc.Shapes[op.Output.Shape]
		if st := writeLocations(c.svc, sh, out, h); st != 0 {
			status = st
		}
		body = c.encodeBody(sh, op.Output.Shape, out)
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (c *RestJSON) encodeBody(sh *models.Shape, shapeName string, out Params) []byte {
	if sh.Payload == "" {
		b, _ := json.Marshal(c.values.encode(shapeName, out))
		return b
	}
	m := sh.MemberNamed(sh.Payload)
	v, ok := out[m.Name]
	if !ok || v == nil {
		return nil
	}
	switch c.svc.Shapes[m.Shape].Type {
	case "blob":
		b, _ := v.([]byte)
		return b
	case "string":
		s, _ := v.(string)
		return []byte(s)
	}
	b, _ := json.Marshal(c.values.encode(m.Shape, v))
	return b
}

// WriteError writes {"__type": CODE, "message": MESSAGE} with X-Amzn-ErrorType set to the
// same code, so that clients reading either agree.
func (c *RestJSON) WriteError(w http.ResponseWriter, _ *http.Request, e *Error,
	requestID string) {
	body, _ := json.Marshal(map[string]string{"__type": e.Code, "message": e.Message})
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-ErrorType", e.Code)
	h.Set("x-amzn-RequestId", requestID)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
