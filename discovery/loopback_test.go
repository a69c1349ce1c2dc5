package discovery

import (
	"context"
	"crypto/rand"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Bounds for a loaded 2-core CI machine; the measured times are logged.
const (
	// failureBound: with the local profile a killed member of a three-member cluster is
	// suspected after a missed probe (the others probe it at least every 2 s) and declared
	// dead 3 s later once the other member confirms; without confirmation the suspicion
	// lasts up to 18 s.
	failureBound = 20 * time.Second
	// rejoinBound: a restarted instance is known to the gateways when Join returns (the seed
	// by the join itself, the others by the sync that follows).
	rejoinBound = 2 * time.Second
)

// loopConfig is a member on real loopback sockets, on any free port, local profile.
func loopConfig(node string, self Instance, seeds ...string) Config {
	return Config{NodeName: node, BindAddr: "127.0.0.1", BindPort: 0, Profile: ProfileLocal, Self: self, Join: seeds}
}

func TestLoopbackFailureAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for failure detection")
	}
	gw := join(t, loopConfig("gw", Instance{Role: RoleGateway}))
	p1 := join(t, loopConfig("p1", product("http://127.0.0.1:4101/graphql"), gw.Addr()))
	p2 := join(t, loopConfig("p2", product("http://127.0.0.1:4102/graphql"), gw.Addr()))
	waitFor(t, time.Second, "the gateway to see both instances", func() bool {
		return nodesAre(gw.Instances("products"), "p1", "p2")
	})
	waitFor(t, gossipBound, "p1 to see both instances", func() bool {
		return nodesAre(p1.Instances("products"), "p1", "p2")
	})

	// Killed: gone without a goodbye.
	killed := time.Now()
	if err := p2.Close(); err != nil {
		t.Fatal(err)
	}
	took := waitFor(t, failureBound, "the killed p2 to be declared dead", func() bool {
		return nodesAre(gw.Instances("products"), "p1") && nodesAre(p1.Instances("products"), "p1")
	})
	t.Logf("killed member gone from Instances after %v (bound %v)", took.Round(time.Millisecond), failureBound)

	// Restarted under the same name on another port: the address of a dead member is
	// taken over at once.
	restarted := time.Now()
	p2 = join(t, loopConfig("p2", product("http://127.0.0.1:4202/graphql"), gw.Addr()))
	joined := time.Since(restarted)
	back := func(m *Member) bool {
		ins := m.Instances("products")
		return nodesAre(ins, "p1", "p2") && ins[1].URL == "http://127.0.0.1:4202/graphql"
	}
	took = waitFor(t, rejoinBound, "the restarted p2 at the gateway", func() bool { return back(gw) })
	t.Logf("restarted member (same name, new port, %v after it was killed) at the gateway %v after Join returned (Join took %v)",
		restarted.Sub(killed).Round(time.Millisecond), took.Round(time.Millisecond), joined.Round(time.Millisecond))
	waitFor(t, gossipBound, "the restarted p2 at p1 and itself", func() bool { return back(p1) && back(p2) })

	// A rolling restart: p1 stops and comes back on the same address with a new version
	// before failure detection has noticed anything.
	addr := p1.Addr()
	_, port, _ := strings.Cut(addr, ":")
	if err := p1.Close(); err != nil {
		t.Fatal(err)
	}
	cfg := loopConfig("p1", product("http://127.0.0.1:4101/graphql"), gw.Addr())
	cfg.Self.Version = "1.1.0"
	cfg.BindPort, _ = strconv.Atoi(port)
	p1 = join(t, cfg)
	updated := func(m *Member) bool {
		ins := m.Instances("products")
		return nodesAre(ins, "p1", "p2") && ins[0].Version == "1.1.0"
	}
	took = waitFor(t, rejoinBound, "the new version of p1 at the gateway", func() bool { return updated(gw) })
	t.Logf("restarted member (same name, same address, new version) at the gateway %v after Join", took.Round(time.Millisecond))
	waitFor(t, gossipBound, "the new version of p1 at p2 and itself", func() bool { return updated(p1) && updated(p2) })
}

