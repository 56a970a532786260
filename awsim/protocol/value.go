package protocol

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/proctorlabs/proctor/awsim/models"
)

// Params is a decoded structure: member name to value.
type Params = map[string]any

// Error is an AWS error answered in the protocol's own form. Fields are extra elements some
// S3 errors carry, such as BucketName; they are written in sorted order.
type Error struct {
	Code    string
	Message string
	Status  int
	Fields  map[string]string
	// Sender marks a client fault in the query protocol's <Type> element; false means
	// Receiver.
	Sender bool
}

// Error returns "protocol: CODE: MESSAGE".
func (e *Error) Error() string { return "protocol: " + e.Code + ": " + e.Message }

// Errorf returns a client-fault [*Error] with the given code, HTTP status and message.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Code: code, Status: status, Message: fmt.Sprintf(format, args...), Sender: true}
}

// Request is a request routed to an operation.
type Request struct {
	Service   *models.Service
	Operation *models.Operation
	Input     Params
}

// Codec is one protocol family's codec bound to one service model.
type Codec interface {
	// Route finds the operation a request calls. path is the request path after any
	// virtual-host rewriting, still percent-encoded; body is the decoded payload, which the
	// query protocol reads Action from. It fails with an [*Error] in the
	// protocol's form for a request that names no operation of the model.
	Route(r *http.Request, path string, body []byte) (*models.Operation, error)
	// Decode decodes and validates the operation's input from the request and its body (the
	// payload already decoded from any aws-chunked framing).
	Decode(op *models.Operation, r *http.Request, path string, body []byte) (Params, error)
	// WriteOutput writes the operation's output.
	WriteOutput(w http.ResponseWriter, r *http.Request, op *models.Operation, out Params,
		requestID string)
	// WriteError writes an error in the protocol's form.
	WriteError(w http.ResponseWriter, r *http.Request, err *Error, requestID string)
}

// validator checks decoded input against the model's constraints: required members, enums,
// lengths and ranges. The first problem found is returned as a description naming the member.
type validator struct{ svc *models.Service }

func (v validator) structure(shapeName string, p Params, path string) string {
	sh := v.svc.Shapes[shapeName]
	for _, name := range sh.Required {
		if _, ok := p[name]; !ok {
			return fmt.Sprintf("missing required parameter %s", join(path, name))
		}
	}
	names := make([]string, 0, len(p))
	for k := range p {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		m := sh.MemberNamed(k)
		if m == nil {
			continue
		}
		if msg := v.value(m.Shape, p[k], join(path, k)); msg != "" {
			return msg
		}
	}
	return ""
}

func (v validator) value(shapeName string, val any, path string) string {
	sh := v.svc.Shapes[shapeName]
	switch sh.Type {
	case "structure":
		if p, ok := val.(Params); ok {
			return v.structure(shapeName, p, path)
		}
	case "list":
		items := toList(val)
		if sh.Min != nil && float64(len(items)) < *sh.Min {
			return fmt.Sprintf("%s must have at least %v members", path, *sh.Min)
		}
		if sh.Max != nil && float64(len(items)) > *sh.Max {
			return fmt.Sprintf("%s must have at most %v members", path, *sh.Max)
		}
		for i, it := range items {
			if msg := v.value(sh.Member.Shape, it, fmt.Sprintf("%s[%d]", path, i)); msg != "" {
				return msg
			}
		}
	case "string":
		s, _ := val.(string)
		n := utf8.RuneCountInString(s)
		if sh.Min != nil && float64(n) < *sh.Min {
			return fmt.Sprintf("value at %s must have length greater than or equal to %v",
				path, *sh.Min)
		}
		if sh.Max != nil && float64(n) > *sh.Max {
			return fmt.Sprintf("value at %s must have length less than or equal to %v",
				path, *sh.Max)
		}
		if len(sh.Enum) > 0 && !contains(sh.Enum, s) {
			return fmt.Sprintf("value %q at %s must satisfy enum value set: [%s]", s, path,
				strings.Join(sh.Enum, ", "))
		}
	case "integer", "long":
		n := toInt(val)
		if sh.Min != nil && float64(n) < *sh.Min {
			return fmt.Sprintf("value at %s must be greater than or equal to %v", path, *sh.Min)
		}
		if sh.Max != nil && float64(n) > *sh.Max {
			return fmt.Sprintf("value at %s must be less than or equal to %v", path, *sh.Max)
		}
	case "blob":
		b, _ := val.([]byte)
		if sh.Min != nil && float64(len(b)) < *sh.Min {
			return fmt.Sprintf("value at %s must have length greater than or equal to %v",
				path, *sh.Min)
		}
		if sh.Max != nil && float64(len(b)) > *sh.Max {
			return fmt.Sprintf("value at %s must have length less than or equal to %v",
				path, *sh.Max)
		}
	}
	return ""
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// toList returns a list value as []any.
func toList(v any) []any {
	switch l := v.(type) {
	case []any:
		return l
	case []string:
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out
	case []Params:
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out
	}
	return nil
}

func toInt(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case int:
		return int64(n)
	case int32:
		return int64(n)
	case float64:
		return int64(n)
	}
	return 0
}

// scalarText formats a scalar for XML text, a query value or a header. Timestamps use format
// ("iso8601", "rfc822" or "unixTimestamp").
func scalarText(sh *models.Shape, v any, format string) string {
	switch sh.Type {
	case "boolean":
		b, _ := v.(bool)
		return strconv.FormatBool(b)
	case "integer", "long":
		return strconv.FormatInt(toInt(v), 10)
	case "float", "double":
		f, _ := v.(float64)
		return strconv.FormatFloat(f, 'f', -1, 64)
	case "timestamp":
		t, _ := v.(time.Time)
		if sh.TimestampFormat != "" {
			format = sh.TimestampFormat
		}
		return formatTime(t, format)
	case "blob":
		b, _ := v.([]byte)
		return base64.StdEncoding.EncodeToString(b)
	}
	s, _ := v.(string)
	return s
}

func formatTime(t time.Time, format string) string {
	switch format {
	case "rfc822":
		return t.UTC().Format(http.TimeFormat)
	case "unixTimestamp":
		return strconv.FormatInt(t.Unix(), 10)
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// parseScalar converts text from a query value, header or XML element into the shape's Go
// type. format is the default timestamp format of the location.
func parseScalar(sh *models.Shape, text, format, where string) (any, error) {
	switch sh.Type {
	case "boolean":
		b, err := strconv.ParseBool(text)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a boolean", where, text)
		}
		return b, nil
	case "integer", "long":
		n, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not an integer", where, text)
		}
		return n, nil
	case "float", "double":
		f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a number", where, text)
		}
		return f, nil
	case "timestamp":
		if sh.TimestampFormat != "" {
			format = sh.TimestampFormat
		}
		t, err := parseTime(text, format)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a timestamp", where, text)
		}
		return t, nil
	case "blob":
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			return nil, fmt.Errorf("%s: value is not valid base64", where)
		}
		return b, nil
	}
	return text, nil
}

func parseTime(s, format string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if format == "rfc822" {
		if t, err := http.ParseTime(s); err == nil {
			return t, nil
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return time.Unix(0, int64(f*1e9)).UTC(), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700",
		"2006-01-02T15:04:05", http.TimeFormat} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("protocol: bad timestamp %q", s)
}
