package eventpattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// jsonKind is the JSON type of a pattern node.
type jsonKind uint8

const (
	jsonObject jsonKind = iota + 1
	jsonArray
	jsonString
	jsonNumber
	jsonTrue
	jsonFalse
	jsonNull
)

// node is a pattern document parsed with its members in document order, duplicates kept, and
// numbers as written, because EventBridge's rules depend on all three.
type node struct {
	kind    jsonKind
	text    string // string value or number literal
	members []member
	items   []*node
}

type member struct {
	key   string
	value *node
}

// literal returns the node's JSON spelling for scalars, as error messages quote it.
func (n *node) literal() string {
	switch n.kind {
	case jsonString:
		return n.text
	case jsonNumber:
		return n.text
	case jsonTrue:
		return "true"
	case jsonFalse:
		return "false"
	case jsonNull:
		return "null"
	case jsonArray:
		return "["
	default:
		return "{"
	}
}

// parseDocument parses one JSON document and rejects anything after it.
func parseDocument(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := parseNode(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("unexpected data after the pattern")
	}
	return n, nil
}

const maxPatternDepth = 1000

func parseNode(dec *json.Decoder, depth int) (*node, error) {
	if depth > maxPatternDepth {
		return nil, errors.New("pattern nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &node{kind: jsonObject}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ := kt.(string)
				v, err := parseNode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.members = append(n.members, member{key: key, value: v})
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return n, nil
		case '[':
			n := &node{kind: jsonArray}
			for dec.More() {
				v, err := parseNode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return n, nil
		}
		return nil, errors.New("unexpected delimiter")
	case string:
		return &node{kind: jsonString, text: t}, nil
	case json.Number:
		return &node{kind: jsonNumber, text: string(t)}, nil
	case bool:
		if t {
			return &node{kind: jsonTrue}, nil
		}
		return &node{kind: jsonFalse}, nil
	case nil:
		return &node{kind: jsonNull}, nil
	}
	return nil, errors.New("unexpected token")
}