// TestLoopbackNewName: a restarted instance with a generated node name is a new member;
// the old one stays until it is declared dead.
func TestLoopbackNewName(t *testing.T) {
	gw := join(t, loopConfig("gw", Instance{Role: RoleGateway}))
	cfg := loopConfig("", product("http://127.0.0.1:4101/graphql"), gw.Addr())
	m := join(t, cfg)
	if !strings.Contains(m.Self().Node, "-") {
		t.Fatalf("generated node name %q", m.Self().Node)
	}
	if err := m.Leave(time.Second); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	m2 := join(t, cfg)
	waitFor(t, rejoinBound, "the new member at the gateway", func() bool {
		return nodesAre(gw.Instances("products"), m2.Self().Node)
	})
	t.Logf("restart under a new name: at the gateway %v after Join was called", time.Since(start).Round(time.Millisecond))
}

func randomKey(t *testing.T, n int) []byte {
	k := make([]byte, n)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func TestLoopbackEncryption(t *testing.T) {
	key := randomKey(t, 32)
	withKey := func(c Config, k []byte) Config { c.SecretKey = k; return c }
	logs := &logBuf{}
	gwCfg := withKey(loopConfig("gw", Instance{Role: RoleGateway}), key)
	gwCfg.Log = logs.logger()
	gw := join(t, gwCfg)
	join(t, withKey(loopConfig("p1", product("http://127.0.0.1:4101/graphql"), gw.Addr()), key))
	waitFor(t, 2*time.Second, "p1 at the gateway", func() bool { return nodesAre(gw.Instances("products"), "p1") })

	for _, tc := range []struct {
		name string
		key  []byte
	}{
		{"other key", randomKey(t, 32)},
		{"shorter key", key[:16]},
		{"no key", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const limit = 1500 * time.Millisecond
			ctx, cancel := context.WithTimeout(context.Background(), limit)
			defer cancel()
			start := time.Now()
			m, err := Join(ctx, withKey(loopConfig("intruder", product("http://127.0.0.1:6666/graphql"), gw.Addr()), tc.key))
			took := time.Since(start)
			if err == nil {
				_ = m.Close()
				t.Fatal("Join succeeded")
			}
			t.Logf("Join failed after %v: %v", took.Round(time.Millisecond), err)
			if took > limit+time.Second {
				t.Errorf("Join took %v with a %v context", took, limit)
			}
			if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "could not join any of "+gw.Addr()) ||
				!strings.Contains(err.Error(), "same gossip key") {
				t.Errorf("Join error %q: want the seed, the deadline and the key hint", err)
			}
			if got := gw.Members(); !nodesAre(got, "gw", "p1") {
				t.Errorf("gateway members %v", nodes(got))
			}
		})
	}
	if got := logs.lines("intruder"); len(got) != 0 {
		t.Errorf("the gateway logged about the intruder as a member: %q", got)
	}
}

func TestJoinNoSeed(t *testing.T) {
	// Port 1 on loopback: nothing listens, connections are refused at once.
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	logs := &logBuf{}
	cfg := loopConfig("lonely", Instance{Role: RoleGateway}, "127.0.0.1:1", "127.0.0.1:2")
	cfg.Log = logs.logger()
	start := time.Now()
	m, err := Join(ctx, cfg)
	if err == nil {
		_ = m.Close()
		t.Fatal("Join succeeded without a seed")
	}
	if took := time.Since(start); took > 1500*time.Millisecond {
		t.Errorf("Join took %v with a 700ms context", took)
	}
	want := "discovery: could not join any of 127.0.0.1:1, 127.0.0.1:2 before context deadline exceeded (failed to join 127.0.0.1:1: dial tcp 127.0.0.1:1: connect: connection refused; failed to join 127.0.0.1:2: "
	if !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("Join: %v\nwant it to start with %q", err, want)
	}
	if got := logs.lines("join failed, retrying"); len(got) < 2 {
		t.Fatalf("want a log line per failed attempt, got %q", got)
	}

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Join(cancelled, cfg); !errors.Is(err, context.Canceled) {
		t.Fatalf("Join with a cancelled context: %v", err)
	}
}

