# gpumarket -- one non-recursive Makefile.
#
#   make run        install what is missing, build, run scenarios/default.ini
#   make check      install what is missing, build, run every test
#   make bench      engine, market and kernel benchmarks (side by side)
#   make sanitize   ASan+UBSan build in build-san/, whole test suite
#   make MPI=1      build the Open MPI sweep farm (auto when mpicc exists)
#   make CUDA=1     build the CUDA kernels (auto when nvcc exists)
#
# The two user-facing targets (run, check) call 'deps' first and then make
# themselves again, so pkg-config flags are read after the packages exist.

O        ?= build
OPT      ?= -O2 -g
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wwrite-strings -Wcast-qual -Wundef \
            -Wdouble-promotion -Wformat=2 -Wvla -fno-common
PKGS     := gsl cairo pangocairo inih
PKG_CFLAGS   := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS     := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)
OCL_LIBS     := $(shell pkg-config --libs OpenCL 2>/dev/null || echo -lOpenCL)
CSV_LIBS     ?= -lcsv      # Debian's libcsv-dev ships no .pc file

CPPFLAGS += -I. -D_POSIX_C_SOURCE=200809L -DCL_TARGET_OPENCL_VERSION=120
# Non-PIE: const tables of pointers then live in .rodata, so 'nm' on the
# library shows no data symbols at all and a real mutable global stands out.
CFLAGS   += -std=c11 $(WARN) $(OPT) $(PKG_CFLAGS) -pthread -fno-pie
LDFLAGS  += -pthread -no-pie
LDLIBS   += $(PKG_LIBS) $(OCL_LIBS) $(CSV_LIBS) -lm

ifdef SAN
CFLAGS  += -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SAN)
endif
ifdef WERROR
CFLAGS  += -Werror
endif

# Optional Open MPI farm: compiled with mpicc's flags when asked or found.
MPICC ?= $(shell command -v mpicc 2>/dev/null)
ifeq ($(MPI),)
  ifneq ($(MPICC),)
    MPI := 1
  endif
endif
ifeq ($(MPI),1)
# Debian's Open MPI may ship no ompi-c.pc: ask the wrapper compiler.
MPI_CFLAGS := $(shell $(or $(MPICC),mpicc) --showme:compile 2>/dev/null || pkg-config --cflags ompi-c 2>/dev/null)
MPI_LIBS   := $(shell $(or $(MPICC),mpicc) --showme:link 2>/dev/null || pkg-config --libs ompi-c 2>/dev/null)
CPPFLAGS   += -DGM_HAVE_MPI=1
CFLAGS     += $(MPI_CFLAGS)
LDLIBS     += $(MPI_LIBS)
endif

# Optional CUDA kernels: built by nvcc into their own object when present.
NVCC ?= $(shell command -v nvcc 2>/dev/null || ls /usr/local/cuda/bin/nvcc 2>/dev/null)
ifeq ($(CUDA),)
  ifneq ($(NVCC),)
    ifneq ($(wildcard models/bench/kern_cuda.cu),)
      CUDA := 1
    endif
  endif
endif

