package discovery

import (
	"cmp"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/memberlist"
)

// index is an immutable view of the live, readable members. A new one replaces it on every
// membership event; readers load it through an atomic pointer and never lock.
type index struct {
	members    []Instance            // sorted by Node
	bySubgraph map[string][]Instance // RoleSubgraph only, each sorted by Node
}

var emptyIndex = &index{}

func newIndex(peers map[string]Instance) *index {
	ix := &index{members: make([]Instance, 0, len(peers)), bySubgraph: map[string][]Instance{}}
	for _, in := range peers {
		ix.members = append(ix.members, in)
	}
	slices.SortFunc(ix.members, func(a, b Instance) int { return cmp.Compare(a.Node, b.Node) })
	for _, in := range ix.members {
		if in.Role == RoleSubgraph {
			ix.bySubgraph[in.Subgraph] = append(ix.bySubgraph[in.Subgraph], in)
		}
	}
	for name, ins := range ix.bySubgraph {
		ix.bySubgraph[name] = slices.Clip(ins)
	}
	return ix
}

// delegate is memberlist's view of this package: it hands out this member's metadata
// (memberlist.Delegate) and keeps the index from membership events
// (memberlist.EventDelegate), and reports node-name conflicts (memberlist.ConflictDelegate).
//
// memberlist calls the event methods one at a time but from several goroutines, and with
// its node lock held: they must not block and must not call back into the Memberlist.
// NodeMeta is called concurrently with everything. Hence the atomic pointers for what is
// read (metadata, index) and one mutex for what events write.
type delegate struct {
	log  *slog.Logger
	meta atomic.Pointer[[]byte] // this member's encoded metadata
	idx  atomic.Pointer[index]

	mu      sync.Mutex // guards peers, addrs, closed, and sends on changes
	peers   map[string]Instance
	addrs   map[string]string // gossip host:port by node, for the members in peers
	closed  bool
	changes chan struct{} // capacity 1: a pending signal stands for any number of changes
}

var (
	_ memberlist.Delegate         = (*delegate)(nil)
	_ memberlist.EventDelegate    = (*delegate)(nil)
	_ memberlist.ConflictDelegate = (*delegate)(nil)
)

func newDelegate(log *slog.Logger, meta []byte) *delegate {
	d := &delegate{log: log, peers: map[string]Instance{}, addrs: map[string]string{}, changes: make(chan struct{}, 1)}
	d.meta.Store(&meta)
	d.idx.Store(emptyIndex)
	return d
}

// NodeMeta returns this member's metadata; its size was checked when it was set.
func (d *delegate) NodeMeta(limit int) []byte { return *d.meta.Load() }

// NotifyMsg, GetBroadcasts, LocalState and MergeRemoteState are unused: everything a
// member says about itself is in its metadata.
func (d *delegate) NotifyMsg([]byte)                    {}
func (d *delegate) GetBroadcasts(int, int) [][]byte     { return nil }
func (d *delegate) LocalState(bool) []byte              { return nil }
func (d *delegate) MergeRemoteState(buf []byte, _ bool) {}

// NotifyJoin is a member seen alive, for the first time or after it was dead or left.
func (d *delegate) NotifyJoin(n *memberlist.Node) { d.upsert(n, "discovery: member joined") }

// NotifyUpdate is a live member whose metadata changed.
func (d *delegate) NotifyUpdate(n *memberlist.Node) { d.upsert(n, "discovery: member updated") }

// NotifyLeave is a member that left, or that memberlist declared dead.
func (d *delegate) NotifyLeave(n *memberlist.Node) {
	d.mu.Lock()
	defer d.mu.Unlock()
	in, known := d.peers[n.Name]
	if d.closed || !known {
		return
	}
	delete(d.peers, n.Name)
	delete(d.addrs, n.Name)
	d.log.Info("discovery: member left or failed", "node", n.Name, "role", string(in.Role), "subgraph", in.Subgraph, "url", in.URL)
	d.publishLocked()
}

func (d *delegate) upsert(n *memberlist.Node, event string) {
	in, err := decodeMeta(n.Name, n.Meta)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	_, known := d.peers[n.Name]
	if err != nil {
		d.log.Warn("discovery: ignoring a member with unreadable metadata",
			"node", n.Name, "addr", n.Address(), "meta_bytes", len(n.Meta), "error", strings.ReplaceAll(err.Error(), "\n", "; "))
		if known {
			delete(d.peers, n.Name)
			delete(d.addrs, n.Name)
			d.publishLocked()
		}
		return
	}
	d.peers[n.Name] = in
	d.addrs[n.Name] = n.Address()
	d.log.Info(event, "node", in.Node, "addr", n.Address(), "role", string(in.Role), "subgraph", in.Subgraph,
		"url", in.URL, "version", in.Version, "zone", in.Zone, "weight", in.Weight)
	d.publishLocked()
}

// NotifyConflict is a member claiming the name of a live one from another address: two
// processes configured with the same node name, or a restart elsewhere before the old
// process was declared dead. The newcomer is ignored until then; say so at warning level,
// since memberlist's own line goes to debug.
func (d *delegate) NotifyConflict(existing, other *memberlist.Node) {
	d.log.Warn("discovery: a second member claims a live member's node name; ignored until the first is declared dead",
		"node", existing.Name, "addr", existing.Address(), "other_addr", other.Address())
}

// gateways returns the gossip addresses (host:port) of the gateways other than self.
func (d *delegate) gateways(self string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for node, in := range d.peers {
		if in.Role == RoleGateway && node != self {
			out = append(out, d.addrs[node])
		}
	}
	slices.Sort(out)
	return out
}

// publishLocked replaces the index and signals a change without blocking.
func (d *delegate) publishLocked() {
	d.idx.Store(newIndex(d.peers))
	select {
	case d.changes <- struct{}{}:
	default:
	}
}

// close empties the index, closes the changes channel and makes later events no-ops
// (memberlist may still deliver one that was in flight when it shut down).
func (d *delegate) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	d.closed = true
	d.peers, d.addrs = nil, nil
	d.idx.Store(emptyIndex)
	close(d.changes)
}
