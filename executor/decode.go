package executor

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
	"unsafe"

	"github.com/trellis-gql/trellis/executor/tree"
	"github.com/trellis-gql/trellis/internal/jsonstr"
)

// decodeJSON parses one JSON value (a subgraph response) into the response tree's types:
// *tree.Object, []any, string, json.Number, bool and nil. Strings without escapes and
// numbers point into raw instead of being copied, so raw must never be modified afterwards;
// the tree keeps it alive. It is several times cheaper than encoding/json into any, which
// spends most of its time in reflection.
func decodeJSON(raw []byte) (any, error) {
	return decodeIn(raw, &boxes{})
}

// decodeIn is decodeJSON with the values in b's blocks.
func decodeIn(raw []byte, b *boxes) (any, error) {
	d := &decoder{raw: raw, boxes: b, stack: b.stack, fields: b.fields}
	defer func() { b.stack, b.fields = d.stack[:0], d.fields[:0] }()
	d.space()
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.space()
	if d.pos != len(d.raw) {
		return nil, d.fail("unexpected data after the top-level value")
	}
	return v, nil
}

// maxJSONDepth bounds nesting, as encoding/json does, so hostile input cannot exhaust the stack.
const maxJSONDepth = 10_000

// maxJSONValues bounds the values of one body: a body of empty objects costs some 70 bytes
// of memory per 3 bytes of input, so the byte limit alone does not bound memory.
const maxJSONValues = 1_000_000

type decoder struct {
	raw    []byte
	pos    int
	values int
	stack  []any        // the items of the arrays being read
	fields []tree.Field // the members of the objects being read
	boxes  *boxes
}

var errUnexpectedEnd = errors.New("unexpected end of JSON input")

func (d *decoder) fail(msg string) error {
	return fmt.Errorf("invalid JSON at byte %d: %s", d.pos+1, msg)
}

