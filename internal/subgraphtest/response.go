package subgraphtest

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

// response is what ServeHTTP writes. Its data is built from nil (null),
// json.RawMessage (a leaf), []any (a list) and *fields (an object), so that
// object keys keep the order of the selection.
type response struct {
	hasData bool
	data    any
	errors  []gqlError
}

// fields is a result object, its keys in selection order.
type fields struct {
	keys   []string
	values []any
}

// gqlError is one entry of the response's "errors".
type gqlError struct {
	message   string
	locations []gqlerror.Location
	path      []any
	code      string // extensions.code, if any
}

// requestError turns an error that stops a request before execution into a
// response error, prefixing its path ("variable.upc") to the message.
func requestError(code string, err *gqlerror.Error) gqlError {
	msg := err.Message
	if len(err.Path) > 0 {
		msg = err.Path.String() + " " + msg
	}
	return gqlError{message: msg, locations: err.Locations, code: code}
}

func (r *response) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	if r.hasData {
		b.WriteString(`"data":`)
		writeValue(&b, r.data)
	}
	if len(r.errors) > 0 {
		if r.hasData {
			b.WriteByte(',')
		}
		b.WriteString(`"errors":[`)
		for i, e := range r.errors {
			if i > 0 {
				b.WriteByte(',')
			}
			e.write(&b)
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (e gqlError) write(b *bytes.Buffer) {
	b.WriteString(`{"message":` + canonicalJSON(e.message))
	if len(e.locations) > 0 {
		b.WriteString(`,"locations":[`)
		for i, l := range e.locations {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{"line":` + strconv.Itoa(l.Line) + `,"column":` + strconv.Itoa(l.Column) + `}`)
		}
		b.WriteByte(']')
	}
	if e.path != nil {
		b.WriteString(`,"path":` + canonicalJSON(e.path))
	}
	if e.code != "" {
		b.WriteString(`,"extensions":{"code":` + canonicalJSON(e.code) + `}`)
	}
	b.WriteByte('}')
}

func writeValue(b *bytes.Buffer, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case json.RawMessage:
		b.Write(v)
	case []any:
		b.WriteByte('[')
		for i, item := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			writeValue(b, item)
		}
		b.WriteByte(']')
	case *fields:
		b.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(canonicalJSON(k) + ":")
			writeValue(b, v.values[i])
		}
		b.WriteByte('}')
	}
}

// leaf is a scalar or enum value as stored.
func leaf(v any) json.RawMessage {
	return json.RawMessage(canonicalJSON(v))
}
