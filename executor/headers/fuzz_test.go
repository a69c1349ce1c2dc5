package headers

import "testing"

// FuzzCacheControl: any Cache-Control value parses without panicking, and the merged
// policy's text reads back as itself.
func FuzzCacheControl(f *testing.F) {
	for _, s := range []string{"public, max-age=60", "private, no-cache", "no-store", "s-maxage=10", `max-age="5", must-revalidate`,
		"max-age=99999999999", "max-age=-1", ",,,", "public,max-age=1,s-maxage=2,private"} {
		f.Add(s, "max-age=30")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		p := parsePolicy([]string{a}).merge(parsePolicy([]string{b}))
		text := p.String()
		if again := parsePolicy([]string{text}).String(); again != text {
			t.Errorf("%q + %q merged to %q, which reads back as %q", a, b, text, again)
		}
	})
}
