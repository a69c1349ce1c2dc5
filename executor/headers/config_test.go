package headers

import (
	"errors"
	"strings"
	"testing"
)

func req(rules ...RequestRule) Config { return Config{All: Section{Request: rules}} }

func resp(rules ...ResponseRule) Config { return Config{All: Section{Response: rules}} }

// TestRefusals: every invalid rule is refused with its place and a reason.
func TestRefusals(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string // the whole error
	}{
		{"empty rule", req(RequestRule{}), "all.request[0]: give exactly one of propagate, set or remove (got 0)"},
		{"two kinds", req(RequestRule{Propagate: &Propagate{Named: "A"}, Set: &Set{Name: "B", Value: "v"}}),
			"all.request[0]: give exactly one of propagate, set or remove (got 2)"},
		{"propagate neither", req(RequestRule{Propagate: &Propagate{}}), "all.request[0].propagate: give exactly one of named or matching"},
		{"propagate both", req(RequestRule{Propagate: &Propagate{Named: "A", Matching: "b"}}), "all.request[0].propagate: give exactly one of named or matching"},
		{"bad regex", req(RequestRule{Set: &Set{Name: "X", Value: "1"}}, RequestRule{Propagate: &Propagate{Matching: "^x-("}}),
			"all.request[1].propagate.matching: invalid regex \"^x-(\": missing closing ): `^x-(`"},
		{"rename with regex", req(RequestRule{Propagate: &Propagate{Matching: "^x-", Rename: "Y"}}),
			"all.request[0].propagate: rename and default need named: a regex may match many headers"},
		{"default with regex", req(RequestRule{Propagate: &Propagate{Matching: "^x-", Default: "v"}}),
			"all.request[0].propagate: rename and default need named: a regex may match many headers"},
		{"bad name", req(RequestRule{Propagate: &Propagate{Named: "X Tenant"}}),
			"all.request[0].propagate.named: \"X Tenant\" is not a header name (letters, digits and !#$%&'*+-.^_`|~)"},
		{"hop-by-hop", req(RequestRule{Propagate: &Propagate{Named: "connection"}}),
			"all.request[0].propagate.named: connection is a hop-by-hop, framing or gateway header: no rule may send or remove it"},
		{"rename to host", req(RequestRule{Propagate: &Propagate{Named: "X-Host", Rename: "Host"}}),
			"all.request[0].propagate.rename: Host is a hop-by-hop, framing or gateway header: no rule may send or remove it"},
		{"default with CRLF", req(RequestRule{Propagate: &Propagate{Named: "X-A", Default: "a\r\nX-Evil: 1"}}),
			"all.request[0].propagate.default: the value holds a control character (CR, LF, ...)"},
		{"set without value", req(RequestRule{Set: &Set{Name: "X-A"}}),
			"all.request[0].set: give exactly one of value or claim (to send no header, leave the rule out or remove it)"},
		{"set value and claim", req(RequestRule{Set: &Set{Name: "X-A", Value: "v", Claim: "sub"}}),
			"all.request[0].set: give exactly one of value or claim (to send no header, leave the rule out or remove it)"},
		{"set content-type", req(RequestRule{Set: &Set{Name: "Content-Type", Value: "text/plain"}}),
			"all.request[0].set.name: Content-Type is a hop-by-hop, framing or gateway header: no rule may send or remove it"},
		{"set trellis header", req(RequestRule{Set: &Set{Name: "Trellis-Include-Query-Plan", Value: "true"}}),
			"all.request[0].set.name: Trellis-Include-Query-Plan is a hop-by-hop, framing or gateway header: no rule may send or remove it"},
		{"set traceparent", req(RequestRule{Set: &Set{Name: "traceparent", Value: "00-x"}}),
			"all.request[0].set.name: traceparent is a hop-by-hop, framing or gateway header: no rule may send or remove it"},
		{"set proxy header", req(RequestRule{Set: &Set{Name: "Proxy-Authorization", Value: "x"}}),
			"all.request[0].set.name: Proxy-Authorization is a hop-by-hop, framing or gateway header: no rule may send or remove it"},
		{"set value with LF", req(RequestRule{Set: &Set{Name: "X-A", Value: "a\nb"}}),
			"all.request[0].set.value: the value holds a control character (CR, LF, ...)"},
		{"empty claim part", req(RequestRule{Set: &Set{Name: "X-Org", Claim: "org..id"}}),
			"all.request[0].set.claim: \"org..id\" has an empty part: name a claim like sub or org.id"},
		{"remove neither", req(RequestRule{Remove: &Remove{}}), "all.request[0].remove: give exactly one of named or matching"},
		{"remove bad regex", req(RequestRule{Remove: &Remove{Matching: "[a"}}),
			"all.request[0].remove.matching: invalid regex \"[a\": missing closing ]: `[a`"},
		{"remove accept", req(RequestRule{Remove: &Remove{Named: "Accept"}}),
			"all.request[0].remove.named: Accept is a hop-by-hop, framing or gateway header: no rule may send or remove it"},
		{"response without propagate", resp(ResponseRule{}), "all.response[0]: give propagate"},
		{"response neither", resp(ResponseRule{Propagate: &ResponsePropagate{}}), "all.response[0].propagate: give exactly one of named or matching"},
		{"response bad algorithm", resp(ResponseRule{Propagate: &ResponsePropagate{Named: "X-A", Algorithm: "merge"}}),
			"all.response[0].propagate.algorithm: \"merge\" is not first_write, last_write or append"},
		{"response content-length", resp(ResponseRule{Propagate: &ResponsePropagate{Named: "content-length"}}),
			"all.response[0].propagate.named: content-length describes the subgraph's own connection or body: it never reaches the client"},
		{"response bad regex", resp(ResponseRule{Propagate: &ResponsePropagate{Matching: "*"}}),
			"all.response[0].propagate.matching: invalid regex \"*\": missing argument to repetition operator: `*`"},
		{"cache-control algorithm", resp(ResponseRule{Propagate: &ResponsePropagate{Named: "cache-control", Algorithm: Append}}),
			"all.response[0].propagate.algorithm: Cache-Control is always merged to the most restrictive policy: leave algorithm out"},
		{"in a subgraph", Config{Subgraphs: map[string]Section{"b": {}, "a": {Request: []RequestRule{{Set: &Set{Name: "Te", Value: "x"}}}}}},
			"subgraphs.a.request[0].set.name: Te is a hop-by-hop, framing or gateway header: no rule may send or remove it"},
		{"empty subgraph name", Config{Subgraphs: map[string]Section{"": {}}}, "subgraphs: a subgraph name is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.cfg.Validate()
			if err == nil {
				t.Fatal("accepted")
			}
			if err.Error() != c.want {
				t.Errorf("error\n got %s\nwant %s", err, c.want)
			}
			var re *RuleError
			if strings.Contains(c.want, "[") && !errors.As(err, &re) {
				t.Errorf("%T is not a *RuleError", err)
			}
		})
	}
}

