package registry

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Composer composes the given subgraphs (sorted by name) into a supergraph SDL. problems
// non-empty means composition failed (sdl is then ""); err is for infrastructure failures only.
// Publish, Remove and Rollback call it with the registry's write lock held; Check calls it
// without, so it must be safe for concurrent use. It must return soon after ctx is done.
type Composer func(ctx context.Context, subgraphs []Source) (sdl string, problems []Problem, err error)

// Differ classifies the changes between two supergraphs' API schemas (oldSDL "" = no graph yet).
// It must be safe for concurrent use (Check calls it without the write lock).
type Differ func(oldSDL, newSDL string) ([]Change, error)

// TakeoverFinder lists the fields that subgraph resolves in newSDL through @override(from:)
// and did not take from the same subgraph in oldSDL ("" before the first supergraph); both are
// supergraphs the Composer made. An error is an infrastructure failure. It must be safe for
// concurrent use; Publish and Rollback call it with the registry's write lock held.
type TakeoverFinder func(oldSDL, newSDL, subgraph string) ([]Takeover, error)

// Takeover is a field one subgraph takes from another with @override(from:).
type Takeover struct {
	// Coordinate is the field, e.g. Product.price.
	Coordinate string
	// From is the subgraph named by @override(from:).
	From string
}

// CodeOverrideNotOwned is the Problem code of a refused attempt whose subgraph takes a field,
// with @override, from a subgraph the token does not own.
const CodeOverrideNotOwned = "OVERRIDE_NOT_OWNED"

// Source is one subgraph as given to the Composer.
type Source struct{ Name, RoutingURL, SDL string }

// Problem is one composition error.
type Problem struct {
	Code, Message, Subgraph, Coordinate string
	Line, Column                        int
}

// Change is one classified difference between two supergraphs' API schemas.
type Change struct {
	// Level is LevelBreaking, LevelDangerous or LevelSafe.
	Level                     string
	Code, Coordinate, Message string
}

// Change levels.
const (
	LevelBreaking  = "BREAKING"
	LevelDangerous = "DANGEROUS"
	LevelSafe      = "SAFE"
)

// Publication actions.
const (
	ActionPublish  = "publish"
	ActionRemove   = "remove"
	ActionRollback = "rollback"
)

// Publication statuses.
const (
	// StatusPublished: the subgraph change and a new supergraph version were stored.
	StatusPublished = "published"
	// StatusFailed: composition failed; only the attempt was stored.
	StatusFailed = "failed"
	// StatusRefused: the change is breaking and breaking changes were not allowed, or a team
	// token's subgraph takes fields of a subgraph it does not own (see Options.Takeovers).
	StatusRefused = "refused"
	// StatusUnchanged: the subgraph already had that schema and routing URL.
	StatusUnchanged = "unchanged"
)

// Options configures a Registry.
type Options struct {
	// Compose composes subgraphs into a supergraph. Required.
	Compose Composer
	// Diff classifies supergraph changes. Required.
	Diff Differ
	// AdminToken, when set, is the admin token (only its SHA-256 hash is stored); see Bootstrap.
	// At least 16 characters.
	AdminToken string
	// Logger receives warnings (a failed poll of the store). Nil discards them.
	Logger *slog.Logger
	// PollInterval is how often Wait re-reads the store for versions published by other
	// processes. Zero means 1s.
	PollInterval time.Duration
	// ValidatePolicy checks a traffic policy document before PublishPolicy stores it; its
	// error (which should name lines of the document) is returned wrapped in ErrInvalid. The
	// registry cannot know the gateway's configuration, so the program embedding it supplies
	// this. Nil: PublishPolicy refuses every document. It must be safe for concurrent use and
	// must not block; it is called with the registry's write lock held.
	ValidatePolicy PolicyValidator
	// Takeovers finds the fields a publish or rollback takes from other subgraphs with
	// @override. A team token's attempt that takes a field from a subgraph the token does not
	// own is refused (ErrForbidden; the attempt is recorded as refused): ownership is per
	// subgraph, and @override would otherwise let any team serve another team's fields from a
	// URL of its choosing. Nil: no check (a Composer without @override needs none; `trellis
	// serve --registry` sets it).
	Takeovers TakeoverFinder
}

