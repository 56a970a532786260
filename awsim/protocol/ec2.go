package protocol

import (
	"net/http"
	"strings"

	"github.com/proctorlabs/proctor/awsim/models"
)

// EC2 is the ec2-protocol codec: requests as in the query protocol but named by queryName
// (or the capitalised locationName) with lists as Name.N; responses with no Result wrapper,
// a lower-case <requestId> and list items as <item>; errors as
// <Response><Errors><Error>…</Error></Errors><RequestID>.
type EC2 struct {
	Query
}

// NewEC2 builds the codec for an ec2-protocol model.
func NewEC2(svc *models.Service) *EC2 { return &EC2{Query{svc: svc, ec2: true}} }

// Decode binds form parameters to the input shape and validates it; problems are
// InvalidParameterValue or MissingParameter, as EC2 answers them.
func (c *EC2) Decode(op *models.Operation, r *http.Request, path string,
	body []byte) (Params, error) {
	in, err := c.Query.Decode(op, r, path, body)
	if pe, ok := err.(*Error); ok {
		pe.Code = "InvalidParameterValue"
		if strings.Contains(pe.Message, "missing required parameter") {
			pe.Code = "MissingParameter"
		}
		return nil, pe
	}
	return in, err
}

// WriteOutput writes <OpResponse xmlns><requestId/>members</OpResponse>.
func (c *EC2) WriteOutput(w http.ResponseWriter, _ *http.Request, op *models.Operation,
	out Params, requestID string) {
	x := &xmlWriter{svc: c.svc, item: "item"}
	x.open(op.Name+"Response", c.namespace())
	x.element("requestId", requestID)
	if op.Output != nil {
		x.members(op.Output.Shape, out)
	}
	x.close(op.Name + "Response")
	writeXML(w, http.StatusOK, requestID, x.b.Bytes())
}

// WriteError writes <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/>.
func (c *EC2) WriteError(w http.ResponseWriter, _ *http.Request, e *Error, requestID string) {
	x := &xmlWriter{svc: c.svc}
	x.open("Response", "")
	x.open("Errors", "")
	x.open("Error", "")
	x.element("Code", e.Code)
	x.element("Message", e.Message)
	x.close("Error")
	x.close("Errors")
	x.element("RequestID", requestID)
	x.close("Response")
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	writeXML(w, status, requestID, x.b.Bytes())
}