LIB_SRC  := $(filter-out sim/main.c,$(wildcard sim/*.c models/*.c models/bench/*.c plots/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(O)/%.o)
TEST_SRC := $(wildcard tests/check_*.c)
TEST_OBJ := $(TEST_SRC:%.c=$(O)/%.o)

ifeq ($(CUDA),1)
CUDA_HOME ?= $(patsubst %/bin/nvcc,%,$(NVCC))
CUDA_OBJ  := $(O)/models/bench/kern_cuda.o
CPPFLAGS  += -DGM_HAVE_CUDA=1
LDLIBS    += -L$(CUDA_HOME)/lib64 -Wl,-rpath,$(CUDA_HOME)/lib64 -lcudart
# nvcc's registration code has static state of its own: keep it out of
# libmarket.a (whose 'nm' must show no data symbols) and link it beside.
EXTRA_OBJ := $(CUDA_OBJ)
# No exceptions and no thread-safe statics: the object then needs nothing
# from libstdc++, so the C linker links it with cudart alone.
NVFLAGS   ?= -O3 -std=c++17 -arch=sm_80 -gencode arch=compute_90,code=sm_90 \
             -gencode arch=compute_80,code=sm_80 -Xcompiler -fno-pie \
             -Xcompiler -fno-exceptions -Xcompiler -fno-threadsafe-statics
$(CUDA_OBJ): models/bench/kern_cuda.cu models/bench/kern.h
	@mkdir -p $(@D)
	$(NVCC) $(NVFLAGS) -I. -c -o $@ $<
endif

.DEFAULT_GOAL := all
all: $(O)/gpumarket

# The version string and the project root are compiled into two objects
# only; the header is rewritten only when its content changes, so an
# unchanged tree does not rebuild.
GM_GIT := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
$(O)/gm_build.h: FORCE
	@mkdir -p $(@D)
	@printf '#define GM_GIT "%s"\n#define GM_ROOT "%s"\n' '$(GM_GIT)' '$(CURDIR)' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(O)/sim/results.o $(O)/models/market_load.o: $(O)/gm_build.h
$(O)/sim/results.o $(O)/models/market_load.o: CPPFLAGS += -include $(O)/gm_build.h
FORCE:

$(O)/libmarket.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^
$(O)/gpumarket: $(O)/sim/main.o $(O)/libmarket.a $(EXTRA_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(O)/check_all: $(TEST_OBJ) $(O)/libmarket.a $(EXTRA_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)
$(TEST_OBJ): CFLAGS += $(CHECK_CFLAGS)
$(O)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# Packages this project needs from Debian. 'deps' installs the missing ones
# when run as root, and otherwise prints the exact command and stops.
DEB_PKGS := gcc make pkg-config libgsl-dev libcairo2-dev libpango1.0-dev \
            check libinih-dev libcsv-dev fonts-dejavu-core \
            ocl-icd-opencl-dev opencl-headers pocl-opencl-icd \
            openmpi-bin libopenmpi-dev libopenblas-dev
deps:
	@missing=$$(for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing $$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 2; \
	  else \
	    echo "deps: missing Debian packages; run:"; \
	    echo "  sudo apt-get install -y $$missing"; exit 2; \
	  fi; \
	fi

run: deps
	@$(MAKE) --no-print-directory all
	$(O)/gpumarket run -o results/default

check: deps
	@$(MAKE) --no-print-directory test

test: $(O)/check_all $(O)/gpumarket
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp GM_BIN=$(CURDIR)/$(O)/gpumarket $(O)/check_all
	@for t in tests/cli/*.sh; do \
	  echo "== $$t"; LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	    GM_BIN=$(CURDIR)/$(O)/gpumarket sh $$t || exit 1; \
	done

# The sanitizers run the tests 2-5x slower: Check's per-test timeouts
# scale with them (CK_TIMEOUT_MULTIPLIER, unless set already).
sanitize: deps
	@CK_TIMEOUT_MULTIPLIER=$${CK_TIMEOUT_MULTIPLIER:-3} $(MAKE) --no-print-directory \
	  O=build-san SAN=address,undefined OPT='-O1 -g' test

bench: deps
	@$(MAKE) --no-print-directory all
	$(O)/gpumarket bench phold --preset S --compare --repeat 5
	$(O)/gpumarket bench phold --preset L --compare --repeat 3
	$(O)/gpumarket bench phold --preset XL --compare
	$(O)/gpumarket bench dlperf --device cpu --compare
	$(O)/gpumarket bench dlperf --device opencl
	$(O)/gpumarket bench market scenarios/default.ini -c Quick --compare
	$(O)/gpumarket bench market scenarios/large.ini -c Large --set sim.horizon=10d --compare
	sh tests/bench_sweep.sh $(O)/gpumarket

# Every scenario parameter, data-table field and validation-target key at
# edge values, then 2,000 randomly corrupted scenario files: errors, never
# crashes or hangs (about 20 minutes; not part of check).
fuzz: $(O)/gpumarket
	@rc=0; sh tests/fuzz_params.sh $(O)/gpumarket || rc=1; \
	sh tests/fuzz_syntax.sh $(O)/gpumarket 2000 1 || rc=1; exit $$rc

# docs/PARAMS.md is generated from the compiled-in registry; a CLI test
# fails when it is stale.
docs: $(O)/gpumarket
	sh tests/gen_params_doc.sh $(O)/gpumarket > docs/PARAMS.md.tmp && mv docs/PARAMS.md.tmp docs/PARAMS.md

clean:
	rm -rf build build-san $(O)

.PHONY: all deps run check test sanitize bench docs fuzz clean FORCE
-include $(LIB_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(O)/sim/main.d
