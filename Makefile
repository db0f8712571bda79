# Mizan — make run opens the app, make test runs every check. Both install what they need first
# (Debian/Ubuntu: apt-get, through sudo when not root; elsewhere they say what to install).

GO          ?= go
BIN         := bin/mizan
# What `mizan --version` says: git describe and the commit when this is a git checkout, and the
# build time. FyneApp.toml's Version is the fallback (a source tarball has no git history).
APP_VERSION := $(shell sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
VERSION     := $(shell git describe --tags --always --dirty 2>/dev/null || echo $(APP_VERSION))
COMMIT      := $(shell git rev-parse --short HEAD 2>/dev/null)
DATE        := $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS     := -X mizan/cmd/mizan/cli.Version=$(VERSION) -X mizan/cmd/mizan/cli.Commit=$(COMMIT) \
               -X mizan/cmd/mizan/cli.Date=$(DATE)

# The Fyne packaging tool, pinned (v1.7.4 is built against fyne v2.8.1, the version Mizan uses),
# installed into bin/tools on first use.
FYNE_TOOL_VERSION := v1.7.4
FYNE_TOOL         := bin/tools/fyne

# What the window needs to build (cgo, OpenGL, X11, Wayland headers), and what the tests add:
# a session bus and a keyring for the real-keyring test, and poppler's tools to render and read
# printed invoices.
BUILD_PKGS  := gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxrandr-dev libxxf86vm-dev \
               libxi-dev libxcursor-dev libxinerama-dev libwayland-dev libxkbcommon-dev
TEST_PKGS   := $(BUILD_PKGS) dbus gnome-keyring poppler-utils

# Every package but the one that links the window tests without cgo.
NOCGO_PKGS   = $(shell $(GO) list ./... | grep -v '^mizan/cmd/mizan$$')

.PHONY: run build test bench deps test-deps check-go vet unit test-keyring smoke screenshots package \
        package-windows test-windows

run: deps build
	./$(BIN)

build: check-go
	CGO_ENABLED=1 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/mizan

test: test-deps check-go vet unit test-keyring smoke
	@echo "make test: all checks passed"

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	CGO_ENABLED=0 $(GO) vet $(NOCGO_PKGS)
	@# Windows: every package above vetted for it, and the tests of those with code of their own
	@# there (the lock, the data and log directories) compiled for it.
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) vet $(NOCGO_PKGS)
	@tmp=$$(mktemp -d); GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) test -c -o $$tmp/ \
	  ./storage ./core ./cmd/mizan/cli ./cmd/mizan/logs; rc=$$?; rm -rf $$tmp; exit $$rc

unit:
	CGO_ENABLED=0 $(GO) test -count=1 $(NOCGO_PKGS)

# The keyring test talks to a real Secret Service on a private session bus with a fresh,
# unlocked keyring, in its own process.
test-keyring:
	@tmp=$$(mktemp -d); mkdir -m 700 -p $$tmp/run $$tmp/data; \
	XDG_RUNTIME_DIR=$$tmp/run XDG_DATA_HOME=$$tmp/data dbus-run-session -- sh -c \
	  'printf mizan-test | gnome-keyring-daemon --unlock --components=secrets --replace --daemonize >/dev/null 2>&1; \
	   MIZAN_REAL_KEYRING=1 CGO_ENABLED=0 $(GO) test -count=1 -run TestRealKeyring -v ./core/' > $$tmp/out 2>&1; \
	rc=$$?; grep -E '^(--- |ok|FAIL|PASS)' $$tmp/out; [ $$rc -eq 0 ] || cat $$tmp/out; rm -rf $$tmp; exit $$rc

