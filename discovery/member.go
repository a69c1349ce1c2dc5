package discovery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/memberlist"
)

// Join backs off between attempts to reach the seeds from joinBackoff up to joinMaxBackoff.
const (
	joinBackoff    = 100 * time.Millisecond
	joinMaxBackoff = 2 * time.Second
)

// syncTimeout bounds the state syncs with the gateways after Join, Update and Leave: one
// TCP round trip each, in parallel.
const syncTimeout = 2 * time.Second

// updateTimeout bounds Update's wait for its broadcast when ctx has no deadline.
const updateTimeout = 5 * time.Second

// Member is this process's membership in the cluster. Its methods are safe for concurrent
// use. Instances, Members, Self and Changes never block and do not allocate; Join, Update,
// Leave and Close do network I/O and may block as documented.
type Member struct {
	ml   *memberlist.Memberlist
	d    *delegate
	log  *slog.Logger
	self atomic.Pointer[Instance]

	updateMu sync.Mutex // serializes Update

	lifeMu sync.Mutex // serializes Leave and Close
	closed bool
}

// Join starts a member: it listens for gossip, advertises cfg.Self, and joins the cluster
// through cfg.Join. With no seeds it starts a new cluster and returns at once.
//
// With seeds, Join tries them all until at least one answers, backing off from 100 ms to
// 2 s between attempts, so that members started together find each other in any order. If
// none has answered when ctx ends, Join shuts the member down and returns an error naming
// the seeds; an attempt in flight then is abandoned and ends by itself within the profile's
// stream timeout (1 s local, 10 s LAN). Give ctx a deadline: without one, Join waits for
// the seeds as long as it takes. A seed that answers but holds another gossip key fails
// like one that does not answer.
//
// Once joined, the member syncs state directly with every gateway it learnt of (for at most
// 2 s), so that every gateway, not only the seed, routes to it when Join returns; the other
// members learn of it by gossip.
func Join(ctx context.Context, cfg Config) (*Member, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("discovery: join: %w", err)
	}
	cfg = cfg.fill(true)
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	self := cfg.Self
	self.Node = cfg.NodeName
	d := newDelegate(cfg.Log, encodeMeta(self))
	ml, err := memberlist.Create(cfg.memberlist(d))
	if err != nil {
		return nil, fmt.Errorf("discovery: start gossip on %s (discovery.bind_addr, discovery.bind_port): %w",
			net.JoinHostPort(cfg.BindAddr, strconv.Itoa(cfg.BindPort)), err)
	}
	m := &Member{ml: ml, d: d, log: cfg.Log}
	m.self.Store(&self)
	if len(cfg.SecretKey) == 0 && cfg.Transport == nil && !loopback(cfg.BindAddr, cfg.AdvertiseAddr) {
		cfg.Log.Warn("discovery: gossip is not encrypted; set a gossip key (discovery.secret_key, --gossip-key) for a cluster across hosts",
			"bind_addr", cfg.BindAddr)
	}
	if err := m.joinSeeds(ctx, cfg.Join); err != nil {
		_ = m.Close()
		return nil, err
	}
	m.syncGateways(ctx)
	cfg.Log.Info("discovery: joined", "node", self.Node, "addr", m.Addr(), "role", string(self.Role),
		"subgraph", self.Subgraph, "seeds", strings.Join(cfg.Join, ","), "members", ml.NumMembers())
	return m, nil
}

func (m *Member) joinSeeds(ctx context.Context, seeds []string) error {
	if len(seeds) == 0 {
		return nil
	}
	var last error // the last failure of memberlist's own, not ctx's
	backoff := joinBackoff
	for attempt := 1; ; attempt++ {
		err := m.joinOnce(ctx, seeds)
		if err == nil {
			return nil
		}
		if ctx.Err() == nil {
			last = err
			m.log.Warn("discovery: join failed, retrying", "seeds", strings.Join(seeds, ","), "attempt", attempt,
				"retry_in", backoff.String(), "error", oneLine(err))
			t := time.NewTimer(backoff)
			select {
			case <-t.C:
				backoff = min(2*backoff, joinMaxBackoff)
				continue
			case <-ctx.Done():
				t.Stop()
			}
		}
		cause := "no answer yet"
		if last != nil {
			cause = oneLine(last)
		}
		return fmt.Errorf("discovery: could not join any of %s before %w (%s); check that a seed runs at that address and has the same gossip key",
			strings.Join(seeds, ", "), ctx.Err(), cause)
	}
}

