package identity

import (
	"crypto/x509"
	"net/url"
	"strings"
	"testing"
)

func TestParseID(t *testing.T) {
	valid := []struct {
		in   string
		want ID
	}{
		{"spiffe://example.org/subgraph/products", productsID},
		{"spiffe://example.org/gateway/gw-1", gatewayID},
		{"spiffe://a.b-c_d.example/subgraph/Inventory_v2.1", ID{"a.b-c_d.example", KindSubgraph, "Inventory_v2.1"}},
		{"spiffe://localhost/gateway/g", ID{"localhost", KindGateway, "g"}},
	}
	for _, tc := range valid {
		got, err := ParseID(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseID(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			continue
		}
		if got.String() != tc.in {
			t.Errorf("ParseID(%q).String() = %q", tc.in, got.String())
		}
		if got.URL().String() != tc.in {
			t.Errorf("ParseID(%q).URL() = %q", tc.in, got.URL())
		}
	}

	invalid := []struct{ in, want string }{
		{"", "cannot be empty"},
		{"example.org/subgraph/products", "scheme is missing or invalid"},
		{"https://example.org/subgraph/products", "scheme is missing or invalid"},
		{"SPIFFE://example.org/subgraph/products", "scheme is missing or invalid"},
		{"spiffe:///subgraph/products", "trust domain is missing"},
		{"spiffe://Example.org/subgraph/products", "trust domain characters"},
		{"spiffe://example.org:8443/subgraph/products", "trust domain characters"},
		{"spiffe://user@example.org/subgraph/products", "trust domain characters"},
		{"spiffe://example.org", "not a Trellis identity"},
		{"spiffe://example.org/", "trailing slash"},
		{"spiffe://example.org/subgraph", "not a Trellis identity"},
		{"spiffe://example.org/subgraph/", "trailing slash"},
		{"spiffe://example.org/subgraph/products/", "trailing slash"},
		{"spiffe://example.org/subgraph/products/v2", "not a Trellis identity"},
		{"spiffe://example.org//subgraph/products", "empty segments"},
		{"spiffe://example.org/subgraph/../gateway", "dot segments"},
		{"spiffe://example.org/subgraph/.", "dot segments"},
		{"spiffe://example.org/router/products", `kind "router" is neither`},
		{"spiffe://example.org/Subgraph/products", `kind "Subgraph" is neither`},
		{"spiffe://example.org/subgraph/pro%64ucts", "path segment characters"},
		{"spiffe://example.org/subgraph/products?x=1", "path segment characters"},
		{"spiffe://example.org/subgraph/products#f", "path segment characters"},
		{"spiffe://example.org/subgraph/pro ducts", "path segment characters"},
		{" spiffe://example.org/subgraph/products", "scheme is missing"},
		{"spiffe://example.org/subgraph/" + strings.Repeat("a", 2048), "at most 2048"},
	}
	for _, tc := range invalid {
		got, err := ParseID(tc.in)
		if err == nil {
			t.Errorf("ParseID(%q) = %+v; want an error", tc.in, got)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseID(%q) error = %v; want it to contain %q", tc.in, err, tc.want)
		}
	}
}

func TestIDValidate(t *testing.T) {
	tests := []struct {
		id   ID
		want string // "" = valid
	}{
		{productsID, ""},
		{ID{"", KindSubgraph, "products"}, "trust domain is missing"},
		{ID{"spiffe://example.org", KindSubgraph, "products"}, "bare name"},
		{ID{"example.org:443", KindSubgraph, "products"}, "bare name"},
		{ID{"EXAMPLE.org", KindSubgraph, "products"}, "trust domain characters"},
		{ID{td, "", "products"}, "the kind is missing"},
		{ID{td, "service", "products"}, `kind "service"`},
		{ID{td, KindSubgraph, ""}, "the subgraph name is missing"},
		{ID{td, KindSubgraph, "a/b"}, "path segment characters"},
		{ID{td, KindGateway, ".."}, "dot segments"},
		{ID{strings.Repeat("a", 256), KindGateway, "g"}, "longer than 255"},
	}
	for _, tc := range tests {
		err := tc.id.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v.Validate() = %v, want nil", tc.id, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v.Validate() = %v, want an error containing %q", tc.id, err, tc.want)
		}
	}
	if _, err := NewID(td, KindSubgraph, "products"); err != nil {
		t.Errorf("NewID: %v", err)
	}
}

func TestIDFromCertificate(t *testing.T) {
	u := func(s string) *url.URL {
		v, err := url.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		uris []*url.URL
		want string // "" = valid
	}{
		{"one", []*url.URL{productsID.URL()}, ""},
		{"none", nil, "no URI SAN"},
		{"two", []*url.URL{productsID.URL(), gatewayID.URL()}, "has 2 URI SANs"},
		{"two equal", []*url.URL{productsID.URL(), productsID.URL()}, "has 2 URI SANs"},
		{"not spiffe", []*url.URL{u("https://example.org/subgraph/products")}, "scheme"},
		{"query", []*url.URL{u("spiffe://example.org/subgraph/products?a=b")}, "path segment characters"},
		{"port", []*url.URL{u("spiffe://example.org:1/subgraph/products")}, "trust domain characters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := IDFromCertificate(&x509.Certificate{URIs: tc.uris})
			switch {
			case tc.want == "" && (err != nil || id != productsID):
				t.Errorf("got %v, %v; want %s", id, err, productsID)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, %v; want an error containing %q", id, err, tc.want)
			}
		})
	}
}
