package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/trellis-gql/trellis/schema/registry"
)

// Client calls a registry's admin API. It is safe for concurrent use.
type Client struct {
	base     string // as given, for messages
	endpoint string // base + Path
	token    string
	hc       *http.Client
}

// NewClient returns a client of the registry at baseURL (http://host:port, the address of
// `trellis serve --registry`; a URL ending in /admin/graphql is taken as it is). token is sent
// as a bearer token; hc nil uses a plain http.Client. Each call is bounded by its context and
// by CallTimeout; a bad baseURL is reported by the first call.
func NewClient(baseURL, token string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{}
	}
	endpoint := strings.TrimRight(baseURL, "/")
	if !strings.HasSuffix(endpoint, Path) {
		endpoint += Path
	}
	return &Client{base: baseURL, endpoint: endpoint, token: token, hc: hc}
}

// CallTimeout bounds each call but SupergraphAfter (which waits its own timeout plus this).
const CallTimeout = 60 * time.Second

// maxResponseBytes bounds an answer: supergraphs and histories of a large graph fit.
const maxResponseBytes = 64 << 20

// Error is an error the registry answered with. Code is its extensions.code (CodeForbidden,
// ...); errors.Is matches the registry's errors: registry.ErrForbidden and the others.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Unwrap is the registry error of Code, if any.
func (e *Error) Unwrap() error {
	switch e.Code {
	case CodeUnauthenticated:
		return registry.ErrUnauthenticated
	case CodeForbidden:
		return registry.ErrForbidden
	case CodeNotFound:
		return registry.ErrNotFound
	case CodeBadUserInput:
		return registry.ErrInvalid
	}
	return nil
}

// call posts one GraphQL operation and decodes its data into out.
func (c *Client) call(ctx context.Context, timeout time.Duration, query string, vars map[string]any, out any) error {
	if u, err := url.Parse(c.endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("registry URL %q is not like http://127.0.0.1:4000 (the address of `trellis serve --registry`)", c.base)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return ctx.Err() // the caller gave up: not the registry's fault
		}
		return fmt.Errorf("registry at %s is not reachable: %v; is `trellis serve --registry` running there?", c.base, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return fmt.Errorf("registry at %s: reading the answer: %w", c.base, err)
	}
	return c.decode(resp, raw, out)
}

// decode turns an answer into out, or into the errors it carries.
func (c *Client) decode(resp *http.Response, raw []byte, out any) error {
	var ans struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string `json:"message"`
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &ans); err != nil {
		return fmt.Errorf("registry at %s answered %s with no GraphQL response (is this the registry's address?): %.200s",
			c.base, resp.Status, raw)
	}
	if len(ans.Errors) > 0 {
		errs := make([]error, len(ans.Errors))
		for i, e := range ans.Errors {
			errs[i] = &Error{Code: e.Extensions.Code, Message: e.Message}
		}
		if len(errs) == 1 {
			return errs[0]
		}
		return errors.Join(errs...)
	}
	if resp.StatusCode != http.StatusOK || len(ans.Data) == 0 {
		return fmt.Errorf("registry at %s answered %s without data", c.base, resp.Status)
	}
	if err := json.Unmarshal(ans.Data, out); err != nil {
		return fmt.Errorf("registry at %s: decoding the answer: %w", c.base, err)
	}
	return nil
}
