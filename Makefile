# Thin wrapper over CMake. `make demo` and `make test` are the two set-up
# commands in README: each installs what is missing first.
BUILD      ?= build
TESTBUILD  ?= build-test
FUZZBUILD  ?= build-fuzz
# seconds per fuzz target for `make fuzz`; FUZZ_TARGETS narrows the set (e.g. "kubeconfig rules")
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all bootstrap build test demo clean bench fuzz

all: build

bootstrap:
	@scripts/bootstrap

build: bootstrap
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

# Tests build separately with ASan + UBSan.
test: bootstrap
	@cmake -S . -B $(TESTBUILD) -DCMAKE_BUILD_TYPE=Debug -DARTRIAGE_SANITIZE=ON >/dev/null
	@cmake --build $(TESTBUILD) -j$(JOBS)
	@cd $(TESTBUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j$(JOBS)

# libFuzzer with ASan + UBSan (clang), in its own build dir: each target of
# tests/fuzz/ runs FUZZ_SECONDS from its seeds (tests/fuzz/seeds/<name>/) and
# a corpus kept in $(FUZZBUILD)/corpus/<name>; crashes land in
# $(FUZZBUILD)/crashes/<name>/. Prints executions per target.
fuzz: bootstrap
	@CC=clang cmake -S . -B $(FUZZBUILD) -DCMAKE_BUILD_TYPE=Debug -DARTRIAGE_FUZZ=ON >/dev/null
	@scripts/fuzz $(FUZZBUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# One line per step; the build's output goes to a log shown only on failure.
demo:
	@echo "demo: packages (scripts/bootstrap)"
	@scripts/bootstrap
	@echo "demo: building $(BUILD)/artriage (log: $(BUILD)/demo-build.log)"
	@mkdir -p $(BUILD)
	@{ cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo && \
	   cmake --build $(BUILD) -j$(JOBS) --target artriage; } >$(BUILD)/demo-build.log 2>&1 || \
	   { tail -n 40 $(BUILD)/demo-build.log; echo "demo: the build failed (whole log: $(BUILD)/demo-build.log)"; exit 1; }
	@scripts/demo $(BUILD)/artriage

bench: build
	@for b in bench/*.sh; do echo "== $$b"; bash $$b $(CURDIR)/$(BUILD)/artriage || exit 1; done

clean:
	rm -rf $(BUILD) $(TESTBUILD)
