/* probe: each check type's probe. See probe.h. */
#include "director/probe.h"

#include <stddef.h>

#include "director/probe_dns.h"
#include "director/probe_exec.h"
#include "director/probe_http.h"
#include "director/probe_tcp.h"
#include "director/probe_udp.h"

const struct probe_ops *probe_for(enum dir_check_kind kind)
{
	switch (kind) {
	case CHECK_TCP:
		return &probe_tcp;
	case CHECK_DNS:
		return &probe_dns;
	case CHECK_UDP:
		return &probe_udp;
	case CHECK_HTTP:
	case CHECK_HTTPS:
		return &probe_http;
	case CHECK_EXEC:
		return &probe_exec;
	default:
		return NULL;
	}
}