func (d *decoder) space() {
	for d.pos < len(d.raw) {
		switch d.raw[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value(depth int) (any, error) {
	if d.pos >= len(d.raw) {
		return nil, errUnexpectedEnd
	}
	if depth > maxJSONDepth {
		return nil, d.fail("nested too deeply")
	}
	if d.values++; d.values > maxJSONValues {
		return nil, d.fail(fmt.Sprintf("more than %d values", maxJSONValues))
	}
	d.boxes.left = len(d.raw) - d.pos
	switch c := d.raw[d.pos]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		s, err := d.string()
		if err != nil {
			return nil, err
		}
		return d.boxes.string(s), nil
	case c == '-' || c >= '0' && c <= '9':
		n, err := d.number()
		if err != nil {
			return nil, err
		}
		return d.boxes.number(n), nil
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	}
	return nil, d.fail(fmt.Sprintf("unexpected character %q", d.raw[d.pos]))
}

func (d *decoder) literal(word string) error {
	if len(d.raw)-d.pos < len(word) || string(d.raw[d.pos:d.pos+len(word)]) != word {
		return d.fail("invalid literal, expected " + word)
	}
	d.pos += len(word)
	return nil
}

func (d *decoder) object(depth int) (any, error) {
	d.pos++ // {
	d.space()
	if d.pos < len(d.raw) && d.raw[d.pos] == '}' {
		d.pos++
		return d.boxes.object(nil), nil
	}
	// The members go on a stack shared by all the objects being read, then into a block of
	// members: no allocation for most objects.
	mark := len(d.fields)
	for {
		d.space()
		if d.pos >= len(d.raw) || d.raw[d.pos] != '"' {
			return nil, d.fail("expected a string key")
		}
		key, err := d.string()
		if err != nil {
			return nil, err
		}
		d.space()
		if d.pos >= len(d.raw) || d.raw[d.pos] != ':' {
			return nil, d.fail("expected ':' after an object key")
		}
		d.pos++
		d.space()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		d.fields = append(d.fields, tree.Field{Key: key, Value: v})
		d.space()
		if d.pos >= len(d.raw) {
			return nil, errUnexpectedEnd
		}
		switch d.raw[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			d.boxes.left = len(d.raw) - d.pos
			obj := d.boxes.object(d.fields[mark:])
			clear(d.fields[mark:])
			d.fields = d.fields[:mark]
			return obj, nil
		default:
			return nil, d.fail("expected ',' or '}' in an object")
		}
	}
}

func (d *decoder) array(depth int) (any, error) {
	d.pos++ // [
	d.space()
	if d.pos < len(d.raw) && d.raw[d.pos] == ']' {
		d.pos++
		return d.boxes.list([]any{}), nil
	}
	// The items go on a stack shared by all the arrays being read, then into a list of
	// their exact length: one allocation per array instead of one per doubling.
	mark := len(d.stack)
	for {
		d.space()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		d.stack = append(d.stack, v)
		d.space()
		if d.pos >= len(d.raw) {
			return nil, errUnexpectedEnd
		}
		switch d.raw[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			d.boxes.left = len(d.raw) - d.pos
			list := d.boxes.items(d.stack[mark:])
			clear(d.stack[mark:])
			d.stack = d.stack[:mark]
			return d.boxes.list(list), nil
		default:
			return nil, d.fail("expected ',' or ']' in an array")
		}
	}
}

// string reads a JSON string. Without escapes the result shares raw's memory.
func (d *decoder) string() (string, error) {
	d.pos++ // opening quote
	start := d.pos
	// Eight bytes at a time while none ends the string or needs decoding.
	for d.pos+8 <= len(d.raw) && special(binary.LittleEndian.Uint64(d.raw[d.pos:])) == 0 {
		d.pos += 8
	}
	for d.pos < len(d.raw) && (plainByte[d.raw[d.pos]] || d.raw[d.pos] >= utf8.RuneSelf) {
		d.pos++
	}
	if d.pos == len(d.raw) {
		return "", errUnexpectedEnd
	}
	switch d.raw[d.pos] {
	case '"':
		s := d.raw[start:d.pos]
		d.pos++
		return unsafe.String(unsafe.SliceData(s), len(s)), nil
	case '\\':
		return d.escapedString(start)
	}
	return "", d.fail("control character in a string")
}

// escapedString finishes a string that has escapes, from its first escape on.
func (d *decoder) escapedString(start int) (string, error) {
	buf := make([]byte, 0, d.pos-start+16)
	buf = append(buf, d.raw[start:d.pos]...)
	for d.pos < len(d.raw) {
		c := d.raw[d.pos]
		switch {
		case c == '"':
			d.pos++
			return string(buf), nil
		case c < 0x20:
			return "", d.fail("control character in a string")
		case c != '\\':
			buf = append(buf, c)
			d.pos++
			continue
		}
		var read int
		if buf, read = jsonstr.Escape(buf, d.raw[d.pos:]); read == 0 {
			return "", d.escapeError()
		}
		d.pos += read
	}
	return "", errUnexpectedEnd
}

// escapeError says why the escape at d.pos is not one.
func (d *decoder) escapeError() error {
	rest := d.raw[d.pos:]
	switch {
	case len(rest) < 2, rest[1] == 'u' && len(rest) < 6:
		return errUnexpectedEnd
	case rest[1] == 'u':
		return d.fail("invalid \\u escape")
	}
	return d.fail(fmt.Sprintf("invalid escape \\%c", rest[1]))
}

// number reads a JSON number, checking its grammar; the result shares raw's memory.
func (d *decoder) number() (json.Number, error) {
	start := d.pos
	if d.raw[d.pos] == '-' {
		d.pos++
	}
	switch {
	case d.pos < len(d.raw) && d.raw[d.pos] == '0':
		d.pos++
	case d.digits() == 0:
		return "", d.fail("invalid number")
	}
	if d.pos < len(d.raw) && d.raw[d.pos] == '.' {
		d.pos++
		if d.digits() == 0 {
			return "", d.fail("invalid number: no digits after '.'")
		}
	}
	if d.pos < len(d.raw) && (d.raw[d.pos] == 'e' || d.raw[d.pos] == 'E') {
		d.pos++
		if d.pos < len(d.raw) && (d.raw[d.pos] == '+' || d.raw[d.pos] == '-') {
			d.pos++
		}
		if d.digits() == 0 {
			return "", d.fail("invalid number: no digits in exponent")
		}
	}
	s := d.raw[start:d.pos]
	return json.Number(unsafe.String(unsafe.SliceData(s), len(s))), nil
}

func (d *decoder) digits() int {
	n := 0
	for d.pos < len(d.raw) && d.raw[d.pos] >= '0' && d.raw[d.pos] <= '9' {
		d.pos++
		n++
	}
	return n
}

// boxes turns strings, numbers and lists into interface values without an allocation each.
// Converting a string to any copies its header to the heap: 16 bytes, one allocation per
// string of the response (most of its values). boxes keeps the headers in blocks instead
// and points the interface values at them. A block's elements are not written again while
// the values handed out are in use, as the runtime expects of what an interface value
// points to: only once the execution is over, when its arena is reset for the next one.
type boxes struct {
	strings blocks[string]
	numbers blocks[json.Number]
	lists   blocks[[]any]
	objects blocks[tree.Object]
	members blocks[tree.Field]
	listed  blocks[any] // the items of lists
	// left is the size of the input still to decode: a new block is no bigger than it
	// could need, so the last block of a body is not mostly empty.
	left int
	// stack and fields are the decoder's: the items of the arrays and the members of the
	// objects being read.
	stack  []any
	fields []tree.Field
	// held is the size of the last body decoded into the boxes (see arena.box).
	held int
}

// reset empties the blocks for another body, of another execution.
func (b *boxes) reset() {
	b.strings.reset()
	b.numbers.reset()
	b.lists.reset()
	b.objects.reset()
	b.members.reset()
	b.listed.reset()
	clear(b.stack[:cap(b.stack)])
	clear(b.fields[:cap(b.fields)])
	b.stack, b.fields = b.stack[:0], b.fields[:0]
}

// size is the memory the boxes hold, in bytes.
func (b *boxes) size() int {
	return b.strings.size() + b.numbers.size() + b.lists.size() + b.objects.size() +
		b.members.size() + b.listed.size() +
		cap(b.stack)*int(unsafe.Sizeof(any(nil))) + cap(b.fields)*int(unsafe.Sizeof(tree.Field{}))
}

// maxBoxBlock bounds the values per block; blocks start small and double up to it, so
// that a small body does not hold a large block.
const maxBoxBlock = 256

// blockCap is the capacity of a new block after one of capacity was: double, at most max,
// and at most one value per bytesPer bytes of the input left.
func (b *boxes) blockCap(was, max, bytesPer int) int {
	return min(2*was, max, b.left/bytesPer) + 8
}

func (b *boxes) string(s string) any {
	return boxIn(&b.strings, s, stringType, b, 16)
}

func (b *boxes) number(n json.Number) any {
	return boxIn(&b.numbers, n, numberType, b, 16)
}

func (b *boxes) list(l []any) any {
	return boxIn(&b.lists, l, listType, b, 64)
}

// maxMemberBlock bounds the members per block of object members, and the items per block
// of list items.
const maxMemberBlock = 1024

// items returns a copy of a list's items, from a block: a slice of exactly their length,
// so that nothing written to one list reaches the next.
func (b *boxes) items(items []any) []any {
	return carve(&b.listed, items, len(items), b.blockCap(cap(b.listed.cur), maxMemberBlock, 16))
}

// carve returns a copy of items with a capacity of n, from bl: no other slice of the block
// reaches into its capacity, so appending to it never writes over another's. A new block,
// when the current one lacks room, has a capacity of newCap (n at least); past a quarter of
// maxMemberBlock the copy is allocated alone.
func carve[T any](bl *blocks[T], items []T, n, newCap int) []T {
	if n > maxMemberBlock/4 {
		out := make([]T, len(items), n)
		copy(out, items)
		return out
	}
	bl.room(n, newCap)
	start := len(bl.cur)
	bl.cur = append(bl.cur, items...)
	out := bl.cur[start : start+len(items) : start+n]
	bl.cur = bl.cur[:start+n]
	return out
}

// object returns a new object of a copy of fields: objects and their members come from
// blocks too. An object's members are a slice of exactly their length, so adding one to it
// later moves them out of the block instead of overwriting the next object's.
func (b *boxes) object(fields []tree.Field) *tree.Object {
	b.objects.room(1, b.blockCap(cap(b.objects.cur), maxBoxBlock, 64))
	var members []tree.Field
	if len(fields) > 0 {
		members = carve(&b.members, fields, len(fields), b.blockCap(cap(b.members.cur), maxMemberBlock, 16))
	}
	b.objects.cur = append(b.objects.cur, tree.Object{})
	obj := &b.objects.cur[len(b.objects.cur)-1]
	obj.Init(members)
	return obj
}

// boxIn stores v in the current block of bl and returns an interface value of dynamic type
// typ (v's type) pointing at it. A new block is sized by b.blockCap, for at most one value
// per bytesPer bytes of b's input left.
func boxIn[T any](bl *blocks[T], v T, typ unsafe.Pointer, b *boxes, bytesPer int) any {
	if len(bl.cur) == cap(bl.cur) {
		bl.room(1, b.blockCap(cap(bl.cur), maxBoxBlock, bytesPer))
	}
	bl.cur = append(bl.cur, v)
	var out any
	e := (*eface)(unsafe.Pointer(&out))
	e.typ, e.data = typ, unsafe.Pointer(&bl.cur[len(bl.cur)-1])
	return out
}

// eface is the layout of an interface value of type any: its dynamic type, and a pointer to
// its value (for types like string and slices, which do not fit in a pointer).
type eface struct {
	typ, data unsafe.Pointer
}

func typeOf(v any) unsafe.Pointer {
	return (*eface)(unsafe.Pointer(&v)).typ
}

var (
	stringType = typeOf("")
	numberType = typeOf(json.Number(""))
	listType   = typeOf([]any(nil))
)
