# uvseg's build and test entry points. README.md names the two that matter:
#   make demo   builds what ships and segments the demo volumes with the built-in default model
#   make test   runs every test: Swift, the C contract from C, Python (ctypes, nibabel), ABI check,
#               the C++ wrapper, the Python package, examples, install check, napari plug-in, and
#               the shipped library, command, wheel and .deb with the Swift toolchain hidden
# and the ways to ship: make install [PREFIX=...], make wheel, make deb (files in dist/).

# Two release builds (numeric code is far too slow in debug):
#   .build-ship  what ships: the Swift runtime linked in (-static-stdlib), no -enable-testing; the
#                command, install, wheel and .deb come from it, and every test but the Swift tests
#                runs against it;
#   .build       the Swift tests' build, with -enable-testing for their @testable imports.
TEST_FLAGS := -c release -Xswiftc -enable-testing
SHIP_FLAGS := -c release --scratch-path .build-ship -Xswiftc -static-stdlib
BUILD_DIR := .build-ship/release
# The version, from the header's UVS_VERSION_* macros; the ABI's version is its major number.
VERSION := $(shell tools/version.sh)
MAJOR := $(firstword $(subst ., ,$(VERSION)))
# bash with pipefail: a recipe's pipeline fails when any command in it fails.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
CC ?= cc
C_FLAGS := -std=c11 -Wall -Wextra -Werror -Iinclude
C_LINK := -L$(BUILD_DIR) -luvseg -Wl,-rpath,$(abspath $(BUILD_DIR)) -lm -lpthread
CXX_FLAGS := -std=c++17 -Wall -Wextra -Werror -Iinclude
# make install PREFIX=...: where the library, headers, command, pkg-config and CMake files go.
PREFIX ?= /usr/local
# Every Python test runs in a virtual environment made from the project's requirement files only
# (build backends included), so what the machine's own Python has installed never matters.
PYTHON_ENV := .build/python-env
PYTHON := $(PYTHON_ENV)/bin/python
# Made when the environment's packages are installed: bin/python is a link to the machine's own
# Python, whose age says nothing of the environment's.
PYTHON_READY := $(PYTHON_ENV)/installed
PYTHON_REQUIREMENTS := tools/requirements-test.txt bindings/napari/requirements-test.txt
PIP := $(PYTHON) -m pip install -q --disable-pip-version-check
# The environment's bin folder first, so that scripts calling python3 get it too.
PYTHON_TEST_ENV := PATH=$(abspath $(PYTHON_ENV))/bin:$$PATH UVSEG_LIBRARY=$(abspath $(BUILD_DIR))/libuvseg.so

.PHONY: deps build ship test demo swift-test c-test python-test abi-check cpp-test python-packages \
	examples-test install install-check napari-test wheel deb toolchain-free-check

deps:
	tools/install-deps.sh

# The compiler's progress lines are left out; its warnings and errors are not, except the linker's
# note on the toolchain's own static Foundation (its temporary-file code names mktemp), which the
# command links and nothing of ours can change.
QUIET_PROGRESS := 2>&1 | { grep -v -e '^\[[0-9]*/[0-9]*\]' -e 'libFoundationEssentials.a.*mktemp' || true; }

build: deps ship
	swift build $(TEST_FLAGS) --build-tests $(QUIET_PROGRESS)

# The library, the command (and any other product) as they ship; programs linked against the
# build folder look for the library under its SONAME, hence the link.
ship: deps
	swift build $(SHIP_FLAGS) $(QUIET_PROGRESS)
	ln -sf libuvseg.so $(BUILD_DIR)/libuvseg.so.$(MAJOR)

# The main job on the shipped defaults: the built-in model segments demo case 1 from the labelled
# cases 2 to 6, then the result is scored against case 1's own labels.
DEMO_DATA := examples/data
DEMO_OUT := $(BUILD_DIR)/demo
demo: ship
	mkdir -p $(DEMO_OUT)
	$(BUILD_DIR)/uvseg-cli segment --query $(DEMO_DATA)/case01_image.nii.gz \
		$(foreach n,02 03 04 05 06,--support $(DEMO_DATA)/case$(n)_image.nii.gz:$(DEMO_DATA)/case$(n)_label.nii.gz) \
		--out $(DEMO_OUT)/case01_segmentation.nii.gz
	$(BUILD_DIR)/uvseg-cli evaluate --pred $(DEMO_OUT)/case01_segmentation.nii.gz \
		--truth $(DEMO_DATA)/case01_label.nii.gz

