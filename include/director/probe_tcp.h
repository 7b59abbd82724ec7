/* probe_tcp: check = tcp, and the socket helpers other probes share. */
#ifndef LVSAGENT_DIRECTOR_PROBE_TCP_H
#define LVSAGENT_DIRECTOR_PROBE_TCP_H

#include <sys/socket.h>

#include "director/check_spec.h"
#include "director/probe_ops.h"

extern const struct probe_ops probe_tcp;

/* SPEC's address and port as a socket address; its length. */
socklen_t probe_sockaddr(const struct check_spec *spec, struct sockaddr_storage *out);
/* Close FD with a RST rather than a FIN: no TIME_WAIT on the director. */
void probe_close_with_reset(int fd);

#endif
