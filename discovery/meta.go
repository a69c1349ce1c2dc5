package discovery

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/hashicorp/memberlist"
)

// Node metadata layout, version 1:
//
//	'T' 0x01 { tag:byte length:uvarint value:length bytes }...
//
// Strings are UTF-8; the weight is a uvarint inside its value. Empty strings are left out.
// A decoder skips tags it does not know, so a later version can add fields without
// bumping the format version; the version changes only for what old decoders must refuse.
// Compared with JSON this halves the size of a typical instance (about 60 bytes for a
// subgraph with a URL, a version and a zone), which matters under memberlist's 512-byte
// limit and in every alive message.
const (
	metaMagic   = 'T'
	metaVersion = 1
)

const (
	tagRole byte = 1 + iota
	tagSubgraph
	tagURL
	tagVersion
	tagZone
	tagWeight
)

// encodeMeta returns in's metadata. It does not check the size: see checkMetaSize.
func encodeMeta(in Instance) []byte {
	b := make([]byte, 0, 2+len(in.Role)+len(in.Subgraph)+len(in.URL)+len(in.Version)+len(in.Zone)+20)
	b = append(b, metaMagic, metaVersion)
	str := func(tag byte, s string) {
		if s == "" {
			return
		}
		b = append(b, tag)
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	str(tagRole, string(in.Role))
	str(tagSubgraph, in.Subgraph)
	str(tagURL, in.URL)
	str(tagVersion, in.Version)
	str(tagZone, in.Zone)
	w := binary.AppendUvarint(nil, uint64(in.Weight))
	b = append(b, tagWeight, byte(len(w)))
	return append(b, w...)
}

// checkMetaSize reports an instance whose metadata would not fit in memberlist's limit,
// naming its longest field: the one to shorten.
func checkMetaSize(prefix string, in Instance) error {
	n := len(encodeMeta(in))
	if n <= memberlist.MetaMaxSize {
		return nil
	}
	longest, size := "", -1
	for _, f := range []struct{ key, val string }{
		{"url", in.URL}, {"subgraph", in.Subgraph}, {"version", in.Version}, {"zone", in.Zone},
	} {
		if len(f.val) > size {
			longest, size = f.key, len(f.val)
		}
	}
	return fmt.Errorf("%s.%s: too long (%d bytes): the member's metadata would take %d bytes, memberlist allows %d",
		prefix, longest, size, n, memberlist.MetaMaxSize)
}

// decodeMeta reads a peer's metadata. It never panics; any input it cannot read as a valid
// instance is an error, and the member is then ignored.
func decodeMeta(node string, b []byte) (Instance, error) {
	if len(b) > memberlist.MetaMaxSize {
		return Instance{}, fmt.Errorf("metadata is %d bytes, over memberlist's %d", len(b), memberlist.MetaMaxSize)
	}
	if len(b) < 2 || b[0] != metaMagic {
		return Instance{}, errors.New("not Trellis metadata (a member of another memberlist cluster on the same port?)")
	}
	if b[1] != metaVersion {
		return Instance{}, fmt.Errorf("metadata format version %d; this build reads version %d", b[1], metaVersion)
	}
	in := Instance{Node: node}
	var seen [tagWeight + 1]bool
	for rest := b[2:]; len(rest) > 0; {
		tag := rest[0]
		n, k := binary.Uvarint(rest[1:])
		if k <= 0 || n > uint64(len(rest)-1-k) {
			return Instance{}, fmt.Errorf("field %d: length runs past the end of the metadata", tag)
		}
		val := rest[1+k : 1+k+int(n)]
		rest = rest[1+k+int(n):]
		if tag > tagWeight || tag == 0 {
			continue // a field of a later version
		}
		if seen[tag] {
			return Instance{}, fmt.Errorf("field %d: repeated", tag)
		}
		seen[tag] = true
		switch tag {
		case tagRole:
			in.Role = Role(val)
		case tagSubgraph:
			in.Subgraph = string(val)
		case tagURL:
			in.URL = string(val)
		case tagVersion:
			in.Version = string(val)
		case tagZone:
			in.Zone = string(val)
		case tagWeight:
			w, k := binary.Uvarint(val)
			if k != len(val) || k == 0 || w > MaxWeight {
				return Instance{}, fmt.Errorf("weight: not a number from 1 to %d", MaxWeight)
			}
			in.Weight = int(w)
		}
	}
	if err := in.validate("metadata"); err != nil {
		return Instance{}, err
	}
	return in, nil
}
