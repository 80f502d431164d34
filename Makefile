# Sluice: every target has a "## help" line; `make help` lists them.
GO        ?= go
GOBIN     := $(shell $(GO) env GOPATH)/bin
LINT      := $(GOBIN)/golangci-lint
LINT_VER  := v2.15.0
KUMO      := $(GOBIN)/kumo
KUMO_VER  := v0.33.1
PROMTOOL  := $(GOBIN)/promtool
PROMTOOL_VER := v0.316.0
FUZZTIME  ?= 60s
BENCHTIME ?= 1x

.PHONY: help build test test-integration bench fuzz lint fmt generate verify demo tools axe

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-17s %s\n", $$1, $$2}'

# What "sluice version" reports, stamped by the linker (VCS stamping is
# off in some builds: GOFLAGS=-buildvcs=false, a source archive).
VERSION   ?= $(shell git describe --tags --always 2>/dev/null || echo devel)
COMMIT    ?= $(shell git rev-parse HEAD 2>/dev/null)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
DATE      ?= $(shell git log -1 --format=%cI 2>/dev/null)
LDFLAGS   := -X main.stampVersion=$(VERSION) -X main.stampCommit=$(COMMIT) -X main.stampDate=$(DATE)

build: ## build bin/sluice, stamped with its version, commit and commit date
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/sluice ./cmd/sluice

test: ## run every test (integration tests need kumo: make tools)
	$(GO) test -count=1 ./...

test-integration: tools ## run the tests that talk to the kumo AWS emulator, failing if it is missing
	SLUICE_REQUIRE_KUMO=1 PATH="$(GOBIN):$$PATH" $(GO) test -count=1 -run 'Kumo' ./...

bench: ## run the benchmarks and print figures (BENCHTIME=1x by default)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...

fuzz: ## run each fuzz target for FUZZTIME (default 60s)
	@$(GO) test -list '^Fuzz' ./... 2>/dev/null | awk '/^Fuzz/{f[n++]=$$1} /^ok/{for(i=0;i<n;i++) print $$2, f[i]; n=0}' | \
	while read pkg target; do \
		echo "fuzz $$pkg $$target for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

lint: $(LINT) ## run golangci-lint
	$(LINT) run ./...

fmt: ## format the code
	gofmt -w $$(git ls-files '*.go')

generate: ## regenerate docs/dsl.md from the schemas
	$(GO) run ./internal/dslgen

verify: ## everything CI checks: formatting, vet, lint, generated files, tests, a clean tree
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed: make fmt"; exit 1; }
	$(GO) vet ./...
	$(MAKE) lint
	$(MAKE) generate
	SLUICE_REQUIRE_KUMO=1 SLUICE_REQUIRE_PROMTOOL=1 PATH="$(GOBIN):$$PATH" $(GO) test -count=1 ./...
	@git diff --exit-code || { echo "the tree changed: commit the regenerated files"; exit 1; }

demo: build ## deploy, run and promote the training pipeline on this machine (local backend), then serve until Ctrl-C
	./bin/sluice demo $(DEMOFLAGS)

tools: $(KUMO) $(PROMTOOL) axe ## install the kumo AWS emulator, promtool (alert rule tests) and axe-core (page checks) the tests use

# axe-core, the accessibility checker the Chromium test injects into each
# page (never served by the daemon): the version package-lock.json pins,
# its integrity checked by npm ci, into .ci/axe/node_modules (not
# committed).
AXE := .ci/axe/node_modules/axe-core/axe.min.js
axe: $(AXE) ## install axe-core from the npm registry for the pages' accessibility check

$(AXE): .ci/axe/package.json .ci/axe/package-lock.json
	npm ci --prefix .ci/axe --no-audit --no-fund --ignore-scripts
	@touch $@

$(KUMO):
	GONOSUMDB='github.com/aws/*' $(GO) install github.com/sivchari/kumo/cmd/kumo@$(KUMO_VER)

# Without service discovery, which rule tests do not need, promtool builds
# in about 6 minutes instead of 20.
$(PROMTOOL):
	GOFLAGS=-tags=remove_all_sd $(GO) install github.com/prometheus/prometheus/cmd/promtool@$(PROMTOOL_VER)

$(LINT):
	$(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(LINT_VER)
