package discovery

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/memberlist"
)

// Profile selects memberlist's timings.
type Profile string

const (
	// ProfileLAN is memberlist's DefaultLANConfig: probe every second (500 ms timeout, 3
	// indirect checks), gossip every 200 ms, full sync every 30 s. For clusters across hosts.
	ProfileLAN Profile = "lan"
	// ProfileLocal is memberlist's DefaultLocalConfig: 200 ms probe timeout, gossip every
	// 100 ms, shorter suspicion. For tests and for a cluster on one host.
	ProfileLocal Profile = "local"
)

// DefaultPort is memberlist's (and Serf's and Consul's) usual gossip port, TCP and UDP.
const DefaultPort = 7946

// maxNodeName bounds node names: they travel in every gossip message.
const maxNodeName = 128

// Config says how a member joins the cluster and what it advertises. Start from
// DefaultConfig, or write a literal: Join reads zero values as documented per field.
type Config struct {
	// NodeName is this member's name in the cluster, unique among the members. Empty means
	// the host name followed by a random suffix, so that a restarted process is a new
	// member. A member restarted with the same name on another address is accepted as soon
	// as the cluster has declared the old one dead or it has left.
	NodeName string

	// BindAddr is the IP address gossip listens on, TCP and UDP. Default 127.0.0.1, which
	// only reaches members on this host; use the host's address (or 0.0.0.0) for a cluster
	// across hosts, with a SecretKey.
	BindAddr string

	// BindPort is the gossip port, TCP and UDP. DefaultConfig sets 7946; 0 takes any free
	// port (Member.Addr tells which), which is what a Config literal gets.
	BindPort int

	// AdvertiseAddr is the IP address other members reach this one at, when it is not
	// BindAddr (NAT, containers). Empty advertises the bound address.
	AdvertiseAddr string

	// AdvertisePort goes with AdvertiseAddr; 0 means BindPort.
	AdvertisePort int

	// Join lists seed members as host:port (such as 127.0.0.1:7946). Join contacts them all
	// and succeeds when one answers; empty starts a new cluster.
	Join []string

	// SecretKey encrypts and authenticates all gossip with AES-GCM: 16, 24 or 32 bytes
	// (AES-128, -192, -256), the same on every member; ParseKey reads the --gossip-key form.
	// Nil leaves gossip in clear text and lets anyone who reaches the port join and
	// advertise instances: acceptable on one host or in tests only; production needs a key.
	SecretKey []byte

	// Self is what this member advertises. Self.Node is set from NodeName.
	Self Instance

	// Profile picks memberlist's timings: ProfileLAN (default) or ProfileLocal.
	Profile Profile

	// Transport replaces the UDP/TCP sockets, for tests (memberlist.MockNetwork). When set,
	// BindAddr, BindPort and the advertise settings are the transport's business.
	Transport memberlist.Transport

	// Log receives the package's own events (members joining and leaving, unreadable
	// metadata) and memberlist's log lines at debug level. Nil discards them.
	Log *slog.Logger
}

// DefaultConfig returns a gateway on 127.0.0.1:7946 with the LAN profile, no seeds and no
// key. The node name is chosen at Join.
func DefaultConfig() Config {
	return Config{
		BindAddr: "127.0.0.1",
		BindPort: DefaultPort,
		Profile:  ProfileLAN,
		Self:     Instance{Role: RoleGateway, Weight: DefaultWeight},
	}
}

