# support-milter: GNU make build.
#
#   make            build build/support-milter (the libraries must be installed:
#                   make deps-build)
#   make run        install what is missing, build, start the milter in the
#                   foreground with conf/support-milter.conf
#   make check      install what is missing, build, run every test (TAP through
#                   prove; exits non-zero on failure); T=tests/x.t runs one
#                   script or test binary
#   make check-fast unit tests, corpora, --test contract, windows, boundaries,
#                   scorer: under a minute
#   make deps       deps-build (compiler, libraries) and deps-test (Postfix,
#                   miltertest, valgrind, clang ...: never on a production relay);
#                   each installs only what is missing and refuses to remove
#   make demo       the daemon with three corpus messages sent through it
#   make check-san / valgrind   those suites alone
#   make fuzz       libFuzzer harnesses, FUZZ_SECONDS=N each (docs/hardening.md)
#   make bench      print benchmark figures (docs/performance.md); bench-deps
#                   installs what it needs besides deps (MIMEDefang, the peer)
#   make install    DESTDIR, PREFIX, SYSCONFDIR honoured; never runs apt
#   make clean
#
# All build output goes under build/.

PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
DESTDIR    ?=

VERSION    := 0.1.0
BUILD      := build
CC         ?= cc
PKGS       := gmime-3.0 libpcre2-8 libconfig libarchive

# Debian packages.  Build: the compiler and the libraries.  Test: miltertest,
# Postfix, swaks, valgrind, clang for fuzzing, m4 for the sendmail test, 7z and
# gcab to write 7z and cab test archives; never needed on a production relay.
DEB_BUILD := build-essential pkg-config libgmime-3.0-dev libpcre2-dev libconfig-dev \
	libarchive-dev libmilter-dev
DEB_TEST  := miltertest postfix swaks python3 zip unzip valgrind m4 clang libclang-rt-14-dev \
	procps util-linux p7zip-full gcab

HARDEN   := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter -Wno-missing-field-initializers
OPT      ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS   ?=
DEPFLAGS  = -MMD -MP
# `make V=1` prints every command; by default each compile is one short line.
V ?=
Q  = $(if $(V),,@)
say = $(if $(V),,@echo "  $(1) $(2)";)
CFLAGS   += -std=c11 -D_GNU_SOURCE -DPCRE2_CODE_UNIT_WIDTH=8 $(OPT) $(WARN) $(HARDEN) $(PKG_CFLAGS) \
	-DSM_VERSION=\"$(VERSION)\"
LDFLAGS  += -pie -Wl,-z,relro,-z,now
LIBS     = $(PKG_LIBS) -lmilter -lpthread -lm

