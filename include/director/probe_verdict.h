/* probe_verdict: a probe's result in its protocol's words ("http 503",
 * "udp: port unreachable"), as every probe that words one with printf
 * makes it. */
#ifndef LVSAGENT_DIRECTOR_PROBE_VERDICT_H
#define LVSAGENT_DIRECTOR_PROBE_VERDICT_H

#include <stdbool.h>

#include "director/probe_ops.h"

/* R says PASSED and the text FMT makes (cut to fit); PROBE_DONE. */
__attribute__((format(printf, 3, 4)))
enum probe_state probe_verdict(struct probe_result *r, bool passed, const char *fmt, ...);

#endif
