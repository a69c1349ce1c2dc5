package discovery

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/memberlist"
)

// mockNet wraps memberlist.MockNetwork for tests, with three fixes:
//
//   - MockNetwork's maps are not synchronized, so every transport is made up front, before
//     any member starts (newMockNet takes all the node names);
//   - a MockTransport delivers a packet by a send on the receiver's unbuffered channel, and
//     memberlist answers a ping from the goroutine that reads that channel: two members
//     pinging each other at the same moment block each other forever. Packets are sent
//     from a goroutine of their own here, as a datagram is sent without waiting;
//   - nobody reads a MockTransport's channels once its member has shut down, so a live
//     member gossiping to it would block. A closed transport is drained (packets dropped,
//     streams closed) until the test ends: to the others it looks like a crashed process.
type mockNet struct {
	net        memberlist.MockNetwork
	transports map[string]*mockTransport
	stop       chan struct{}
	drains     sync.WaitGroup
}

func newMockNet(t *testing.T, nodes ...string) *mockNet {
	n := &mockNet{transports: map[string]*mockTransport{}, stop: make(chan struct{})}
	for _, name := range nodes {
		n.transports[name] = &mockTransport{MockTransport: n.net.NewTransport(name), net: n}
	}
	t.Cleanup(func() {
		// The members closed first (cleanups run last-in first-out); their goroutines,
		// packets in flight included, must end while the drains still run.
		waitNoMemberlist(t, 5*time.Second)
		close(n.stop)
		n.drains.Wait()
	})
	return n
}

// transport returns the node's transport; its address is the node's seed address.
func (n *mockNet) transport(node string) *mockTransport { return n.transports[node] }

type mockTransport struct {
	*memberlist.MockTransport
	net  *mockNet
	once sync.Once
}

var _ memberlist.NodeAwareTransport = (*mockTransport)(nil)

func (t *mockTransport) addr() string {
	ip, port, err := t.FinalAdvertiseAddr("", 0)
	if err != nil {
		panic(err)
	}
	return (&memberlist.Node{Addr: ip, Port: uint16(port)}).Address()
}

func (t *mockTransport) WriteTo(b []byte, addr string) (time.Time, error) {
	return t.WriteToAddress(b, memberlist.Address{Addr: addr})
}

func (t *mockTransport) WriteToAddress(b []byte, a memberlist.Address) (time.Time, error) {
	b = slices.Clone(b)
	go func() { _, _ = t.MockTransport.WriteToAddress(b, a) }() // an unknown address drops it, like UDP
	return time.Now(), nil
}

func (t *mockTransport) Shutdown() error {
	t.once.Do(func() {
		t.net.drains.Add(1)
		go func() {
			defer t.net.drains.Done()
			for {
				select {
				case <-t.PacketCh():
				case c := <-t.StreamCh():
					_ = c.Close()
				case <-t.net.stop:
					return
				}
			}
		}()
	})
	return nil
}
