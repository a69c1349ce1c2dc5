package discovery

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/hashicorp/memberlist"
)

func TestMetaRoundTrip(t *testing.T) {
	for _, in := range []Instance{
		{Node: "gw-1", Role: RoleGateway, Weight: 1},
		{Node: "gw-2", Role: RoleGateway, URL: "http://127.0.0.1:4000/graphql", Zone: "z", Weight: 1},
		{Node: "p-1", Role: RoleSubgraph, Subgraph: "products", URL: "https://10.0.0.7:4102/graphql", Version: "1.4.0+g3f2a", Zone: "eu-west-1a", Weight: 1000},
		{Node: "p-2", Role: RoleSubgraph, Subgraph: "ünïcode", URL: "http://[::1]:1/", Weight: 128},
	} {
		b := encodeMeta(in)
		got, err := decodeMeta(in.Node, b)
		if err != nil || got != in {
			t.Errorf("decodeMeta(encodeMeta(%+v)) = %+v, %v", in, got, err)
		}
		t.Logf("%s: %d bytes", in.Node, len(b))
	}
}

func TestMetaCompact(t *testing.T) {
	in := Instance{Role: RoleSubgraph, Subgraph: "products", URL: "https://10.0.0.7:4102/graphql", Version: "1.4.0", Zone: "eu-west-1a", Weight: 1}
	if n := len(encodeMeta(in)); n > 80 {
		t.Fatalf("metadata of a typical instance is %d bytes, want at most 80", n)
	}
}

// TestMetaGarbage: whatever a peer advertises, decoding returns an error or a valid
// instance, and never panics.
func TestMetaGarbage(t *testing.T) {
	valid := encodeMeta(Instance{Role: RoleSubgraph, Subgraph: "products", URL: "http://a/graphql", Weight: 2})
	field := func(tag byte, val string) []byte {
		b := []byte{tag}
		b = binary.AppendUvarint(b, uint64(len(val)))
		return append(b, val...)
	}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	head := []byte{metaMagic, metaVersion}
	cases := []struct {
		name string
		meta []byte
		want string
	}{
		{"empty", nil, "not Trellis metadata"},
		{"serf tags", []byte{255, 0x81, 0xa4, 'r', 'o', 'l', 'e'}, "not Trellis metadata"},
		{"json", []byte(`{"role":"subgraph"}`), "not Trellis metadata"},
		{"future version", []byte{metaMagic, 2}, "metadata format version 2; this build reads version 1"},
		{"oversized", cat(valid, field(99, strings.Repeat("x", memberlist.MetaMaxSize))), "over memberlist's 512"},
		{"truncated", valid[:len(valid)-5], "runs past the end"},
		{"bad length", cat(head, []byte{tagRole, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}), "runs past the end"},
		{"huge length", cat(head, []byte{tagRole}, binary.AppendUvarint(nil, 1<<63)), "runs past the end"},
		{"tag without length", cat(head, []byte{tagURL}), "runs past the end"},
		{"repeated", cat(valid, field(tagURL, "http://b/")), "field 3: repeated"},
		{"no weight", cat(head, field(tagRole, "gateway")), "metadata.weight: must be 1 to 1000; got 0"},
		{"weight too big", cat(head, field(tagRole, "gateway"), field(tagWeight, string(binary.AppendUvarint(nil, 5000)))), "weight: not a number"},
		{"weight trailing", cat(head, field(tagRole, "gateway"), field(tagWeight, "\x01\x01")), "weight: not a number"},
		{"unknown role", cat(head, field(tagRole, "registry"), field(tagWeight, "\x01")), `metadata.role: must be "gateway" or "subgraph"; got "registry"`},
		{"subgraph without url", cat(head, field(tagRole, "subgraph"), field(tagSubgraph, "p"), field(tagWeight, "\x01")), "metadata.url: required"},
		{"bad url", cat(head, field(tagRole, "gateway"), field(tagURL, "ftp://x/"), field(tagWeight, "\x01")), "metadata.url: must be an http"},
		{"bad utf8", cat(head, field(tagRole, "gateway"), field(tagZone, "\xc3"), field(tagWeight, "\x01")), "metadata.zone: not valid UTF-8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeMeta("n", tc.meta)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("decodeMeta = %+v, %v; want error with %q", got, err, tc.want)
			}
		})
	}
	// A field of a later version is skipped.
	got, err := decodeMeta("n", cat(valid, field(42, "later")))
	if err != nil || got.Subgraph != "products" || got.Weight != 2 {
		t.Fatalf("unknown field: %+v, %v", got, err)
	}
}

func FuzzDecodeMeta(f *testing.F) {
	f.Add(encodeMeta(Instance{Role: RoleGateway, Weight: 1}))
	f.Add(encodeMeta(Instance{Role: RoleSubgraph, Subgraph: "products", URL: "https://10.0.0.7:4102/graphql", Version: "1", Zone: "z", Weight: 7}))
	f.Add([]byte{metaMagic, metaVersion, tagRole, 0xff})
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := decodeMeta("n", b)
		if err != nil {
			return
		}
		if err := in.validate("metadata"); err != nil {
			t.Fatalf("decoded an invalid instance %+v: %v", in, err)
		}
		again, err := decodeMeta("n", encodeMeta(in))
		if err != nil || again != in {
			t.Fatalf("re-encoding %+v gives %+v, %v", in, again, err)
		}
	})
}
