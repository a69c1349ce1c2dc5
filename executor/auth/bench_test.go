package auth

import (
	"context"
	"testing"
)

// BenchmarkAuthenticate measures one request with a valid token whose key is cached.
func BenchmarkAuthenticate(b *testing.B) {
	a := fileAuth(b, nil, rsaSigner(), ecSigner(), edSigner())
	for _, s := range []signer{rsaSigner(), ecSigner(), edSigner()} {
		b.Run(string(s.alg), func(b *testing.B) {
			r := bearer(s.sign(b, claims(nil)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := a.Authenticate(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifySignature is a token's first use: the signature check the cache then saves.
func BenchmarkVerifySignature(b *testing.B) {
	a := fileAuth(b, nil, rsaSigner(), ecSigner(), edSigner())
	for _, s := range []signer{rsaSigner(), ecSigner(), edSigner()} {
		b.Run(string(s.alg), func(b *testing.B) {
			tok := s.sign(b, claims(nil))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := a.verify(context.Background(), tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
