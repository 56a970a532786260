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

func TestJSONDecode(t *testing.T) {
	c := protocol.NewJSON(load(t, "kms"))
	tests := []struct {
		name, target, body string
		want               protocol.Params
		code               string
	}{
		{name: "blob and map", target: "TrentService.Encrypt",
			body: `{"KeyId":"alias/a","Plaintext":"aGVsbG8=","EncryptionContext":{"k":"v"}}`,
			want: protocol.Params{"KeyId": "alias/a", "Plaintext": []byte("hello"),
				"EncryptionContext": map[string]any{"k": "v"}}},
		{name: "integer", target: "TrentService.ListKeys", body: `{"Limit":10}`,
			want: protocol.Params{"Limit": int64(10)}},
		{name: "empty body", target: "TrentService.ListKeys", body: ``, want: protocol.Params{}},
		{name: "unknown members ignored", target: "TrentService.ListKeys",
			body: `{"Future":true}`, want: protocol.Params{}},
		{name: "range", target: "TrentService.ListKeys", body: `{"Limit":0}`,
			code: "ValidationException"},
		{name: "enum", target: "TrentService.CreateKey", body: `{"KeySpec":"DES"}`,
			code: "ValidationException"},
		{name: "required", target: "TrentService.Encrypt", body: `{"KeyId":"k"}`,
			code: "ValidationException"},
		{name: "bad base64", target: "TrentService.Encrypt",
			body: `{"KeyId":"k","Plaintext":"!!"}`, code: "SerializationException"},
		{name: "wrong type", target: "TrentService.ListKeys", body: `{"Limit":"ten"}`,
			code: "SerializationException"},
		{name: "trailing data", target: "TrentService.ListKeys", body: `{} {}`,
			code: "SerializationException"},
		{name: "unknown target", target: "TrentService.Nope", body: `{}`,
			code: "UnknownOperationException"},
		{name: "other service's target", target: "AWSEvents.PutRule", body: `{}`,
			code: "UnknownOperationException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
			r.Header.Set("X-Amz-Target", tt.target)
			op, err := c.Route(r, "/", nil)
			var in protocol.Params
			if err == nil {
				in, err = c.Decode(op, r, "/", []byte(tt.body))
			}
			if tt.code != "" {
				pe, ok := err.(*protocol.Error)
				if !ok || pe.Code != tt.code {
					t.Errorf("error = %v, want %s", err, tt.code)
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
}

func TestJSONWrite(t *testing.T) {
	svc := load(t, "kms")
	c := protocol.NewJSON(svc)
	w := httptest.NewRecorder()
	created := time.Unix(1700000000, 500_000_000)
	c.WriteOutput(w, httptest.NewRequest("POST", "/", nil), svc.Operations["CreateKey"],
		protocol.Params{"KeyMetadata": protocol.Params{"KeyId": "k", "CreationDate": created,
			"Enabled": true, "EncryptionAlgorithms": []string{"SYMMETRIC_DEFAULT"}}}, "R")
	var got map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"KeyMetadata": map[string]any{"KeyId": "k",
		"CreationDate": 1700000000.5, "Enabled": true,
		"EncryptionAlgorithms": []any{"SYMMETRIC_DEFAULT"}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("WriteOutput (-want +got):\n%s", d)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		t.Errorf("Content-Type = %q", ct)
	}

	w = httptest.NewRecorder()
	c.WriteError(w, nil, &protocol.Error{Code: "NotFoundException", Message: "no key",
		Status: 400}, "R")
	if w.Code != 400 || w.Header().Get("X-Amzn-ErrorType") != "NotFoundException" ||
		!strings.Contains(w.Body.String(), `"__type":"NotFoundException"`) {
		t.Errorf("WriteError = %d %v %s", w.Code, w.Header(), w.Body)
	}
}

// queryModel is a small query-protocol model with the shapes IAM and SNS use: a list, a
// flattened list, a map and a nested structure.
func queryModel() *models.Service {
	str := &models.Shape{Type: "string"}
	return &models.Service{
		Name: "test",
		Metadata: models.Metadata{Protocol: "query", APIVersion: "2010-05-08",
			XMLNamespace: "https://t/doc/"},
		Operations: map[string]*models.Operation{"Put": {Name: "Put",
			Input:  &models.Ref{Shape: "PutRequest"},
			Output: &models.Ref{Shape: "PutResponse", ResultWrapper: "PutResult"}}},
		Shapes: map[string]*models.Shape{
			"String": str,
			"Int":    {Type: "integer"},
			"Names":  {Type: "list", Member: &models.Ref{Shape: "String"}},
			"Flat":   {Type: "list", Member: &models.Ref{Shape: "String"}, Flattened: true},
			"Attrs": {Type: "map", Key: &models.Ref{Shape: "String"},
				Value: &models.Ref{Shape: "String"}},
			"Tag": {Type: "structure", Members: []models.Member{
				{Name: "Key", Ref: models.Ref{Shape: "String"}},
				{Name: "Value", Ref: models.Ref{Shape: "String"}}}},
			"Tags": {Type: "list", Member: &models.Ref{Shape: "Tag"}},
			"PutRequest": {Type: "structure", Required: []string{"Name"}, Members: []models.Member{
				{Name: "Name", Ref: models.Ref{Shape: "String"}},
				{Name: "Count", Ref: models.Ref{Shape: "Int"}},
				{Name: "Names", Ref: models.Ref{Shape: "Names"}},
				{Name: "Flat", Ref: models.Ref{Shape: "Flat"}},
				{Name: "Attributes", Ref: models.Ref{Shape: "Attrs"}},
				{Name: "Tags", Ref: models.Ref{Shape: "Tags"}}}},
			"PutResponse": {Type: "structure", Members: []models.Member{
				{Name: "Names", Ref: models.Ref{Shape: "Names"}},
				{Name: "Tag", Ref: models.Ref{Shape: "Tag"}}}},
		},
	}
}

func TestQueryDecode(t *testing.T) {
	c := protocol.NewQuery(queryModel())
	body := "Action=Put&Version=2010-05-08&Name=n&Count=3&Names.member.1=a&Names.member.2=b" +
		"&Flat.1=x&Attributes.entry.1.key=k&Attributes.entry.1.value=v" +
		"&Tags.member.1.Key=env&Tags.member.1.Value=lab"
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	op, err := c.Route(r, "/", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	in, err := c.Decode(op, r, "/", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := protocol.Params{"Name": "n", "Count": int64(3), "Names": []any{"a", "b"},
		"Flat": []any{"x"}, "Attributes": map[string]any{"k": "v"},
		"Tags": []any{protocol.Params{"Key": "env", "Value": "lab"}}}
	if d := cmp.Diff(want, in); d != "" {
		t.Errorf("Decode (-want +got):\n%s", d)
	}

	for _, bad := range []string{"Action=Put&Count=3", "Action=Put&Name=n&Count=x"} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(bad))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		op, _ := c.Route(r, "/", []byte(bad))
		if _, err := c.Decode(op, r, "/", []byte(bad)); err == nil {
			t.Errorf("Decode(%q) succeeded, want a ValidationError", bad)
		}
	}
	r = httptest.NewRequest("POST", "/", strings.NewReader("Action=Other"))
	if _, err := c.Route(r, "/", []byte("Action=Other")); err == nil {
		t.Errorf("Route of an unknown Action succeeded")
	}
}

func TestQueryWrite(t *testing.T) {
	svc := queryModel()
	c := protocol.NewQuery(svc)
	w := httptest.NewRecorder()
	c.WriteOutput(w, nil, svc.Operations["Put"], protocol.Params{"Names": []string{"a", "b"},
		"Tag": protocol.Params{"Key": "k"}}, "R")
	want := `<PutResponse xmlns="https://t/doc/"><PutResult><Names><member>a</member>` +
		`<member>b</member></Names><Tag><Key>k</Key></Tag></PutResult><ResponseMetadata>` +
		`<RequestId>R</RequestId></ResponseMetadata></PutResponse>`
	if w.Body.String() != want {
		t.Errorf("WriteOutput =\n%s\nwant\n%s", w.Body, want)
	}
	w = httptest.NewRecorder()
	c.WriteError(w, nil, &protocol.Error{Code: "NoSuchEntity", Message: "m", Status: 404,
		Sender: true}, "R")
	want = `<ErrorResponse xmlns="https://t/doc/"><Error><Type>Sender</Type>` +
		`<Code>NoSuchEntity</Code><Message>m</Message></Error><RequestId>R</RequestId>` +
		`</ErrorResponse>`
	if w.Code != 404 || w.Body.String() != want {
		t.Errorf("WriteError = %d\n%s\nwant\n%s", w.Code, w.Body, want)
	}
}

func FuzzRestXMLDecode(f *testing.F) {
	f.Add("<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls>" +
		"</PublicAccessBlockConfiguration>")
	f.Add("<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>" +
		"<SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>" +
		"</ServerSideEncryptionConfiguration>")
	c := s3Codec(f)
	f.Fuzz(func(t *testing.T, body string) {
		for _, target := range []string{"/b?publicAccessBlock", "/b?encryption", "/b"} {
			r := httptest.NewRequest("PUT", target, strings.NewReader(body))
			op, err := c.Route(r, "/b", nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Decode(op, r, "/b", []byte(body))
			if err != nil {
				if _, ok := err.(*protocol.Error); !ok {
					t.Errorf("Decode error %T is not a *protocol.Error", err)
				}
			}
		}
	})
}

func FuzzJSONDecode(f *testing.F) {
	f.Add("TrentService.Encrypt", `{"KeyId":"k","Plaintext":"aGk=","EncryptionContext":{}}`)
	f.Add("TrentService.CreateKey", `{"Tags":[{"TagKey":"a","TagValue":"b"}]}`)
	c := protocol.NewJSON(load(f, "kms"))
	f.Fuzz(func(t *testing.T, target, body string) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.Header.Set("X-Amz-Target", target)
		op, err := c.Route(r, "/", nil)
		if err != nil {
			return
		}
		if _, err := c.Decode(op, r, "/", []byte(body)); err != nil {
			if _, ok := err.(*protocol.Error); !ok {
				t.Errorf("Decode error %T is not a *protocol.Error", err)
			}
		}
	})
}
