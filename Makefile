# The README's two commands: `make bench` runs the main job, `make test` passes the tests.
# Each first installs the missing apt packages (scripts/setup.sh).
SWIFT ?= swift

.PHONY: setup bench test build-release

setup:
	@bash scripts/setup.sh

build-release: setup
	$(SWIFT) build -c release --product slam-bench

bench: build-release
	OPENBLAS_NUM_THREADS=1 .build/release/slam-bench

test: setup
	OPENBLAS_NUM_THREADS=1 $(SWIFT) test
