/* ipvs_tunable: names and ranges of the IPVS timeouts and sysctls, and the
 * sysctls' files. See ipvs_tunable.h. */
#include "kernel/ipvs_tunable.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "kernel/sysctl.h"

struct tunable_info {
	const char *key, *name;
	int min, max;
};

#define IPVS_TUNABLE_INFO(n, lo, hi) { "sysctl." #n, "net.ipv4.vs." #n, lo, hi },
static const struct tunable_info tunables[IPVS_TUNABLE_COUNT] = {
	{ "timeout_tcp", "tcp", 1, IPVS_TIMEOUT_MAX },
	{ "timeout_tcpfin", "tcpfin", 1, IPVS_TIMEOUT_MAX },
	{ "timeout_udp", "udp", 1, IPVS_TIMEOUT_MAX },
	IPVS_SYSCTLS(IPVS_TUNABLE_INFO)
};
#undef IPVS_TUNABLE_INFO

const char *ipvs_tunable_key(enum ipvs_tunable t)
{
	return tunables[t].key;
}

const char *ipvs_tunable_name(enum ipvs_tunable t)
{
	return tunables[t].name;
}

int ipvs_tunable_parse(const char *key, enum ipvs_tunable *t)
{
	for (int i = 0; i < IPVS_TUNABLE_COUNT; i++)
		if (strcmp(key, tunables[i].key) == 0) {
			*t = (enum ipvs_tunable)i;
			return 0;
		}
	return -1;
}

void ipvs_tunable_range(enum ipvs_tunable t, int *min, int *max)
{
	*min = tunables[t].min;
	*max = tunables[t].max;
}

/* /proc/sys/net/ipv4/vs/NAME: the name after "net.ipv4.vs.". */
static int sysctl_path(enum ipvs_tunable t, char *buf, size_t len)
{
	if (ipvs_tunable_is_timeout(t))
		return -EINVAL;
	snprintf(buf, len, "/proc/sys/net/ipv4/vs/%s", tunables[t].name + strlen("net.ipv4.vs."));
	return 0;
}

int ipvs_sysctl_read(enum ipvs_tunable t, int *value)
{
	char path[PATH_MAX];
	int err = sysctl_path(t, path, sizeof(path));

	return err ? err : sysctl_read_file(path, value);
}

int ipvs_sysctl_write(enum ipvs_tunable t, int value)
{
	char path[PATH_MAX];
	int err = sysctl_path(t, path, sizeof(path));

	return err ? err : sysctl_write_file(path, value);
}
