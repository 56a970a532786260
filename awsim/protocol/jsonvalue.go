package protocol

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/proctorlabs/proctor/awsim/models"
)

// jsonValues converts between JSON documents and shape values for the JSON protocols. JSON
// 1.1 names structure members by their member names; rest-json by their locationName
// (camelCase in most models) and leaves out members bound to the URI or headers.
type jsonValues struct {
	svc           *models.Service
	locationNames bool
}

// wireName is the JSON key of a member.
func (c jsonValues) wireName(m *models.Member) string {
	if c.locationNames && m.LocationName != "" {
		return m.LocationName
	}
	return m.Name
}

// member finds the body member a JSON key names.
func (c jsonValues) member(sh *models.Shape, key string) *models.Member {
	for i := range sh.Members {
		m := &sh.Members[i]
		if m.Location == "" && c.wireName(m) == key {
			return m
		}
	}
	return nil
}

// decode converts a decoded JSON value into a value of the shape. Unknown structure members
// are ignored, as AWS services do for forward compatibility.
func (c jsonValues) decode(shapeName string, raw any, where string) (any, error) {
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
			m := c.member(sh, k)
			if m == nil {
				continue
			}
			v, err := c.decode(m.Shape, rv, join(where, k))
			if err != nil {
				return nil, err
			}
			if v != nil {
				p[m.Name] = v
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
			v, err := c.decode(sh.Member.Shape, rv, fmt.Sprintf("%s[%d]", where, i))
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
			v, err := c.decode(sh.Value.Shape, rv, join(where, k))
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

// encode converts a value of the shape into a JSON-encodable value.
func (c jsonValues) encode(shapeName string, v any) any {
	sh := c.svc.Shapes[shapeName]
	switch sh.Type {
	case "structure":
		p, _ := v.(Params)
		out := map[string]any{}
		for _, m := range sh.Members {
			if mv, ok := p[m.Name]; ok && mv != nil && m.Location == "" {
				out[c.wireName(&m)] = c.encode(m.Shape, mv)
			}
		}
		return out
	case "list":
		items := toList(v)
		out := make([]any, len(items))
		for i, it := range items {
			out[i] = c.encode(sh.Member.Shape, it)
		}
		return out
	case "map":
		m, _ := v.(map[string]any)
		out := map[string]any{}
		for k, mv := range m {
			out[k] = c.encode(sh.Value.Shape, mv)
		}
		return out
	case "timestamp":
		t, _ := v.(time.Time)
		if sh.TimestampFormat == "iso8601" || sh.TimestampFormat == "rfc822" {
			return formatTime(t, sh.TimestampFormat)
		}
		return json.Number(strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', -1, 64))
	case "blob":
		b, _ := v.([]byte)
		return base64.StdEncoding.EncodeToString(b)
	case "integer", "long":
		return toInt(v)
	}
	return v
}
