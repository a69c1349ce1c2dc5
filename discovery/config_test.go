package discovery

import (
	"encoding/base64"
	"reflect"
	"strings"
	"testing"
)

func TestDefaultConfig(t *testing.T) {
	want := Config{
		BindAddr: "127.0.0.1",
		BindPort: 7946,
		Profile:  ProfileLAN,
		Self:     Instance{Role: RoleGateway, Weight: 1},
	}
	got := DefaultConfig()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("DefaultConfig() = %+v, want %+v", got, want)
	}
	if err := got.Validate(); err != nil {
		t.Fatalf("DefaultConfig().Validate() = %v", err)
	}
}

// TestConfigLiteral: the few lines a Go subgraph writes are enough.
func TestConfigLiteral(t *testing.T) {
	c := Config{
		Join: []string{"127.0.0.1:7946"},
		Self: Instance{Role: RoleSubgraph, Subgraph: "products", URL: "http://127.0.0.1:4001/graphql"},
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	f := c.fill(true)
	if f.BindAddr != "127.0.0.1" || f.BindPort != 0 || f.Profile != ProfileLAN || f.Self.Weight != 1 || f.Log == nil {
		t.Fatalf("fill: %+v", f)
	}
	if !strings.Contains(f.NodeName, "-") || len(f.NodeName) < 10 {
		t.Fatalf("generated node name %q: want hostname-random", f.NodeName)
	}
	if g := c.fill(true); g.NodeName == f.NodeName {
		t.Fatalf("two generated node names are equal: %q", g.NodeName)
	}
}

func TestConfigValidate(t *testing.T) {
	sub := Instance{Role: RoleSubgraph, Subgraph: "products", URL: "https://10.0.0.7:4102/graphql", Version: "1.4.0", Zone: "eu-1a", Weight: 3}
	cases := []struct {
		name string
		edit func(*Config)
		want []string // each must appear in the error; nil means valid
	}{
		{"subgraph ok", func(c *Config) { c.Self = sub }, nil},
		{"gateway with url ok", func(c *Config) { c.Self.URL = "http://127.0.0.1:4000/graphql" }, nil},
		{"ipv6 seed ok", func(c *Config) { c.Join = []string{"[::1]:7946", "gw.internal:7946"} }, nil},
		{"advertise ok", func(c *Config) { c.AdvertiseAddr = "203.0.113.9" }, nil},
		{"keys ok", func(c *Config) { c.SecretKey = make([]byte, 24) }, nil},
		{"secret key length", func(c *Config) { c.SecretKey = make([]byte, 10) },
			[]string{"discovery.secret_key: must be 16, 24 or 32 bytes, got 10", "head -c 32 /dev/urandom | base64"}},
		{"bind addr", func(c *Config) { c.BindAddr = "localhost" },
			[]string{`discovery.bind_addr: must be an IP address, e.g. 10.0.0.5; got "localhost"`}},
		{"bind port", func(c *Config) { c.BindPort = 70000 }, []string{"discovery.bind_port: must be 0 to 65535; got 70000"}},
		{"advertise addr", func(c *Config) { c.AdvertiseAddr = "nat" }, []string{"discovery.advertise_addr:"}},
		{"advertise port", func(c *Config) { c.AdvertisePort = -1 }, []string{"discovery.advertise_port: must be 0 to 65535"}},
		{"advertise without port", func(c *Config) { c.AdvertiseAddr = "203.0.113.9"; c.BindPort = 0 },
			[]string{"discovery.advertise_port: required with advertise_addr when bind_port is 0"}},
		{"seed without port", func(c *Config) { c.Join = []string{"127.0.0.1:7946", "127.0.0.1"} },
			[]string{`discovery.join[1]: must be host:port, e.g. 10.0.0.5:7946; got "127.0.0.1"`}},
		{"seed port", func(c *Config) { c.Join = []string{"10.0.0.1:0"} }, []string{`discovery.join[0]: port must be 1 to 65535`}},
		{"profile", func(c *Config) { c.Profile = "wan" }, []string{`discovery.profile: must be "lan" or "local"; got "wan"`}},
		{"node name spaces", func(c *Config) { c.NodeName = "my node" }, []string{`discovery.node_name: no spaces`}},
		{"node name long", func(c *Config) { c.NodeName = strings.Repeat("n", 129) }, []string{`discovery.node_name: at most 128 bytes; got 129`}},
		{"self node", func(c *Config) { c.NodeName = "a"; c.Self.Node = "b" }, []string{`discovery.self.node: set from node_name`}},
		{"role missing", func(c *Config) { c.Self.Role = "" }, []string{`discovery.self.role: must be "gateway" or "subgraph"; got ""`}},
		{"subgraph fields", func(c *Config) { c.Self = Instance{Role: RoleSubgraph} },
			[]string{"discovery.self.subgraph: required for role", "discovery.self.url: required for role"}},
		{"gateway with subgraph", func(c *Config) { c.Self.Subgraph = "products" },
			[]string{`discovery.self.subgraph: only for role "subgraph"`}},
		{"url scheme", func(c *Config) { c.Self = sub; c.Self.URL = "127.0.0.1:4001/graphql" }, []string{"discovery.self.url:"}},
		{"url host", func(c *Config) { c.Self = sub; c.Self.URL = "http:///graphql" }, []string{"discovery.self.url: has no host"}},
		{"weight", func(c *Config) { c.Self = sub; c.Self.Weight = 1001 }, []string{"discovery.self.weight: must be 1 to 1000; got 1001"}},
		{"negative weight", func(c *Config) { c.Self = sub; c.Self.Weight = -1 }, []string{"discovery.self.weight: must be 1 to 1000; got -1"}},
		{"utf8", func(c *Config) { c.Self = sub; c.Self.Zone = "\xff" }, []string{"discovery.self.zone: not valid UTF-8"}},
		{"oversized metadata", func(c *Config) {
			c.Self = sub
			c.Self.URL = "https://products.internal/" + strings.Repeat("x", 480)
		}, []string{"discovery.self.url: too long (506 bytes)", "memberlist allows 512"}},
		{"oversized version", func(c *Config) { c.Self = sub; c.Self.Version = strings.Repeat("v", 500) },
			[]string{"discovery.self.version: too long (500 bytes)"}},
		{"all errors at once", func(c *Config) { c.BindPort = -1; c.Profile = "x"; c.SecretKey = []byte{1} },
			[]string{"discovery.bind_port", "discovery.profile", "discovery.secret_key"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.edit(&c)
			err := c.Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want an error with %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

func TestParseKey(t *testing.T) {
	key32 := make([]byte, 32)
	for i := range key32 {
		key32[i] = byte(i)
	}
	enc := base64.StdEncoding.EncodeToString
	for _, n := range []int{16, 24, 32} {
		got, err := ParseKey(" " + enc(key32[:n]) + "\n")
		if err != nil || !reflect.DeepEqual(got, key32[:n]) {
			t.Errorf("ParseKey(%d bytes) = %x, %v", n, got, err)
		}
	}
	bad := []struct{ in, want string }{
		{"", "gossip key: empty; make one with `head -c 32 /dev/urandom | base64`"},
		{"not base64!", "gossip key: not standard base64"},
		{enc(key32[:10]), "gossip key: decodes to 10 bytes, must be 16, 24 or 32; make one with `head -c 32 /dev/urandom | base64`"},
		{base64.RawURLEncoding.EncodeToString(key32[:31]), "gossip key: not standard base64"},
	}
	for _, tc := range bad {
		_, err := ParseKey(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseKey(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
}
