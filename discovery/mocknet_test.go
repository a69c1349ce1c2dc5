package discovery

import (
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/memberlist"
)

// mockNet wraps memberlist.MockNetwork for tests, with two fixes:
//
//   - MockNetwork's maps are not synchronized, so every transport is made up front, before
//     any member starts (newMockNet takes all the node names);
//   - a MockTransport's channels are unbuffered and nobody reads them once its member has
//     shut down, so a live member gossiping to it would block forever. A closed transport
//     is drained (packets dropped, streams closed) until the test ends: to the others it
//     looks like a crashed process.
type mockNet struct {
	net        memberlist.MockNetwork
	transports map[string]*mockTransport
	stop       chan struct{}
	wg         sync.WaitGroup
}

func newMockNet(t *testing.T, nodes ...string) *mockNet {
	n := &mockNet{transports: map[string]*mockTransport{}, stop: make(chan struct{})}
	for _, name := range nodes {
		n.transports[name] = &mockTransport{MockTransport: n.net.NewTransport(name), net: n}
	}
	t.Cleanup(func() {
		// The members closed first (cleanups run last-in first-out); a send they had in
		// flight to a closed transport needs the drain until it is done.
		waitNoMemberlist(t, 5*time.Second)
		close(n.stop)
		n.wg.Wait()
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

func (t *mockTransport) addr() string {
	ip, port, err := t.FinalAdvertiseAddr("", 0)
	if err != nil {
		panic(err)
	}
	return (&memberlist.Node{Addr: ip, Port: uint16(port)}).Address()
}

func (t *mockTransport) Shutdown() error {
	t.once.Do(func() {
		t.net.wg.Add(1)
		go func() {
			defer t.net.wg.Done()
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
