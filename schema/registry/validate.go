package registry

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// maxSDL is the largest subgraph schema accepted, in bytes.
const maxSDL = 1 << 20

var (
	namePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)
	teamPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,63}$`)
)

// adminTeam is the team name of the admin principal; no team token may use it.
const adminTeam = "admin"

func checkName(name string) error {
	if !namePattern.MatchString(name) {
		return fmt.Errorf("%w: subgraph name %q: use a letter then up to 63 letters, digits, _ or - (such as products or user-accounts)", ErrInvalid, clip(name))
	}
	return nil
}

// checkURL checks a routing URL; "" passes (the caller decides whether one is required).
func checkURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return fmt.Errorf("%w: routing URL %q is not an absolute http(s) URL without credentials: give one such as https://products.internal:4001/graphql", ErrInvalid, clip(raw))
	}
	return nil
}

func checkSDL(sdl string) error {
	switch {
	case strings.TrimSpace(sdl) == "":
		return fmt.Errorf("%w: the schema (SDL) is empty: give the subgraph's schema", ErrInvalid)
	case len(sdl) >= maxSDL:
		return fmt.Errorf("%w: the schema (SDL) is %d bytes; the limit is %d (1 MiB): split the subgraph", ErrInvalid, len(sdl), maxSDL)
	case !utf8.ValidString(sdl) || strings.ContainsRune(sdl, 0):
		return fmt.Errorf("%w: the schema (SDL) is not UTF-8 text (invalid bytes or NUL): save it as UTF-8", ErrInvalid)
	}
	return nil
}

func checkInput(in Input) error {
	if err := checkName(in.Name); err != nil {
		return err
	}
	if err := checkURL(in.RoutingURL); err != nil {
		return err
	}
	return checkSDL(in.SDL)
}

// checkTeam refuses names that are not team names, and "admin" in any case: attempts and
// versions record the team, and readers would take "Admin" for the admin.
func checkTeam(team string) error {
	if !teamPattern.MatchString(team) || strings.EqualFold(team, adminTeam) {
		return fmt.Errorf("%w: team name %q: use a letter then up to 63 letters, digits, _, . or -, and not %q (in any case)", ErrInvalid, clip(team), adminTeam)
	}
	return nil
}

// checkSecret checks a token given by the operator (Options.AdminToken).
func checkSecret(secret string) error {
	if len(secret) < 16 || len(secret) > 256 || strings.ContainsAny(secret, " \t\r\n") {
		return fmt.Errorf("%w: the admin token must be 16 to 256 characters without spaces: generate one with `openssl rand -hex 32`", ErrInvalid)
	}
	return nil
}

// clip shortens what a caller sent before it goes into an error message.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
