/* fault: the test build's fault injection (see the header). Compiled to
 * nothing in the normal build. */
#include "kernel/fault.h"

#ifdef LVSAGENT_FAULTS
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum fault_kind { FAULT_NONE, FAULT_FAIL, FAULT_EXIT, FAULT_COUNT };

static struct {
	bool read;			/* the environment was read */
	enum fault_kind kind;
	unsigned long at;		/* the request it hits, from 1 */
	unsigned long sent;		/* requests counted so far */
} fault;

static void report_count(void)
{
	fprintf(stderr, "LVSAGENT_FAULT: %lu requests\n", fault.sent);
}

/* A setting that does not parse is an error of the test, not a fault to
 * ignore: the run would otherwise pass without injecting anything. */
static void read_setting(void)
{
	const char *spec = getenv("LVSAGENT_FAULT");
	char *end;

	fault.read = true;
	if (!spec || !*spec)
		return;
	if (strcmp(spec, "count") == 0) {
		fault.kind = FAULT_COUNT;
		atexit(report_count);
		return;
	}
	if (strncmp(spec, "fail:", 5) == 0)
		fault.kind = FAULT_FAIL;
	else if (strncmp(spec, "exit:", 5) == 0)
		fault.kind = FAULT_EXIT;
	if (fault.kind != FAULT_NONE)
		fault.at = strtoul(spec + 5, &end, 10);
	if (fault.kind == FAULT_NONE || fault.at == 0 || *end) {
		fprintf(stderr, "LVSAGENT_FAULT=%s: want fail:N, exit:N or count\n", spec);
		_exit(2);
	}
}

static void ensure_read(void)
{
	if (!fault.read)
		read_setting();
}

bool fault_fail_next(void)
{
	ensure_read();
	if (fault.kind != FAULT_FAIL || fault.sent + 1 != fault.at)
		return false;
	fault.sent++;
	fprintf(stderr, "LVSAGENT_FAULT: request %lu failed\n", fault.at);
	return true;
}

size_t fault_room(size_t count)
{
	ensure_read();
	if (fault.kind != FAULT_FAIL || fault.at <= fault.sent || fault.at - fault.sent > count)
		return count;
	/* The ones before go as one sendmsg, the failing one by itself
	 * (fault_fail_next), the rest after it: as the kernel goes on with
	 * the rest of a sendmsg after refusing one request in it. An exit
	 * splits no sendmsg: a process dies between system calls, and the
	 * kernel carries out every request of one it was handed. */
	return fault.at - fault.sent - 1;
}

void fault_sent(size_t count)
{
	ensure_read();
	fault.sent += count;
	if (fault.kind == FAULT_EXIT && fault.sent >= fault.at) {
		fprintf(stderr, "LVSAGENT_FAULT: exit after request %lu (and the rest of its sendmsg)\n",
			fault.at);
		_exit(FAULT_EXIT_STATUS);
	}
}

int fault_monitor_rcvbuf(void)
{
	const char *bytes = getenv("LVSAGENT_FAULT_RCVBUF");

	return bytes ? atoi(bytes) : 0;
}
#endif
