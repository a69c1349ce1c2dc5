// Package discovery is the membership of a Trellis mesh: gateways and subgraph instances form
// one gossip cluster (hashicorp/memberlist), each member advertising who it is in its node
// metadata, and every member learning within a gossip round who joined, who changed and,
// within memberlist's failure-detection time, who died.
//
// Where it sits: a subgraph instance joins (the Go helper discovery.Join, used by the example
// subgraphs, or `trellis agent` for subgraphs in other languages) and advertises its subgraph
// name, GraphQL URL, version, zone and weight. A gateway joins with --join and a role of
// gateway; its resilience client reads Member.Instances(subgraph) on every fetch and balances
// over the live instances, falling back to the supergraph's routing URL when there are none.
// The package knows nothing of GraphQL: a subgraph is a name and an instance is a URL.
//
// The files:
//
//	config.go   Config, DefaultConfig, Validate, and the mapping onto memberlist's Config
//	key.go      ParseKey: the --gossip-key flag
//	instance.go Role and Instance: what a member advertises
//	meta.go     Instance <-> node metadata, compact and versioned, robust to garbage
//	member.go   Join, Member and its lifecycle (Update, Leave, Close)
//	index.go    the membership index rebuilt on memberlist events, read lock-free
//	log.go      memberlist's log lines into slog at debug level
//
// Propagation: the seed knows a member as soon as Join returns, and so does every gateway,
// because a member syncs state directly with each gateway after Join, Update and Leave.
// Other members learn by gossip, within a few gossip intervals almost always, at worst at
// the next full state sync (15 s local, 30 s LAN).
//
// Failure detection is memberlist's (SWIM with Lifeguard): with the "lan" profile a killed
// member is declared dead in about 5 to 6 seconds in a small cluster when other members
// confirm the suspicion, up to about 24 seconds without confirmation. The client must not
// wait for gossip to stop sending to a failing instance; it reacts to its own failures first.
//
// Gossip is encrypted (AES-GCM) when Config.SecretKey is set; production clusters need one.
package discovery
