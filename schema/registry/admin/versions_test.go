package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/trellis-gql/trellis/schema/registry/admin"
	"github.com/trellis-gql/trellis/schema/registry/admin/admintest"
)

// TestVersionsOfUnknownName: versions of a name never published is the empty list the schema
// documents, not an error; a name that is not a subgraph name at all is BAD_USER_INPUT.
func TestVersionsOfUnknownName(t *testing.T) {
	s := admintest.Start(t)
	status, body := post(t, s.URL, "Bearer "+admintest.AdminToken, `{"query":"{ versions(name: \"nosuch\") { version } }"}`)
	if status != http.StatusOK || body != `{"data":{"versions":[]}}` {
		t.Fatalf("versions(nosuch) = %d %s; want an empty list", status, body)
	}
	got, err := admin.NewClient(s.URL, admintest.AdminToken, nil).Versions(ctx, "nosuch")
	if err != nil || len(got) != 0 {
		t.Fatalf("client Versions(nosuch) = %v, %v; want none and no error", got, err)
	}
	if _, body := post(t, s.URL, "Bearer "+admintest.AdminToken, `{"query":"{ versions(name: \"no such\") { version } }"}`); !strings.Contains(body, `"code":"BAD_USER_INPUT"`) {
		t.Fatalf("versions(\"no such\") = %s; want BAD_USER_INPUT", body)
	}
}
