package admin

import (
	"context"
	"time"

	"github.com/trellis-gql/trellis/schema/registry"
)

const policyFields = `fragment Pol on Policy { version document hash createdAt createdBy }`

// PublishPolicy publishes the central traffic policy (admin token only). changed is false
// when doc is the latest policy's document (nothing was stored); message is one line for
// people. A document the registry refuses is an error matching registry.ErrInvalid.
func (c *Client) PublishPolicy(ctx context.Context, doc string) (pv *registry.PolicyVersion, changed bool, message string, err error) {
	var out struct {
		R struct {
			Policy  *registry.PolicyVersion
			Changed bool
			Message string
		}
	}
	err = c.call(ctx, CallTimeout, `mutation($doc: String!) { r: publishPolicy(document: $doc) { policy { ...Pol } changed message } }`+"\n"+policyFields,
		map[string]any{"doc": doc}, &out)
	if err != nil {
		return nil, false, "", err
	}
	return out.R.Policy, out.R.Changed, out.R.Message, nil
}

// Policy returns the latest policy; nil before the first.
func (c *Client) Policy(ctx context.Context) (*registry.PolicyVersion, error) {
	var out struct{ R *registry.PolicyVersion }
	err := c.call(ctx, CallTimeout, `{ r: policy { ...Pol } }`+"\n"+policyFields, nil, &out)
	return out.R, err
}

// PolicyVersions returns up to limit (1 to 1000) stored policy versions, newest first.
func (c *Client) PolicyVersions(ctx context.Context, limit int) ([]registry.PolicyVersion, error) {
	var out struct{ R []registry.PolicyVersion }
	err := c.call(ctx, CallTimeout, `query($limit: Int) { r: policyVersions(limit: $limit) { ...Pol } }`+"\n"+policyFields,
		map[string]any{"limit": limit}, &out)
	return out.R, err
}

// PolicyAfter waits up to wait (whole seconds, at most MaxPoll) for a policy newer than
// version, and returns the latest one then (nil if there is none yet): compare its Version
// with version to know whether it is new.
func (c *Client) PolicyAfter(ctx context.Context, version int64, wait time.Duration) (*registry.PolicyVersion, error) {
	secs := int(min(wait, MaxPoll) / time.Second)
	var out struct{ R *registry.PolicyVersion }
	err := c.call(ctx, time.Duration(secs)*time.Second+CallTimeout,
		`query($v: Int!, $t: Int) { r: policyAfter(version: $v, timeoutSeconds: $t) { ...Pol } }`+"\n"+policyFields,
		map[string]any{"v": version, "t": secs}, &out)
	return out.R, err
}
