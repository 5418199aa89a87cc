# The README's two commands: `make bench` runs the main job, `make test` passes the tests.
# Each first installs the missing apt packages (scripts/setup.sh).
SWIFT ?= swift
# Single-threaded BLAS, and CHOLMOD's OpenMP regions limited to one thread: the numbers are
# single-thread numbers, and parallel tests do not oversubscribe the cores.
export OPENBLAS_NUM_THREADS ?= 1
export OMP_THREAD_LIMIT ?= 1

.PHONY: setup bench test build-release

setup:
	@bash scripts/setup.sh

build-release: setup
	$(SWIFT) build -c release --product slam-bench

bench: build-release
	.build/release/slam-bench

test: setup
	$(SWIFT) test
