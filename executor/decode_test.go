package executor

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/executor/tree"
)

// stdDecode is the oracle: encoding/json with UseNumber.
func stdDecode(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

var decodeSeeds = []string{
	`{"data":{"a":1,"b":[true,false,null],"c":{"d":"e"}}}`,
	`{"s":"esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00 \ud800 x"}`,
	`[-0, 0.5, -1.25e+10, 3E-2, 12345678901234567890]`,
	`"plain"`, `[]`, `{}`, ` { "a" : [ 1 , 2 ] } `, `{"a":1,"a":2}`,
	`{"a":`, `[1,]`, `{"a" 1}`, `01`, `1.`, `-`, `"\x"`, "\"\x01\"", `nul`, `{"a":1}x`, `[1 2]`, `"abc`,
	"\"\xff\xfe\"",
}

func TestDecodeJSONMatchesEncodingJSON(t *testing.T) {
	for _, s := range decodeSeeds {
		checkDecode(t, []byte(s))
	}
}

func TestDecodeJSONBoundsValues(t *testing.T) {
	raw := []byte("[" + strings.Repeat("{},", maxJSONValues) + "{}]")
	if _, err := decodeJSON(raw); err == nil || !strings.Contains(err.Error(), "more than 1000000 values") {
		t.Fatalf("got %v, want the value bound", err)
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkDecode(t, []byte(s)) })
}

// checkDecode: decodeJSON accepts exactly what encoding/json accepts, and both give the same
// value once re-encoded (encoding/json normalizes invalid UTF-8 the same way for both).
func checkDecode(t *testing.T, raw []byte) {
	t.Helper()
	want, wantErr := stdDecode(raw)
	valid := json.Valid(raw)
	got, err := decodeJSON(append([]byte(nil), raw...))
	if (err == nil) != valid {
		t.Fatalf("%q: decodeJSON error %v, but json.Valid = %v", raw, err, valid)
	}
	if !valid || wantErr != nil {
		return
	}
	a, b := reencode(want), reencode(tree.Plain(got))
	if !bytes.Equal(a, b) {
		t.Fatalf("%q decodes to\n %s\nwant\n %s", raw, b, a)
	}
}

func BenchmarkDecodeJSON(b *testing.B) {
	raw := benchmarkBody(b)
	b.Run("decodeJSON", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeJSON(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := stdDecode(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchmarkBody is a response shaped like the benchmark's biggest subgraph answer.
func benchmarkBody(b *testing.B) []byte {
	review := map[string]any{"id": "1", "body": "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.",
		"product": map[string]any{"__typename": "Product", "upc": "1"}}
	var reviews []any
	for i := 0; i < 40; i++ {
		reviews = append(reviews, review)
	}
	var entities []any
	for i := 0; i < 20; i++ {
		entities = append(entities, map[string]any{"__typename": "User", "reviews": reviews})
	}
	raw, err := json.Marshal(map[string]any{"data": map[string]any{"_entities": entities}})
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// reencode marshals v, decodes it and marshals again, so that a string kept with invalid
// UTF-8 and one already holding U+FFFD compare equal.
func reencode(v any) []byte {
	first, _ := json.Marshal(v)
	var again any
	json.Unmarshal(first, &again)
	out, _ := json.Marshal(again)
	return out
}
