package admin

import (
	"context"
	"fmt"
	"time"

	"github.com/trellis-gql/trellis/schema/registry"
	"github.com/trellis-gql/trellis/schema/registry/admin/graph"
)

// The central traffic policy's operations (docs/central-policy.md).

const defaultPolicyVersions = 20

func (q query) Policy(ctx context.Context) (*registry.PolicyVersion, error) {
	return q.s.reg.Policy(ctx)
}

func (q query) PolicyVersions(ctx context.Context, limit *int) ([]registry.PolicyVersion, error) {
	n := defaultPolicyVersions
	if limit != nil {
		n = *limit
	}
	if n < 1 || n > maxHistory {
		return nil, badInput("policyVersions: limit %d is not between 1 and %d", n, maxHistory)
	}
	return q.s.reg.PolicyVersions(ctx, n)
}

// PolicyAfter waits for a policy newer than version, as SupergraphAfter does for supergraphs.
func (q query) PolicyAfter(ctx context.Context, version int, timeoutSeconds *int) (*registry.PolicyVersion, error) {
	wait, err := pollWindow("policyAfter", version, timeoutSeconds)
	if err != nil {
		return nil, err
	}
	return longPoll(ctx, q.s.closing, wait,
		func(ctx context.Context) (*registry.PolicyVersion, error) {
			return q.s.reg.WaitPolicy(ctx, int64(version))
		},
		func(pv *registry.PolicyVersion) bool { return pv != nil && pv.Version > int64(version) },
		q.s.reg.Policy)
}

// longPoll waits at most window (Server.Close, closing, ends it early) for wait to answer
// something newer; otherwise it answers latest, read with a context of its own (the
// request's may be done).
func longPoll[T any](ctx context.Context, closing context.Context, window time.Duration,
	wait func(context.Context) (T, error), newer func(T) bool, latest func(context.Context) (T, error)) (T, error) {
	wctx, cancel := context.WithTimeout(ctx, window)
	defer cancel()
	stop := context.AfterFunc(closing, cancel)
	defer stop()
	if got, err := wait(wctx); err != nil || newer(got) {
		return got, err
	}
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer rcancel()
	return latest(rctx)
}

// pollWindow checks a long poll's arguments and returns how long it may wait.
func pollWindow(op string, version int, timeoutSeconds *int) (time.Duration, error) {
	if version < 0 {
		return 0, badInput("%s: version %d is negative: give the version served, 0 for none", op, version)
	}
	if timeoutSeconds == nil {
		return defaultPoll, nil
	}
	if *timeoutSeconds < 0 {
		return 0, badInput("%s: timeoutSeconds %d is negative: give 0 to 60", op, *timeoutSeconds)
	}
	return min(time.Duration(*timeoutSeconds)*time.Second, MaxPoll), nil
}

func (m mutation) PublishPolicy(ctx context.Context, document string) (*graph.PolicyPublishResult, error) {
	p, err := principalFrom(ctx)
	if err != nil {
		return nil, err
	}
	pv, changed, err := m.s.reg.PublishPolicy(ctx, p, document)
	if err != nil {
		m.s.log.Warn("registry policy refused", "by", p.Team, "error", err.Error())
		return nil, err
	}
	msg := fmt.Sprintf("published policy version %d (sha256 %s)", pv.Version, pv.Hash)
	if !changed {
		msg = fmt.Sprintf("unchanged: policy version %d already has this document; nothing stored", pv.Version)
	}
	m.s.log.Info("registry policy", "by", p.Team, "version", pv.Version, "changed", changed)
	return &graph.PolicyPublishResult{Policy: pv, Changed: changed, Message: msg}, nil
}
