/* fuzz_nft: lvsagent's nftables table read back from the kernel —
 * nft_observe (agent/kernel/nft_kernel.c: the table, set, chain, rule and
 * element dumps through netlink_dump and libnftnl's parsers, then
 * nft_objects.c's canonical text) — the socket played by fake_kernel. The
 * input is the replies to the dumps in the order nft_observe asks.
 *
 * libnftnl exit()s the process ("nf_tables kernel ABI is broken") on an
 * attribute of the wrong type: its own choice, in the library, for bytes
 * the kernel never sends. This target takes that exit back (exit is
 * interposed below while nft_observe runs) so that the run goes on to the
 * inputs after it; what libnftnl allocated before it gave up is lost. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sanitizer/lsan_interface.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fake_kernel.h"
#include "kernel/nft_kernel.h"

#include <linux/netfilter.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool observing;
static jmp_buf gave_up;

/* Interposes the C library's exit (the executable's symbol wins over
 * libnftnl's reference): back to the target while nft_observe runs. */
__attribute__((noreturn)) void exit(int status)
{
	void (*real_exit)(int) __attribute__((noreturn));

	if (observing) {
		observing = false;
		longjmp(gave_up, 1);
	}
	*(void **)&real_exit = dlsym(RTLD_NEXT, "exit");
	real_exit(status);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nl_conn conn;
	char *text = NULL;

	fake_kernel_conn(&conn);
	fake_kernel_feed(data, size);
	/* LeakSanitizer ignores what nft_observe allocates: after libnftnl
	 * gives up, what it held is unreachable, not leaked by lvsagent (the
	 * price: this target finds no leak in nft_kernel.c). */
	__lsan_disable();
	if (setjmp(gave_up) == 0) {
		observing = true;
		nft_observe(&conn, NFPROTO_ARP, &text, NULL);
		observing = false;
	}
	__lsan_enable();
	free(text);
	return 0;
}
