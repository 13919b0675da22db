# uvseg's build and test entry points. README.md names the two that matter:
#   make demo   builds everything and segments the demo volumes with the shipped default model
#   make test   runs every test: Swift, the C contract from C, Python (ctypes, nibabel), ABI check

# Release builds throughout (numeric code is far too slow in debug); -enable-testing lets the
# Swift tests use @testable imports without a second build of the library.
SWIFT_FLAGS := -c release -Xswiftc -enable-testing
BUILD_DIR := .build/release
CC ?= cc
C_FLAGS := -std=c11 -Wall -Wextra -Werror -Iinclude
C_LINK := -L$(BUILD_DIR) -luvseg -Wl,-rpath,$(abspath $(BUILD_DIR))

.PHONY: deps build test demo swift-test c-test python-test abi-check

deps:
	tools/install-deps.sh

build: deps
	swift build $(SWIFT_FLAGS) --build-tests

test: build
	$(MAKE) --no-print-directory swift-test c-test python-test abi-check

swift-test:
	swift test $(SWIFT_FLAGS) --skip-build

c-test:
	$(CC) $(C_FLAGS) Tests/c/contract_test.c $(C_LINK) -o $(BUILD_DIR)/contract_test
	$(BUILD_DIR)/contract_test Tests/NetworkTests/Fixtures

python-test:
	UVSEG_BUILD_DIR=$(abspath $(BUILD_DIR)) python3 -m pytest -q Tests/python

abi-check:
	tools/check-abi.sh include/uvseg.h $(BUILD_DIR)/libuvseg.so