// joinOnce is one memberlist.Join over all seeds, abandoned when ctx ends.
func (m *Member) joinOnce(ctx context.Context, seeds []string) error {
	done := make(chan error, 1)
	go func() {
		_, err := m.ml.Join(seeds)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// syncGateways exchanges full state with every gateway this member knows, in parallel, for
// at most syncTimeout. Gossip reaches every member with high probability, not certainty: in
// a cluster of six, about one time in twelve a second gateway had not heard of a new
// instance a second later, and would have heard only at the next full sync (15 s local,
// 30 s LAN). A gateway that missed a join, an update or a leave routes on stale membership;
// a direct sync with each gateway after each of them costs one round trip per gateway.
// Failures are logged at debug level: gossip still gets there.
func (m *Member) syncGateways(ctx context.Context) {
	addrs := m.d.gateways(m.Self().Node)
	if len(addrs) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	var wg sync.WaitGroup
	for _, addr := range addrs {
		wg.Go(func() {
			if err := m.joinOnce(ctx, []string{addr}); err != nil {
				m.log.Debug("discovery: state sync with a gateway failed; gossip will tell it", "addr", addr, "error", oneLine(err))
			}
		})
	}
	wg.Wait()
}

// Self returns what this member advertises.
func (m *Member) Self() Instance { return *m.self.Load() }

// Addr returns the gossip address other members reach this one at, as host:port: the
// address to give as a seed.
func (m *Member) Addr() string {
	n := m.ml.LocalNode()
	return n.Address()
}

// Instances returns the live instances of subgraph, sorted by node name; nil when none is
// known (the caller then uses the supergraph's routing URL). It is a lock-free load, for
// every fetch. The slice is shared: do not modify its elements (appending is safe).
func (m *Member) Instances(subgraph string) []Instance {
	return m.d.idx.Load().bySubgraph[subgraph]
}

// Members returns every live member with readable metadata, this one and the gateways
// included, sorted by node name. The slice is shared as in Instances.
func (m *Member) Members() []Instance {
	return slices.Clip(m.d.idx.Load().members)
}

// Changes returns a channel that receives a value after membership changed: a member
// joined, left, died or updated its metadata. Signals coalesce (a pending one stands for
// any number of changes) and are never waited for, so the reader re-reads Instances or
// Members on each. There is one channel per Member, meant for one reader; it is closed by
// Leave and Close.
func (m *Member) Changes() <-chan struct{} { return m.d.changes }

// Update changes what this member advertises (its node name stays) and broadcasts it. It
// blocks until the broadcast has gone out to the cluster and the gateways have been synced
// with, or ctx ends (5 s without a deadline); on a timeout the new metadata is still in
// effect and spreads with the next gossip and state syncs.
func (m *Member) Update(ctx context.Context, self Instance) error {
	if self.Weight == 0 {
		self.Weight = DefaultWeight
	}
	node := m.Self().Node
	if self.Node != "" && self.Node != node {
		return fmt.Errorf("discovery.self.node: a member's node name cannot change (%q to %q)", node, self.Node)
	}
	self.Node = node
	if err := errors.Join(self.validate("discovery.self"), checkMetaSize("discovery.self", self)); err != nil {
		return err
	}
	timeout := updateTimeout
	if deadline, ok := ctx.Deadline(); ok {
		timeout = time.Until(deadline)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("discovery: update: %w", err)
	}
	if timeout <= 0 {
		return fmt.Errorf("discovery: update: %w", context.DeadlineExceeded)
	}
	m.updateMu.Lock()
	defer m.updateMu.Unlock()
	m.lifeMu.Lock()
	closed := m.closed
	m.lifeMu.Unlock()
	if closed {
		return errClosed
	}
	meta := encodeMeta(self)
	m.d.meta.Store(&meta)
	m.self.Store(&self)
	if err := m.ml.UpdateNode(timeout); err != nil {
		return fmt.Errorf("discovery: update: %w", err)
	}
	m.syncGateways(ctx)
	return nil
}

var errClosed = errors.New("discovery: member is closed")

// Leave tells the cluster this member is going, waits up to timeout for that message to go
// out (0: until it has) and for the syncs with the gateways, then shuts down as Close. The
// others drop it at once instead of after failure detection: call it on a graceful stop.
// Calling it again, or after Close, does nothing.
func (m *Member) Leave(timeout time.Duration) error {
	m.lifeMu.Lock()
	defer m.lifeMu.Unlock()
	if m.closed {
		return nil
	}
	err := m.ml.Leave(timeout)
	if err == nil {
		ctx, cancel := context.Background(), context.CancelFunc(func() {})
		if timeout > 0 {
			ctx, cancel = context.WithTimeout(ctx, timeout)
		}
		m.syncGateways(ctx) // pushes this member's "left" state
		cancel()
	}
	m.shutdownLocked()
	if err != nil {
		return fmt.Errorf("discovery: leave (shut down anyway; the others will detect it): %w", err)
	}
	return nil
}

// Close stops gossip without a goodbye: the others find out by failure detection, as for
// a crash. Instances and Members are empty afterwards, and Changes is closed. memberlist's
// goroutines end shortly after (one probe at most). Calling it again does nothing.
func (m *Member) Close() error {
	m.lifeMu.Lock()
	defer m.lifeMu.Unlock()
	if m.closed {
		return nil
	}
	return m.shutdownLocked()
}

func (m *Member) shutdownLocked() error {
	m.closed = true
	err := m.ml.Shutdown()
	m.d.close()
	if err != nil {
		return fmt.Errorf("discovery: shut down: %w", err)
	}
	return nil
}

// oneLine flattens memberlist's multi-line errors (go-multierror: a count, then one
// "* error" line per seed) into "error; error".
func oneLine(err error) string {
	var parts []string
	for _, line := range strings.Split(err.Error(), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasSuffix(line, "occurred:") {
			continue
		}
		parts = append(parts, strings.TrimPrefix(line, "* "))
	}
	return strings.Join(parts, "; ")
}

func loopback(addrs ...string) bool {
	for _, a := range addrs {
		if ip := net.ParseIP(a); a != "" && (ip == nil || !ip.IsLoopback()) {
			return false
		}
	}
	return true
}
