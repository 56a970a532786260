package protocol

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/proctorlabs/proctor/awsim/models"
)

// xmlWriter writes shapes as XML the way the query and rest-xml protocols do.
type xmlWriter struct {
	svc *models.Service
	b   bytes.Buffer
	// query selects the query protocol's list and map conventions (<member>, <entry>).
	query bool
	// item is the element of a list member without a locationName: "member", or "item"
	// in the ec2 protocol.
	item string
}

func (x *xmlWriter) open(name, ns string) {
	x.b.WriteByte('<')
	x.b.WriteString(name)
	if ns != "" {
		x.b.WriteString(` xmlns="`)
		xml.EscapeText(&x.b, []byte(ns))
		x.b.WriteByte('"')
	}
	x.b.WriteByte('>')
}

func (x *xmlWriter) close(name string) {
	x.b.WriteString("</")
	x.b.WriteString(name)
	x.b.WriteByte('>')
}

func (x *xmlWriter) text(s string) { xml.EscapeText(&x.b, []byte(s)) }

func (x *xmlWriter) element(name, text string) {
	x.open(name, "")
	x.text(text)
	x.close(name)
}

// members writes the body members of a structure value in model order. Members bound to
// headers, the status code or the URI are skipped.
func (x *xmlWriter) members(shapeName string, p Params) {
	sh := x.svc.Shapes[shapeName]
	for _, m := range sh.Members {
		v, ok := p[m.Name]
		if !ok || v == nil || m.Location != "" || m.XMLAttribute {
			continue
		}
		name := m.LocationName
		if name == "" {
			name = m.Name
		}
		x.value(name, &m.Ref, v)
	}
}

// openWithAttributes opens a structure's element with its xmlAttribute members as
// attributes, declaring the shape's namespace prefix when it has one (S3's Grantee carries
// xsi:type).
func (x *xmlWriter) openWithAttributes(name string, sh *models.Shape, p Params) {
	x.b.WriteByte('<')
	x.b.WriteString(name)
	if ns := sh.XMLNamespace; ns != nil && ns.Prefix != "" {
		x.b.WriteString(" xmlns:" + ns.Prefix + `="`)
		x.text(ns.URI)
		x.b.WriteByte('"')
	}
	for _, m := range sh.Members {
		v, ok := p[m.Name]
		if !m.XMLAttribute || !ok || v == nil {
			continue
		}
		x.b.WriteString(" " + m.LocationName + `="`)
		x.text(scalarText(x.svc.Shapes[m.Shape], v, "iso8601"))
		x.b.WriteByte('"')
	}
	x.b.WriteByte('>')
}

// value writes one member value under the element name.
func (x *xmlWriter) value(name string, ref *models.Ref, v any) {
	sh := x.svc.Shapes[ref.Shape]
	switch sh.Type {
	case "structure":
		p, _ := v.(Params)
		x.openWithAttributes(name, sh, p)
		x.members(ref.Shape, p)
		x.close(name)
	case "list":
		item := "member"
		if x.item != "" {
			item = x.item
		}
		if sh.Member.LocationName != "" {
			item = sh.Member.LocationName
		}
		items := toList(v)
		if sh.Flattened || ref.Flattened {
			if sh.Member.LocationName != "" && !x.query {
				// A flattened list repeats the member's own element name.
				name = sh.Member.LocationName
			}
			for _, it := range items {
				x.value(name, sh.Member, it)
			}
			return
		}
		x.open(name, "")
		for _, it := range items {
			x.value(item, sh.Member, it)
		}
		x.close(name)
	case "map":
		m, _ := v.(map[string]any)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		kn, vn := "key", "value"
		if sh.Key.LocationName != "" {
			kn = sh.Key.LocationName
		}
		if sh.Value.LocationName != "" {
			vn = sh.Value.LocationName
		}
		x.open(name, "")
		for _, k := range keys {
			x.open("entry", "")
			x.element(kn, k)
			x.value(vn, sh.Value, m[k])
			x.close("entry")
		}
		x.close(name)
	default:
		x.element(name, scalarText(sh, v, "iso8601"))
	}
}

