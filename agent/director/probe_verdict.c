/* probe_verdict: see probe_verdict.h. */
#include "director/probe_verdict.h"

#include <stdarg.h>
#include <stdio.h>

enum probe_state probe_verdict(struct probe_result *r, bool passed, const char *fmt, ...)
{
	va_list ap;

	r->passed = passed;
	va_start(ap, fmt);
	vsnprintf(r->text, sizeof(r->text), fmt, ap);
	va_end(ap);
	return PROBE_DONE;
}
