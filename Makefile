# burnwatch — run `make help` for the targets.

GO          ?= go
BIN         ?= bin/burnwatch
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME    ?= 10000x
# The version and commit stamped into the binary (`burnwatch version`,
# burnwatch_build_info); the Dockerfile passes them in, as it has no .git.
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)
COMMIT      ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
IMAGE       ?= localhost/burnwatch:$(VERSION)
VERSION_PKG := github.com/burnwatch/burnwatch/internal/version
# Build flags shared by `make build` and the Dockerfile.
BUILD_FLAGS ?= -trimpath -ldflags "-s -w -X $(VERSION_PKG).Version=$(VERSION) -X $(VERSION_PKG).Commit=$(COMMIT)"

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show the targets and what they do.
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build a static burnwatch binary into bin/.
	CGO_ENABLED=0 $(GO) build $(BUILD_FLAGS) -o $(BIN) ./cmd/burnwatch

.PHONY: image
image: build ## Build the image localhost/burnwatch:VERSION (or IMAGE=…) from the static binary with buildah or podman.
	./deploy/image/build.sh $(BIN) $(IMAGE) $(VERSION) $(COMMIT)

.PHONY: deps
deps: ## Install what the tests run for real (Prometheus, Alertmanager, Chromium).
	./scripts/install-test-deps.sh

.PHONY: lint
lint: ## gofmt (fails on any unformatted file), go vet and staticcheck.
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt: these files need formatting:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

.PHONY: unit
unit: ## go test -race on every package, then 3,000 sequences of the alerting model test.
	$(GO) test -race -count=1 ./...
	$(GO) test -count=1 -run '^TestModel$$' ./alerting -model.runs=3000

.PHONY: fuzz
fuzz: ## A short run of every fuzz target (FUZZTIME executions each: a count, not a duration, which Go 1.26 can fail at its end on a loaded machine).
	@set -e; for f in $$(grep -rl --include='*_test.go' '^func Fuzz' .); do \
		dir=$$(dirname $$f); \
		for target in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
			echo "fuzz $$dir $$target, $(FUZZTIME)"; \
			$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$dir; \
		done; \
	done

.PHONY: test
test: deps lint unit fuzz ## Everything CI runs: deps, lint, race tests, fuzz.

.PHONY: e2e
e2e: ## End to end on a real OpenTelemetry Collector (built from Go modules), Prometheus and the daemon.
	cd e2e/collector && $(GO) vet ./... && BURNWATCH_E2E=1 $(GO) test -count=1 -v -timeout 25m .

.PHONY: bench
bench: ## Sloth differential test, alert quality and scale suites on real Prometheus; writes bench/results/REPORT.md.
	GO=$(GO) ./bench/run.sh

.PHONY: run-validate
run-validate: ## Validate the example specs.
	$(GO) run ./cmd/burnwatch validate specs/
