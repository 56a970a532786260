package protocol

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/proctorlabs/proctor/awsim/models"
)

// restRouter routes and binds the REST protocols (rest-xml, later rest-json): an operation is
// chosen by method, path template and the query keys it requires; members bind to URI
// labels, query parameters and headers. The body is each protocol's own business.
type restRouter struct {
	svc          *models.Service
	routes       []route
	subresources map[string]bool
}

type route struct {
	op       *models.Operation
	segments []string // literal segments, or "{Name}" / "{Name+}" labels
	query    map[string]string
}

// newRestRouter indexes a model's operations by their HTTP binding.
func newRestRouter(svc *models.Service) restRouter {
	c := restRouter{svc: svc, subresources: map[string]bool{}}
	for _, k := range svc.Subresources {
		c.subresources[k] = true
	}
	for _, op := range svc.Operations {
		path, rawQuery, _ := strings.Cut(op.HTTP.RequestURI, "?")
		rt := route{op: op, segments: splitPath(path), query: map[string]string{}}
		for _, kv := range strings.Split(rawQuery, "&") {
			if kv == "" {
				continue
			}
			k, v, _ := strings.Cut(kv, "=")
			if k != "x-id" {
				rt.query[k] = v
			}
		}
		// Operations that share a method and path (PutObject and UploadPart) differ by the
		// query-string members they require.
		if op.Input != nil {
			in := svc.Shapes[op.Input.Shape]
			for _, m := range in.Members {
				if m.Location == "querystring" && in.IsRequired(m.Name) {
					rt.query[m.LocationName] = ""
				}
			}
		}
		c.routes = append(c.routes, rt)
	}
	// Most specific first: more required query keys, then more literal segments.
	sort.Slice(c.routes, func(i, j int) bool {
		a, b := c.routes[i], c.routes[j]
		if len(a.query) != len(b.query) {
			return len(a.query) > len(b.query)
		}
		if len(a.segments) != len(b.segments) {
			return len(a.segments) > len(b.segments)
		}
		return a.op.Name < b.op.Name
	})
	return c
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// match binds a path's labels against a route; ok is false when the route does not fit.
func (rt *route) match(method, path string, q url.Values,
	subresources map[string]bool) (map[string]string, bool) {
	if rt.op.HTTP.Method != method {
		return nil, false
	}
	for k, v := range rt.query {
		if !q.Has(k) || (v != "" && q.Get(k) != v) {
			return nil, false
		}
	}
	for k := range q {
		if _, required := rt.query[k]; subresources[k] && !required {
			return nil, false
		}
	}
	raw := strings.TrimPrefix(path, "/")
	labels := map[string]string{}
	for i, seg := range rt.segments {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "+}") {
			if raw == "" {
				return nil, false
			}
			labels[seg[1:len(seg)-2]] = raw
			raw = ""
			if i != len(rt.segments)-1 {
				return nil, false
			}
			break
		}
		part, rest, _ := strings.Cut(raw, "/")
		if strings.HasPrefix(seg, "{") {
			if part == "" {
				return nil, false
			}
			labels[seg[1:len(seg)-1]] = part
		} else if part != seg {
			return nil, false
		}
		raw = rest
	}
	if raw != "" {
		return nil, false
	}
	for k, v := range labels {
		d, err := url.PathUnescape(v)
		if err != nil {
			return nil, false
		}
		labels[k] = d
	}
	return labels, true
}

func (c *restRouter) route(r *http.Request, path string) (*models.Operation, map[string]string) {
	q := r.URL.Query()
	candidates := []string{path}
	if trimmed := strings.TrimSuffix(path, "/"); trimmed != path && trimmed != "" &&
		!strings.Contains(strings.TrimPrefix(trimmed, "/"), "/") {
		candidates = append(candidates, trimmed)
	}
	for _, p := range candidates {
		for i := range c.routes {
			if labels, ok := c.routes[i].match(r.Method, p, q, c.subresources); ok {
				return c.routes[i].op, labels
			}
		}
	}
	return nil, nil
}

// bindLocations sets the input members bound to the URI, the query string and headers. A
// value that does not convert to its member's type is an error with code badInput.
func (c *restRouter) bindLocations(op *models.Operation, r *http.Request, path string,
	in Params, badInput string) error {
	_, labels := c.route(r, path)
	sh := c.svc.Shapes[op.Input.Shape]
	q := r.URL.Query()
	for _, m := range sh.Members {
		msh := c.svc.Shapes[m.Shape]
		name := m.LocationName
		if name == "" {
			name = m.Name
		}
		switch m.Location {
		case "uri":
			if v, ok := labels[name]; ok {
				in[m.Name] = v
			}
		case "querystring":
			if msh.Type == "map" {
				continue
			}
			if !q.Has(name) {
				continue
			}
			v, err := scalarOrList(c.svc, msh, q[name], "iso8601", name, badInput)
			if err != nil {
				return err
			}
			in[m.Name] = v
		case "header":
			vals := r.Header.Values(name)
			if len(vals) == 0 {
				continue
			}
			if msh.Type == "list" {
				vals = splitComma(vals)
			}
			v, err := scalarOrList(c.svc, msh, vals, "rfc822", name, badInput)
			if err != nil {
				return err
			}
			in[m.Name] = v
		case "headers":
			prefix := strings.ToLower(name)
			meta := map[string]any{}
			for k, v := range r.Header {
				lk := strings.ToLower(k)
				if strings.HasPrefix(lk, prefix) && len(lk) > len(prefix) {
					meta[lk[len(prefix):]] = strings.Join(v, ",")
				}
			}
			if len(meta) > 0 {
				in[m.Name] = meta
			}
		}
	}
	return nil
}

func splitComma(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			out = append(out, strings.TrimSpace(p))
		}
	}
	return out
}

// scalarOrList converts the text values of a query parameter or header into the shape's
// type; a conversion failure is an error with code badInput.
func scalarOrList(svc *models.Service, sh *models.Shape, vals []string, format, where,
	badInput string) (any, error) {
	if sh.Type == "list" {
		ish := svc.Shapes[sh.Member.Shape]
		out := make([]any, 0, len(vals))
		for _, v := range vals {
			x, err := parseScalar(ish, v, format, where)
			if err != nil {
				return nil, Errorf(http.StatusBadRequest, badInput, "%v", err)
			}
			out = append(out, x)
		}
		return out, nil
	}
	x, err := parseScalar(sh, vals[0], format, where)
	if err != nil {
		return nil, Errorf(http.StatusBadRequest, badInput, "%v", err)
	}
	return x, nil
}

// writeLocations sets the headers bound to output members and returns the status a
// statusCode member asks for, 0 when none does.
func writeLocations(svc *models.Service, sh *models.Shape, out Params, h http.Header) int {
	status := 0
	for _, m := range sh.Members {
		v, ok := out[m.Name]
		if !ok || v == nil {
			continue
		}
		msh := svc.Shapes[m.Shape]
		switch m.Location {
		case "header":
			if msh.Type == "list" {
				var parts []string
				for _, it := range toList(v) {
					parts = append(parts, scalarText(svc.Shapes[msh.Member.Shape], it, "rfc822"))
				}
				h.Set(m.LocationName, strings.Join(parts, ","))
			} else {
				h.Set(m.LocationName, scalarText(msh, v, "rfc822"))
			}
		case "headers":
			if meta, ok := v.(map[string]any); ok {
				for k, mv := range meta {
					s, _ := mv.(string)
					h.Set(m.LocationName+k, s)
				}
			}
		case "statusCode":
			status = int(toInt(v))
		}
	}
	return status
}
