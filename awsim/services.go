package awsim

import (
	"fmt"

	"github.com/proctorlabs/proctor/awsim/models"
	"github.com/proctorlabs/proctor/awsim/protocol"
)

// Protocol families, which decide the form of authentication errors.
const (
	familyQuery   = "query"
	familyRestXML = "rest-xml"
	familyJSON    = "json"
)

// handlerFunc serves one operation. It returns the output, or an error: a *protocol.Error is
// answered as it is; anything else is an internal error.
type handlerFunc func(c *call) (protocol.Params, error)

// service binds a model, its codec and the handlers of the operations awsim serves.
type service struct {
	name     string
	family   string
	model    *models.Service
	codec    protocol.Codec
	handlers map[string]handlerFunc
	// s3 marks S3's own error codes for authentication failures (S3 and S3 Control).
	s3 bool
}

const (
	s3Namespace        = "http://s3.amazonaws.com/doc/2006-03-01/"
	s3ControlNamespace = "http://awss3control.amazonaws.com/doc/2018-08-20/"
)

// buildServices assembles the services from the embedded models. Every handler must name an
// operation of its model, and every modelled operation must have a handler, so that the
// generator's list and the handlers cannot drift apart unnoticed.
func buildServices() (map[string]*service, error) {
	specs := []struct {
		name     string
		family   string
		s3       bool
		handlers map[string]handlerFunc
		codec    func(*models.Service) protocol.Codec
	}{
		{"sts", familyQuery, false, stsHandlers(),
			func(m *models.Service) protocol.Codec { return protocol.NewQuery(m) }},
		{"iam", familyQuery, false, iamHandlers(),
			func(m *models.Service) protocol.Codec { return protocol.NewQuery(m) }},
		{"s3", familyRestXML, true, s3Handlers(), func(m *models.Service) protocol.Codec {
			return protocol.NewRestXML(m, s3Namespace, false, map[string]string{
				"ListBuckets":           "ListAllMyBucketsResult",
				"ListObjectsV2":         "ListBucketResult",
				"ListObjects":           "ListBucketResult",
				"GetBucketLocation":     "LocationConstraint",
				"CreateMultipartUpload": "InitiateMultipartUploadResult",
			})
		}},
		{"s3control", familyRestXML, true, s3ControlHandlers(),
			func(m *models.Service) protocol.Codec {
				return protocol.NewRestXML(m, s3ControlNamespace, true, nil)
			}},
		{"kms", familyJSON, false, kmsHandlers(),
			func(m *models.Service) protocol.Codec { return protocol.NewJSON(m) }},
	}
	out := map[string]*service{}
	for _, sp := range specs {
		m, err := models.Load(sp.name)
		if err != nil {
			return nil, fmt.Errorf("awsim: %w", err)
		}
		for op := range sp.handlers {
			if _, ok := m.Operations[op]; !ok {
				return nil, fmt.Errorf("awsim: %s handler %s has no operation in the model",
					sp.name, op)
			}
		}
		for op := range m.Operations {
			if _, ok := sp.handlers[op]; !ok {
				return nil, fmt.Errorf("awsim: %s operation %s has no handler", sp.name, op)
			}
		}
		out[sp.name] = &service{name: sp.name, family: sp.family, model: m,
			codec: sp.codec(m), handlers: sp.handlers, s3: sp.s3}
	}
	return out, nil
}
