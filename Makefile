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
#   make deb        build/deb/support-milter_VERSION_ARCH.deb (dpkg-buildpackage,
#                   debhelper; the packaging is contrib/debian); needs deps-build
#   make clean
#
# All build output goes under build/.

PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
DESTDIR    ?=

VERSION    := 0.1.0
BUILD      := build
CC         ?= cc
PKGS       := gmime-3.0 libpcre2-8 libconfig libarchive libseccomp

# Debian packages.  Build: the compiler, the libraries and what `make deb`
# needs (dpkg-buildpackage is in dpkg-dev, debhelper).  Test: miltertest,
# Postfix, swaks, valgrind, clang for fuzzing, m4 for the sendmail test, 7z and
# gcab to write 7z and cab test archives, chromium (headless) to render the
# report's HTML page, lintian for the package test; never needed on a
# production relay.
DEB_BUILD := build-essential pkg-config libgmime-3.0-dev libpcre2-dev libconfig-dev \
	libarchive-dev libmilter-dev libseccomp-dev dpkg-dev debhelper
DEB_TEST  := miltertest postfix swaks python3 zip unzip valgrind m4 clang libclang-rt-14-dev \
	procps util-linux p7zip-full gcab chromium lintian

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
MILTER_INC := -Iparser/include -Imilter/daemon -Imilter/worker
PARSER_SRC := $(sort $(wildcard $(PARSER_DIRS:%=parser/%/*.c)))
# milter/daemon (libmilter, the pool) and milter/worker (the sandboxed
# scanner processes it forks through the spawner): one program.
MILTER_SRC := $(sort $(wildcard milter/daemon/*.c milter/worker/*.c))
REPORT_SRC := $(sort $(wildcard milter/report/*.c))
TEST_SRC   := $(sort $(wildcard tests/test_*.c))
PARSER_OBJ := $(PARSER_SRC:%.c=$(BUILD)/%.o)
MILTER_OBJ := $(MILTER_SRC:%.c=$(BUILD)/%.o)
REPORT_OBJ := $(REPORT_SRC:%.c=$(BUILD)/%.o)
TEST_BIN   := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
LIB        := $(BUILD)/libsmparser.a
BIN        := $(BUILD)/support-milter
REPORT_BIN := $(BUILD)/support-milter-report

.PHONY: all deps deps-build deps-test run check check-fast check-unit check-san bench \
	bench-deps install deb clean fuzz demo test-bins san-build valgrind

all: $(BIN) $(REPORT_BIN)

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

# The test build of the program (never installed): the same sources with
# -DSM_TEST_HOOKS, which lets a scanner worker fault, hang or ask for a
# socket on a marker in the message (milter/worker/worker.c), so that
# tests/workers.t can watch the daemon survive it.
HOOKS_BIN := $(BUILD)/hooks/support-milter
HOOKS_OBJ := $(MILTER_SRC:%.c=$(BUILD)/hooks/%.o)
$(BUILD)/hooks/milter/%.o: milter/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$< [hooks])$(CC) $(CFLAGS) -DSM_TEST_HOOKS $(DEPFLAGS) $(MILTER_INC) -c -o $@ $<

$(HOOKS_BIN): $(HOOKS_OBJ) $(LIB)
	$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $(HOOKS_OBJ) $(LIB) $(LIBS)

# The report tool: the audit log reader, over the parser library's JSON writer.
$(REPORT_BIN): $(REPORT_OBJ) $(LIB)
	$(call say,LD,$@)$(CC) $(LDFLAGS) -o $@ $(REPORT_OBJ) $(LIB) $(LIBS)

$(BUILD)/tests/%: tests/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CFLAGS) $(DEPFLAGS) $(PARSER_INC) -Imilter/daemon -Itests $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

# `make run` works without root: build/run/support-milter.conf is
# conf/support-milter.conf with the spool directory, the audit log and the
# fingerprint key (generated once, build/run/fingerprint.key) moved under
# build/run (the defaults are under /var and /etc), and run_as_root set (a
# developer's run, often as root).  The socket is RUN_SOCKET:
# by default a loopback inet socket, which a chrooted smtpd (Debian's stock
# master.cf) reaches as well; RUN_SOCKET=unix:/var/spool/postfix/... (root,
# or the package's directory) is the packaged layout.
RUN_DIR    := $(BUILD)/run
RUN_SOCKET ?= inet:8899@127.0.0.1
# `$(call private_conf,DIR)`: DIR/support-milter.conf and DIR/fingerprint.key.
define private_conf
	@mkdir -p $(1)/spool
	@[ -s $(1)/fingerprint.key ] || (umask 077; head -c 32 /dev/urandom | od -An -tx1 | \
		tr -d ' \n' > $(1)/fingerprint.key)
	@sed -e 's|^\( *spool_dir *= *\).*|\1"$(CURDIR)/$(1)/spool";|' \
	     -e 's|^\( *audit_log *= *\).*|\1"$(CURDIR)/$(1)/audit.log";|' \
	     -e 's|^\( *fingerprint_key_file *= *\).*|\1"$(CURDIR)/$(1)/fingerprint.key";|' \
	     -e 's|^\( *run_as_root *= *\).*|\1true;|' \
	     conf/support-milter.conf > $(1)/support-milter.conf
endef
run: deps
	@$(MAKE) --no-print-directory all
	$(call private_conf,$(RUN_DIR))
	@$(BIN) -n -c $(RUN_DIR)/support-milter.conf
	@echo "support-milter: starting in the foreground (Ctrl-C stops it; kill -HUP reloads)"
	@echo "  configuration: $(RUN_DIR)/support-milter.conf (from conf/support-milter.conf)"
	@echo "  audit log:     $(RUN_DIR)/audit.log"
	@echo "  socket:        $(RUN_SOCKET)"
	@s='$(RUN_SOCKET)'; case "$$s" in \
	inet:*) port=$${s#inet:}; port=$${port%%@*}; addr=$${s#*@}; \
		m="inet:$$addr:$$port"; where="a TCP socket: chrooted or not, smtpd reaches it";; \
	unix:/var/spool/postfix/*) m="unix:$${s#unix:/var/spool/postfix/}"; \
		where="inside the chroot of Debian's Postfix (/var/spool/postfix)";; \
	*) m="$$s"; where="outside /var/spool/postfix: only an smtpd with chroot=n (master.cf column 5) reaches it";; \
	esac; \
	echo "  ($$where)"; \
	echo "To connect a stock Debian Postfix, add to /etc/postfix/main.cf and run 'postfix reload':"; \
	echo "  smtpd_milters = $$m"; \
	echo "  non_smtpd_milters = \$$smtpd_milters"; \
	echo "  milter_default_action = tempfail"; \
	echo "  milter_protocol = 6"; \
	echo "(or only for support mail: docs/deployment.md, the support-only transport)"
	$(BIN) -f -c $(RUN_DIR)/support-milter.conf -p $(RUN_SOCKET)

# A short demonstration: the daemon (configuration as for `make run`, socket
# in build/demo) receives three corpus messages through the milter protocol
# (miltertest) and shows what it asks the MTA to do, then its audit log.
DEMO_DIR := $(BUILD)/demo
DEMO_MSGS := p01_card_visa_spaces_iso2022jp p10_onb_cmd_attach p19_res_jp_outlook_true
demo: deps
	@$(MAKE) --no-print-directory all
	$(call private_conf,$(DEMO_DIR))
	@rm -f $(DEMO_DIR)/audit.log
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
TEST_ENV   = SM_BIN=$(CURDIR)/$(BIN) SM_BUILD=$(CURDIR)/$(BUILD) SM_TOP=$(CURDIR) \
	SM_HOOKS_BIN=$(CURDIR)/$(HOOKS_BIN)
# longest first, so that two cores finish together; detection.t (2,131 generated
# cases, 25 s) and hostile.t run in make check only, to keep this under a minute
FAST_T     := tests/realworld.t tests/conventions.t \
	tests/boundary.t tests/realistic.t tests/window.t tests/testmode.t tests/corpus.t \
	tests/score.t
T          ?=
# prove runs as many scripts at a time as there are cores (each picks free ports and private
# directories); PROVE_RULES can hold --rules for prove when one must run alone.
PROVE_RULES ?=

check: deps
	@$(MAKE) --no-print-directory $(BIN) $(HOOKS_BIN) $(REPORT_BIN) $(TEST_BIN) $(if $(T),$(if $(findstring san,$(T))$(findstring fuzz-replay,$(T)),san-build),san-build)
	@chmod +x tests/*.t 2>/dev/null || true
	$(TEST_ENV) prove -j$(shell nproc) $(PROVE_RULES) -e '' $(or $(T),$(TEST_BIN) $(sort $(wildcard tests/*.t)))

check-fast: $(BIN) $(REPORT_BIN) $(TEST_BIN)
	@chmod +x tests/*.t 2>/dev/null || true
	$(TEST_ENV) prove -j$(shell nproc) -e '' $(FAST_T) $(TEST_BIN)

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
	@$(MAKE) --no-print-directory $(BIN) $(REPORT_BIN) $(BENCH_BIN)
	@SM_BIN=$(CURDIR)/$(BIN) SM_TOP=$(CURDIR) sh tests/bench/run.sh

# The daemon to sbin, the report tool to bin, every man page in docs/
# (NAME.SECTION), the configuration and the notice templates unless present.
MAN_PAGES    = $(wildcard docs/*.[1-8])
install: $(BIN) $(REPORT_BIN)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)/support-milter
	install -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/support-milter
	install -m 0755 $(REPORT_BIN) $(DESTDIR)$(BINDIR)/support-milter-report
	for f in notice.ja.txt notice.en.txt; do [ -e $(DESTDIR)$(SYSCONFDIR)/support-milter/$$f ] || \
		install -m 0644 conf/$$f $(DESTDIR)$(SYSCONFDIR)/support-milter/; done
	[ -e $(DESTDIR)$(SYSCONFDIR)/support-milter/support-milter.conf ] || \
		install -m 0640 conf/support-milter.conf $(DESTDIR)$(SYSCONFDIR)/support-milter/
	for m in $(MAN_PAGES); do s=$${m##*.}; \
		install -d $(DESTDIR)$(MANDIR)/man$$s && \
		install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; done

# `make deb`: a binary package built by dpkg-buildpackage + debhelper from a
# copy of the tree in build/deb/src, with contrib/debian as its debian/ (and
# the unit and logrotate files from contrib/ beside it).  Needs only
# deps-build; no root.  Writes build/deb/support-milter_VERSION_ARCH.deb.
DEB_DIR := $(BUILD)/deb
DEB_SRC := $(DEB_DIR)/src/support-milter-$(VERSION)
deb:
	@head -n 1 contrib/debian/changelog | grep -q '^support-milter ($(VERSION))' || \
		{ echo "make deb: contrib/debian/changelog is not at version $(VERSION)" >&2; exit 1; }
	@rm -rf $(DEB_DIR)/src && mkdir -p $(DEB_SRC)
	@tar --exclude=./build --exclude=./.git -cf - . | tar -xf - -C $(DEB_SRC)
	@cp -r contrib/debian $(DEB_SRC)/debian
	@cp contrib/support-milter.service contrib/support-milter.logrotate $(DEB_SRC)/debian/
	$(call say,DEB,dpkg-buildpackage in $(DEB_SRC))cd $(DEB_SRC) && \
		DEB_BUILD_OPTIONS="noddebs $(DEB_BUILD_OPTIONS)" \
		dpkg-buildpackage -b -us -uc -J$(shell nproc) $(if $(V),,> ../../build.log 2>&1) || \
		{ tail -n 40 ../../build.log 2>/dev/null; rm -rf ../../src; \
		  echo "make deb: failed; the whole log is $(DEB_DIR)/build.log" >&2; exit 1; }
	@arch=$$(dpkg-architecture -qDEB_HOST_ARCH) && \
		mv $(DEB_DIR)/src/support-milter_$(VERSION)_$$arch.deb $(DEB_DIR)/ && \
		rm -rf $(DEB_DIR)/src && echo "$(DEB_DIR)/support-milter_$(VERSION)_$$arch.deb"

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

# The hand-off to a scanner worker: the pool and the worker side of the program.
HANDOFF_SRC := milter/daemon/pool.c $(sort $(wildcard milter/worker/*.c))
$(BUILD)/bench/bench_handoff: tests/bench/bench_handoff.c $(HANDOFF_SRC) $(LIB)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)$(CC) $(CFLAGS) $(DEPFLAGS) $(MILTER_INC) -Itests/bench $(LDFLAGS) -o $@ \
		$< $(HANDOFF_SRC) $(LIB) $(LIBS)

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
