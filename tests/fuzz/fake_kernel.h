/* fake_kernel: the kernel's side of netlink played from fuzz input, for the
 * targets that read dumps (fuzz_rtnl, fuzz_ipvs, fuzz_nft). The agent's
 * own netlink.c runs unchanged: the targets link with
 * -Wl,--wrap=mnl_socket_sendto,--wrap=mnl_socket_recvfrom,--wrap=recv
 * (as tests/unit/test_netlink does), so the replies it reads are the
 * input's bytes.
 *
 * Input: records, each one datagram the socket returns:
 *   u8 flags, u16 length (little endian), LENGTH bytes of messages.
 * Every message in a record gets the sequence number of the request being
 * answered and the socket's port id — a fuzzer cannot guess them, and a
 * reply without them is only skipped — unless flags bit 0 is set (then
 * the stale-reply path is fuzzed). When the input runs out, the socket
 * answers NLMSG_DONE to whatever is asked, so that every dump ends. */
#ifndef LVSAGENT_FUZZ_FAKE_KERNEL_H
#define LVSAGENT_FUZZ_FAKE_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/netlink.h"

/* A real (unbound traffic) rtnetlink socket in CONN, opened once. */
void fake_kernel_conn(struct nl_conn *conn);
/* The replies to play from now on. */
void fake_kernel_feed(const uint8_t *data, size_t size);

#endif
