package discovery

import (
	"context"
	"io"
	"log"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/memberlist"
)

// gossipBound bounds what members other than gateways learn by gossip alone: almost
// always within a few gossip intervals, at worst at the next full state sync (every 15 s
// with the local profile, after a random first delay up to that).
const gossipBound = 35 * time.Second

// memConfig is a member on the in-memory network, with the local profile.
func memConfig(n *mockNet, node string, self Instance, seeds ...string) Config {
	return Config{NodeName: node, Transport: n.transport(node), Profile: ProfileLocal, Self: self, Join: seeds}
}

func TestMemMembership(t *testing.T) {
	n := newMockNet(t, "gw", "p1", "p2")
	logs := &logBuf{}
	gwCfg := memConfig(n, "gw", Instance{Role: RoleGateway})
	gwCfg.Log = logs.logger()
	gw := join(t, gwCfg)
	seed := gw.Addr()
	if seed != n.transport("gw").addr() {
		t.Fatalf("Addr() = %q, want the transport's %q", seed, n.transport("gw").addr())
	}
	p1 := join(t, memConfig(n, "p1", product("http://10.0.0.1:4001/graphql"), seed))
	p2self := Instance{Role: RoleSubgraph, Subgraph: "products", URL: "https://10.0.0.2:4102/graphql", Version: "2.1.0", Zone: "eu-1b", Weight: 7}
	p2 := join(t, memConfig(n, "p2", p2self, seed))

	waitFor(t, time.Second, "the gateway to see both instances", func() bool {
		return nodesAre(gw.Instances("products"), "p1", "p2")
	})
	for _, m := range []*Member{p1, p2} {
		waitFor(t, gossipBound, m.Self().Node+" to see both instances", func() bool {
			return nodesAre(m.Instances("products"), "p1", "p2")
		})
	}
	want := []Instance{
		{Node: "p1", Role: RoleSubgraph, Subgraph: "products", URL: "http://10.0.0.1:4001/graphql", Version: "1.0.0", Zone: "z1", Weight: 1},
		{Node: "p2", Role: RoleSubgraph, Subgraph: "products", URL: "https://10.0.0.2:4102/graphql", Version: "2.1.0", Zone: "eu-1b", Weight: 7},
	}
	if got := gw.Instances("products"); !reflect.DeepEqual(got, want) {
		t.Fatalf("Instances(products) = %+v\nwant %+v", got, want)
	}
	if got := gw.Instances("reviews"); got != nil {
		t.Fatalf("Instances(reviews) = %+v, want nil", got)
	}
	wantGW := Instance{Node: "gw", Role: RoleGateway, Weight: 1}
	if got := p1.Members(); !reflect.DeepEqual(got, append([]Instance{wantGW}, want...)) {
		t.Fatalf("Members() = %+v", got)
	}
	if got := gw.Self(); got != wantGW {
		t.Fatalf("Self() = %+v, want %+v", got, wantGW)
	}
	if got := p2.Self(); got != want[1] {
		t.Fatalf("Self() = %+v, want %+v", got, want[1])
	}
	select {
	case <-gw.Changes():
	default:
		t.Fatal("Changes() has no signal after members joined")
	}
	if got := logs.lines(`msg="discovery: member joined" node=p2`); len(got) != 1 {
		t.Fatalf("log lines for p2 joining: %q", got)
	}

	// Appending to a returned slice must not write into the index.
	ins := gw.Instances("products")
	_ = append(ins, Instance{Node: "intruder"})
	if got := gw.Members(); len(got) != 3 || got[2].Node != "p2" {
		t.Fatalf("an append changed the index: %+v", got)
	}

	t.Run("update", func(t *testing.T) {
		up := p1.Self()
		up.Version, up.Weight, up.Zone = "1.1.0", 5, "z2"
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if err := p1.Update(ctx, up); err != nil {
			t.Fatalf("Update: %v", err)
		}
		if p1.Self() != up {
			t.Fatalf("Self() = %+v after Update(%+v)", p1.Self(), up)
		}
		for _, m := range []*Member{gw, p2} {
			limit := gossipBound
			if m == gw {
				limit = time.Second
			}
			waitFor(t, limit, m.Self().Node+" to see p1's update", func() bool {
				ins := m.Instances("products")
				return len(ins) == 2 && ins[0] == up
			})
		}
		bad := up
		bad.Node = "renamed"
		if err := p1.Update(ctx, bad); err == nil || !strings.Contains(err.Error(), "node name cannot change") {
			t.Fatalf("Update with another node name: %v", err)
		}
		bad = up
		bad.URL = strings.Repeat("x", 600)
		if err := p1.Update(ctx, bad); err == nil || !strings.Contains(err.Error(), "discovery.self.url") {
			t.Fatalf("Update with a bad URL: %v", err)
		}
		if p1.Self() != up {
			t.Fatalf("a refused Update changed Self: %+v", p1.Self())
		}
	})

	t.Run("leave", func(t *testing.T) {
		for len(gw.Changes()) > 0 {
			<-gw.Changes()
		}
		if err := p2.Leave(time.Second); err != nil {
			t.Fatalf("Leave: %v", err)
		}
		took := waitFor(t, time.Second, "p2 to be gone from the gateway", func() bool {
			return nodesAre(gw.Instances("products"), "p1")
		})
		t.Logf("a member that left is gone from the gateway %v after Leave returned", took)
		waitFor(t, gossipBound, "p2 to be gone from p1", func() bool { return nodesAre(p1.Instances("products"), "p1") })
		select {
		case <-gw.Changes():
		default:
			t.Fatal("no change signal after p2 left")
		}
		if got := p2.Members(); len(got) != 0 {
			t.Fatalf("Members() of a member that left = %+v", got)
		}
		for range p2.Changes() { // a pending signal, then closed
		}
		if err := p2.Leave(time.Second); err != nil {
			t.Fatalf("second Leave: %v", err)
		}
		if err := p2.Close(); err != nil {
			t.Fatalf("Close after Leave: %v", err)
		}
		if err := p2.Update(context.Background(), p2self); err == nil {
			t.Fatal("Update after Leave succeeded")
		}
	})
}

