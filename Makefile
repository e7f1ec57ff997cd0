# quarry — PGXS build of quarry.so.
#
#   make                 build the core (CMake, build/core) and quarry.so
#   make install         install quarry.so, control/quarry.control and control/quarry--*.sql
#   make installcheck    pg_regress sql/*.sql against the throwaway primary of scripts/servers.sh
#   make test            everything: scripts/test.sh (deps, unit, regress, differential, integration)
#   make demo            scripts/demo.sh
#   make format          clang-format -i over src dialects test bench
#   make clean           PGXS clean + build/ outputs (never touches running servers' data)
#
# Object files go to build/ext/, mirroring the source tree; the core is build/core/libquarry_core.a.

PG_CONFIG ?= pg_config
CMAKE ?= cmake

# Debian's PostgreSQL is built --with-llvm, so PGXS would also emit LLVM bitcode for JIT
# inlining with clang-14, which we neither have nor need. Must be an override: Makefile.global
# (included by pgxs.mk) assigns with_llvm = yes itself.
override with_llvm = no

MODULE_big = quarry

# The PostgreSQL side of quarry.so. Every C++ file under these folders; the core (src/core,
# dialects) comes in through the static library.
EXT_DIRS := src/extension src/fdw src/remote src/worker
EXT_SRCS := $(sort $(foreach d,$(EXT_DIRS),$(wildcard $(d)/*.cpp)))
OBJS = $(patsubst %.cpp,build/ext/%.o,$(EXT_SRCS))
PGFILEDESC = "quarry - JSON query specs translated to SQL and run where the data lives"

# The control file and install scripts live in control/. We do not set EXTENSION (PGXS would
# look for ./quarry.control); DATA with MODULEDIR=extension installs them into
# $(pg_config --sharedir)/extension/ just the same, and uninstall removes them.
MODULEDIR = extension
DATA = control/quarry.control $(sort $(wildcard control/quarry--*.sql))

CORE_BUILD := build/core
CORE_LIB := $(CORE_BUILD)/libquarry_core.a

NLOHMANN_CFLAGS := $(shell pkg-config --cflags nlohmann_json 2>/dev/null)
MARIADB_CFLAGS := $(shell pkg-config --cflags libmariadb 2>/dev/null)
MARIADB_LIBS := $(shell pkg-config --libs libmariadb 2>/dev/null || echo -lmariadb)

PG_CPPFLAGS = -I$(CURDIR)/src/core -I$(CURDIR) -I$(libpq_srcdir) $(NLOHMANN_CFLAGS) $(MARIADB_CFLAGS) \
	-DQUARRY_EXTENSION_SIDE=1
PG_CXXFLAGS = -std=c++17 -fPIC -Wall -Wextra -Wpedantic -Werror=return-type -MMD -MP
# gcc links the shared object (Makefile.shlib uses $(CC)), so the C++ runtime is named here.
# Whole archive: dialects register themselves from static initializers nothing else refers to.
SHLIB_LINK = -Wl,--whole-archive $(CORE_LIB) -Wl,--no-whole-archive -lstdc++ -lm -lpq $(MARIADB_LIBS)
SHLIB_LINK_INTERNAL = $(libpq)

# pg_regress: every sql/*.sql, against the throwaway primary started by scripts/servers.sh.
QUARRY_SERVERS_DIR ?= $(CURDIR)/build/servers
QUARRY_ENV := $(QUARRY_SERVERS_DIR)/env
REGRESS = $(basename $(notdir $(sort $(wildcard sql/*.sql))))
REGRESS_OUT := build/regress
quarry_env = $(shell [ -f '$(QUARRY_ENV)' ] && . '$(QUARRY_ENV)' && printf '%s' "$$$(1)")
REGRESS_OPTS = --inputdir=. --outputdir=$(REGRESS_OUT) \
	--host=$(call quarry_env,QUARRY_PG_HOST) --port=$(call quarry_env,QUARRY_PG_PORT) \
	--user=$(call quarry_env,QUARRY_PG_USER)

# build/servers is left alone (scripts/servers.sh stop, then rm, to get rid of it).
EXTRA_CLEAN = build/ext $(REGRESS_OUT) $(CORE_BUILD) build/asan

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# --- the core, built by CMake ----------------------------------------------------------------
# Always asks CMake (it knows the core's dependencies); the archive's mtime only moves when
# something changed, so quarry.so is relinked only then.
.PHONY: quarry-core
quarry-core:
	@if [ ! -f $(CORE_BUILD)/CMakeCache.txt ]; then \
		$(CMAKE) -S $(CURDIR) -B $(CORE_BUILD) -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=Release \
			-DQUARRY_SANITIZE=OFF -DQUARRY_BUILD_TESTS=OFF -DQUARRY_BUILD_BENCH=ON; \
	fi
	+$(MAKE) -C $(CORE_BUILD) --no-print-directory quarry_core

$(CORE_LIB): quarry-core ;

$(shlib): $(CORE_LIB)

# PostgreSQL loads quarry.so with RTLD_NOW: a core function that is declared but not defined
# anywhere would only surface as "undefined symbol" at CREATE EXTENSION. Fail the build instead.
all: check-undefined
.PHONY: check-undefined
check-undefined: $(shlib)
	@undef=$$(nm -DC --undefined-only $(shlib) | grep 'quarry::' || true); \
	if [ -n "$$undef" ]; then \
		echo "error: $(shlib) references quarry symbols that nothing defines:" >&2; \
		echo "$$undef" >&2; \
		exit 1; \
	fi

# --- the extension's objects -------------------------------------------------------------------
build/ext/%.o: %.cpp
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) $(CPPFLAGS) -c -o $@ $<

-include $(OBJS:.o=.d)

# --- regression tests --------------------------------------------------------------------------
installcheck: regress-prep
.PHONY: regress-prep
regress-prep:
	@if [ ! -f '$(QUARRY_ENV)' ]; then \
		echo "installcheck: $(QUARRY_ENV) not found; run scripts/servers.sh start first" >&2; \
		exit 1; \
	fi
	@$(bindir)/pg_isready -q -h '$(call quarry_env,QUARRY_PG_HOST)' -p '$(call quarry_env,QUARRY_PG_PORT)' || { \
		echo "installcheck: the primary of $(QUARRY_ENV) does not answer; run scripts/servers.sh start" >&2; \
		exit 1; \
	}
	@mkdir -p $(REGRESS_OUT)

# --- convenience targets -----------------------------------------------------------------------
.PHONY: test demo format
test:
	scripts/test.sh

demo:
	scripts/demo.sh

FORMAT_DIRS := src dialects test bench
format:
	@files=$$(find $(FORMAT_DIRS) -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) 2>/dev/null); \
	if [ -n "$$files" ]; then clang-format -i $$files; fi
