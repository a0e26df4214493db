# Thin front end over CMake. `make run` and `make test` are the two commands
# of the README's quick start; each installs what is missing, configures and
# builds first.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
COV_BUILD  ?= build-coverage
FUZZ_SECONDS ?= 15
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=
ARGS       ?=

.PHONY: all deps build build-asan build-fuzz run test fuzz-long coverage valgrind bench format clean
.PHONY: soak cosim-long

all: build

deps:
	@tools/install-deps.sh

# The main build includes the RTL (lint, synthesis and Verilated block tests,
# label rtl) and the SystemC side (label sim); the sanitizer, fuzz and
# coverage builds do not.
build: deps
	cmake -S . -B $(BUILD) -DIOMMUSIM_WERROR=ON -DIOMMUSIM_BUILD_RTL=ON -DIOMMUSIM_BUILD_SIM=ON $(CMAKE_ARGS)
	cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DIOMMUSIM_SANITIZE=ON -DIOMMUSIM_WERROR=ON $(CMAKE_ARGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)

build-fuzz: deps
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIOMMUSIM_FUZZ=ON \
	  -DIOMMUSIM_FUZZ_SECONDS=$(FUZZ_SECONDS) $(CMAKE_ARGS)
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_vtd_translate fuzz_trace fuzz_config fuzz_trace_bin fuzz_ftrace fuzz_qi_desc

run: build
	$(BUILD)/bin/iommusim run $(ARGS)

# Every test, then the unit and command-line tests again under ASan + UBSan,
# then a short coverage-guided run of each fuzz target.
test: build build-asan build-fuzz
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) -L sanitize
	ctest --test-dir $(FUZZ_BUILD) --output-on-failure -L fuzz

# Longer fuzzing (FUZZ_SECONDS per target).
fuzz-long:
	$(MAKE) build-fuzz FUZZ_SECONDS=$(or $(FUZZ_LONG_SECONDS),600)
	ctest --test-dir $(FUZZ_BUILD) --output-on-failure -L fuzz

# Streaming soak (not part of `make test`): a generated workload with flushes
# of every kind (nic --flush mixed) of SOAK_SHORT and then SOAK_LONG DMA requests, each
# converted to a binary trace (SOAK_FORMAT=text streams `gen` into `run
# --trace -` instead) and replayed; the peak RSS (GNU time) must stay within
# SOAK_RATIO of the short run's, with no stale translation and no missing
# flush. About 4 minutes for the default 1M vs 100M.
SOAK_SHORT    ?= 1000000
SOAK_LONG     ?= 100000000
SOAK_RATIO    ?= 1.2
SOAK_FORMAT   ?= bin
SOAK_WORKLOAD ?= nic
soak: build
	bash tests/cli/soak.sh $(BUILD)/bin/iommusim $(BUILD)/bin/jsoncheck $(SOAK_SHORT) $(SOAK_LONG) \
	  $(SOAK_RATIO) 0 $(SOAK_FORMAT) $(SOAK_WORKLOAD)

# Long co-simulation regression (docs/cosim.md; not part of `make test`):
# COSIM_SEEDS seeds of COSIM_COUNT requests on the Verilated block against the
# model, one shard per job, JUnit files $(BUILD)/cosim-long-SHARD.xml.
# COSIM_FLAGS adds options, e.g. "--no-cycles --settle 3000".
COSIM_SEEDS ?= 1-1000
COSIM_COUNT ?= 10000
COSIM_FLAGS ?=
cosim-long: build
	@set -e; pids=""; \
	for i in $$(seq 0 $$(( $(JOBS) - 1 ))); do \
	  $(BUILD)/bin/iommusim cosim --seeds $(COSIM_SEEDS) --count $(COSIM_COUNT) \
	    --shard $$i/$(JOBS) --junit $(BUILD)/cosim-long-$$i.xml $(COSIM_FLAGS) \
	    > $(BUILD)/cosim-long-$$i.log 2>&1 & pids="$$pids $$!"; \
	done; rc=0; for p in $$pids; do wait $$p || rc=1; done; \
	tail -qn1 $(BUILD)/cosim-long-*.log; \
	grep -h '^FAIL' $(BUILD)/cosim-long-*.log | head -20 || true; exit $$rc

# Line and branch coverage of model/ by the unit, command-line and corpus
# tests (gcovr); the summary is recorded in docs/coverage.md.
coverage: deps
	@command -v gcovr >/dev/null || { echo "coverage needs gcovr: apt-get install gcovr" >&2; exit 1; }
	cmake -S . -B $(COV_BUILD) -DCMAKE_BUILD_TYPE=Debug -DIOMMUSIM_COVERAGE=ON $(CMAKE_ARGS)
	cmake --build $(COV_BUILD) -j $(JOBS)
	find $(COV_BUILD) -name '*.gcda' -delete
	ctest --test-dir $(COV_BUILD) -j $(JOBS) -E '^format$$'
	gcovr -r . --filter 'model/' --object-directory $(COV_BUILD) --print-summary \
	  --txt $(COV_BUILD)/coverage.txt --html-details $(COV_BUILD)/coverage.html

# The default run under Valgrind's memcheck: no errors, no leaks.
valgrind: build
	valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=all -q \
	  $(BUILD)/bin/iommusim run >/dev/null

# Replay speed (requests/s) and peak RSS of `iommusim run` on generated traces,
# written to docs/benchmarks.md; not a test, the figures depend on the machine.
bench: build
	tools/bench.sh $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(COV_BUILD)