// PolicyValidator checks a policy document; nil means it is valid.
type PolicyValidator func(doc string) error

// PolicyVersion is one published version of the central traffic policy: a YAML document that
// gateways following the registry merge under their local configuration
// (docs/central-policy.md).
type PolicyVersion struct {
	// Version increases by one with every policy that differs from the latest one.
	Version int64
	// Document is the policy as published (YAML), byte for byte.
	Document string
	// Hash is the SHA-256 of Document, in hex.
	Hash      string
	CreatedAt time.Time
	// CreatedBy is the team of the token that published it ("admin").
	CreatedBy string
}

// Principal is who a call acts for: the admin or a team token.
type Principal struct {
	// TokenID identifies the token ("admin" for the admin token).
	TokenID string
	// Team is the token's team ("admin" for the admin token).
	Team string
	// Admin may do anything.
	Admin bool
	// Subgraphs are the subgraphs a team token may publish, remove and roll back, sorted.
	Subgraphs []string
}

// Input is a subgraph to publish or check.
type Input struct {
	// Name of the subgraph.
	Name string
	// RoutingURL is where gateways send the subgraph's fetches. Required on the first publish of
	// a name; "" on a later one keeps the current URL.
	RoutingURL string
	// SDL is the subgraph's schema.
	SDL string
}

// Subgraph is one stored version of a subgraph.
type Subgraph struct {
	Name, RoutingURL, SDL string
	Version               int
	PublishedAt           time.Time
	PublishedBy           string
}

// Supergraph is one composed version of the whole graph.
type Supergraph struct {
	// Version increases by one with every successful publish, remove or rollback.
	Version int64
	SDL     string
	// Hash is the SHA-256 of SDL, in hex.
	Hash      string
	CreatedAt time.Time
	// Subgraphs are the subgraph versions it was composed from, sorted by name.
	Subgraphs []SubgraphRef
}

// SubgraphRef names one version of a subgraph.
type SubgraphRef struct {
	Name    string
	Version int
}

// Publication is one recorded attempt to change the graph.
type Publication struct {
	ID       int64
	Subgraph string
	// Action is ActionPublish, ActionRemove or ActionRollback.
	Action string
	// Status is StatusPublished, StatusFailed, StatusRefused or StatusUnchanged.
	Status string
	// By is the team of the token that made the attempt ("admin" for the admin).
	By string
	// SubgraphVersion is the version the attempt stored (published), found unchanged
	// (unchanged) or removed (a published remove); 0 when nothing was stored.
	SubgraphVersion int
	// SupergraphVersion is the supergraph version current after the attempt (0 = none yet).
	SupergraphVersion int64
	// Problems are the composition errors of a failed attempt, or what a refused one took from
	// subgraphs its token does not own (code CodeOverrideNotOwned).
	Problems []Problem
	// Changes are the classified changes (of a published or refused attempt).
	Changes   []Change
	CreatedAt time.Time
}

// Result is the outcome of Publish, Remove or Rollback.
type Result struct {
	Publication
	// Supergraph is the new supergraph when Status is StatusPublished, else nil.
	Supergraph *Supergraph
	// Message is one line for humans.
	Message string
}

// CheckResult is the outcome of Check.
type CheckResult struct {
	Problems []Problem
	Changes  []Change
	// Breaking is true when a change has LevelBreaking.
	Breaking bool
}

// Errors callers decide on. Returned errors wrap them with details; use errors.Is.
var (
	// ErrUnauthenticated: no principal, or an unknown token.
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrForbidden: the principal may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound: no such subgraph, version or token.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: bad input; the message says what and how to fix it.
	ErrInvalid = errors.New("invalid")
	// ErrClosed: the registry was closed.
	ErrClosed = errors.New("registry closed")
)
