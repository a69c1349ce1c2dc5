package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"
)

func TestScopes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		claim string
		value any
		want  []string
		err   string
	}{
		{"string", "scope", "read:products  write:reviews ", []string{"read:products", "write:reviews"}, ""},
		{"array", "scope", []any{"read:products", "write:reviews"}, []string{"read:products", "write:reviews"}, ""},
		{"empty string", "scope", "", []string{}, ""},
		{"absent", "scope", nil, nil, ""},
		{"custom claim", "scp", []any{"admin"}, []string{"admin"}, ""},
		{"number", "scope", 42, nil, "the token's scope claim must be a space-separated string or an array of strings"},
		{"array with a number", "scp", []any{"admin", 1}, nil, "the token's scp claim must be a space-separated string or an array of strings"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := fileAuth(t, func(c *Config) { c.ScopeClaim = tc.claim }, rsaSigner())
			id, err := a.Authenticate(bearer(rsaSigner().sign(t, claims(map[string]any{"scope": nil, tc.claim: tc.value}))))
			if got := message(t, err); got != tc.err {
				t.Fatalf("Authenticate = %q; want %q", got, tc.err)
			}
			if err == nil && (!slices.Equal(id.Scopes, tc.want) || (id.Scopes == nil) != (tc.want == nil)) {
				t.Fatalf("Scopes = %#v; want %#v", id.Scopes, tc.want)
			}
		})
	}
}

func TestScopeKey(t *testing.T) {
	key := func(payload string) string {
		t.Helper()
		c, err := decodeClaims([]byte(payload))
		if err != nil {
			t.Fatal(err)
		}
		return (&Identity{Claims: c}).ScopeKey()
	}
	base := key(`{"sub":"u1","scope":"a b","org":{"id":7,"role":"admin"},"exp":100,"iat":50,"nbf":50,"jti":"x"}`)
	for _, tc := range []struct {
		name    string
		payload string
		same    bool
	}{
		{"other exp, iat, nbf, jti", `{"sub":"u1","scope":"a b","org":{"id":7,"role":"admin"},"exp":200,"iat":60,"jti":"y"}`, true},
		{"keys reordered", `{"org":{"role":"admin","id":7},"scope":"a b","sub":"u1"}`, true},
		{"escaped the same", `{"sub":"\u00751","scope":"a b","org":{"id":7,"role":"admin"}}`, true},
		{"other subject", `{"sub":"u2","scope":"a b","org":{"id":7,"role":"admin"}}`, false},
		{"other scope", `{"sub":"u1","scope":"a","org":{"id":7,"role":"admin"}}`, false},
		{"nested claim differs", `{"sub":"u1","scope":"a b","org":{"id":8,"role":"admin"}}`, false},
		{"number written differently", `{"sub":"u1","scope":"a b","org":{"id":7.0,"role":"admin"}}`, false},
		{"extra claim", `{"sub":"u1","scope":"a b","org":{"id":7,"role":"admin"},"tenant":"t"}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := key(tc.payload) == base; got != tc.same {
				t.Fatalf("same key = %v; want %v", got, tc.same)
			}
		})
	}
}

func TestScopeKeyFormat(t *testing.T) {
	sum := sha256.Sum256([]byte(`{"aud":["a","b"],"org":{"id":7,"role":"x\u003c"},"sub":"u1"}`))
	c, err := decodeClaims([]byte(`{"sub":"u1","exp":1,"org":{"role":"x<","id":7},"aud":["a","b"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := (&Identity{Claims: c}).ScopeKey(), hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("ScopeKey = %s; want %s", got, want)
	}
	var anonymous *Identity
	if got := anonymous.ScopeKey(); got != "" {
		t.Fatalf("nil ScopeKey = %q; want \"\"", got)
	}
}

// TestScopeKeyOfAuthenticate checks that Authenticate's identities carry the key of their claims.
func TestScopeKeyOfAuthenticate(t *testing.T) {
	a := fileAuth(t, nil, rsaSigner(), ecSigner())
	id1, err1 := a.Authenticate(bearer(rsaSigner().sign(t, claims(map[string]any{"jti": "1"}))))
	id2, err2 := a.Authenticate(bearer(ecSigner().sign(t, claims(map[string]any{"jti": "2", "exp": t0.Unix() + 60}))))
	id3, err3 := a.Authenticate(bearer(rsaSigner().sign(t, claims(map[string]any{"sub": "user-2"}))))
	if err1 != nil || err2 != nil || err3 != nil {
		t.Fatal(err1, err2, err3)
	}
	if id1.ScopeKey() != id2.ScopeKey() || id1.ScopeKey() == id3.ScopeKey() || id1.ScopeKey() != scopeKey(id1.Claims) {
		t.Fatalf("scope keys %s %s %s: want the first two equal, the third different", id1.ScopeKey(), id2.ScopeKey(), id3.ScopeKey())
	}
}

func TestDecodeClaims(t *testing.T) {
	for _, tc := range []struct{ payload, want string }{
		{`{"a":1}`, ""},
		{`null`, "the token's payload is not a JSON object"},
		{`[1]`, "the token's payload is not a JSON object"},
		{`{"a":1} {"b":2}`, "the token's payload has data after its JSON object"},
	} {
		_, err := decodeClaims([]byte(tc.payload))
		if got := message(t, err); got != tc.want {
			t.Errorf("decodeClaims(%s) = %q; want %q", tc.payload, got, tc.want)
		}
	}
}
