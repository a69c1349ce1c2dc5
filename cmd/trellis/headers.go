package main

import (
	"errors"
	"fmt"

	"github.com/trellis-gql/trellis/executor/headers"
	"gopkg.in/yaml.v3"
)

// headersFile is the headers section of trellis.yaml: which client headers reach the
// subgraphs and which subgraph response headers reach the client (package
// executor/headers, docs/configuration.md).
type headersFile struct {
	All       headerSectionFile            `yaml:"all"`
	Subgraphs map[string]headerSectionFile `yaml:"subgraphs"`
}

type headerSectionFile struct {
	Request  []requestRuleFile  `yaml:"request"`
	Response []responseRuleFile `yaml:"response"`
}

// requestRuleFile is one request rule; at is where it starts in the file, so that an
// invalid rule is reported with its line.
type requestRuleFile struct {
	Propagate *propagateFile `yaml:"propagate"`
	Set       *setFile       `yaml:"set"`
	Remove    *removeFile    `yaml:"remove"`
	at        position
}

type propagateFile struct {
	Named    string `yaml:"named"`
	Matching string `yaml:"matching"`
	Rename   string `yaml:"rename"`
	Default  string `yaml:"default"`
}

type setFile struct {
	Name  string `yaml:"name"`
	Value string `yaml:"value"`
	Claim string `yaml:"claim"`
}

type removeFile struct {
	Named    string `yaml:"named"`
	Matching string `yaml:"matching"`
}

type responseRuleFile struct {
	Propagate *responsePropagateFile `yaml:"propagate"`
	at        position
}

type responsePropagateFile struct {
	Named     string `yaml:"named"`
	Matching  string `yaml:"matching"`
	Algorithm string `yaml:"algorithm"`
}

// position is a line and column in the configuration file (0 when the value came from the
// environment).
type position struct{ line, col int }

func (r *requestRuleFile) UnmarshalYAML(n *yaml.Node) error {
	type plain requestRuleFile // without this method
	r.at = position{n.Line, n.Column}
	return n.Decode((*plain)(r))
}

func (r *responseRuleFile) UnmarshalYAML(n *yaml.Node) error {
	type plain responseRuleFile
	r.at = position{n.Line, n.Column}
	return n.Decode((*plain)(r))
}

// config maps the section onto the package's Config; headers.Config.Validate (through
// executor.Config.Validate) checks it.
func (h headersFile) config() headers.Config {
	cfg := headers.Config{All: h.All.section()}
	if len(h.Subgraphs) > 0 {
		cfg.Subgraphs = make(map[string]headers.Section, len(h.Subgraphs))
		for name, s := range h.Subgraphs {
			cfg.Subgraphs[name] = s.section()
		}
	}
	return cfg
}

func (s headerSectionFile) section() headers.Section {
	var out headers.Section
	for _, r := range s.Request {
		var rule headers.RequestRule
		if p := r.Propagate; p != nil {
			rule.Propagate = &headers.Propagate{Named: p.Named, Matching: p.Matching, Rename: p.Rename, Default: p.Default}
		}
		if p := r.Set; p != nil {
			rule.Set = &headers.Set{Name: p.Name, Value: p.Value, Claim: p.Claim}
		}
		if p := r.Remove; p != nil {
			rule.Remove = &headers.Remove{Named: p.Named, Matching: p.Matching}
		}
		out.Request = append(out.Request, rule)
	}
	for _, r := range s.Response {
		var rule headers.ResponseRule
		if p := r.Propagate; p != nil {
			rule.Propagate = &headers.ResponsePropagate{Named: p.Named, Matching: p.Matching, Algorithm: headers.Algorithm(p.Algorithm)}
		}
		out.Response = append(out.Response, rule)
	}
	return out
}

// rulePosition returns where the rule an error names starts in the file.
func (h headersFile) rulePosition(re *headers.RuleError) (position, bool) {
	sec, ok := h.All, re.Subgraph == ""
	if !ok {
		sec, ok = h.Subgraphs[re.Subgraph]
	}
	if !ok {
		return position{}, false
	}
	var at position
	switch {
	case re.Direction == "request" && re.Index < len(sec.Request):
		at = sec.Request[re.Index].at
	case re.Direction == "response" && re.Index < len(sec.Response):
		at = sec.Response[re.Index].at
	}
	return at, at.line > 0
}

// locate prefixes err with where (the file) and, for an invalid header rule, its line.
func (f *fileConfig) locate(where string, err error) error {
	var re *headers.RuleError
	if errors.As(err, &re) {
		if at, ok := f.Headers.rulePosition(re); ok {
			return fmt.Errorf("%s:%d:%d: %w", where, at.line, at.col, err)
		}
	}
	return fmt.Errorf("%s: %w", where, err)
}
