# lablog — a research log in SQLite, rendered as reports, slides and daily
# updates. Plain GNU make; see README.md.
#
#   make            build ./lablog (run 'make deps' first on a fresh machine)
#   make test       install what is missing, build, run every test twice
#                   (plain and under ASan+UBSan), compile with clang too
#   make demo       build the sample project into out/ and render it
#   make bench      benchmarks (not part of 'make test')
#   make fuzz       libFuzzer, each target FUZZ_SECONDS (default 60)

# --- configuration ------------------------------------------------------
PKG_CONFIG ?= pkg-config
BUILD      ?= build
CC         ?= cc
CFLAGS     ?= -O2 -g
PREFIX     ?= /usr/local
WARN        = -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
              -Wmissing-prototypes -Wformat=2 -Wvla -Wwrite-strings
# The executable links only what every command needs. The rendering
# commands (daily, report, slides, plot) and their libraries live in
# lablog-render.so, which main.c dlopen()s for those commands alone, and
# libcurl is dlopen()ed by render/post.c when posting: a `lablog metric`
# call in a training loop never pays for loading cairo, libharu or TLS.
CORE_PKGS   = sqlite3 jansson nettle
RENDER_PKGS = libcmark cairo fontconfig freetype2
PKGS        = $(CORE_PKGS) $(RENDER_PKGS)
DLOPEN_PKGS = libcurl libpq
# Debian 12's libhpdf-dev ships no .pc file; upstream installs hpdf.pc.
HPDF_CFLAGS = $(shell $(PKG_CONFIG) --cflags hpdf 2>/dev/null)
HPDF_LIBS   = $(shell $(PKG_CONFIG) --libs hpdf 2>/dev/null || echo -lhpdf)
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) $(DLOPEN_PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
# SQLite, jansson and nettle are linked into the executable statically
# (Debian's -dev packages ship PIC archives): resolving a few hundred
# shared-library symbols at run time was a third of the instructions of a
# `lablog metric` call (callgrind: 4.15M -> 2.64M).
CORE_LIBS  := -Wl,-Bstatic $(shell $(PKG_CONFIG) --libs-only-l $(CORE_PKGS) 2>/dev/null) \
              -Wl,-Bdynamic $(shell $(PKG_CONFIG) --libs-only-L $(CORE_PKGS) 2>/dev/null) \
              -lz -ldl -lm
RENDER_LIBS := $(shell $(PKG_CONFIG) --libs $(RENDER_PKGS) 2>/dev/null) \
              $(HPDF_LIBS) -lm
CPPFLAGS   += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc \
              -DLABLOG_TEMPLATE_DIR='"$(PREFIX)/share/lablog/templates"' \
              $(PKG_CFLAGS) $(HPDF_CFLAGS)
LDLIBS     += $(PKG_LIBS) $(HPDF_LIBS) -ldl -lm

# Debian packages the build and the tests need; 'make deps' installs the
# missing ones. fonts-wqy-zenhei covers CJK text in plots and slides
# (util/font.h's glyph fallback finds it through fontconfig).
DEB_PKGS    = pkg-config libsqlite3-dev libcmark-dev libhpdf-dev \
              libcairo2-dev libfontconfig-dev libfreetype-dev \
              libcurl4-openssl-dev libjansson-dev nettle-dev \
              fonts-dejavu-core fonts-wqy-zenhei poppler-utils sqlite3 \
              clang python3 \
              libpq-dev postgresql python3-scipy chromium cmark \
              python3-venv python3-protobuf man-db groff-base zsh
BENCH_PKGS  = gnuplot-nox python3-matplotlib python3-numpy

# --- sources and objects ------------------------------------------------
SRCS     = $(sort $(wildcard src/*.c src/*/*.c))
OBJS     = $(SRCS:%.c=$(BUILD)/%.o)
LIBOBJS  = $(filter-out $(BUILD)/src/main.o,$(OBJS))
# What lablog-render.so holds: everything that needs cairo, libharu, cmark
# or fontconfig, behind one table of entry points (src/plugin/plugin.h);
# the commands that call it, and their option parsing, are in the program.
RENDER_SRCS = $(wildcard src/plot/*.c src/slides/*.c) src/util/font.c \
              src/render/daily.c src/render/report.c \
              src/render/report_plots.c src/render/report_samples.c \
              src/render/html.c \
              src/render/mrkdwn.c src/render/post.c src/plugin/plugin.c
RENDER_OBJS = $(RENDER_SRCS:%.c=$(BUILD)/%.o)
CORE_OBJS   = $(filter-out $(RENDER_OBJS),$(LIBOBJS))
UNIT     = $(patsubst %.c,$(BUILD)/%,$(wildcard tests/unit/test_*.c))
# Fuzz targets (tests/fuzz/fuzz_*.c). Linked with the replay main()
# (tests/fuzz/replay.c) they run over their checked-in corpus in every
# build of `make test`; `make fuzz` links them with libFuzzer instead.
FUZZ     = $(patsubst %.c,$(BUILD)/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_MAIN ?= $(BUILD)/tests/fuzz/replay.o
SPEC     = $(patsubst %.c,$(BUILD)/%,$(wildcard tests/spec/spec_*.c))
HARNESS  = $(BUILD)/tests/unit/harness.o

all: $(BUILD)/lablog $(BUILD)/lablog-render.so $(BUILD)/lablog.1
	@ln -sf $(BUILD)/lablog lablog
	@ln -sf $(BUILD)/lablog.1 lablog.1

# The manual page is generated from the commands' own option tables
# (`lablog help --man`), so it cannot disagree with --help.
$(BUILD)/lablog.1: $(BUILD)/lablog $(BUILD)/lablog-render.so
	@echo "  MAN     $@"
	@$(BUILD)/lablog help --man >$@

$(BUILD)/.flags: FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC $(LDFLAGS)' | cmp -s - $@ || \
	    echo '$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC $(LDFLAGS)' > $@

$(BUILD)/%.o: %.c $(BUILD)/.flags
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC $(WARN) -MMD -MP -c $< -o $@

$(BUILD)/liblablog.a: $(LIBOBJS)
	@rm -f $@
	@$(AR) rcs $@ $^

# Core objects are linked whole (not from the archive) and exported, so the
# plugin resolves view_build(), ll_error() and the rest to the executable's
# own copies: one error slot, one store.
$(BUILD)/lablog: $(BUILD)/src/main.o $(CORE_OBJS)
	@echo "  LINK    $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -rdynamic -o $@ $^ $(CORE_LIBS)

$(BUILD)/lablog-render.so: $(RENDER_OBJS)
	@echo "  LINK    $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -shared -o $@ $^ $(RENDER_LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(HARNESS) $(BUILD)/liblablog.a
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/fuzz/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_MAIN) \
                            $(BUILD)/liblablog.a
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%.o: tests/%.c $(BUILD)/.flags
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(WARN) -MMD -MP -c $< -o $@

-include $(OBJS:.o=.d) $(UNIT:=.d) $(SPEC:=.d) $(FUZZ:=.d)

# --- front doors ----------------------------------------------------------
# test, demo and bench install what is missing first, then re-invoke make so
# the $(shell pkg-config ...) lines above see the installed packages.
test: deps
	@$(MAKE) --no-print-directory check-all

demo: deps
	@$(MAKE) --no-print-directory demo-run

bench: deps
	@$(MAKE) --no-print-directory DEB_PKGS='$(BENCH_PKGS)' deps
	@$(MAKE) --no-print-directory bench-run

deps:
	@missing=; for p in $(DEB_PKGS); do \
	    s=$$(dpkg-query -W -f='$${db:Status-Status}' $$p 2>/dev/null); \
	    [ "$$s" = installed ] || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	    echo "installing:$$missing"; \
	    $$sudo apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	        --no-install-recommends $$missing >/dev/null || exit 1; \
	fi

# Builds and runs the suite in one build directory.
check: $(BUILD)/lablog $(BUILD)/lablog-render.so $(BUILD)/lablog.1 $(UNIT) $(SPEC) $(FUZZ)
	@sh tests/run.sh $(BUILD)

# float-cast-overflow is not part of gcc's "undefined" group (it is of
# clang's); signed-integer-overflow is, and is named to say it is wanted.
SANITIZE    = address,undefined,float-cast-overflow,signed-integer-overflow
ASAN_CFLAGS = -O1 -g -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
              -fno-sanitize-recover=all

check-all: check-layers
	@$(MAKE) --no-print-directory CC=clang BUILD=build-clang build-clang/lablog \
	    build-clang/lablog-render.so >/dev/null
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory BUILD=build check | tee build/test.log
	@$(MAKE) --no-print-directory BUILD=build-asan CFLAGS='$(ASAN_CFLAGS)' \
	    LDFLAGS='-fsanitize=$(SANITIZE)' check | tee build/test-asan.log
	@sh tests/total.sh build/test.log build/test-asan.log

# libFuzzer: clang, every target FUZZ_SECONDS each (tests/fuzz/run.sh),
# starting from tests/fuzz/corpus/NAME; new inputs and crashes go to
# build-fuzz/fuzz/. Not part of `make test` (which replays the corpora).
FUZZ_SECONDS ?= 60
FUZZ_SANITIZE = address,undefined,float-cast-overflow
fuzz: deps
	@$(MAKE) --no-print-directory CC=clang BUILD=build-fuzz FUZZ_MAIN= \
	    CFLAGS='-O1 -g -fsanitize=fuzzer-no-link,$(FUZZ_SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all' \
	    LDFLAGS='-fsanitize=fuzzer,$(FUZZ_SANITIZE)' fuzz-build
	@sh tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

fuzz-build: $(FUZZ)

# Longer runs of the randomised tests than `make test` affords: the merge
# property over STRESS_SEEDS seeds (make test runs 200).
STRESS_SEEDS ?= 5000
stress: deps
	@$(MAKE) --no-print-directory all $(BUILD)/tests/unit/test_merge
	LABLOG_MERGE_SEEDS=$(STRESS_SEEDS) $(BUILD)/tests/unit/test_merge

# Layer rule: which library headers each folder may include (DESIGN.md).
check-layers:
	@sh tests/check-layers.sh

golden: all
	@sh tests/golden.sh

demo-run: all
	@sh samples/demo.sh

$(BUILD)/tests/bench/raw_insert: tests/bench/raw_insert.c
	@mkdir -p $(@D)
	@$(CC) $(CFLAGS) $(WARN) $(shell $(PKG_CONFIG) --cflags sqlite3) -o $@ $< \
	    $(shell $(PKG_CONFIG) --libs sqlite3)

bench-run: all $(BUILD)/tests/bench/raw_insert
	@python3 tests/bench/speed.py
	@python3 tests/bench/bench.py
	@python3 tests/bench/python_log.py
	@python3 tests/bench/bench_sync.py

# The Python package: into the site-packages folder of $(PYTHON) under
# PREFIX (see python/_build/sitedir.py), with the path of the installed
# lablog program.
PYTHON ?= python3
PYTHON_SITEDIR ?= $(shell $(PYTHON) python/_build/sitedir.py $(PREFIX))

install-python:
	install -d $(DESTDIR)$(PYTHON_SITEDIR)/lablog
	install -m 644 python/lablog/*.py $(DESTDIR)$(PYTHON_SITEDIR)/lablog/
	printf '# Written by make install.\nBIN = "%s"\n' '$(PREFIX)/bin/lablog' \
	    >$(DESTDIR)$(PYTHON_SITEDIR)/lablog/_installed.py

install: all install-python
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/lablog/templates \
	    $(DESTDIR)$(PREFIX)/lib/lablog $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	    $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 755 $(BUILD)/lablog $(DESTDIR)$(PREFIX)/bin/lablog
	install -m 755 $(BUILD)/lablog-render.so $(DESTDIR)$(PREFIX)/lib/lablog/
	install -m 644 templates/*.mustache $(DESTDIR)$(PREFIX)/share/lablog/templates/
	install -m 644 $(BUILD)/lablog.1 $(DESTDIR)$(PREFIX)/share/man/man1/lablog.1
	install -m 644 completion/lablog.bash \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/lablog
	install -m 644 completion/_lablog $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_lablog

clean:
	rm -rf build build-asan build-clang build-fuzz lablog lablog.1 out

FORCE:
.SECONDARY:
.PHONY: all test demo bench deps check check-all check-layers golden fuzz \
        fuzz-build stress \
        demo-run bench-run install install-python clean FORCE
.DELETE_ON_ERROR:
