# ecouter: `make run` sets up and runs the service, `make test` runs every test.
SHELL := /bin/bash
# Go from PATH, or where the official tarball installs it.
GO    ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)

# Debian packages the service needs to run, and the ones its tests add.
RUN_PKGS  := espeak-ng libmp3lame-dev
# WordPress's end-to-end test runs Debian's WordPress on MariaDB with PHP's
# built-in server (apache2 and its PHP module come with the wordpress package).
WP_PKGS   := wordpress wordpress-theme-twentytwentythree mariadb-server php-mysql php-cli apache2 libapache2-mod-php
TEST_PKGS := $(RUN_PKGS) lame ffmpeg mp3val chromium $(WP_PKGS)

# apt-get when root, sudo otherwise; only what is missing is installed.
define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

# The S3 store's tests run a real S3-compatible server; `go install` puts it
# in GOPATH/bin, which is added to PATH for the recipes below.
VERSITYGW := github.com/versity/versitygw/cmd/versitygw@v1.8.0
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
export PATH := $(PATH):$(dir $(GO)):$(shell $(GO) env GOPATH)/bin

.PHONY: run test deps test-deps build lint lint-php bench bench-quick clean

deps:
	$(call apt_install,$(RUN_PKGS))

test-deps:
	$(call apt_install,$(TEST_PKGS))
	@command -v versitygw >/dev/null || { echo "installing versitygw"; $(GO) install $(VERSITYGW); }

build: deps
	$(GO) build -o bin/ecouter ./cmd/ecouter

run: build
	./bin/ecouter serve

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

# Every PHP file of the WordPress plugin through `php -l` (php-cli comes
# with test-deps); each error is printed, and any fails the target.
lint-php:
	@command -v php >/dev/null || { echo "php-cli is needed: make test-deps"; exit 1; }
	@status=0; for f in $$(find integrations/wordpress -name '*.php' | sort); do \
		out=$$(php -l "$$f" 2>&1) || { echo "$$out"; status=1; }; \
	done; exit $$status

# The sentence-splitter corpora live outside the repository, in ../shared;
# without them their tests are skipped (and fail when CI is set).
test: test-deps lint lint-php
	@[ -d ../shared/corpora ] || echo "note: ../shared/corpora is missing: the corpus tests are skipped$${CI:+, and fail because CI is set}"
	$(GO) test -race -count=1 -timeout 25m ./...

# Every speed and memory figure against its reference in the same run,
# written to BENCHMARKS.md (bench/run.sh installs wrk, nginx, hyperfine,
# lame, espeak-ng, ffmpeg; about 9 minutes on 2 cores).
bench:
	GO=$(GO) bench/run.sh

bench-quick: test-deps
	$(GO) test -run '^$$' -bench . -benchtime 3x ./audio/ ./script/ ./synth/espeak/

clean:
	rm -rf bin data nats