// garbageDelegate advertises metadata no Trellis member can read.
type garbageDelegate struct{ meta []byte }

func (g garbageDelegate) NodeMeta(int) []byte               { return g.meta }
func (garbageDelegate) NotifyMsg([]byte)                    {}
func (garbageDelegate) GetBroadcasts(int, int) [][]byte     { return nil }
func (garbageDelegate) LocalState(bool) []byte              { return nil }
func (garbageDelegate) MergeRemoteState(buf []byte, _ bool) {}

func TestMemGarbageMetadata(t *testing.T) {
	n := newMockNet(t, "gw", "p1", "garbage", "invalid")
	logs := &logBuf{}
	gwCfg := memConfig(n, "gw", Instance{Role: RoleGateway})
	gwCfg.Log = logs.logger()
	gw := join(t, gwCfg)
	p1 := join(t, memConfig(n, "p1", product("http://10.0.0.1:4001/graphql"), gw.Addr()))

	// Two raw memberlist nodes: one with bytes that are not Trellis metadata, one with
	// well-formed metadata of an instance that has no subgraph name and no URL.
	for name, meta := range map[string][]byte{
		"garbage": []byte("\x00\xff garbage"),
		"invalid": append([]byte{metaMagic, metaVersion, tagRole, 8}, "subgraph\x06\x01\x01"...),
	} {
		c := memberlist.DefaultLocalConfig()
		c.Name = name
		c.Transport = n.transport(name)
		c.Delegate = garbageDelegate{meta}
		c.Logger = log.New(io.Discard, "", 0)
		ml, err := memberlist.Create(c)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = ml.Shutdown() })
		if _, err := ml.Join([]string{gw.Addr(), p1.Addr()}); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []*Member{gw, p1} {
		waitFor(t, 5*time.Second, m.Self().Node+"'s memberlist to know all four nodes", func() bool { return m.ml.NumMembers() == 4 })
	}
	// A last gossip round so that any event would have been delivered.
	time.Sleep(200 * time.Millisecond)
	for _, m := range []*Member{gw, p1} {
		if got := m.Members(); !nodesAre(got, "gw", "p1") {
			t.Fatalf("%s: Members() = %v, want gw and p1 only", m.Self().Node, nodes(got))
		}
	}
	for _, name := range []string{"garbage", "invalid"} {
		got := logs.lines(`msg="discovery: ignoring a member with unreadable metadata" node=` + name)
		if len(got) != 1 {
			t.Fatalf("log lines about %s: %q, want one", name, got)
		}
		t.Log(strings.TrimSpace(got[0]))
	}
}

// TestMemOversizedSelf: Join refuses metadata over memberlist's limit before it listens.
func TestMemOversizedSelf(t *testing.T) {
	n := newMockNet(t, "p1")
	self := product("http://10.0.0.1:4001/graphql?pad=" + strings.Repeat("x", 500))
	m, err := Join(context.Background(), memConfig(n, "p1", self))
	if err == nil {
		_ = m.Close()
		t.Fatal("Join accepted oversized metadata")
	}
	want := "discovery.self.url: too long (533 bytes): the member's metadata would take"
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("Join: %v\nwant %q", err, want)
	}
}

// TestMemEveryGateway: every gateway, not only the seed, knows an instance when its Join
// returns and forgets it when its Leave returns (give or take the gateway's handling of
// the sync). Gossip alone left a second gateway unaware for longer about one time in twelve.
func TestMemEveryGateway(t *testing.T) {
	names := []string{"gw1", "gw2", "gw3", "p1", "p2", "p3", "p4", "p5"}
	n := newMockNet(t, names...)
	gw1 := join(t, memConfig(n, "gw1", Instance{Role: RoleGateway}))
	gws := []*Member{gw1}
	for _, name := range names[1:3] {
		gws = append(gws, join(t, memConfig(n, name, Instance{Role: RoleGateway}, gw1.Addr())))
	}
	waitFor(t, gossipBound, "the gateways to know each other", func() bool {
		for _, gw := range gws {
			if len(gw.Members()) != 3 {
				return false
			}
		}
		return true
	})
	const limit = 300 * time.Millisecond // well under a second, yet above a sync's handling
	var ps []*Member
	for i, name := range names[3:] {
		p := join(t, memConfig(n, name, product("http://10.0.0.1:4001/graphql"), gw1.Addr()))
		ps = append(ps, p)
		for _, gw := range gws[1:] {
			waitFor(t, limit, gw.Self().Node+" to know "+name+" after its Join", func() bool {
				return len(gw.Instances("products")) == i+1
			})
		}
	}
	for i, p := range ps {
		if err := p.Leave(time.Second); err != nil {
			t.Fatal(err)
		}
		for _, gw := range gws {
			waitFor(t, limit, gw.Self().Node+" to forget "+p.Self().Node+" after its Leave", func() bool {
				return len(gw.Instances("products")) == len(ps)-i-1
			})
		}
	}
}
