package protocol_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/proctorlabs/proctor/awsim/models"
	"github.com/proctorlabs/proctor/awsim/protocol"
)

var _ protocol.Codec = (*protocol.RestJSON)(nil)

// detectorModel is a small rest-json model in GuardDuty's style: camelCase locationNames,
// a URI label, a query parameter and a timestamp.
func detectorModel() *models.Service {
	ref := func(shape, loc, name string) models.Ref {
		return models.Ref{Shape: shape, Location: loc, LocationName: name}
	}
	one := 1.0
	return &models.Service{
		Name:     "detectors",
		Metadata: models.Metadata{Protocol: "rest-json", APIVersion: "2017-11-28"},
		Operations: map[string]*models.Operation{
			"CreateDetector": {Name: "CreateDetector",
				HTTP:   models.HTTP{Method: "POST", RequestURI: "/detector"},
				Input:  &models.Ref{Shape: "CreateDetectorRequest"},
				Output: &models.Ref{Shape: "CreateDetectorResponse"}},
			"GetDetector": {Name: "GetDetector",
				HTTP:   models.HTTP{Method: "GET", RequestURI: "/detector/{detectorId}"},
				Input:  &models.Ref{Shape: "GetDetectorRequest"},
				Output: &models.Ref{Shape: "GetDetectorResponse"}},
			"ListDetectors": {Name: "ListDetectors",
				HTTP:  models.HTTP{Method: "GET", RequestURI: "/detector"},
				Input: &models.Ref{Shape: "ListDetectorsRequest"}},
		},
		Shapes: map[string]*models.Shape{
			"String":  {Type: "string", Min: &one},
			"Boolean": {Type: "boolean"},
			"Int":     {Type: "integer", Min: &one},
			"Time":    {Type: "timestamp"},
			"CreateDetectorRequest": {Type: "structure", Required: []string{"Enable"},
				Members: []models.Member{
					{Name: "Enable", Ref: ref("Boolean", "", "enable")},
					{Name: "FindingPublishingFrequency", Ref: ref("String", "",
						"findingPublishingFrequency")}}},
			"CreateDetectorResponse": {Type: "structure", Members: []models.Member{
				{Name: "DetectorId", Ref: ref("String", "", "detectorId")}}},
			"GetDetectorRequest": {Type: "structure", Required: []string{"DetectorId"},
				Members: []models.Member{{Name: "DetectorId", Ref: ref("String", "uri",
					"detectorId")}}},
			"GetDetectorResponse": {Type: "structure", Members: []models.Member{
				{Name: "CreatedAt", Ref: ref("Time", "", "createdAt")},
				{Name: "Status", Ref: ref("String", "", "status")}}},
			"ListDetectorsRequest": {Type: "structure", Members: []models.Member{
				{Name: "MaxResults", Ref: ref("Int", "querystring", "maxResults")}}},
		},
	}
}

func TestRestJSONDecode(t *testing.T) {
	c := protocol.NewRestJSON(detectorModel(), "BadRequestException")
	tests := []struct {
		name, method, target, body string
		op                         string
		want                       protocol.Params
		code                       string
	}{
		{name: "body by locationName", method: "POST", target: "/detector",
			body: `{"enable":true,"findingPublishingFrequency":"SIX_HOURS"}`,
			op:   "CreateDetector", want: protocol.Params{"Enable": true,
				"FindingPublishingFrequency": "SIX_HOURS"}},
		{name: "uri label", method: "GET", target: "/detector/abc%20d", op: "GetDetector",
			want: protocol.Params{"DetectorId": "abc d"}},
		{name: "query parameter", method: "GET", target: "/detector?maxResults=5",
			op: "ListDetectors", want: protocol.Params{"MaxResults": int64(5)}},
		{name: "member name is not the wire name", method: "POST", target: "/detector",
			body: `{"Enable":true}`, op: "CreateDetector", code: "BadRequestException"},
		{name: "bad query value", method: "GET", target: "/detector?maxResults=x",
			op: "ListDetectors", code: "BadRequestException"},
		{name: "range", method: "GET", target: "/detector?maxResults=0",
			op: "ListDetectors", code: "BadRequestException"},
		{name: "not JSON", method: "POST", target: "/detector", body: `{"enable":`,
			op: "CreateDetector", code: "BadRequestException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			path := r.URL.EscapedPath()
			op, err := c.Route(r, path, nil)
			if err != nil {
				t.Fatalf("Route: %v", err)
			}
			if op.Name != tt.op {
				t.Fatalf("Route = %s, want %s", op.Name, tt.op)
			}
			in, err := c.Decode(op, r, path, []byte(tt.body))
			if tt.code != "" {
				if pe, ok := err.(*protocol.Error); !ok || pe.Code != tt.code {
					t.Errorf("Decode = %v, want %s", err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, in); d != "" {
				t.Errorf("Decode (-want +got):\n%s", d)
			}
		})
	}
	r := httptest.NewRequest("DELETE", "/detector/x", nil)
	if _, err := c.Route(r, "/detector/x", nil); err == nil {
		t.Errorf("Route of an unmodelled method succeeded")
	}
}

func TestRestJSONWrite(t *testing.T) {
	svc := detectorModel()
	c := protocol.NewRestJSON(svc, "BadRequestException")
	w := httptest.NewRecorder()
	c.WriteOutput(w, nil, svc.Operations["GetDetector"], protocol.Params{
		"CreatedAt": time.Unix(1700000000, 0), "Status": "ENABLED"}, "R")
	var got map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]any{"createdAt": 1700000000.0, "status": "ENABLED"},
		got); d != "" {
		t.Errorf("WriteOutput (-want +got):\n%s", d)
	}
	w = httptest.NewRecorder()
	c.WriteError(w, nil, &protocol.Error{Code: "BadRequestException", Message: "no",
		Status: 400}, "R")
	if w.Code != 400 || w.Header().Get("X-Amzn-ErrorType") != "BadRequestException" ||
		!strings.Contains(w.Body.String(), `"__type":"BadRequestException"`) {
		t.Errorf("WriteError = %d %v %s", w.Code, w.Header(), w.Body)
	}
}
