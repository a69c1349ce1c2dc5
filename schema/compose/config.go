package compose

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"time"

	"gopkg.in/yaml.v3"
)

// config is a rover-style supergraph.yaml.
type config struct {
	FederationVersion string                    `yaml:"federation_version"`
	Subgraphs         map[string]subgraphConfig `yaml:"subgraphs"`
}

type subgraphConfig struct {
	RoutingURL string `yaml:"routing_url"`
	Schema     struct {
		File        string `yaml:"file"`
		SubgraphURL string `yaml:"subgraph_url"`
	} `yaml:"schema"`
}

// introspectTimeout bounds one `{ _service { sdl } }` fetch.
const introspectTimeout = 10 * time.Second

// maxSDLBytes bounds an introspected SDL.
const maxSDLBytes = 16 << 20

// LoadConfig reads a rover-style supergraph.yaml: federation_version, subgraphs: {NAME:
// {routing_url, schema: {file: PATH} | {subgraph_url: URL}}}; file paths are relative to the
// yaml's folder; subgraph_url fetches `{ _service { sdl } }` (with a timeout and a clear error).
func LoadConfig(ctx context.Context, path string) ([]Subgraph, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read composition config: %w", err)
	}
	var cfg config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("%s: %w (expected federation_version and subgraphs: {NAME: {routing_url, schema: {file | subgraph_url}}})", path, err)
	}
	if len(cfg.Subgraphs) == 0 {
		return nil, fmt.Errorf("%s: no subgraphs: list them under `subgraphs`", path)
	}
	names := make([]string, 0, len(cfg.Subgraphs))
	for n := range cfg.Subgraphs {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []Subgraph
	for _, name := range names {
		sc := cfg.Subgraphs[name]
		s, err := loadSubgraph(ctx, filepath.Dir(path), name, sc)
		if err != nil {
			return nil, fmt.Errorf("%s: subgraph %q: %w", path, name, err)
		}
		out = append(out, s)
	}
	return out, nil
}

func loadSubgraph(ctx context.Context, dir, name string, sc subgraphConfig) (Subgraph, error) {
	s := Subgraph{Name: name, URL: sc.RoutingURL}
	switch {
	case sc.Schema.File != "" && sc.Schema.SubgraphURL != "":
		return s, fmt.Errorf("schema has both file and subgraph_url: keep one")
	case sc.Schema.File != "":
		file := sc.Schema.File
		if !filepath.IsAbs(file) {
			file = filepath.Join(dir, file)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return s, fmt.Errorf("read schema: %w", err)
		}
		s.SDL, s.File = string(data), file
	case sc.Schema.SubgraphURL != "":
		sdl, err := fetchSDL(ctx, sc.Schema.SubgraphURL)
		if err != nil {
			return s, err
		}
		s.SDL, s.File = sdl, sc.Schema.SubgraphURL
		if s.URL == "" {
			s.URL = sc.Schema.SubgraphURL
		}
	default:
		return s, fmt.Errorf("schema needs file: PATH or subgraph_url: URL")
	}
	if s.URL == "" {
		return s, fmt.Errorf("routing_url is missing: the gateway needs the subgraph's address")
	}
	return s, nil
}

// fetchSDL asks a running subgraph for its SDL with `{ _service { sdl } }`.
func fetchSDL(ctx context.Context, url string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, introspectTimeout)
	defer cancel()
	body := []byte(`{"query":"{ _service { sdl } }"}`)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("subgraph_url %q: %w", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("fetch SDL from %s with { _service { sdl } } (is the subgraph running?): %w", url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxSDLBytes+1))
	if err != nil {
		return "", fmt.Errorf("fetch SDL from %s: %w", url, err)
	}
	if len(data) > maxSDLBytes {
		return "", fmt.Errorf("fetch SDL from %s: the response is larger than %d bytes", url, maxSDLBytes)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("fetch SDL from %s: HTTP %d: %.200s", url, resp.StatusCode, data)
	}
	var out struct {
		Data struct {
			Service struct {
				SDL *string `json:"sdl"`
			} `json:"_service"`
		} `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return "", fmt.Errorf("fetch SDL from %s: the response is not GraphQL JSON: %w", url, err)
	}
	if len(out.Errors) > 0 {
		return "", fmt.Errorf("fetch SDL from %s: %s (does the subgraph implement Apollo Federation's _service field?)", url, out.Errors[0].Message)
	}
	if out.Data.Service.SDL == nil {
		return "", fmt.Errorf("fetch SDL from %s: no data._service.sdl in the response (does the subgraph implement Apollo Federation?)", url)
	}
	return *out.Data.Service.SDL, nil
}
