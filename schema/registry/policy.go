package registry

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// The central traffic policy: a YAML document, versioned like supergraphs, that gateways
// following the registry merge under their local configuration. The registry stores and
// serves it; what a valid policy is, Options.ValidatePolicy decides (docs/central-policy.md).

// maxPolicy is the largest policy document accepted, in bytes.
const maxPolicy = 256 << 10

// keepPolicies bounds the policy versions kept, as keepSupergraphs does supergraphs.
const keepPolicies = 100

// PublishPolicy stores doc as the next policy version (admin token only). A document equal to
// the latest one stores nothing: the latest is returned with changed false. A document the
// validator refuses stores nothing and returns ErrInvalid with the validator's message.
func (r *Registry) PublishPolicy(ctx context.Context, p *Principal, doc string) (pv *PolicyVersion, changed bool, err error) {
	if err := adminOnly(p, "publish the traffic policy"); err != nil {
		return nil, false, err
	}
	if err := checkPolicyText(doc); err != nil {
		return nil, false, err
	}
	if r.opts.ValidatePolicy == nil {
		return nil, false, errors.New("registry: publishing a policy: this registry was opened without Options.ValidatePolicy, so it cannot check one")
	}
	hash := sha256Hex(doc)
	err = r.write(ctx, func(q *queries) error {
		latest, err := q.latestPolicy(ctx)
		if err != nil {
			return err
		}
		if latest != nil && latest.Hash == hash {
			pv = latest
			return nil
		}
		if err := r.validatePolicySafely(doc); err != nil {
			return err
		}
		pv = &PolicyVersion{Version: policyVersionOf(latest) + 1, Document: doc, Hash: hash, CreatedAt: r.now(), CreatedBy: p.Team}
		changed = true
		return q.putPolicy(ctx, pv, keepPolicies)
	})
	if err != nil {
		return nil, false, fmt.Errorf("registry: publishing the policy: %w", err)
	}
	if changed {
		policyNoteOf(r).wake()
	}
	return pv, changed, nil
}

// Policy returns the latest policy; nil, nil before the first.
func (r *Registry) Policy(ctx context.Context) (*PolicyVersion, error) {
	var pv *PolicyVersion
	err := r.read(ctx, func(q *queries) error {
		var err error
		pv, err = q.latestPolicy(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("registry: reading the policy: %w", err)
	}
	return pv, nil
}

// PolicyVersions returns the stored policy versions, newest first (the newest 100 are kept).
// limit <= 0 means 100; at most 1000 are returned.
func (r *Registry) PolicyVersions(ctx context.Context, limit int) ([]PolicyVersion, error) {
	if limit <= 0 {
		limit = defaultHistory
	}
	limit = min(limit, maxHistory)
	var out []PolicyVersion
	err := r.read(ctx, func(q *queries) error {
		var err error
		out, err = q.policyVersions(ctx, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("registry: listing the policy versions: %w", err)
	}
	return out, nil
}

// checkPolicyText refuses what no validator should have to read.
func checkPolicyText(doc string) error {
	switch {
	case strings.TrimSpace(doc) == "":
		return fmt.Errorf("%w: the policy document is empty: give a YAML mapping of sections (traffic:, headers:, ...); publish {} to clear every key", ErrInvalid)
	case len(doc) > maxPolicy:
		return fmt.Errorf("%w: the policy document is %d bytes; the limit is %d (256 KiB)", ErrInvalid, len(doc), maxPolicy)
	case !utf8.ValidString(doc) || strings.ContainsRune(doc, 0):
		return fmt.Errorf("%w: the policy document is not UTF-8 text (invalid bytes or NUL): save it as UTF-8", ErrInvalid)
	}
	return nil
}

// validatePolicySafely calls the validator, turning its error into ErrInvalid and a panic
// into an error, so that a validator bug fails one publish instead of the process.
func (r *Registry) validatePolicySafely(doc string) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("validating the policy: the validator panicked: %v", v)
		}
	}()
	if verr := r.opts.ValidatePolicy(doc); verr != nil {
		return fmt.Errorf("%w: the policy is refused, nothing was stored: %v", ErrInvalid, verr)
	}
	return nil
}

func policyVersionOf(pv *PolicyVersion) int64 {
	if pv == nil {
		return 0
	}
	return pv.Version
}