# The real binary, built with cgo, run headless through its CLI on fresh books, then the demo:
# seeded, synced, synced again with nothing new, removed without touching the real books.
smoke: build
	CGO_ENABLED=1 $(GO) vet ./cmd/mizan
	@tmp=$$(mktemp -d); set -e; export XDG_STATE_HOME=$$tmp/state; \
	./$(BIN) --version; \
	./$(BIN) --data $$tmp/books products list >/dev/null; \
	./$(BIN) --data $$tmp/books invoices export --format json | grep -qx '\[\]'; \
	echo "smoke: $(BIN) answers on fresh books"; \
	./$(BIN) --data $$tmp/books demo --sync; \
	./$(BIN) --data $$tmp/books demo --sync | grep -q 'nothing new'; \
	./$(BIN) --data $$tmp/books demo --remove; \
	test ! -e $$tmp/books-demo; test -s $$tmp/state/mizan/logs/mizan.log; \
	./$(BIN) --data $$tmp/books invoices export --format json | grep -qx '\[\]'; \
	echo "smoke: the demo syncs, syncs again with nothing new, and leaves the real books alone"; rm -rf $$tmp

# Screenshots of every screen, taken from the real app (cgo build) in a headless X server, on the
# demo: the seeded Shopify test store, synced into its own books first (mizan demo --sync), then
# the window opened on them with the store running. Every screen in English and Arabic at 1280×800,
# and the form for a new Salla connection at 1366×768: docs/screenshots/.
SHOT_PKGS    := xvfb xauth imagemagick dbus
SHOT_SCREENS := dashboard invoices invoice treasury products stock master mapping synclog connections settings
SHOT_AR      := $(SHOT_SCREENS)
SHOT_WAIT    ?= 10

screenshots: deps build
	@$(call ensure_pkgs,$(SHOT_PKGS))
	@tmp=$$(mktemp -d); set -e; mkdir -p docs/screenshots $$tmp/run $$tmp/home; chmod 700 $$tmp/run; \
	export XDG_RUNTIME_DIR=$$tmp/run HOME=$$tmp/home XDG_CONFIG_HOME=$$tmp/home/.config XDG_STATE_HOME=$$tmp/home/.state; \
	./$(BIN) --data $$tmp/books demo --sync; \
	docs() { ./$(BIN) --data $$tmp/books --demo stock "$$@" >/dev/null; }; \
	docs receive --note "مورد الأزياء — Riyadh garments" CLO-0010-1=24@61.5 CLO-0010-2=12@136 CLO-0022-1=6; \
	docs issue --note "Damaged in the shop" CLO-0004-1=2; \
	docs count CLO-0010-4=128 CLO-0022-1=19; \
	docs reverse ISS-000001; \
	shoot() { \
	  LANGUAGE=$$2 LANG=$$3 MIZAN_SCREENSHOT_SCREEN=$$1 \
	  xvfb-run -a -s "-screen 0 $${5:-1280x800}x24" dbus-run-session -- sh -c \
	    './$(BIN) --data "$$1" --demo & P=$$!; sleep $(SHOT_WAIT); import -window root -crop "$$2" +repage "$$0"; kill $$P; wait $$P 2>/dev/null || true' \
	    "$$4" $$tmp/books "$${6:-1200x640+0+0}"; \
	  echo "screenshots: $$4"; \
	}; \
	for s in $(SHOT_SCREENS); do shoot $$s en en_US.UTF-8 docs/screenshots/$$s.png; done; \
	for s in $(SHOT_AR); do shoot $$s ar ar_SA.UTF-8 docs/screenshots/$$s-ar.png; done; \
	shoot connection-salla en en_US.UTF-8 docs/screenshots/connection-salla.png 1366x768; \
	shoot connection-salla ar ar_SA.UTF-8 docs/screenshots/connection-salla-ar.png 1366x768; \
	rm -rf $$tmp

# Posting invoices (storage), then importing 2,000 products and 10,000 orders from each test
# store on loopback, run as its own process under /usr/bin/time -v for the peak memory.
BENCH_IMPORTS := shopify woocommerce salla zid
# Then the engine's local posting rate (orders/s, with the importing process's peak memory) from a
# store that answers at once, beside the raw SQLite rate for the same rows, for each size.
BENCH_POSTING := 10000 100000

