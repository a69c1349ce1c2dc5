package admin

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/trellis-gql/trellis/schema/registry"
	"github.com/trellis-gql/trellis/schema/registry/admin/graph"
)

// resolver implements graph.ResolverRoot over the Server's registry. Each resolver is one call
// of the registry: authorization is the registry's, which gets the request's principal.
type resolver struct{ s *Server }

var _ graph.ResolverRoot = (*resolver)(nil)

func (r *resolver) Query() graph.QueryResolver             { return query{r.s} }
func (r *resolver) Mutation() graph.MutationResolver       { return mutation{r.s} }
func (r *resolver) Publication() graph.PublicationResolver { return publication{} }

type (
	query       struct{ s *Server }
	mutation    struct{ s *Server }
	publication struct{}
)

// History's limit: the default and the largest allowed.
const (
	defaultHistory = 50
	maxHistory     = 1000
	defaultPoll    = 30 * time.Second
)

func (q query) Subgraphs(ctx context.Context) ([]registry.Subgraph, error) {
	return q.s.reg.Subgraphs(ctx)
}

// Subgraph is null for a name no subgraph has.
func (q query) Subgraph(ctx context.Context, name string) (*registry.Subgraph, error) {
	sg, err := q.s.reg.Subgraph(ctx, name)
	if errors.Is(err, registry.ErrNotFound) {
		return nil, nil
	}
	return sg, err
}

// Versions is empty for a name no subgraph ever had, as the schema says.
func (q query) Versions(ctx context.Context, name string) ([]registry.Subgraph, error) {
	out, err := q.s.reg.Versions(ctx, name)
	if errors.Is(err, registry.ErrNotFound) {
		return []registry.Subgraph{}, nil
	}
	return out, err
}

func (q query) History(ctx context.Context, name *string, limit *int) ([]registry.Publication, error) {
	n := defaultHistory
	if limit != nil {
		n = *limit
	}
	if n < 1 || n > maxHistory {
		return nil, badInput("history: limit %d is not between 1 and %d", n, maxHistory)
	}
	var subgraph string
	if name != nil {
		subgraph = *name
	}
	return q.s.reg.History(ctx, subgraph, n)
}

func (q query) Supergraph(ctx context.Context) (*registry.Supergraph, error) {
	return q.s.reg.Supergraph(ctx)
}

// SupergraphAfter waits for a supergraph newer than version, at most timeoutSeconds (capped at
// MaxPoll; 0 answers at once), then answers with the latest one. Server.Close ends the wait.
func (q query) SupergraphAfter(ctx context.Context, version int, timeoutSeconds *int) (*registry.Supergraph, error) {
	wait, err := pollWindow("supergraphAfter", version, timeoutSeconds)
	if err != nil {
		return nil, err
	}
	return longPoll(ctx, q.s.closing, wait,
		func(ctx context.Context) (*registry.Supergraph, error) { return q.s.reg.Wait(ctx, int64(version)) },
		func(sg *registry.Supergraph) bool { return sg != nil },
		q.s.reg.Supergraph)
}

func (q query) Check(ctx context.Context, input registry.Input) (*registry.CheckResult, error) {
	p, err := principalFrom(ctx)
	if err != nil {
		return nil, err
	}
	return q.s.reg.Check(ctx, p, input)
}

func (q query) Whoami(ctx context.Context) (*registry.Principal, error) {
	return principalFrom(ctx)
}

func (q query) Tokens(ctx context.Context) ([]registry.Principal, error) {
	p, err := principalFrom(ctx)
	if err != nil {
		return nil, err
	}
	return q.s.reg.Tokens(ctx, p)
}

func (m mutation) Publish(ctx context.Context, input registry.Input, allowBreaking *bool) (*registry.Result, error) {
	p, err := principalFrom(ctx)
	if err != nil {
		return nil, err
	}
	res, err := m.s.reg.Publish(ctx, p, input, deref(allowBreaking))
	m.s.logChange(p, "publish", input.Name, res, err)
	return res, err
}

func (m mutation) Remove(ctx context.Context, name string, allowBreaking *bool) (*registry.Result, error) {
	p, err := principalFrom(ctx)
	if err != nil {
		return nil, err
	}
	res, err := m.s.reg.Remove(ctx, p, name, deref(allowBreaking))
	m.s.logChange(p, "remove", name, res, err)
	return res, err
}

func (m mutation) Rollback(ctx context.Context, name string, toVersion int, allowBreaking *bool) (*registry.Result, error) {
	p, err := principalFrom(ctx)
	if err != nil {
		return nil, err
	}
	res, err := m.s.reg.Rollback(ctx, p, name, toVersion, deref(allowBreaking))
	m.s.logChange(p, "rollback", name, res, err)
	return res, err
}

func (m mutation) CreateToken(ctx context.Context, team string, subgraphs []string) (*graph.NewToken, error) {
	p, err := principalFrom(ctx)
	if err != nil {
		return nil, err
	}
	id, secret, err := m.s.reg.CreateToken(ctx, p, team, subgraphs)
	if err != nil {
		return nil, err
	}
	m.s.log.Info("registry token created", "id", id, "team", team, "subgraphs", subgraphs, "by", p.Team)
	names := slices.Clone(subgraphs)
	slices.Sort(names)
	return &graph.NewToken{ID: id, Secret: secret, Team: team, Subgraphs: slices.Compact(names)}, nil
}

func (m mutation) RevokeToken(ctx context.Context, id string) (bool, error) {
	p, err := principalFrom(ctx)
	if err != nil {
		return false, err
	}
	if err := m.s.reg.RevokeToken(ctx, p, id); err != nil {
		return false, err
	}
	m.s.log.Info("registry token revoked", "id", id, "by", p.Team)
	return true, nil
}

func (publication) ID(_ context.Context, p *registry.Publication) (string, error) {
	return strconv.FormatInt(p.ID, 10), nil
}

// logChange is the one log line of a publish, remove or rollback.
func (s *Server) logChange(p *registry.Principal, action, name string, res *registry.Result, err error) {
	if err != nil {
		s.log.Warn("registry change refused", "action", action, "subgraph", name, "by", p.Team, "error", err.Error())
		return
	}
	s.log.Info("registry change", "action", action, "subgraph", name, "by", p.Team, "status", res.Status,
		"subgraph_version", res.SubgraphVersion, "supergraph_version", res.SupergraphVersion)
}

func deref(b *bool) bool { return b != nil && *b }
