package auth

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"time"
)

// decodeClaims reads a verified payload. Numbers stay json.Number, so that large integers keep
// their digits and the scope key sees the issuer's exact text.
func decodeClaims(payload []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var claims map[string]any
	if err := dec.Decode(&claims); err != nil || claims == nil {
		return nil, &Error{Message: "the token's payload is not a JSON object", Err: err}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fail("the token's payload has data after its JSON object")
	}
	return claims, nil
}

// checkClaims applies the time, issuer and audience rules of the Config.
func (a *Authenticator) checkClaims(c map[string]any, now time.Time) error {
	skew := a.cfg.ClockSkew
	exp, ok, err := numericDate(c, "exp")
	switch {
	case err != nil:
		return err
	case !ok && a.cfg.RequireExp:
		return fail("the token has no exp claim; it must expire")
	case ok && !now.Before(exp.Add(skew)):
		return fail("the token expired at %s", exp.UTC().Format(time.RFC3339))
	}
	nbf, ok, err := numericDate(c, "nbf")
	switch {
	case err != nil:
		return err
	case ok && now.Add(skew).Before(nbf):
		return fail("the token is not valid before %s", nbf.UTC().Format(time.RFC3339))
	}
	if len(a.cfg.Issuers) > 0 {
		iss, ok := c["iss"].(string)
		if !ok {
			return fail("the token has no iss claim (a string)")
		}
		if !slices.Contains(a.cfg.Issuers, iss) {
			return fail("the token's issuer %s is not accepted", quote(iss))
		}
	}
	if len(a.cfg.Audiences) > 0 {
		return a.checkAudience(c["aud"])
	}
	return nil
}

func (a *Authenticator) checkAudience(aud any) error {
	var auds []string
	switch aud := aud.(type) {
	case nil:
		return fail("the token has no aud claim")
	case string:
		auds = []string{aud}
	case []any:
		for _, v := range aud {
			if s, ok := v.(string); ok {
				auds = append(auds, s)
			}
		}
	default:
		return fail("the token's aud claim must be a string or an array of strings")
	}
	for _, s := range auds {
		if slices.Contains(a.cfg.Audiences, s) {
			return nil
		}
	}
	return fail("the token's audience is not accepted")
}

// maxNumericDate keeps seconds well inside int64 nanoseconds' reach (year 33658).
const maxNumericDate = 1e12

// numericDate reads a NumericDate claim (seconds since the epoch, possibly fractional).
func numericDate(c map[string]any, name string) (time.Time, bool, error) {
	v, present := c[name]
	if !present {
		return time.Time{}, false, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, false, fail("the token's %s claim must be a number of seconds", name)
	}
	f, err := n.Float64()
	if err != nil || f < -maxNumericDate || f > maxNumericDate {
		return time.Time{}, false, fail("the token's %s claim is out of range", name)
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)), true, nil
}

// scopes reads the scope claim: a space-separated string or an array of strings.
func scopes(c map[string]any, name string) ([]string, error) {
	switch v := c[name].(type) {
	case nil:
		return nil, nil
	case string:
		return strings.Fields(v), nil
	case []any:
		out := make([]string, 0, len(v))
		for _, s := range v {
			str, ok := s.(string)
			if !ok {
				return nil, scopeError(name)
			}
			out = append(out, str)
		}
		return out, nil
	}
	return nil, scopeError(name)
}

func scopeError(name string) error {
	return fail("the token's %s claim must be a space-separated string or an array of strings", name)
}

// subject reads the sub claim.
func subject(c map[string]any) (string, error) {
	switch v := c["sub"].(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	}
	return "", fail("the token's sub claim must be a string")
}
