/* probe: each check type's probe. See probe.h. */
#include "director/probe.h"

#include <stddef.h>

#include "director/probe_http.h"
#include "director/probe_tcp.h"

const struct probe_ops *probe_for(enum dir_check_kind kind)
{
	switch (kind) {
	case CHECK_TCP:
		return &probe_tcp;
	case CHECK_HTTP:
	case CHECK_HTTPS:
		return &probe_http;
	default:
		return NULL;
	}
}