// TestJoinRetries: a seed that starts after the member is found by a later attempt.
func TestJoinRetries(t *testing.T) {
	seed := join(t, loopConfig("seed", Instance{Role: RoleGateway}))
	addr := seed.Addr()
	_, port, _ := strings.Cut(addr, ":")
	if err := seed.Close(); err != nil {
		t.Fatal(err)
	}
	type result struct {
		m   *Member
		err error
	}
	done := make(chan result, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		m, err := Join(ctx, loopConfig("late", product("http://127.0.0.1:4101/graphql"), addr))
		done <- result{m, err}
	}()
	time.Sleep(300 * time.Millisecond)
	cfg := loopConfig("seed", Instance{Role: RoleGateway})
	cfg.BindPort, _ = strconv.Atoi(port)
	seed = join(t, cfg)
	r := <-done
	if r.err != nil {
		t.Fatalf("Join with a seed that came up late: %v", r.err)
	}
	t.Cleanup(func() { _ = r.m.Close() })
	waitFor(t, time.Second, "the late member at the seed", func() bool { return nodesAre(seed.Instances("products"), "late") })
}

// TestCloseStopsEverything: no memberlist goroutine survives Close.
func TestCloseStopsEverything(t *testing.T) {
	waitNoMemberlist(t, 5*time.Second) // what earlier tests left
	gw, err := Join(context.Background(), loopConfig("gw", Instance{Role: RoleGateway}))
	if err != nil {
		t.Fatal(err)
	}
	ms := []*Member{gw}
	for _, name := range []string{"p1", "p2"} {
		m, err := Join(context.Background(), loopConfig(name, product("http://127.0.0.1:4101/graphql"), gw.Addr()))
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	waitFor(t, 2*time.Second, "both instances", func() bool { return len(gw.Instances("products")) == 2 })
	if memberlistGoroutines() == 0 {
		t.Fatal("no memberlist goroutine found while members run: the check is blind")
	}
	if err := ms[1].Leave(time.Second); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
	}
	took := waitNoMemberlist(t, 5*time.Second)
	t.Logf("memberlist goroutines gone %v after Close", took.Round(time.Millisecond))
}

// TestJoinConflicts: a port in use, and a node name already alive elsewhere.
func TestJoinConflicts(t *testing.T) {
	logs := &logBuf{}
	cfg := loopConfig("gw", Instance{Role: RoleGateway})
	cfg.Log = logs.logger()
	gw := join(t, cfg)
	_, port, _ := strings.Cut(gw.Addr(), ":")

	taken := loopConfig("other", Instance{Role: RoleGateway})
	taken.BindPort, _ = strconv.Atoi(port)
	if m, err := Join(context.Background(), taken); err == nil {
		_ = m.Close()
		t.Fatal("Join on a port in use succeeded")
	} else if !strings.Contains(err.Error(), "discovery: start gossip on 127.0.0.1:"+port+" (discovery.bind_addr, discovery.bind_port)") ||
		!strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("Join on a port in use: %v", err)
	}

	join(t, loopConfig("p1", product("http://127.0.0.1:4101/graphql"), gw.Addr()))
	dup := join(t, loopConfig("p1", product("http://127.0.0.1:9999/graphql"), gw.Addr()))
	waitFor(t, 2*time.Second, "the conflict warning", func() bool { return len(logs.lines("claims a live member's node name")) > 0 })
	time.Sleep(200 * time.Millisecond)
	if ins := gw.Instances("products"); len(ins) != 1 || ins[0].URL != "http://127.0.0.1:4101/graphql" {
		t.Fatalf("gateway instances %+v: want the first p1 only", ins)
	}
	t.Log(strings.TrimSpace(logs.lines("claims a live member's node name")[0]), dup.Addr())
}
