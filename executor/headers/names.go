package headers

import (
	"net/textproto"
	"strings"
)

// forbiddenRequest are the headers no rule may send to a subgraph: hop-by-hop headers
// (RFC 9110 §7.6.1), the framing and content negotiation of the gateway's own request,
// and the trace context the gateway injects. Names starting with Proxy- or Trellis- are
// refused too.
var forbiddenRequest = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Transfer-Encoding": true, "Upgrade": true,
	"Te": true, "Trailer": true, "Host": true, "Expect": true,
	"Content-Length": true, "Content-Type": true, "Content-Encoding": true,
	"Accept": true, "Accept-Encoding": true,
	"Traceparent": true, "Tracestate": true,
}

// forbiddenResponse are the subgraph response headers that never reach the client:
// hop-by-hop headers, the framing of the subgraph's own body (which is not the one the
// client gets), and what the gateway alone decides: authentication challenges and CORS
// (names starting with Access-Control-: a subgraph's would grant origins the gateway's CORS
// rules refuse). Names starting with Proxy- or Trellis- are refused too.
var forbiddenResponse = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Transfer-Encoding": true, "Upgrade": true,
	"Te": true, "Trailer": true,
	"Content-Length": true, "Content-Type": true, "Content-Encoding": true, "Content-Range": true,
	"Www-Authenticate": true, "Vary": true,
}

// Forbidden reports whether no request rule may send the header name to a subgraph.
func Forbidden(name string) bool { return forbidden(forbiddenRequest, name) }

// ForbiddenResponse reports whether no response rule may pass the header name to the client.
func ForbiddenResponse(name string) bool {
	return forbidden(forbiddenResponse, name) || strings.HasPrefix(textproto.CanonicalMIMEHeaderKey(name), "Access-Control-")
}

func forbidden(set map[string]bool, name string) bool {
	c := textproto.CanonicalMIMEHeaderKey(name)
	return set[c] || strings.HasPrefix(c, "Proxy-") || strings.HasPrefix(c, "Trellis-")
}

// validName reports whether s is an HTTP field name (a token, RFC 9110 §5.1).
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenByte(s[i]) {
			return false
		}
	}
	return true
}

func isTokenByte(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0
}

// validValue reports whether s may be sent as a field value: no control characters but
// tab (a CR or LF would split the header).
func validValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; (b < ' ' && b != '\t') || b == 0x7f {
			return false
		}
	}
	return true
}