func TestValidConfigs(t *testing.T) {
	r, err := New(Config{})
	if err != nil || r != nil {
		t.Fatalf("empty config: %v, %v; want nil rules", r, err)
	}
	r, err = New(Config{Subgraphs: map[string]Section{"products": {}}})
	if err != nil || r != nil {
		t.Fatalf("empty sections: %v, %v; want nil rules", r, err)
	}
	full := Config{
		All: Section{
			Request: []RequestRule{
				{Propagate: &Propagate{Named: "authorization"}},
				{Propagate: &Propagate{Named: "X-Request-Id", Rename: "X-Correlation-Id", Default: "none"}},
				{Propagate: &Propagate{Matching: "^x-tenant-"}},
				{Set: &Set{Name: "X-Gateway", Value: "trellis"}},
				{Set: &Set{Name: "X-User", Claim: "sub"}},
				{Remove: &Remove{Named: "X-Internal"}},
				{Remove: &Remove{Matching: "^x-debug-"}},
			},
			Response: []ResponseRule{
				{Propagate: &ResponsePropagate{Named: "Cache-Control"}},
				{Propagate: &ResponsePropagate{Matching: "^x-rate-", Algorithm: Append}},
			},
		},
		Subgraphs: map[string]Section{"products": {Request: []RequestRule{{Set: &Set{Name: "X-Api-Key", Value: "k"}}}}},
	}
	if err := full.Validate(); err != nil {
		t.Fatal(err)
	}
	re := full.ClaimRule()
	if re == nil || re.Error() != "all.request[4].set.claim: reading a claim needs authentication: configure auth.jwks, or set a value instead" {
		t.Errorf("ClaimRule = %v", re)
	}
	if (Config{}).ClaimRule() != nil {
		t.Error("ClaimRule of an empty config is not nil")
	}
}
