package discovery

import (
	"fmt"
	"log/slog"
	"testing"
)

// BenchmarkInstances is the per-fetch read: 5 subgraphs of 10 instances and 3 gateways.
func BenchmarkInstances(b *testing.B) {
	d := newDelegate(slog.New(slog.DiscardHandler), nil)
	for s := range 5 {
		for i := range 10 {
			in := Instance{Node: fmt.Sprintf("sg%d-%d", s, i), Role: RoleSubgraph, Subgraph: fmt.Sprintf("sg%d", s),
				URL: fmt.Sprintf("http://10.0.%d.%d:4001/graphql", s, i), Weight: 1}
			d.peers[in.Node] = in
		}
	}
	for i := range 3 {
		d.peers[fmt.Sprint("gw", i)] = Instance{Node: fmt.Sprint("gw", i), Role: RoleGateway, Weight: 1}
	}
	d.publishLocked()
	m := &Member{d: d}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n += len(m.Instances("sg3"))
	}
	if n == 0 {
		b.Fatal("no instances")
	}
}

// BenchmarkIndexRebuild is the work of one membership event in a 53-member cluster.
func BenchmarkIndexRebuild(b *testing.B) {
	peers := map[string]Instance{}
	for i := range 53 {
		in := Instance{Node: fmt.Sprint("n", i), Role: RoleSubgraph, Subgraph: fmt.Sprint("sg", i%5), URL: "http://a/", Weight: 1}
		peers[in.Node] = in
	}
	b.ReportAllocs()
	for b.Loop() {
		newIndex(peers)
	}
}