# An installable Linux package (dist/Mizan-VERSION-linux-ARCH.tar.xz: the binary, its icon and
# desktop entry, and a Makefile that installs them) made by the Fyne packaging tool from
# bin/mizan and FyneApp.toml.
package: deps build
	@test -x $(FYNE_TOOL) || { echo "Installing the Fyne packaging tool $(FYNE_TOOL_VERSION) into bin/tools"; \
	  GOBIN=$(CURDIR)/bin/tools CGO_ENABLED=0 $(GO) install fyne.io/tools/cmd/fyne@$(FYNE_TOOL_VERSION); }
	@mkdir -p dist; rm -f Mizan.tar.xz
	@# The tool counts builds by rewriting FyneApp.toml; the checked-in file is kept as it is.
	@cp FyneApp.toml bin/FyneApp.toml.keep; \
	$(FYNE_TOOL) package --os linux --exe $(BIN) --name Mizan --release; rc=$$?; \
	cp bin/FyneApp.toml.keep FyneApp.toml; rm -f bin/FyneApp.toml.keep; exit $$rc
	@mv Mizan.tar.xz dist/Mizan-$(APP_VERSION)-linux-$$($(GO) env GOARCH).tar.xz
	@echo "package: dist/Mizan-$(APP_VERSION)-linux-$$($(GO) env GOARCH).tar.xz"

# Windows, cross-built on Debian/Ubuntu: mizan.exe compiled with MinGW-w64 (cgo, the GUI subsystem
# so no console window opens from the Start menu), its icon, version and manifest (DPI-aware,
# common controls 6) made from FyneApp.toml by go-winres (pinned, installed into bin/tools) as a
# .syso beside the main package for the build only, then wrapped by NSIS into
# dist/Mizan-VERSION-windows-amd64-setup.exe (assets/windows/installer.nsi).
WIN_PKGS          := gcc-mingw-w64-x86-64 nsis
WINE_PKGS         := wine wine64 xvfb xauth imagemagick x11-utils
GO_WINRES_VERSION := v0.3.3
GO_WINRES         := bin/tools/go-winres
WIN_DIR           := bin/windows
WIN_EXE           := $(WIN_DIR)/mizan.exe
WIN_SETUP         := dist/Mizan-$(APP_VERSION)-windows-amd64-setup.exe
WIN_SYSO          := cmd/mizan/rsrc_windows_amd64.syso
fyneapp            = $(shell sed -n 's/^$(1) *= *"\{0,1\}\([^"]*\)"\{0,1\} *$$/\1/p' FyneApp.toml | head -n 1)

package-windows: check-go
	@$(call ensure_pkgs,$(WIN_PKGS))
	@test -x $(GO_WINRES) || { echo "Installing go-winres $(GO_WINRES_VERSION) into bin/tools"; \
	  GOBIN=$(CURDIR)/bin/tools CGO_ENABLED=0 $(GO) install github.com/tc-hib/go-winres@$(GO_WINRES_VERSION); }
	@mkdir -p $(WIN_DIR) dist; cp $(call fyneapp,Icon) $(WIN_DIR)/icon.png
	@sed -e 's|@ICON@|icon.png|' -e 's|@ID@|$(call fyneapp,ID)|' -e 's|@NAME@|$(call fyneapp,Name)|g' \
	  -e 's|@FILEVERSION@|$(APP_VERSION).$(call fyneapp,Build)|g' -e 's|@VERSION@|$(VERSION)|' \
	  -e 's|@COMMENT@|$(call fyneapp,Comment)|' -e 's|@WEBSITE@|$(call fyneapp,Website)|' \
	  assets/windows/winres.json > $(WIN_DIR)/winres.json
	$(GO_WINRES) make --in $(WIN_DIR)/winres.json --out $(WIN_DIR)/rsrc --arch amd64
	@# A first build with nothing cached has been seen to stop on "could not import … (open : no
	@# such file or directory)" for a package it had just compiled; a second one, with what the
	@# first compiled cached, goes through. A real compile error fails both.
	@cp $(WIN_DIR)/rsrc_windows_amd64.syso $(WIN_SYSO); \
	winbuild() { CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
	  $(GO) build -trimpath -ldflags "-H=windowsgui $(LDFLAGS)" -o $(WIN_EXE) ./cmd/mizan; }; \
	winbuild || { echo "package-windows: building mizan.exe again"; winbuild; }; \
	rc=$$?; rm -f $(WIN_SYSO); exit $$rc
	@# The installer's own icon is the one embedded in the program.
	@rm -rf $(WIN_DIR)/res; $(GO_WINRES) extract --dir $(WIN_DIR)/res $(WIN_EXE)
	makensis -V2 -DAPP_NAME="$(call fyneapp,Name)" -DAPP_VERSION="$(APP_VERSION)" \
	  -DFILE_VERSION="$(APP_VERSION).$(call fyneapp,Build)" -DAPP_WEBSITE="$(call fyneapp,Website)" \
	  -DEXE="$(CURDIR)/$(WIN_EXE)" -DICON="$(CURDIR)/$(WIN_DIR)/res/APP_0000.ico" \
	  -DOUTFILE="$(CURDIR)/$(WIN_SETUP)" assets/windows/installer.nsi
	@echo "package-windows: $(WIN_SETUP) ($$(du -h $(WIN_SETUP) | cut -f1); mizan.exe $$(du -h $(WIN_EXE) | cut -f1))"

