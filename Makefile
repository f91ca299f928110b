# celgate: developer front end. Two commands matter: `make demo` and `make test`.
# Everything else (deps, build, conformance, bench) is reachable on its own too.

SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD_TYPE ?= RelWithDebInfo
SANITIZE ?=
ifeq ($(SANITIZE),)
  BUILD_DIR ?= build
else
  BUILD_DIR ?= build-$(subst $(comma),-,$(SANITIZE))
endif
comma := ,

# Debian 12 packages the build, the tests and the demo use.
APT_PACKAGES := g++ cmake ninja-build make pkg-config git ca-certificates curl \
  libre2-dev libsimdjson-dev rapidjson-dev libyaml-cpp-dev libboost1.81-dev libnghttp2-dev \
  libssl-dev openssl libcli11-dev libspdlog-dev libfmt-dev libhowardhinnant-date-dev \
  libutfcpp-dev libgtest-dev libgmock-dev libbenchmark-dev tzdata clang-14 libclang-rt-14-dev \
  wrk nginx-light python3

.PHONY: all deps apt-deps npm-deps configure build test conformance demo bench fuzz stress clean

all: build

deps: apt-deps npm-deps

apt-deps:
	@missing=$$(for p in $(APT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing $$missing"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: all Debian packages present"; fi
	@# Node.js and npm may come from outside Debian (e.g. NodeSource); only install Debian's
	@# when the commands are missing, so the two never conflict.
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends nodejs npm; \
	fi

# The cel-spec conformance suite comes from npm (@bufbuild/cel-spec, pinned in the lock file).
npm-deps: test/conformance/node_modules/.package-lock.json
test/conformance/node_modules/.package-lock.json: test/conformance/package.json test/conformance/package-lock.json
	cd test/conformance && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCELGATE_SANITIZE=$(SANITIZE)

configure: $(BUILD_DIR)/build.ninja

build: deps configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

conformance: build
	$(BUILD_DIR)/test/conformance/conformance_runner --suite $(BUILD_DIR)/conformance-json \
	  --known-failures test/conformance/known_failures.txt

demo: build
	@bash examples/demo.sh $(BUILD_DIR)/celgate

bench: build
	bash bench/run_cel_bench.sh $(BUILD_DIR)
	bash bench/run_review_bench.sh $(BUILD_DIR)

# Black-box stress scenarios against `celgate serve` on loopback (test/stress/): policy reloads,
# SIGTERM drain, slowloris and aborting clients under load. About 2 minutes; one PASS/FAIL line
# per scenario, non-zero exit on any FAIL. STRESS_ONLY=a,c runs a subset; STRESS_KEEP=1 keeps
# the scratch directory with the server logs.
STRESS_ONLY ?= a,b,c,d
stress: build
	bash test/stress/run_stress.sh $(BUILD_DIR)/celgate --only $(STRESS_ONLY)

# libFuzzer targets (fuzz/), built with clang-14 in build-fuzz, each run FUZZ_SECONDS on a
# scratch copy of its seed corpus; non-zero exit on any crash (reproducers in build-fuzz/artifacts).
# FUZZ_SEED=N replays a run exactly (libFuzzer -seed); by default each run draws its own.
FUZZ_SECONDS ?= 30
FUZZ_SEED ?= 0
fuzz: apt-deps
	FUZZ_SEED=$(FUZZ_SEED) bash fuzz/run_fuzzers.sh build-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf build build-*
