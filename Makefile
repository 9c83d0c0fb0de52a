# helpdesk — the two commands a newcomer needs are `make run` and `make test`.
# Both start (and if needed install) a private PostgreSQL unless DATABASE_URL is set.

GO        ?= go
# Go 1.27.3 from the Go module proxy (about 76 MB, once per machine): the
# standard library of 1.26.8 has known vulnerabilities (make vulncheck).
export GOTOOLCHAIN ?= go1.27.3
BIN       := bin/helpdesk
PKGS      := ./...
# The same packages, the slowest first: go test starts packages in the order
# given (depth-first priority), so the browser tests of web no longer start
# last and run alone on one core at the end (about 100 s of make test);
# web/webtest starts its own Chromium (about 20 s), web/portal takes 1 s.
TESTPKGS  := ./web ./internal/chaos ./cmd/helpdesk ./adapters/email ./bots ./kb ./web/webtest ./...
TESTFLAGS ?= -count=1 -timeout 40m

.PHONY: all run test test-stress build bench lint staticcheck db db-stop clean deps chaos fuzz vulncheck screenshots

all: build

deps:
	@command -v $(GO) >/dev/null || { echo "Go is not installed: see https://go.dev/doc/install (Go 1.26 or newer)"; exit 1; }
	@$(GO) mod download

build: deps
	$(GO) build -buildvcs=auto -o $(BIN) ./cmd/helpdesk

## run: the service on the embedded default (private PostgreSQL, demo KB, console on localhost)
run: build
	./$(BIN) serve -demo

## test: everything, against a real PostgreSQL (started here when DATABASE_URL is unset)
test: deps
	./.ci/setup-tools
	$(GO) vet $(PKGS)
	$(GO) vet -tags kbeval ./cmd/helpdesk
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed on:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(MAKE) --no-print-directory staticcheck
	$(GO) run ./cmd/helpdesk db start >/dev/null
	$(GO) test $(TESTFLAGS) $(TESTPKGS)
	$(MAKE) --no-print-directory vulncheck

## test-stress: the whole suite while a CPU burner keeps every core busy,
## STRESS_RUNS times in a row (3 unless told); it must pass every time
STRESS_RUNS ?= 3
test-stress: deps
	./.ci/setup-tools
	$(GO) run ./cmd/helpdesk db start >/dev/null
	./.ci/stress $(STRESS_RUNS) $(GO) test $(TESTFLAGS) $(TESTPKGS)

## chaos: the fault tests of issue 10 at full size (10,000 messages; the short form runs in make test)
chaos: deps
	$(GO) run ./cmd/helpdesk db start >/dev/null
	$(GO) test -count=1 -timeout 60m -v -run . ./internal/chaos -args -full

## fuzz: every Fuzz target for FUZZTIME each (make fuzz FUZZTIME=60s)
FUZZTIME ?= 10s
fuzz: deps
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

## vulncheck: govulncheck against a vulnerability database built offline from
## the golang.org/x/vulndb module (the proxy serves it; vuln.go.dev may not be
## reachable). Bump VULNDB to a newer pseudo-version to refresh it.
VULNDB    ?= v0.0.0-20261105234957-e22db6528018
VULNCHECK ?= v1.9.0
VULNDIR   := .data/vulndb-$(VULNDB)
vulncheck: deps
	@test -f $(VULNDIR)/index/db.json || { \
	  echo "vulncheck: building the vulnerability database $(VULNDB) (once) …"; \
	  src=$$(cd /tmp && GOFLAGS=-mod=mod $(GO) mod download -json golang.org/x/vulndb@$(VULNDB) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p'); \
	  test -n "$$src" || { echo "vulncheck: cannot download golang.org/x/vulndb@$(VULNDB) from the Go module proxy"; exit 1; }; \
	  rm -rf $(VULNDIR).tmp && (cd /tmp && $(GO) run golang.org/x/vulndb/cmd/indexdb@$(VULNDB) -vulns $$src/data/osv -out $(CURDIR)/$(VULNDIR).tmp) && mv $(VULNDIR).tmp $(VULNDIR); }
	$(GO) run golang.org/x/vuln/cmd/govulncheck@$(VULNCHECK) -db file://$(CURDIR)/$(VULNDIR) $(PKGS)

## screenshots: the documentation's pictures (docs/screenshots/*.png) of the help centre and the
## console (inbox, conversation, ticket, reports), taken in headless Chromium from the demo
## started as the browser tests do (real PostgreSQL, demo knowledge base content/kb)
screenshots: deps
	./.ci/setup-tools
	$(GO) run ./cmd/helpdesk db start >/dev/null
	mkdir -p docs/screenshots
	$(GO) test -count=1 -v -run '^TestBrowserScreenshots$$' ./web/ -args -screenshots=$(CURDIR)/docs/screenshots

## bench: benchmarks (figures in README)
bench: build
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

## lint: gofmt, go vet and staticcheck
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet $(PKGS)
	$(GO) vet -tags kbeval ./cmd/helpdesk
	$(MAKE) --no-print-directory staticcheck

## staticcheck: honnef.co/go/tools at a pinned version, fetched once from the
## Go module proxy into the module cache (offline after that), all checks
## on by default; a finding kept on purpose says why in a //lint:ignore.
STATICCHECK ?= v0.8.2
staticcheck: deps
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK) $(PKGS)

db: build
	./$(BIN) db start

db-stop: build
	./$(BIN) db stop

clean: db-stop
	rm -rf bin .data