# parser/ is one library in folders by subsystem, each depending only on the
# ones before it: base < text < mime < rules < detect < policy < verdict <
# archive < scan.  parser/include holds the two headers the programs see.
PARSER_DIRS := base text mime rules detect policy verdict archive scan
PARSER_INC := -Iparser/include $(PARSER_DIRS:%=-Iparser/%)
MILTER_INC := -Iparser/include -Imilter/daemon
PARSER_SRC := $(sort $(wildcard $(PARSER_DIRS:%=parser/%/*.c)))
MILTER_SRC := $(sort $(wildcard milter/daemon/*.c))
TEST_SRC   := $(sort $(wildcard tests/test_*.c))
PARSER_OBJ := $(PARSER_SRC:%.c=$(BUILD)/%.o)
MILTER_OBJ := $(MILTER_SRC:%.c=$(BUILD)/%.o)
TEST_BIN   := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
LIB        := $(BUILD)/libsmparser.a
BIN        := $(BUILD)/support-milter

.PHONY: all deps deps-build deps-test run check check-fast check-unit check-san bench \
	bench-deps install clean fuzz demo test-bins san-build valgrind

all: $(BIN)

# $(call apt_install,TARGET,PACKAGES[,noservices]): installs what is missing
# and nothing else.  Refuses, installing nothing, when apt would remove a
# package (installing postfix removes sendmail).  With noservices, a
# policy-rc.d keeps the packages' services from starting, for the install only.
define apt_install
	@missing=""; for p in $(2); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	echo "make $(1): installing$$missing"; \
	SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	echo "postfix postfix/main_mailer_type select No configuration" | $$SUDO debconf-set-selections; \
	$$SUDO apt-get update -qq || exit 1; \
	if $$SUDO apt-get install -s -y --no-install-recommends $$missing | grep '^Remv '; then \
		echo "make $(1): installing$$missing would remove the packages above; nothing done" >&2; \
		exit 1; fi; \
	rc=""; if [ -n "$(3)" ] && [ ! -e /usr/sbin/policy-rc.d ]; then \
		rc=1; printf '#!/bin/sh\nexit 101\n' | $$SUDO tee /usr/sbin/policy-rc.d > /dev/null; \
		$$SUDO chmod 755 /usr/sbin/policy-rc.d; fi; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	st=$$?; [ -z "$$rc" ] || $$SUDO rm -f /usr/sbin/policy-rc.d; exit $$st
endef

deps: deps-build deps-test

deps-build:
	$(call apt_install,deps-build,$(DEB_BUILD))

deps-test:
	$(call apt_install,deps-test,$(DEB_TEST))

$(BUILD)/parser/%.o: parser/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CFLAGS) $(DEPFLAGS) $(PARSER_INC) -c -o $@ $<

$(BUILD)/milter/%.o: milter/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CFLAGS) $(DEPFLAGS) $(MILTER_INC) -c -o $@ $<

$(LIB): $(PARSER_OBJ)
	@mkdir -p $(dir $@)
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $^

$(BIN): $(MILTER_OBJ) $(LIB)
	$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $(MILTER_OBJ) $(LIB) $(LIBS)

$(BUILD)/tests/%: tests/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CFLAGS) $(DEPFLAGS) $(PARSER_INC) -Imilter/daemon -Itests $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

# `make run` works without root: build/run/support-milter.conf is
# conf/support-milter.conf with the spool directory and the audit log moved
# under build/run (the defaults are under /var).
RUN_DIR  := $(BUILD)/run
RUN_SOCK := $(CURDIR)/$(RUN_DIR)/support-milter.sock
run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p $(RUN_DIR)/spool
	@sed -e 's|^\( *spool_dir *= *\).*|\1"$(CURDIR)/$(RUN_DIR)/spool";|' \
	     -e 's|^\( *audit_log *= *\).*|\1"$(CURDIR)/$(RUN_DIR)/audit.log";|' \
	     conf/support-milter.conf > $(RUN_DIR)/support-milter.conf
	@$(BIN) -n -c $(RUN_DIR)/support-milter.conf
	@echo "support-milter: starting in the foreground (Ctrl-C stops it; kill -HUP reloads)"
	@echo "  configuration: $(RUN_DIR)/support-milter.conf (from conf/support-milter.conf)"
	@echo "  audit log:     $(RUN_DIR)/audit.log"
	@echo "To connect Postfix, add to main.cf and run 'postfix reload':"
	@echo "  smtpd_milters = unix:$(RUN_SOCK)"
	@echo "  non_smtpd_milters = \$$smtpd_milters"
	@echo "  milter_default_action = tempfail"
	@echo "  milter_protocol = 6"
	@echo "(the postfix user must be able to reach the socket: socket_mode, and search"
	@echo " permission on every directory above it; see docs/deployment.md)"
	$(BIN) -f -c $(RUN_DIR)/support-milter.conf -p unix:$(RUN_SOCK)

# A short demonstration: the daemon (configuration as for `make run`, socket
# in build/demo) receives three corpus messages through the milter protocol
# (miltertest) and shows what it asks the MTA to do, then its audit log.
DEMO_DIR := $(BUILD)/demo
DEMO_MSGS := p01_card_visa_spaces_iso2022jp p10_onb_cmd_attach p19_res_jp_outlook_true
demo: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p $(DEMO_DIR)/spool && rm -f $(DEMO_DIR)/audit.log
	@sed -e 's|^\( *spool_dir *= *\).*|\1"$(CURDIR)/$(DEMO_DIR)/spool";|' \
	     -e 's|^\( *audit_log *= *\).*|\1"$(CURDIR)/$(DEMO_DIR)/audit.log";|' \
	     conf/support-milter.conf > $(DEMO_DIR)/support-milter.conf
	@$(BIN) -f -c $(DEMO_DIR)/support-milter.conf -p unix:$(CURDIR)/$(DEMO_DIR)/sock \
		2>$(DEMO_DIR)/daemon.log & echo $$! > $(DEMO_DIR)/pid; \
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do \
		[ -S $(DEMO_DIR)/sock ] && break; sleep 0.25; done; \
	for m in $(DEMO_MSGS); do \
		echo "$$m"; \
		miltertest -D sock=unix:$(CURDIR)/$(DEMO_DIR)/sock -D dir=$(CURDIR)/tests/milter \
			-D eml=$(CURDIR)/../shared/corpus/public/$$m.eml -s tests/milter/demo.lua | grep -v passed; \
	done; \
	kill $$(cat $(DEMO_DIR)/pid); \
	echo "daemon log:"; sed 's/^/  /' $(DEMO_DIR)/daemon.log; \
	echo "audit log ($(DEMO_DIR)/audit.log):"; cut -c1-300 $(DEMO_DIR)/audit.log | sed 's/^/  /'

# The whole test suite. prove runs every TAP producer: the GTest unit tests and
# the scripts in tests/ (corpus, --test contract, miltertest, Postfix, sendmail,
# sanitizers, scorer). Its closing summary is the runner's.  `make check
# T=tests/x.t` (or T=build/tests/test_x) runs just that; check-fast the tier
# that needs no daemon, MTA, sanitizer or valgrind.
TEST_ENV   = SM_BIN=$(CURDIR)/$(BIN) SM_BUILD=$(CURDIR)/$(BUILD) SM_TOP=$(CURDIR)
FAST_T     := tests/corpus.t tests/testmode.t tests/window.t tests/boundary.t tests/score.t \
	tests/realistic.t tests/hostile.t tests/detection.t
T          ?=
# prove runs as many scripts at a time as there are cores (each picks free ports and private
# directories); PROVE_RULES can hold --rules for prove when one must run alone.
PROVE_RULES ?=

check: deps
	@$(MAKE) --no-print-directory $(BIN) $(TEST_BIN) $(if $(T),$(if $(findstring san,$(T))$(findstring fuzz-replay,$(T)),san-build),san-build)
	@chmod +x tests/*.t 2>/dev/null || true
	$(TEST_ENV) prove -j$(shell nproc) $(PROVE_RULES) -e '' $(or $(T),$(TEST_BIN) $(sort $(wildcard tests/*.t)))

check-fast: $(BIN) $(TEST_BIN)
	@chmod +x tests/*.t 2>/dev/null || true
	$(TEST_ENV) prove -j$(shell nproc) -e '' $(TEST_BIN) $(FAST_T)

check-unit: $(BIN) $(TEST_BIN)
	prove -e '' $(TEST_BIN)

# `make bench` also needs the peer (MIMEDefang) and Postfix's test tools
# (smtp-source, smtp-sink: in the postfix package).  Installed like `deps`:
# only what is missing, nothing removed (apt-get -s checked first), and the
# Debian mimedefang service neither started (a policy-rc.d that refuses, for
# the install only, unless one exists) nor left enabled.
BENCH_PACKAGES := mimedefang libnet-dns-perl postfix python3 procps time
bench-deps: deps
	$(call apt_install,bench-deps,$(BENCH_PACKAGES),noservices)
	@if dpkg-query -W -f='$${Status}' mimedefang 2>/dev/null | grep -q 'ok installed'; then \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO systemctl disable mimedefang.service > /dev/null 2>&1; \
		$$SUDO update-rc.d mimedefang disable > /dev/null 2>&1; true; fi

bench: bench-deps
	@$(MAKE) --no-print-directory $(BIN) $(BENCH_BIN)
	@SM_BIN=$(CURDIR)/$(BIN) SM_TOP=$(CURDIR) sh tests/bench/run.sh

install: $(BIN)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(SYSCONFDIR)/support-milter \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5
	install -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/support-milter
	[ -e $(DESTDIR)$(SYSCONFDIR)/support-milter/support-milter.conf ] || \
		install -m 0640 conf/support-milter.conf $(DESTDIR)$(SYSCONFDIR)/support-milter/
	[ ! -f docs/support-milter.8 ] || install -m 0644 docs/support-milter.8 $(DESTDIR)$(MANDIR)/man8/
	[ ! -f docs/support-milter.conf.5 ] || install -m 0644 docs/support-milter.conf.5 $(DESTDIR)$(MANDIR)/man5/

clean:
	rm -rf $(BUILD)

# ---------------------------------------------------------------- hardening
# Sanitizer, valgrind, fuzzing and benchmark tooling (docs/hardening.md,
# docs/performance.md).  The sanitizer build is the same sources built again
# by a sub-make in $(SAN_BUILD) with ASan+UBSan (no _FORTIFY_SOURCE); `check`
# builds it too and tests/san.t, tests/fuzz-replay.t, tests/valgrind.t and
# tests/hostile.t run against it and the normal build.
SAN_BUILD    := $(BUILD)/san
SAN_FLAGS    := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_BUILD   := $(BUILD)/fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS   := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES   := $(FUZZ_SRC:tests/fuzz/%.c=%)
BENCH_SRC    := $(sort $(wildcard tests/bench/bench_*.c))
BENCH_BIN    := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%) $(BUILD)/bench/null_milter

test-bins: $(TEST_BIN)

# A fuzz harness linked with a plain main() that replays files (tests/fuzz/replay.c).
$(BUILD)/fuzz-replay/%: tests/fuzz/%.c tests/fuzz/replay.c $(LIB)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CFLAGS) $(DEPFLAGS) $(PARSER_INC) -Itests/fuzz $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(LIB) $(LIBS)

$(BUILD)/bench/%: tests/bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CFLAGS) $(DEPFLAGS) $(PARSER_INC) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

# null-milter sets TCP_NODELAY on an inet: listener with the daemon's own code.
$(BUILD)/bench/null_milter: tests/bench/null_milter.c milter/daemon/sockopt.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CFLAGS) $(DEPFLAGS) -Imilter/daemon $(LDFLAGS) -o $@ $^ $(LIBS)

# The whole tree again with ASan+UBSan, in its own build directory.
san-build:
	$(MAKE) --no-print-directory BUILD=$(SAN_BUILD) OPT='-O1 -g' \
		HARDEN='$(SAN_FLAGS) -fPIE' LDFLAGS='$(SAN_FLAGS) -pie' \
		$(SAN_BUILD)/support-milter test-bins \
		$(FUZZ_NAMES:%=$(SAN_BUILD)/fuzz-replay/%)

check-san: $(BIN) san-build
	@chmod +x tests/*.t 2>/dev/null || true
	SM_BIN=$(CURDIR)/$(BIN) SM_BUILD=$(CURDIR)/$(BUILD) SM_TOP=$(CURDIR) \
		prove -e '' tests/san.t tests/fuzz-replay.t

valgrind: $(BIN)
	@chmod +x tests/*.t 2>/dev/null || true
	SM_BIN=$(CURDIR)/$(BIN) SM_BUILD=$(CURDIR)/$(BUILD) SM_TOP=$(CURDIR) \
		prove -e '' tests/valgrind.t

# libFuzzer: the library built by clang with coverage, one binary per harness,
# each run FUZZ_SECONDS (0 would mean without end) by tests/fuzz/run.sh.
fuzz:
	$(MAKE) --no-print-directory CC=$(FUZZ_CC) BUILD=$(FUZZ_BUILD) OPT='-O1 -g' \
		WARN='-Wall -Wno-unused-parameter' HARDEN='$(FUZZ_FLAGS) -fPIE' LDFLAGS='-pie' \
		$(FUZZ_BUILD)/libsmparser.a
	@mkdir -p $(FUZZ_BUILD)/bin
	for h in $(FUZZ_NAMES); do \
		$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -DPCRE2_CODE_UNIT_WIDTH=8 -O1 -g \
			-fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer \
			$(PARSER_INC) -Itests/fuzz $(PKG_CFLAGS) -o $(FUZZ_BUILD)/bin/$$h \
			tests/fuzz/$$h.c $(FUZZ_BUILD)/libsmparser.a $(LIBS) || exit 1; \
	done
	SM_TOP=$(CURDIR) SM_BUILD=$(CURDIR)/$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) \
		sh tests/fuzz/run.sh $(FUZZ_NAMES)

# Generated header dependencies of every object and program built above.
-include $(shell find $(BUILD) -name '*.d' -type f -not -path '*-cache/*' 2>/dev/null)
