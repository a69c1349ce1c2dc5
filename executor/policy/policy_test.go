package policy

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAllow(t *testing.T) {
	claims := map[string]any{
		"sub":    "u1",
		"role":   "admin",
		"scope":  "read:a write:b",
		"groups": []any{"billing", "ops"},
		"level":  json.Number("3"),
		"org":    map[string]any{"id": "acme", "paid": true},
		"empty":  "",
		"x-name": "dash",
	}
	tests := []struct {
		src  string
		want bool
	}{
		{`claims.role == "admin"`, true},
		{`claims.role == "user"`, false},
		{`claims.role != "user"`, true},
		{`claims.groups contains "billing"`, true},
		{`claims.groups contains "bill"`, false},
		{`claims.scope contains "read:a"`, true},
		{`claims.scope contains "read"`, false}, // words, never substrings
		{`"ops" in claims.groups`, true},
		{`claims.role in ["admin", "owner"]`, true},
		{`claims.role in ["owner"]`, false},
		{`claims.level >= 3 && claims.level < 4`, true},
		{`claims.level > 3`, false},
		{`claims.level == 3`, true},
		{`claims.org.id == "acme"`, true},
		{`claims["org"]["paid"]`, true},
		{`claims.org.paid && !(claims.role == "user")`, true},
		{`claims.missing`, false},
		{`!claims.missing`, true},
		{`claims.missing == null`, true},
		{`claims.empty`, false},
		{`claims.role == "user" || claims.sub == "u1"`, true},
		{`claims.role == "user" || claims.sub == "u2" && true`, false},
		{`claims.level == "3"`, false}, // kinds differ
		{`claims.groups == "billing"`, false},
		{`claims.x-name == "dash"`, true},
		{`claims.role < 3`, false},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			r, err := Compile(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Allow(claims); got != tt.want {
				t.Fatalf("Allow = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestClaimsRead(t *testing.T) {
	r, err := Compile(`claims.role == "admin" || claims["iat"] > 5 && claims.role.x`)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.Claims(), ","); got != "role,iat" {
		t.Fatalf("Claims() = %s", got)
	}
}

func TestAnonymousDeniedByClaimRules(t *testing.T) {
	r, err := Compile(`claims.role == "admin" || !claims.banned`)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Allow(nil) {
		t.Fatal("!claims.banned holds for a caller without claims")
	}
	r, _ = Compile(`claims.role == "admin"`)
	if r.Allow(nil) {
		t.Fatal("anonymous caller allowed by a claim rule")
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{``, "column 1: the expression ends where a value was expected"},
		{`role == "admin"`, `column 1: unknown name "role": claims are read as claims.role`},
		{`claims.role == "admin`, "column 16: string not closed"},
		{`claims.role == "admin" claims.x`, `column 24: unexpected "claims" after a complete expression`},
		{`(claims.a`, "column 10: expected ) to close the parenthesis"},
		{`claims.a == `, "column 13: the expression ends where a value was expected"},
		{`claims`, "column 7: name a claim: claims.NAME"},
		{`claims.`, "column 8: expected a claim name after '.'"},
		{`claims.a in ["x" "y"]`, "column 18: expected , or ] in the list"},
		{`claims.a == 1e`, `column 13: "1e" is not a number`},
		{`claims.a # 1`, `column 10: unexpected "#"`},
		{strings.Repeat("(", 100) + "true" + strings.Repeat(")", 100), "nested more than 64 levels deep"},
		{strings.Repeat("!", 100) + "true", "nested more than 64 levels deep"},
		{"claims.a in " + strings.Repeat("[", 100), "lists nested more than 64 levels deep"},
		{strings.Repeat("x", MaxLength+1), "the limit is 4096"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			_, err := Compile(tt.src)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func FuzzCompile(f *testing.F) {
	f.Add(`claims.role == "admin" || claims.groups contains "x"`)
	f.Add(`!(claims.a.b >= 3) && "x" in ["x", 1, null]`)
	f.Fuzz(func(t *testing.T, src string) {
		r, err := Compile(src)
		if err == nil {
			r.Allow(map[string]any{"a": []any{"x"}, "role": "admin"})
		}
	})
}

func BenchmarkAllow(b *testing.B) {
	r, err := Compile(`claims.role == "admin" || claims.groups contains "billing"`)
	if err != nil {
		b.Fatal(err)
	}
	claims := map[string]any{"role": "user", "groups": []any{"ops", "billing"}}
	b.ReportAllocs()
	for b.Loop() {
		if !r.Allow(claims) {
			b.Fatal("denied")
		}
	}
}
