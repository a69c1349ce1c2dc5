package planner

// Node kinds of a plan.
const (
	KindSequence = "Sequence"
	KindParallel = "Parallel"
	KindFlatten  = "Flatten"
	KindFetch    = "Fetch"
	// KindBatch sends the entity fetches of its Flatten children, all to one subgraph and
	// ready at the same time, as one request with one aliased _entities field each.
	KindBatch = "Batch"
)

// Plan is a query plan: plain data, JSON-serializable and deterministic for a given
// supergraph, normalized operation and set of active override labels.
type Plan struct {
	// Node is nil when nothing needs fetching (only __typename or introspection).
	Node *Node `json:"node"`
}

// Node is one node of a plan tree.
type Node struct {
	Kind string `json:"kind"`
	// Nodes are the children of a Sequence (run in order) or a Parallel (run together).
	Nodes []*Node `json:"nodes,omitempty"`
	// Path is a Flatten's response path: field keys, "@" for every list element, and
	// "|[T]" to keep only objects of type T.
	Path []string `json:"path,omitempty"`
	// Node is a Flatten's child: the Fetch run against the objects at Path.
	Node *Node `json:"node,omitempty"`
	// Fetch is set on Fetch nodes, and on Batch nodes for their combined operation.
	Fetch *Fetch `json:"fetch,omitempty"`
}

// Fetch is one request to one subgraph.
type Fetch struct {
	Service string `json:"service"`
	// Operation is the GraphQL document sent to the subgraph.
	Operation string `json:"operation"`
	// Variables are the client variables the operation uses.
	Variables []string `json:"variables,omitempty"`
	// RepresentationsVariable names the variable that carries the representations of an
	// entity fetch: "representations", unless the client uses that name itself.
	RepresentationsVariable string `json:"representationsVariable,omitempty"`
	// Rewrites rename internally aliased keys of the result back to the client's keys.
	Rewrites []Rewrite `json:"rewrites,omitempty"`
	// Batch is set on the Fetch of a Batch node: the alias and representations variable of
	// each Flatten child's part of the combined operation, in order.
	Batch []BatchPart `json:"batch,omitempty"`
	// Requires is set on entity fetches: how to build a representation from each object at the
	// Flatten path, by the object's __typename. Objects of other types are not sent.
	Requires []*Requirement `json:"requires,omitempty"`
	// Fields are, for a root fetch, the response keys it fills: where the errors go when it
	// fails.
	Fields []string `json:"fields,omitempty"`
}

// BatchPart locates one entity fetch inside a batched operation.
type BatchPart struct {
	Alias    string `json:"alias"`
	Variable string `json:"variable"`
}

// Requirement says how to build the representation of one type of entity.
type Requirement struct {
	// Typename is the __typename the object has in the response data.
	Typename string `json:"typename"`
	// SendAs is the __typename sent to the subgraph: Typename, or the interface name when
	// the subgraph knows the entity only as an @interfaceObject.
	SendAs string `json:"sendAs"`
	// Fields are read from the object under each field's Alias and written into the
	// representation under its Name (requirements that clash with client fields are aliased).
	Fields []*Field `json:"-"`
	// Keys are the response keys (aliases) of the key fields among Fields: an object whose
	// key field is missing or null is never sent, whatever the supergraph's nullability says.
	Keys []string `json:"keys"`
	// Text is the requirement in the plan's text form.
	Text string `json:"selection"`
}

// IsEntityFetch reports whether the fetch goes through _entities.
func (f *Fetch) IsEntityFetch() bool { return len(f.Requires) > 0 }

// Walk calls fn for every node of the plan, depth first.
func (p *Plan) Walk(fn func(*Node)) {
	var walk func(*Node)
	walk = func(n *Node) {
		if n == nil {
			return
		}
		fn(n)
		for _, c := range n.Nodes {
			walk(c)
		}
		walk(n.Node)
	}
	walk(p.Node)
}

// Options are the per-request inputs of planning besides the operation.
type Options struct {
	// Labels are the progressive override labels active for this request.
	Labels map[string]bool
	// Tree emits each fetch right after the fetches it needs, so unrelated branches never
	// wait for each other. The default emits waves instead, and sends the entity fetches of
	// one wave to one subgraph as one request: fewer requests, at the price of waits.
	Tree bool
}
