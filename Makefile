# lvsagent — see README.md. `make`, `make check`, `make demo`, `make bench`, `make vm`,
# `make faults` (the test build with the fault hook), `make soak SOAK_SECONDS=N`,
# `make install` (PREFIX, DESTDIR). V=1 shows the commands.

PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
# Where bash-completion looks (its pkg-config file says); without it, the
# usual place under DATADIR.
BASHCOMPDIR ?= $(or $(shell $(PKG_CONFIG) --variable=completionsdir bash-completion 2>/dev/null),$(DATADIR)/bash-completion/completions)
DESTDIR    ?=

VERSION    := 0.1.0
BUILD      ?= build
SANITIZE   ?= 0
WERROR     ?= 0

PKGS       := libmnl libnftnl libnl-genl-3.0 libcap-ng inih libcurl
PKG_CONFIG ?= pkg-config
PKG_CFLAGS  = $(shell $(PKG_CONFIG) --cflags $(PKGS))
# libcurl's headers only: http checks load it when they start
# (agent/director/curl_lib.c), not every lvsagent process.
PKG_LIBS    = $(shell $(PKG_CONFIG) --libs $(filter-out libcurl,$(PKGS)))
# The C library's own: the resolver (check = dns), from libc6-dev.
SYS_LIBS   := -lresolv

CC         ?= cc
CFLAGS     ?= -O2 -g
WARNINGS   := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
              -Wformat=2 -Wundef -Wpointer-arith -Wvla
ifeq ($(WERROR),1)
WARNINGS   += -Werror
endif
ifeq ($(SANITIZE),1)
CFLAGS     := -O1 -g -fno-omit-frame-pointer
HARDEN     := -fsanitize=address,undefined -fno-sanitize-recover=all
LDHARDEN   := -fsanitize=address,undefined
else
HARDEN     := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
LDHARDEN   := -pie -Wl,-z,relro,-z,now
endif
ALL_CFLAGS  = -std=gnu11 -D_GNU_SOURCE $(WARNINGS) $(HARDEN) -Iinclude $(PKG_CFLAGS) \
              -DLVSAGENT_VERSION='"$(VERSION)"' $(CFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDHARDEN) $(LDFLAGS)
# The test build with the fault hook (include/kernel/fault.h): `make faults`
# builds it in $(BUILD)/faults, never the binary that is installed.
ifeq ($(FAULTS),1)
ALL_CFLAGS += -DLVSAGENT_FAULTS
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