# The installer tried under Wine, headless (scripts/test-windows.sh): a silent install, then the
# installed mizan.exe's --version, the demo's sync, a store on loopback with its token in Wine's
# credential store, the window on the demo (photographed into $(WIN_SHOT)) and a silent uninstall
# that leaves the books. The store is served by the Linux build.
WIN_SHOT ?= bin/windows/window.png

test-windows: package-windows build
	@$(call ensure_pkgs,$(WINE_PKGS))
	xvfb-run -a -s "-screen 0 1280x800x24" sh scripts/test-windows.sh $(WIN_SETUP) $(BIN) $(WIN_SHOT)

bench: check-go
	@$(call ensure_pkgs,time)
	CGO_ENABLED=0 $(GO) test -run '^$$' -bench . -benchtime 3s -count 5 ./storage/
	@mkdir -p bin
	@for p in $(BENCH_IMPORTS); do \
	  CGO_ENABLED=0 $(GO) test -c -o bin/bench-$$p.test ./platforms/$$p/ || exit 1; \
	  echo "== import from the $$p test store"; \
	  /usr/bin/time -v ./bin/bench-$$p.test -test.run '^$$' -test.bench '^BenchmarkImport$$' -test.benchtime 1x \
	    > bin/bench-$$p.out 2>&1; rc=$$?; \
	  grep -E 'Benchmark|bench_test|FAIL|Maximum resident|Elapsed' bin/bench-$$p.out; [ $$rc -eq 0 ] || exit $$rc; \
	done
	@for n in $(BENCH_POSTING); do \
	  echo "== posting $$n orders from the WooCommerce test store in another process, against raw SQLite inserts"; \
	  MIZAN_POSTING_ORDERS=$$n ./bin/bench-woocommerce.test -test.run '^$$' -test.bench '^BenchmarkLocalPosting$$' \
	    -test.benchtime 1x -test.timeout 30m > bin/bench-posting-$$n.out 2>&1; rc=$$?; \
	  grep -E 'Benchmark|posting_bench_test|FAIL' bin/bench-posting-$$n.out; [ $$rc -eq 0 ] || exit $$rc; \
	done

deps:
	@$(call ensure_pkgs,$(BUILD_PKGS))

test-deps:
	@$(call ensure_pkgs,$(TEST_PKGS))

check-go:
	@command -v $(GO) >/dev/null || { echo "Mizan needs Go 1.26 or newer: https://go.dev/dl/ (then run make again)"; exit 1; }
	@$(GO) version | awk '{ v=$$3; sub("go","",v); split(v,p,"."); if (p[1] < 1 || (p[1] == 1 && p[2] < 26)) { print "Mizan needs Go 1.26 or newer; this is " $$3; exit 1 } }'

# Installs the missing Debian/Ubuntu packages named (apt-get, through sudo when not root); on other
# systems it checks for what they provide and prints the command that installs what is missing.
define ensure_pkgs
sh scripts/ensure-pkgs.sh $(1)
endef
