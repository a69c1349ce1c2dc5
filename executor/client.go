package executor

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/trellis-gql/trellis/resilience"
	"github.com/trellis-gql/trellis/resilience/h1"
)

// NewHTTPClient returns the client used for subgraphs when none is given. Plain-HTTP
// requests go through h1, which sends them on the calling goroutine; the rest (https)
// through resilience.NewTransport, the resilient client's: keep-alive connections sized for
// a busy gateway, HTTP/2 when the server offers it, no transparent compression, 8 KiB
// buffers. Redirects are not followed, as the resilient client does not follow them either:
// a subgraph that answers 3xx is misconfigured, and following a 302 would turn the POST into
// a GET without its body.
func NewHTTPClient() Doer {
	return transportClient{h1.New(h1.Options{Fallback: resilience.NewTransport(nil)})}
}

// transportClient sends requests straight through its transport. What http.Client adds
// costs ~1.5% of the gateway's CPU under load and a copy of the headers per request, for
// redirects and cookies a gateway does not want; its errors are kept: they name the
// request ("Post \"http://host/graphql\": ..."), and user info in the URL becomes Basic
// authorization.
type transportClient struct{ rt http.RoundTripper }

func (c transportClient) Do(req *http.Request) (*http.Response, error) {
	if req.URL == nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, errors.New("http: nil Request.URL")
	}
	if u := req.URL.User; u != nil && req.Header.Get("Authorization") == "" {
		req = req.Clone(req.Context())
		password, _ := u.Password()
		req.SetBasicAuth(u.Username(), password)
	}
	resp, err := c.rt.RoundTrip(req)
	if err != nil {
		return nil, &url.Error{Op: requestOp(req.Method), URL: withoutPassword(req.URL), Err: err}
	}
	return resp, nil
}

// CloseIdleConnections closes the transport's idle connections.
func (c transportClient) CloseIdleConnections() {
	if ci, ok := c.rt.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

// requestOp is the method as http.Client's errors write it: "Post", "Get".
func requestOp(method string) string {
	if method == "" {
		return "Get"
	}
	return method[:1] + strings.ToLower(method[1:])
}

func withoutPassword(u *url.URL) string {
	if _, has := u.User.Password(); has {
		return strings.Replace(u.String(), u.User.String()+"@", u.User.Username()+":***@", 1)
	}
	return u.String()
}
