# Trellis — the two commands a new user needs: `make demo` and `make test`.
GO       ?= go
LISTEN   ?= 127.0.0.1:4000
PKGS     ?= ./...
FUZZTIME ?= 30s

.PHONY: build test vet bench fuzz generate check-generate demo clean

build:
	$(GO) build -o bin/trellis ./cmd/trellis

vet:
	$(GO) vet $(PKGS)

test: vet
	$(GO) test -race -timeout 15m $(PKGS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

# Each fuzz target runs for FUZZTIME; go test allows one target per run.
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./executor/graphqlhttp
	$(GO) test -run '^$$' -fuzz '^FuzzFastParams$$' -fuzztime $(FUZZTIME) ./executor/graphqlhttp
	$(GO) test -run '^$$' -fuzz '^FuzzRequest$$' -fuzztime $(FUZZTIME) ./executor
	$(GO) test -run '^$$' -fuzz '^FuzzMerge$$' -fuzztime $(FUZZTIME) ./executor
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeJSON$$' -fuzztime $(FUZZTIME) ./executor
	$(GO) test -run '^$$' -fuzz '^FuzzNormalize$$' -fuzztime $(FUZZTIME) ./planner
	$(GO) test -run '^$$' -fuzz '^FuzzCompile$$' -fuzztime $(FUZZTIME) ./executor/policy
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeMeta$$' -fuzztime $(FUZZTIME) ./discovery

# Regenerates the gqlgen code of the example subgraphs and of the registry's admin API.
generate:
	$(GO) generate ./examples/...
	$(GO) generate ./schema/registry/admin/...

# CI: regenerating must change nothing.
check-generate: generate
	git diff --exit-code -- examples schema/registry/admin

# trellis demo: the example subgraphs in the mesh (throw-away CA, mTLS), published to a throw-away
# registry, the gateway serving its supergraph, the admin API and the
# playground on http://$(LISTEN)/graphql. Ctrl-C stops everything.
demo: build
	bin/trellis demo --listen $(LISTEN)

# The mesh: a CA in .trellis/mesh, the gateway on http://$(LISTEN)/graphql with gossip on
# 127.0.0.1:7946, and INSTANCES instances of each example subgraph that join it and serve over
# mTLS. Kill any one instance: the gateway routes around it. Ctrl-C stops everything.
INSTANCES ?= 3
MESH      ?= .trellis/mesh
.PHONY: mesh-demo
mesh-demo: build
	$(GO) build -o bin/examples ./examples/serve
	@rm -rf $(MESH) && bin/trellis ca init --dir $(MESH) --trust-domain example.org >/dev/null
	@bin/trellis ca issue --dir $(MESH) --gateway gw-1 >/dev/null
	@for s in accounts inventory products reviews; do bin/trellis ca issue --dir $(MESH) --subgraph $$s >/dev/null; done
	@key=$$(head -c 32 /dev/urandom | base64); \
	bin/trellis serve --supergraph examples/supergraph.graphql --listen $(LISTEN) --dev \
	  --gossip-bind 127.0.0.1:7946 --gossip-profile local --gossip-key $$key \
	  --tls-cert $(MESH)/gateway-gw-1.pem --tls-key $(MESH)/gateway-gw-1-key.pem --tls-bundle $(MESH)/bundle.pem & gw=$$!; \
	trap "kill $$gw 2>/dev/null" EXIT INT TERM; sleep 1; \
	echo "gateway: http://$(LISTEN)/graphql; $(INSTANCES) instances of each subgraph:"; \
	bin/examples --mesh --instances $(INSTANCES) --join 127.0.0.1:7946 --gossip-key $$key --tls-dir $(MESH)

clean:
	rm -rf bin

# The load benchmark (bench/README.md): the example subgraphs, the gateway on its own CPU,
# 50 connections for 20 s, dedup off and on, against the harness's own ceiling. Writes
# bench/results/latest.json. BENCHLOAD_FLAGS=--quick for a smoke run. It refuses to report when the
# subgraphs' ceiling is under 5x what the gateway asked of them, or under 2x when the gateway
# kept its CPU busy (it, not the subgraphs, set the rate): docs/performance.md, Method.
.PHONY: bench-load
bench-load: build
	$(GO) build -o bin/examples ./examples/serve
	$(GO) build -o bin/benchload ./cmd/benchload
	bin/benchload $(BENCHLOAD_FLAGS)

# GraphiQL and the Trellis panel: builds executor/playground/web into executor/playground/dist,
# which is committed, so go build needs no npm. Run after changing web/ and commit dist.
.PHONY: playground
playground:
	cd executor/playground/web && npm ci && npm run build

# The playground in headless Chromium (Debian's chromium, installed when missing).
.PHONY: test-playground
test-playground:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  sudo=""; if [ "$$(id -u)" != 0 ]; then sudo="sudo"; fi; \
	  $$sudo apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends chromium; \
	fi
	$(GO) test -run Playground -v ./executor/playground ./cmd/trellis
