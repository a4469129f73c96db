# Pishkhan — make run starts the app (for now the headless demo), make test
# runs vet and the race-enabled tests. Both install what they need first.

GO        ?= go
export CGO_ENABLED = 1
BIN       := bin
VERSION   ?= $(shell awk -F'"' '/^Version/ {print $$2}' FyneApp.toml)
LDFLAGS   := -X main.version=$(VERSION)
# TAGS: the app's build tags (also in scripts/package.sh, scripts/windows.sh and
# cmd/pishkhan-uibench, which a test keeps in step). no_emoji leaves Fyne's bundled
# emoji font (4 MB) out: Fyne 2.7.1 parses it for every text style the window
# uses, ~10 MB of the window's memory (docs/benchmarks.md, issue 5); an emoji
# is drawn from a system font instead, found when one is first shown.
TAGS      := no_emoji
FUZZTIME  ?= 30s

.PHONY: run test bench build deps chaos fuzz vet clean windows windows-smoke package pdfjs-check

deps:
	@bash scripts/deps.sh

## run: the window on the demo desk (~/.local/share/pishkhan-demo): demo data, the built-in
## exchange simulator, simulated printer and card reader. With no display, the headless demo.
run: deps build
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		$(BIN)/pishkhan app --demo; \
	else \
		echo "no display: running the headless demo instead (for the window: xvfb-run make run, or run it on a desktop)"; \
		$(BIN)/pishkhan demo --fresh; \
	fi

## build: the pishkhan binary and tools into bin/
build: deps
	$(GO) build -tags "$(TAGS)" -ldflags "$(LDFLAGS)" -o $(BIN)/pishkhan ./cmd/pishkhan
	$(GO) build -o $(BIN)/pishkhan-bench ./cmd/pishkhan-bench
	$(GO) build -o $(BIN)/pishkhan-syncbench ./cmd/pishkhan-syncbench
	$(GO) build -o $(BIN)/exchange-sim ./cmd/exchange-sim
	$(GO) build -o $(BIN)/devsim ./cmd/devsim

vet: deps
	$(GO) vet ./...

## test: go vet, then every test with the race detector; the short chaos run last, verbose, so it prints its figures
test: vet
	$(GO) test -race -count=1 -skip '^TestChaos$$' ./...
	$(GO) test -race -count=1 -run '^TestChaos$$' -v ./sync/chaos/

## bench: intake commit vs fsync, catalog search, backlog drain vs one-per-call, receipts, the window (start-up, memory, search while typing); numbers go to docs/benchmarks.md
bench: deps
	$(GO) test -run='^$$' -bench=. -benchmem -count=1 ./store/ ./persian/ ./democatalog/ ./devices/... ./report/
	$(GO) run ./cmd/pishkhan-bench
	$(GO) run ./cmd/pishkhan-syncbench
	$(GO) run ./cmd/pishkhan-uibench

## chaos: the long crash tests: SIGKILLs during intake; SIGKILLs of agent and exchange with a line that drops connections
chaos: deps
	PISHKHAN_CRASH_ROUNDS=200 $(GO) test -race -count=1 -timeout 60m -run Crash -v ./desk/
	PISHKHAN_CHAOS_ROUNDS=200 $(GO) test -race -count=1 -timeout 60m -run Chaos -v ./sync/chaos/

## fuzz: every fuzz target for FUZZTIME each
fuzz: deps
	@bash scripts/fuzz.sh $(FUZZTIME)

## pdfjs-check: what pdf.js (Firefox), pdftotext and Evince copy from every line of the report PDF (docs/pdfjs-check; needs node >= 20, npm and POPPLER_UTT)
pdfjs-check: deps
	bash scripts/pdfjs-check.sh

## windows: bin/windows/pishkhan.exe (the window, GUI subsystem) and pishkhan-cli.exe (console), cross-built with mingw-w64; ~9 min cold
windows:
	VERSION="$(VERSION)" bash scripts/windows.sh build

## windows-smoke: run bin/windows/ under wine in a fresh prefix and Xvfb: init, users, catalog, doctor, the window; screenshot to docs/screenshots/windows-wine.png
windows-smoke: windows
	bash scripts/windows.sh smoke

## package: bin/pishkhan-VERSION-linux-ARCH.tar.xz via fyne package: binary, .desktop (Exec=pishkhan app), icon, fyne's install Makefile; ~5 min cold, ~30-40 s warm
package:
	VERSION="$(VERSION)" bash scripts/package.sh linux

clean:
	rm -rf $(BIN)
