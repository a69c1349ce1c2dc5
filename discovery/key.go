package discovery

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

const keyHint = "make one with `head -c 32 /dev/urandom | base64` and give every member the same"

// ParseKey reads a gossip key as given to --gossip-key: the standard base64 of 16, 24 or 32
// random bytes (AES-128, -192 or -256). Surrounding spaces and a trailing newline, as left
// by reading a key file, are ignored.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("gossip key: empty; " + keyHint)
	}
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("gossip key: not standard base64 (%v); %s", err, keyHint)
	}
	switch len(key) {
	case 16, 24, 32:
		return key, nil
	}
	return nil, fmt.Errorf("gossip key: decodes to %d bytes, must be 16, 24 or 32; %s", len(key), keyHint)
}
