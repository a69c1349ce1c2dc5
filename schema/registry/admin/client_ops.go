package admin

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/trellis-gql/trellis/schema/registry"
)

// The selections the client asks for: every field, named so that encoding/json fills the
// registry's types (it matches names without regard to case; aliases cover the rest).
const (
	subgraphFields    = `fragment S on Subgraph { name routingUrl sdl version publishedAt publishedBy }`
	supergraphFields  = `fragment G on Supergraph { version sdl hash createdAt subgraphs { name version } }`
	publicationFields = `fragment P on Publication { id subgraph action status by subgraphVersion supergraphVersion
  problems { code message subgraph coordinate line column } changes { level code coordinate message } createdAt }`
	resultFields = `fragment R on PublishResult { publication { ...P } supergraph { ...G } message }` +
		"\n" + publicationFields + "\n" + supergraphFields
	tokenFields = `fragment T on Token { tokenID: id team admin subgraphs }`
)

// wirePublication is a Publication as the API sends it: its id is a GraphQL ID (a string).
type wirePublication struct {
	registry.Publication
	ID string `json:"id"`
}

func (w wirePublication) publication() (registry.Publication, error) {
	p := w.Publication
	id, err := strconv.ParseInt(w.ID, 10, 64)
	if err != nil {
		return p, fmt.Errorf("publication id %q is not a number", w.ID)
	}
	p.ID = id
	return p, nil
}

type wireResult struct {
	Publication wirePublication
	Supergraph  *registry.Supergraph
	Message     string
}

func (w wireResult) result() (*registry.Result, error) {
	p, err := w.Publication.publication()
	return &registry.Result{Publication: p, Supergraph: w.Supergraph, Message: w.Message}, err
}

// Publish stores a new version of a subgraph (see registry.Registry.Publish). A refused or
// failed publication is a Result with that Status, not an error.
func (c *Client) Publish(ctx context.Context, in registry.Input, allowBreaking bool) (*registry.Result, error) {
	return c.change(ctx, `mutation($input: SubgraphInput!, $allow: Boolean) { r: publish(input: $input, allowBreaking: $allow) { ...R } }`,
		map[string]any{"input": input(in), "allow": allowBreaking})
}

// Remove takes a subgraph out of the supergraph.
func (c *Client) Remove(ctx context.Context, name string, allowBreaking bool) (*registry.Result, error) {
	return c.change(ctx, `mutation($name: String!, $allow: Boolean) { r: remove(name: $name, allowBreaking: $allow) { ...R } }`,
		map[string]any{"name": name, "allow": allowBreaking})
}

// Rollback publishes version to of a subgraph again, as a new version.
func (c *Client) Rollback(ctx context.Context, name string, to int, allowBreaking bool) (*registry.Result, error) {
	return c.change(ctx, `mutation($name: String!, $to: Int!, $allow: Boolean) { r: rollback(name: $name, toVersion: $to, allowBreaking: $allow) { ...R } }`,
		map[string]any{"name": name, "to": to, "allow": allowBreaking})
}

func (c *Client) change(ctx context.Context, op string, vars map[string]any) (*registry.Result, error) {
	var out struct{ R wireResult }
	if err := c.call(ctx, CallTimeout, op+"\n"+resultFields, vars, &out); err != nil {
		return nil, err
	}
	return out.R.result()
}

// Check composes and classifies as Publish would, storing nothing.
func (c *Client) Check(ctx context.Context, in registry.Input) (*registry.CheckResult, error) {
	var out struct{ R registry.CheckResult }
	err := c.call(ctx, CallTimeout, `query($input: SubgraphInput!) { r: check(input: $input) {
  problems { code message subgraph coordinate line column } changes { level code coordinate message } breaking } }`,
		map[string]any{"input": input(in)}, &out)
	if err != nil {
		return nil, err
	}
	return &out.R, nil
}

// Subgraphs returns the latest version of every subgraph, sorted by name.
func (c *Client) Subgraphs(ctx context.Context) ([]registry.Subgraph, error) {
	var out struct{ R []registry.Subgraph }
	err := c.call(ctx, CallTimeout, `{ r: subgraphs { ...S } }`+"\n"+subgraphFields, nil, &out)
	return out.R, err
}

