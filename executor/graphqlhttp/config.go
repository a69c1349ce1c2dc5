package graphqlhttp

import (
	"fmt"
	"math"
)

// defaultMaxBodyBytes is the body limit of DefaultConfig: far above any hand-written operation
// with its variables, small enough that a burst of requests cannot exhaust memory.
const defaultMaxBodyBytes = 2 << 20

// Config holds the limits Parse enforces. The zero Config is usable and behaves as DefaultConfig.
type Config struct {
	// MaxBodyBytes caps the size of a POST body, counted after Content-Encoding has been
	// removed, so a small gzip body cannot expand past it. The bytes on the wire are held to
	// the same cap, which keeps a stream of empty gzip members from running forever. Parse
	// never reads more than MaxBodyBytes+1 bytes from either side. Larger bodies get 413.
	// Zero means the default of 2 MiB.
	MaxBodyBytes int64
}

// DefaultConfig returns the limits a gateway should start from.
func DefaultConfig() Config {
	return Config{MaxBodyBytes: defaultMaxBodyBytes}
}

// Validate reports a Config that Parse cannot honour as written.
func (c Config) Validate() error {
	if c.MaxBodyBytes < 0 {
		return fmt.Errorf("graphqlhttp: MaxBodyBytes must not be negative, got %d (use 0 for the default of %d)", c.MaxBodyBytes, defaultMaxBodyBytes)
	}
	return nil
}

// maxBodyBytes is the limit in force: the default for zero (or an unvalidated negative value),
// and one below math.MaxInt64 so that reading limit+1 bytes cannot overflow.
func (c Config) maxBodyBytes() int64 {
	switch {
	case c.MaxBodyBytes <= 0:
		return defaultMaxBodyBytes
	case c.MaxBodyBytes == math.MaxInt64:
		return math.MaxInt64 - 1
	}
	return c.MaxBodyBytes
}