// node is a parsed XML element.
type node struct {
	name     string
	text     string
	children []*node
	// attrs holds the element's attributes by local name ("type" for xsi:type).
	attrs map[string]string
}

func (n *node) child(name string) []*node {
	var out []*node
	for _, c := range n.children {
		if c.name == name {
			out = append(out, c)
		}
	}
	return out
}

// errMalformedXML marks XML that does not parse or is not of the expected form.
var errMalformedXML = errors.New("protocol: malformed XML")

// maxXMLDepth bounds element nesting so that hostile input cannot exhaust the stack.
const maxXMLDepth = 32

// parseXML parses a document into a tree of elements, ignoring namespaces and attributes.
func parseXML(body []byte) (*node, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	var stack []*node
	var root *node
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errMalformedXML, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxXMLDepth {
				return nil, fmt.Errorf("%w: elements nested too deeply", errMalformedXML)
			}
			n := &node{name: t.Name.Local}
			for _, a := range t.Attr {
				if n.attrs == nil {
					n.attrs = map[string]string{}
				}
				n.attrs[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else if root != nil {
				return nil, fmt.Errorf("%w: more than one root element", errMalformedXML)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			} else if strings.TrimSpace(string(t)) != "" {
				return nil, fmt.Errorf("%w: text outside the root element", errMalformedXML)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("%w: no root element", errMalformedXML)
	}
	return root, nil
}

// decodeNode converts an element into a value of the shape.
func decodeNode(svc *models.Service, ref *models.Ref, n *node, where string) (any, error) {
	sh := svc.Shapes[ref.Shape]
	switch sh.Type {
	case "structure":
		p := Params{}
		for _, m := range sh.Members {
			if m.Location != "" {
				continue
			}
			name := m.LocationName
			if name == "" {
				name = m.Name
			}
			msh := svc.Shapes[m.Shape]
			if m.XMLAttribute {
				_, local, found := strings.Cut(name, ":")
				if !found {
					local = name
				}
				if v, ok := n.attrs[local]; ok {
					p[m.Name] = v
				}
				continue
			}
			var els []*node
			if msh.Type == "list" && (msh.Flattened || m.Flattened) {
				item := name
				if msh.Member.LocationName != "" {
					item = msh.Member.LocationName
				}
				els = n.child(item)
				if len(els) == 0 {
					continue
				}
				list := make([]any, 0, len(els))
				for i, e := range els {
					at := fmt.Sprintf("%s.%s[%d]", where, name, i)
					v, err := decodeNode(svc, msh.Member, e, at)
					if err != nil {
						return nil, err
					}
					list = append(list, v)
				}
				p[m.Name] = list
				continue
			}
			els = n.child(name)
			if len(els) == 0 {
				continue
			}
			if len(els) > 1 {
				return nil, fmt.Errorf("%w: element %s appears more than once in %s",
					errMalformedXML, name, where)
			}
			v, err := decodeNode(svc, &m.Ref, els[0], where+"."+name)
			if err != nil {
				return nil, err
			}
			p[m.Name] = v
		}
		return p, nil
	case "list":
		item := "member"
		if sh.Member.LocationName != "" {
			item = sh.Member.LocationName
		}
		var list []any
		for i, e := range n.child(item) {
			v, err := decodeNode(svc, sh.Member, e, fmt.Sprintf("%s[%d]", where, i))
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		return list, nil
	case "map":
		out := map[string]any{}
		for _, e := range n.child("entry") {
			k, v := e.child("key"), e.child("value")
			if len(k) != 1 || len(v) != 1 {
				return nil, fmt.Errorf("%w: map entry in %s needs one key and one value",
					errMalformedXML, where)
			}
			val, err := decodeNode(svc, sh.Value, v[0], where+"."+k[0].text)
			if err != nil {
				return nil, err
			}
			out[k[0].text] = val
		}
		return out, nil
	}
	v, err := parseScalar(sh, strings.TrimSpace(n.text), "iso8601", where)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errMalformedXML, err)
	}
	return v, nil
}