// Versions returns every version of one subgraph, newest first.
func (c *Client) Versions(ctx context.Context, name string) ([]registry.Subgraph, error) {
	var out struct{ R []registry.Subgraph }
	err := c.call(ctx, CallTimeout, `query($name: String!) { r: versions(name: $name) { ...S } }`+"\n"+subgraphFields,
		map[string]any{"name": name}, &out)
	return out.R, err
}

// History returns publication attempts, newest first: one subgraph's, or all ("" name).
func (c *Client) History(ctx context.Context, name string, limit int) ([]registry.Publication, error) {
	var out struct{ R []wirePublication }
	err := c.call(ctx, CallTimeout, `query($name: String, $limit: Int) { r: history(name: $name, limit: $limit) { ...P } }`+"\n"+publicationFields,
		map[string]any{"name": name, "limit": limit}, &out)
	if err != nil {
		return nil, err
	}
	pubs := make([]registry.Publication, len(out.R))
	for i, w := range out.R {
		if pubs[i], err = w.publication(); err != nil {
			return nil, err
		}
	}
	return pubs, nil
}

// Supergraph returns the latest supergraph; nil before the first.
func (c *Client) Supergraph(ctx context.Context) (*registry.Supergraph, error) {
	var out struct{ R *registry.Supergraph }
	err := c.call(ctx, CallTimeout, `{ r: supergraph { ...G } }`+"\n"+supergraphFields, nil, &out)
	return out.R, err
}

// SupergraphAfter waits up to wait (whole seconds, at most MaxPoll) for a supergraph newer
// than version, and returns the latest one then (nil if there is none yet): compare its
// Version with version to know whether it is new.
func (c *Client) SupergraphAfter(ctx context.Context, version int64, wait time.Duration) (*registry.Supergraph, error) {
	secs := int(min(wait, MaxPoll) / time.Second)
	var out struct{ R *registry.Supergraph }
	err := c.call(ctx, time.Duration(secs)*time.Second+CallTimeout,
		`query($v: Int!, $t: Int) { r: supergraphAfter(version: $v, timeoutSeconds: $t) { ...G } }`+"\n"+supergraphFields,
		map[string]any{"v": version, "t": secs}, &out)
	return out.R, err
}

// CreateToken makes a team token for the subgraphs named (admin token only); the secret is
// shown this once.
func (c *Client) CreateToken(ctx context.Context, team string, subgraphs []string) (id, secret string, err error) {
	var out struct{ R struct{ ID, Secret string } }
	err = c.call(ctx, CallTimeout, `mutation($team: String!, $subgraphs: [String!]!) { r: createToken(team: $team, subgraphs: $subgraphs) { id secret } }`,
		map[string]any{"team": team, "subgraphs": nonNil(subgraphs)}, &out)
	return out.R.ID, out.R.Secret, err
}

// RevokeToken revokes a token (admin token only).
func (c *Client) RevokeToken(ctx context.Context, id string) error {
	var out struct{ R bool }
	return c.call(ctx, CallTimeout, `mutation($id: ID!) { r: revokeToken(id: $id) }`, map[string]any{"id": id}, &out)
}

// Tokens lists the tokens, without secrets (admin token only).
func (c *Client) Tokens(ctx context.Context) ([]registry.Principal, error) {
	var out struct{ R []registry.Principal }
	err := c.call(ctx, CallTimeout, `{ r: tokens { ...T } }`+"\n"+tokenFields, nil, &out)
	return out.R, err
}

// Whoami returns the principal of the client's token.
func (c *Client) Whoami(ctx context.Context) (*registry.Principal, error) {
	var out struct{ R registry.Principal }
	if err := c.call(ctx, CallTimeout, `{ r: whoami { ...T } }`+"\n"+tokenFields, nil, &out); err != nil {
		return nil, err
	}
	return &out.R, nil
}

func input(in registry.Input) map[string]any {
	return map[string]any{"name": in.Name, "routingUrl": in.RoutingURL, "sdl": in.SDL}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
