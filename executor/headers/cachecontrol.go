package headers

import (
	"strconv"
	"strings"
)

// policy is a Cache-Control policy as the merge reads it. Durations are seconds, -1 when
// absent.
type policy struct {
	noStore, noCache, private, public, mustRevalidate bool
	maxAge                                            int64
	// sMaxAge is what shared caches use: s-maxage when given, else max-age.
	sMaxAge int64
	// sExplicit is set when some response gave s-maxage.
	sExplicit bool
}

// maxDelta is the largest delta-seconds kept (RFC 9111 §1.2.2).
const maxDelta = 1 << 31

// parsePolicy reads the Cache-Control values of one subgraph response. A response that
// does not let caches keep it for a known time (no header, no max-age nor s-maxage, an
// unreadable duration) is no-store: as in Apollo Gateway, a subgraph that says nothing
// makes the whole response uncacheable.
func parsePolicy(values []string) policy {
	p := policy{maxAge: -1, sMaxAge: -1}
	for _, v := range values {
		for d := range strings.SplitSeq(v, ",") {
			if !p.directive(strings.TrimSpace(d)) {
				return policy{noStore: true, maxAge: -1, sMaxAge: -1}
			}
		}
	}
	if !p.noStore && !p.noCache && p.maxAge < 0 && p.sMaxAge < 0 {
		p.noStore = true
	}
	if p.sMaxAge >= 0 {
		p.sExplicit = true
		if p.maxAge < 0 {
			p.maxAge = 0 // s-maxage alone: private caches must not keep it
		}
	} else {
		p.sMaxAge = p.maxAge
	}
	return p
}

// directive applies one directive; false when its duration is unreadable.
func (p *policy) directive(d string) bool {
	name, arg, _ := strings.Cut(d, "=")
	name = strings.ToLower(strings.TrimSpace(name))
	arg = strings.Trim(strings.TrimSpace(arg), `"`)
	switch name {
	case "no-store":
		p.noStore = true
	case "no-cache":
		p.noCache = true
	case "private":
		p.private = true
	case "public":
		p.public = true
	case "must-revalidate", "proxy-revalidate":
		p.mustRevalidate = true
	case "max-age", "s-maxage":
		n, err := strconv.ParseUint(arg, 10, 64)
		if err != nil {
			return false
		}
		secs := int64(min(n, maxDelta))
		if name == "max-age" {
			p.maxAge = minAge(p.maxAge, secs)
		} else {
			p.sMaxAge = minAge(p.sMaxAge, secs)
		}
	}
	return true
}

// minAge is the smaller of two durations, -1 (absent) counting as none.
func minAge(a, b int64) int64 {
	switch {
	case a < 0:
		return b
	case b < 0:
		return a
	}
	return min(a, b)
}

// merge is the most restrictive of two policies: no-store over no-cache over private over
// public, the smallest max-age and s-maxage, must-revalidate when either says so.
func (p policy) merge(q policy) policy {
	return policy{
		noStore:        p.noStore || q.noStore,
		noCache:        p.noCache || q.noCache,
		private:        p.private || q.private,
		public:         p.public && q.public,
		mustRevalidate: p.mustRevalidate || q.mustRevalidate,
		maxAge:         minAge(p.maxAge, q.maxAge),
		sMaxAge:        minAge(p.sMaxAge, q.sMaxAge),
		sExplicit:      p.sExplicit || q.sExplicit,
	}
}

// String is the Cache-Control value of the policy.
func (p policy) String() string {
	switch {
	case p.noStore:
		return "no-store"
	case p.noCache && p.private:
		return "private, no-cache"
	case p.noCache:
		return "no-cache"
	}
	var parts []string
	switch {
	case p.private:
		parts = append(parts, "private")
	case p.public:
		parts = append(parts, "public")
	}
	parts = append(parts, "max-age="+strconv.FormatInt(max(p.maxAge, 0), 10))
	if !p.private && p.sExplicit && p.sMaxAge != p.maxAge {
		parts = append(parts, "s-maxage="+strconv.FormatInt(p.sMaxAge, 10))
	}
	if p.mustRevalidate {
		parts = append(parts, "must-revalidate")
	}
	return strings.Join(parts, ", ")
}