AGENT_SRCS := $(wildcard agent/*.c agent/*/*.c)
AGENT_OBJS := $(AGENT_SRCS:agent/%.c=$(BUILD)/obj/%.o)
LIB_OBJS   := $(filter-out $(BUILD)/obj/main.o,$(AGENT_OBJS))
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/unit/%)
TOOL_SRCS  := $(wildcard tests/bench/*.c)
TOOL_BINS  := $(TOOL_SRCS:tests/bench/%.c=$(BUILD)/tools/%)

# What the VM tests run besides the scripts, from build directory $(1):
# lvsagent, the tools they use, the fault build as lvsagent-faults, and the
# inputs tests share (tests/fixtures).
vm_bins     = --bin $(1)/lvsagent --bin $(1)/tools/ipvs_vanish \
              --file $(1)/faults/lvsagent:/usr/local/bin/lvsagent-faults \
              --file tests/fixtures:/tests/fixtures
# One VM runs them all (10 to 12 minutes each, make check's two side by side): far
# beyond run.sh's 600 s default; this bound only catches a hang.
VM_CHECK_TIMEOUT ?= $(or $(VM_TIMEOUT),1800)
VM_TESTS   := tests/vm/t_no_nftables.sh tests/vm/smoke.sh tests/vm/t_director.sh \
              tests/vm/t_director_adopt.sh tests/vm/t_director_state.sh tests/vm/t_director_daemon.sh \
              tests/vm/t_director_checks.sh tests/vm/t_director_sync.sh tests/vm/t_director_stats.sh \
              tests/vm/t_director_import.sh tests/vm/t_labs.sh tests/vm/t_tun.sh \
              tests/vm/t_director_faults.sh
# The normal build's run only: the director soak judges RSS, which ASan's
# quarantine makes meaningless.
VM_TESTS_PLAIN := tests/vm/t_director_soak.sh

.PHONY: vm-faults unit-build all clean check deps needs-build needs-unit needs-fuzz unit netns vm tools bench demo \
	demo-realserver install uninstall deb deb-check fuzz fuzz-build faults soak

all: $(BUILD)/lvsagent

# Before the first compile: a machine without the compiler or the -dev
# packages is told which Debian packages to install (`make deps`), not
# shown a missing header. tests/needs/build and unit declare them.
needs-build:
	$(Q)tests/needs.sh check build
needs-unit:
	$(Q)tests/needs.sh check build unit
$(AGENT_OBJS): | needs-build
$(UNIT_BINS): | needs-unit

$(BUILD)/lvsagent: $(AGENT_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(SYS_LIBS)

$(BUILD)/obj/%.o: agent/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/unit/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(shell $(PKG_CONFIG) --cflags cmocka) -o $@ $< $(LIB_OBJS) \
		$(ALL_LDFLAGS) $(UNIT_LDFLAGS) $(PKG_LIBS) $(SYS_LIBS) $(shell $(PKG_CONFIG) --libs cmocka)

# test_netlink plays the kernel: the calls that move netlink.c's bytes go
# to the test's fakes at link time (see the test), so the agent carries no
# test seam.
$(BUILD)/unit/test_netlink: UNIT_LDFLAGS = -Wl,--wrap=mnl_socket_sendto \
	-Wl,--wrap=mnl_socket_recvfrom -Wl,--wrap=recv -Wl,--wrap=recvmmsg

# Measuring tools for the netns tests and benchmarks, built on the agent's modules.
$(BUILD)/tools/%: tests/bench/%.c $(LIB_OBJS)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(TOOL_CFLAGS) -o $@ $< $(LIB_OBJS) $(ALL_LDFLAGS) $(PKG_LIBS) \
		$(SYS_LIBS) $(TOOL_LIBS)

# check_listener answers https checks itself: OpenSSL's server side (a test
# tool only; lvsagent's TLS is libcurl's).
$(BUILD)/tools/check_listener: TOOL_CFLAGS = $(shell $(PKG_CONFIG) --cflags openssl)
$(BUILD)/tools/check_listener: TOOL_LIBS = $(shell $(PKG_CONFIG) --libs openssl)

tools: $(TOOL_BINS)

# lvsagent with the fault hook, for tests/netns/t_fault_every_step.sh and
# tests/vm/t_director_faults.sh: the same sources and flags as $(BUILD)
# (ASan's too), objects of its own.
faults:
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/faults FAULTS=1 all

# Fuzz targets (tests/fuzz, README there): clang's libFuzzer under ASan and
# UBSan, on the agent's modules built again with clang for it (coverage
# and sanitizers in the code under test), in their own build directory.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
# make check's share: every target this long (seven targets, ~50 s).
FUZZ_CHECK_SECONDS ?= 7
FUZZ_CC      ?= clang
FUZZ_SRCS    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS    := $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_HELPERS := $(FUZZ_BUILD)/helpers/fake_kernel.o $(FUZZ_BUILD)/helpers/state_file.o
FUZZ_OBJS    := $(LIB_OBJS:$(BUILD)/obj/%.o=$(FUZZ_BUILD)/obj/%.o)
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS   = -std=gnu11 -D_GNU_SOURCE $(filter-out -Werror,$(WARNINGS)) -Iinclude -Itests/fuzz $(PKG_CFLAGS) \
                -DLVSAGENT_VERSION='"$(VERSION)"' -O1 -g -fno-omit-frame-pointer \
                -fsanitize=fuzzer-no-link $(FUZZ_SAN) -MMD -MP
# The netlink targets play the kernel (tests/fuzz/fake_kernel.h); import
# resolves no names (tests/fuzz/fuzz_import.c).
FUZZ_WRAP_NETLINK := -Wl,--wrap=mnl_socket_sendto -Wl,--wrap=mnl_socket_recvfrom -Wl,--wrap=recv
$(FUZZ_BUILD)/fuzz_rtnl $(FUZZ_BUILD)/fuzz_ipvs $(FUZZ_BUILD)/fuzz_nft: FUZZ_LDFLAGS = $(FUZZ_WRAP_NETLINK)
$(FUZZ_BUILD)/fuzz_import: FUZZ_LDFLAGS = -Wl,--wrap=getaddrinfo

needs-fuzz:
	$(Q)tests/needs.sh check build fuzz
$(FUZZ_OBJS) $(FUZZ_HELPERS): | needs-fuzz

$(FUZZ_BUILD)/obj/%.o: agent/%.c
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/helpers/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS) $(FUZZ_HELPERS)
	@echo "  FUZZLD  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(FUZZ_HELPERS) \
		$(FUZZ_LDFLAGS) $(PKG_LIBS) $(SYS_LIBS)

fuzz-build: $(FUZZ_BINS)

# Every target FUZZ_SECONDS from its seed corpus (tests/fuzz/corpus/TARGET,
# regression inputs included); fails on a crash, leak or sanitizer report.
fuzz: fuzz-build
	$(Q)tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# Unit tests: no root, no kernel; the plan, config, encoding, formatting.
# make check builds them on every core first (unit-build), then runs them
# alone: the timing tests must not share the machine with compilers.
JOBS ?= $(shell nproc)
unit-build: $(UNIT_BINS)
unit: $(UNIT_BINS)
	$(Q)for t in $(UNIT_BINS); do echo "  UNIT    $$t"; $$t || exit 1; done

# Real-kernel tests in throwaway network namespaces (root).
netns: all tools faults
	$(Q)tests/netns/run.sh $(abspath $(BUILD)/lvsagent)

# t_director_faults.sh with another bound than make check's: every
# FAULT_STRIDE-th request between the first and last FAULT_EDGE (1: every N;
# about 2.6 s an apply under TCG), those N with (N + FAULT_OFFSET) a
# multiple of the stride (default: chosen at random, printed).
FAULT_STRIDE ?= 7
FAULT_EDGE   ?= 8
FAULT_OFFSET ?=
vm-faults: deps
	$(Q)$(MAKE) --no-print-directory all tools faults
	$(Q)echo $(FAULT_STRIDE) $(FAULT_EDGE) $(FAULT_OFFSET) >$(BUILD)/fault_steps
	$(Q)VM_TIMEOUT=$${VM_TIMEOUT:-3600} tests/vm/run.sh $(call vm_bins,$(BUILD)) \
		--file $(BUILD)/fault_steps:/tests/fault_steps tests/vm/t_director_faults.sh

# The daemons on a hostile host for SOAK_SECONDS (make check: 120 s each,
# the ASan build's real-server soak 30):
# the real server's (netns; then SOAK_SETTLE seconds before the host is
# compared) and the director's (the VM; the seconds go in as a file).
SOAK_SECONDS ?= 120
soak: deps
	$(Q)$(MAKE) --no-print-directory all tools
	$(Q)SOAK_SECONDS=$(SOAK_SECONDS) SOAK_SETTLE=60 LVSAGENT=$(abspath $(BUILD)/lvsagent) \
		bash tests/netns/t_soak.sh
	$(Q)echo $(SOAK_SECONDS) >$(BUILD)/soak_seconds
	$(Q)VM_TIMEOUT=$$(($(SOAK_SECONDS) + 600)) tests/vm/run.sh --bin $(BUILD)/lvsagent \
		--file $(BUILD)/soak_seconds:/tests/soak_seconds tests/vm/t_director_soak.sh

# Director tests in a qemu VM booting Debian's cloud kernel: this host's
# kernel has no IPVS (see tests/vm/README). Targets that install their
# dependencies build in a second make, after the install.
vm: deps
	$(Q)$(MAKE) --no-print-directory all tools faults
	$(Q)VM_TIMEOUT=$(VM_CHECK_TIMEOUT) tests/vm/run.sh $(call vm_bins,$(BUILD)) $(VM_TESTS) \
		$(VM_TESTS_PLAIN)

# Installs what the build, tests, demos and benchmarks need: every package
# tests/needs/* declares (apt-get, as root on Debian).
deps:
	$(Q)tests/deps.sh

# The whole suite: dependencies (and that their declarations hold), the
# folders' include rules (README, Layout), a -Werror build with its unit,
# netns and VM tests, then the same under ASan+UBSan.
check: deps
	$(Q)tests/needs.sh verify
	$(Q)tests/needs_test.sh
	$(Q)tests/include_graph.sh
	$(Q)tests/include_graph_test.sh
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) WERROR=1 all tools unit-build faults
	$(Q)$(MAKE) --no-print-directory WERROR=1 unit
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) WERROR=1 SANITIZE=1 BUILD=build-asan all tools \
		unit-build faults
	$(Q)$(MAKE) --no-print-directory WERROR=1 SANITIZE=1 BUILD=build-asan unit
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) fuzz-build
	$(Q)$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_CHECK_SECONDS)
	$(Q)tests/man_test.sh $(abspath $(BUILD)/lvsagent)
	$(Q)tests/completion_test.sh
	$(Q)$(MAKE) --no-print-directory deb-check
	$(Q)tests/side_by_side.sh "tests/netns/run.sh $(abspath $(BUILD)/lvsagent)" \
		"ASAN_OPTIONS=detect_leaks=1 tests/netns/run.sh $(abspath build-asan/lvsagent)"
	$(Q)VM_TIMEOUT=$(VM_CHECK_TIMEOUT) tests/vm/run_both.sh \
		"$(call vm_bins,$(BUILD)) $(VM_TESTS) $(VM_TESTS_PLAIN)" \
		"$(call vm_bins,build-asan) $(VM_TESTS)"
	@echo "make check: all passed"

bench: deps
	$(Q)$(MAKE) --no-print-directory all tools
	$(Q)tests/bench/run.sh $(abspath $(BUILD)/lvsagent)

# The seeds' LVS-DR lab in the VM: director, two real servers, a client.
demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/vm/run.sh --bin $(BUILD)/lvsagent tests/vm/demo.sh

# The real-server side alone in host namespaces: the ARP problem, start,
# status, the daemon repairing drift, stop.
demo-realserver: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/demo_realserver.sh $(abspath $(BUILD)/lvsagent)

install: all
	install -D -m 0755 $(BUILD)/lvsagent $(DESTDIR)$(SBINDIR)/lvsagent
	install -d $(DESTDIR)$(UNITDIR)
	for unit in lvsagent.service lvsagent-director.service; do \
		sed 's|@SBINDIR@|$(SBINDIR)|g' systemd/$$unit >$(DESTDIR)$(UNITDIR)/$$unit && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$unit || exit 1; \
	done
	install -D -m 0644 etc/rt_protos.d/lvsagent.conf \
		$(DESTDIR)$(SYSCONFDIR)/iproute2/rt_protos.d/lvsagent.conf
	install -D -m 0644 etc/ansible/library/lvsagent.py \
		$(DESTDIR)$(DATADIR)/lvsagent/ansible/library/lvsagent.py
	install -D -m 0644 etc/director.conf $(DESTDIR)$(DATADIR)/lvsagent/director.conf.example
	install -D -m 0644 man/lvsagent.8 $(DESTDIR)$(MANDIR)/man8/lvsagent.8
	install -D -m 0644 man/lvsagent.conf.5 $(DESTDIR)$(MANDIR)/man5/lvsagent.conf.5
	install -D -m 0644 etc/bash-completion/lvsagent $(DESTDIR)$(BASHCOMPDIR)/lvsagent
	install -m 0644 etc/ansible/playbook.yml etc/ansible/playbook-command.yml \
		etc/ansible/ansible.cfg etc/ansible/inventory.example \
		$(DESTDIR)$(DATADIR)/lvsagent/ansible/
	install -D -m 0644 etc/ansible/templates/lvsagent.conf.j2 \
		$(DESTDIR)$(DATADIR)/lvsagent/ansible/templates/lvsagent.conf.j2
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/lvsagent/lvsagent.conf ]; then \
		echo "keeping existing $(DESTDIR)$(SYSCONFDIR)/lvsagent/lvsagent.conf"; \
	else \
		install -D -m 0644 etc/lvsagent.conf $(DESTDIR)$(SYSCONFDIR)/lvsagent/lvsagent.conf; \
	fi

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/lvsagent $(DESTDIR)$(UNITDIR)/lvsagent.service \
		$(DESTDIR)$(UNITDIR)/lvsagent-director.service \
		$(DESTDIR)$(SYSCONFDIR)/iproute2/rt_protos.d/lvsagent.conf \
		$(DESTDIR)$(MANDIR)/man8/lvsagent.8 $(DESTDIR)$(MANDIR)/man5/lvsagent.conf.5 \
		$(DESTDIR)$(BASHCOMPDIR)/lvsagent
	rm -rf $(DESTDIR)$(DATADIR)/lvsagent

# The Debian package (debian/), built from a copy of the tree in build/deb/
# so that dpkg-buildpackage's results (it writes them beside the source)
# stay under build/, not in the worktree's parent.
DEB_SRC := $(BUILD)/deb/lvsagent-$(VERSION)
deb:
	$(Q)tests/needs.sh check build pkg
	$(Q)rm -rf $(BUILD)/deb && mkdir -p $(DEB_SRC)
	$(Q)tar -c --exclude=./build --exclude=./build-asan --exclude=./build-fuzz --exclude=./.git -f - . | tar -x -C $(DEB_SRC) -f -
	$(Q)cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b
	@ls $(BUILD)/deb/*.deb

# The package installed into this machine, checked, and purged.
deb-check: deb
	$(Q)tests/deb_check.sh $(BUILD)/deb

clean:
	rm -rf build build-asan build-fuzz

-include $(AGENT_OBJS:.o=.d) $(UNIT_BINS:=.d) $(TOOL_BINS:=.d) $(FUZZ_OBJS:.o=.d) \
	$(FUZZ_HELPERS:.o=.d) $(FUZZ_BINS:=.d)
