package executor_test

import (
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/examples"
	"github.com/trellis-gql/trellis/executor"
	"github.com/trellis-gql/trellis/schema/supergraph"
)

// TestDisableIntrospection: with introspection off, __schema and __type are refused however
// they are selected (alias, fragment, inline fragment), and nothing else is; with it on (the
// default) they are answered.
func TestDisableIntrospection(t *testing.T) {
	sg, err := supergraph.Load("examples", examples.Supergraph)
	if err != nil {
		t.Fatal(err)
	}
	gateway := func(off bool) *executor.Gateway {
		cfg := executor.DefaultConfig()
		cfg.DisableIntrospection = off
		gw, err := executor.New(cfg, sg, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(gw.Close)
		return gw
	}
	introspecting := []string{
		`{"query":"{ __schema { queryType { name } } }"}`,
		`{"query":"{ t: __type(name: \"Product\") { name } }"}`,
		`{"query":"{ ...F } fragment F on Query { __schema { types { name } } }"}`,
		`{"query":"{ ... on Query { __type(name: \"User\") { fields { name } } } }"}`,
	}
	off, on := gateway(true), gateway(false)
	for _, body := range introspecting {
		_, _, got := send(off, body)
		if !strings.Contains(got, `"code":"INTROSPECTION_DISABLED"`) || strings.Contains(got, `"data"`) {
			t.Errorf("introspection off, %s:\n%s", body, got)
		}
		_, _, got = send(on, body)
		if strings.Contains(got, "errors") || !strings.Contains(got, `"data":{`) {
			t.Errorf("introspection on, %s:\n%s", body, got)
		}
	}
	if _, _, got := send(off, `{"query":"{ __typename }"}`); got != `{"data":{"__typename":"Query"}}` {
		t.Errorf("__typename with introspection off: %s", got)
	}
}