// Validate reports every setting Join cannot honour, each naming its configuration key.
// Zero values that Join replaces by a default are valid.
func (c Config) Validate() error {
	c = c.fill(false)
	errs := []error{
		checkNodeName(c.NodeName),
		checkIP("discovery.bind_addr", c.BindAddr, false),
		checkPort("discovery.bind_port", c.BindPort),
		checkIP("discovery.advertise_addr", c.AdvertiseAddr, true),
		checkPort("discovery.advertise_port", c.AdvertisePort),
	}
	if c.AdvertiseAddr != "" && c.AdvertisePort == 0 && c.BindPort == 0 && c.Transport == nil {
		errs = append(errs, errors.New("discovery.advertise_port: required with advertise_addr when bind_port is 0 (any free port)"))
	}
	for i, seed := range c.Join {
		if err := checkSeed(seed); err != nil {
			errs = append(errs, fmt.Errorf("discovery.join[%d]: %w", i, err))
		}
	}
	if n := len(c.SecretKey); n != 0 && n != 16 && n != 24 && n != 32 {
		errs = append(errs, fmt.Errorf("discovery.secret_key: must be 16, 24 or 32 bytes, got %d; %s", n, keyHint))
	}
	if c.Profile != ProfileLAN && c.Profile != ProfileLocal {
		errs = append(errs, fmt.Errorf("discovery.profile: must be %q or %q; got %q", ProfileLAN, ProfileLocal, c.Profile))
	}
	if c.Self.Node != "" && c.Self.Node != c.NodeName {
		errs = append(errs, fmt.Errorf("discovery.self.node: set from node_name; leave it empty (got %q, node_name %q)", c.Self.Node, c.NodeName))
	}
	if err := c.Self.validate("discovery.self"); err != nil {
		errs = append(errs, err)
	} else {
		errs = append(errs, checkMetaSize("discovery.self", c.Self))
	}
	return errors.Join(errs...)
}

// fill replaces zero values by their defaults. The node name is generated only when
// named is true, so that Validate does not invent one.
func (c Config) fill(named bool) Config {
	if c.NodeName == "" && named {
		c.NodeName = defaultNodeName()
	}
	if c.BindAddr == "" {
		c.BindAddr = "127.0.0.1"
	}
	if c.AdvertisePort == 0 {
		c.AdvertisePort = c.BindPort
	}
	if c.Profile == "" {
		c.Profile = ProfileLAN
	}
	if c.Self.Weight == 0 {
		c.Self.Weight = DefaultWeight
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return c
}

func defaultNodeName() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "trellis"
	}
	var b [4]byte
	_, _ = io.ReadFull(rand.Reader, b[:])
	return host + "-" + hex.EncodeToString(b[:])
}

// memberlist maps c, filled, onto memberlist's configuration.
func (c Config) memberlist(d *delegate) *memberlist.Config {
	mc := memberlist.DefaultLANConfig()
	if c.Profile == ProfileLocal {
		mc = memberlist.DefaultLocalConfig()
	}
	mc.Name = c.NodeName
	mc.BindAddr = c.BindAddr
	mc.BindPort = c.BindPort
	mc.AdvertiseAddr = c.AdvertiseAddr
	mc.AdvertisePort = c.AdvertisePort
	mc.Transport = c.Transport
	if len(c.SecretKey) > 0 {
		mc.SecretKey = append([]byte(nil), c.SecretKey...)
	}
	mc.Delegate = d
	mc.Events = d
	mc.Conflict = d
	mc.Logger = log.New(logWriter{c.Log}, "", 0)
	// A dead member's name may be taken at once by a process on another address: that is
	// an instance restarted elsewhere, and it must get traffic within a second, not after
	// memberlist's default of never.
	mc.DeadNodeReclaimTime = time.Nanosecond
	return mc
}

func checkNodeName(name string) error {
	switch {
	case name == "":
		return nil // generated at Join
	case len(name) > maxNodeName:
		return fmt.Errorf("discovery.node_name: at most %d bytes; got %d", maxNodeName, len(name))
	case !utf8.ValidString(name) || strings.ContainsFunc(name, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }):
		return fmt.Errorf("discovery.node_name: no spaces or control characters; got %q", name)
	}
	return nil
}

func checkIP(key, addr string, optional bool) error {
	if addr == "" && optional {
		return nil
	}
	if net.ParseIP(addr) == nil {
		return fmt.Errorf("%s: must be an IP address, e.g. 10.0.0.5; got %q", key, addr)
	}
	return nil
}

func checkPort(key string, port int) error {
	if port < 0 || port > 65535 {
		return fmt.Errorf("%s: must be 0 to 65535; got %d", key, port)
	}
	return nil
}

func checkSeed(seed string) error {
	host, port, err := net.SplitHostPort(seed)
	if err != nil || host == "" {
		return fmt.Errorf("must be host:port, e.g. 10.0.0.5:%d; got %q", DefaultPort, seed)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return fmt.Errorf("port must be 1 to 65535; got %q", seed)
	}
	return nil
}
