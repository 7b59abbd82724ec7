/* probe_udp: check = udp — a datagram (udp_send) to the real server and
 * its reply (containing udp_expect, when given); and the datagram exchange
 * underneath, which the dns probe shares: a connected non-blocking UDP
 * socket per check, so only the real server's datagrams reach it and an
 * ICMP port unreachable comes back as ECONNREFUSED ("udp: port
 * unreachable").
 *
 * Without udp_expect, silence passes: a real server that neither replies
 * nor answers with an ICMP error within check_timeout is taken to have
 * read the datagram (keepalived's UDP_CHECK does the same). The probe
 * says so itself shortly before the deadline — "udp: no reply, no ICMP
 * error (passes)" — before the checker's timeout would fail it. With
 * udp_expect, silence fails as a timeout. */
#ifndef LVSAGENT_DIRECTOR_PROBE_UDP_H
#define LVSAGENT_DIRECTOR_PROBE_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "director/check_spec.h"
#include "director/probe_ops.h"

extern const struct probe_ops probe_udp;

/* One exchange: a request datagram and what its replies are judged by.
 * A probe over UDP embeds it first in its run state (run->state points at
 * it, and probe_udp_stop frees it). */
struct udp_exchange {
	const uint8_t *request;		/* outlives the exchange */
	size_t request_len;
	bool sent;
	uint64_t wake_us;		/* given back to the checker while waiting */
	/* A datagram of LEN bytes came: PROBE_DONE with R filled, or
	 * PROBE_PENDING to wait for another (not the answer to this request). */
	enum probe_state (*judge)(const struct check_spec *spec, struct udp_exchange *x,
				  const uint8_t *data, size_t len, struct probe_result *r);
};

/* Open RUN's connected socket to SPEC's address and send X's request; X
 * becomes RUN's state (freed by probe_udp_stop, whatever the verdict). */
enum probe_state probe_udp_start(const struct check_spec *spec, struct probe_run *run,
				 struct udp_exchange *x, struct probe_result *r);
/* The probe_ops ready and stop of a probe built on an exchange. */
enum probe_state probe_udp_ready(const struct check_spec *spec, struct probe_run *run,
				 uint32_t events, struct probe_result *r);
void probe_udp_stop(const struct check_spec *spec, struct probe_run *run);

#endif
