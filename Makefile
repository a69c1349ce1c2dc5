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
	$(GO) test -run '^$$' -fuzz '^FuzzRequest$$' -fuzztime $(FUZZTIME) ./executor
	$(GO) test -run '^$$' -fuzz '^FuzzMerge$$' -fuzztime $(FUZZTIME) ./executor
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeJSON$$' -fuzztime $(FUZZTIME) ./executor
	$(GO) test -run '^$$' -fuzz '^FuzzNormalize$$' -fuzztime $(FUZZTIME) ./planner

# Regenerates the gqlgen code of the example subgraphs.
generate:
	$(GO) generate ./examples/...

# CI: regenerating must change nothing.
check-generate: generate
	git diff --exit-code -- examples

# The example subgraphs plus the gateway on http://$(LISTEN)/graphql. Ctrl-C stops both.
demo: build
	$(GO) build -o bin/examples ./examples/serve
	@bin/examples & pid=$$!; trap "kill $$pid 2>/dev/null" EXIT INT TERM; \
	sleep 1; echo "gateway: http://$(LISTEN)/graphql"; \
	bin/trellis serve --supergraph examples/supergraph.graphql --listen $(LISTEN) --dev

clean:
	rm -rf bin

# The load benchmark (bench/README.md): the example subgraphs, the gateway on its own CPU,
# 50 connections for 20 s, dedup off and on, against the harness's own ceiling. Writes
# bench/results/latest.json. BENCHLOAD_FLAGS=--quick for a smoke run.
.PHONY: bench-load
bench-load: build
	$(GO) build -o bin/examples ./examples/serve
	$(GO) build -o bin/benchload ./cmd/benchload
	bin/benchload $(BENCHLOAD_FLAGS)