test: build
	$(MAKE) --no-print-directory swift-test c-test cpp-test python-test examples-test install-check \
		napari-test abi-check toolchain-free-check

# Every Swift test is a Swift Testing test: XCTest would only report that it ran none.
swift-test:
	swift test $(TEST_FLAGS) --skip-build --disable-xctest -q

c-test:
	$(CC) $(C_FLAGS) Tests/c/contract_test.c $(C_LINK) -o $(BUILD_DIR)/contract_test
	$(BUILD_DIR)/contract_test Tests/NetworkTests/Fixtures

# Only the napari plug-in's test needs pytest plug-ins (pytest-qt, napari's own).
python-test: python-packages
	UVSEG_BUILD_DIR=$(abspath $(BUILD_DIR)) PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 $(PYTHON) -m pytest -q Tests/python
	$(PYTHON_TEST_ENV) PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 $(PYTHON) -m pytest -q bindings/python/tests
	PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 $(PYTHON) -m pytest -q tools/realscan/tests

abi-check:
	tools/check-abi.sh include/uvseg.h $(BUILD_DIR)/libuvseg.so

cpp-test:
	$(CXX) $(CXX_FLAGS) Tests/cpp/wrapper_test.cpp $(C_LINK) -o $(BUILD_DIR)/wrapper_test
	$(BUILD_DIR)/wrapper_test Tests/NetworkTests/Fixtures examples/data

# The environment is made again whenever a requirement file changes.
$(PYTHON_READY): $(PYTHON_REQUIREMENTS)
	rm -rf $(PYTHON_ENV)
	python3 -m venv $(PYTHON_ENV)
	$(PIP) $(foreach file,$(PYTHON_REQUIREMENTS),-r $(file))
	touch $@

# The Python package and the napari plug-in, installed into the environment as pip installs them.
python-packages: $(PYTHON_READY)
	$(PIP) --no-deps --no-build-isolation --force-reinstall ./bindings/python ./bindings/napari

examples-test: python-packages
	mkdir -p $(BUILD_DIR)/examples
	for source in examples/c/*.c; do $(CC) $(C_FLAGS) $$source $(C_LINK) \
		-o $(BUILD_DIR)/examples/c_$$(basename $$source .c) || exit 1; done
	for source in examples/cpp/*.cpp; do $(CXX) $(CXX_FLAGS) $$source $(C_LINK) \
		-o $(BUILD_DIR)/examples/cpp_$$(basename $$source .cpp) || exit 1; done
	$(PYTHON_TEST_ENV) tools/run-examples.sh $(BUILD_DIR)/examples

# Installs like a C library: PREFIX/lib/libuvseg.so.VERSION with its SONAME and development links,
# PREFIX/include/uvseg.h{,pp}, PREFIX/bin/uvseg, PREFIX/lib/pkgconfig/uvseg.pc and
# PREFIX/lib/cmake/uvseg/ (DESTDIR=... stages the files elsewhere).
install: ship
	tools/install.sh $(BUILD_DIR) $(PREFIX)

# dist/uvseg-VERSION-py3-none-PLATFORM.whl: the Python package with the library and the command in it.
wheel: ship $(PYTHON_READY)
	tools/build-wheel.sh $(BUILD_DIR) dist $(PYTHON)

# dist/uvseg_VERSION_ARCH.deb: library, headers, pkg-config and CMake files and the command under /usr.
deb: ship
	tools/build-deb.sh $(BUILD_DIR) dist

# The install, the wheel and the .deb used with the Swift toolchain's folder hidden.
toolchain-free-check: wheel deb
	tools/check-without-toolchain.sh $(BUILD_DIR) dist

install-check:
	tools/check-install.sh $(BUILD_DIR)

# The plug-in's test opens napari windows in a virtual X server (Xvfb, from tools/install-deps.sh).
napari-test: python-packages
	$(PYTHON_TEST_ENV) xvfb-run -a -s "-screen 0 1280x1024x24" $(PYTHON) -m pytest -q bindings/napari/tests
