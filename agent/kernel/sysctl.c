/* sysctl: plain reads and writes of /proc/sys/net/ipv4/conf/IFACE/arp_*. */
#include "kernel/sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/fault.h"

const char *sysctl_key_name(enum sysctl_key key)
{
	/* Both forwarding keys have one file name: a name read back (state
	 * records) is IPv6's, IPv4's is never recorded. */
	static const char *const names[] = { "arp_ignore", "arp_announce", "ip_forward",
					     "forwarding", "rp_filter", "forwarding" };

	return names[key];
}

int sysctl_key_parse(const char *name, enum sysctl_key *key)
{
	for (int k = ARP_IGNORE; k < SYSCTL_KEY_COUNT; k++) {
		if (strcmp(name, sysctl_key_name((enum sysctl_key)k)) == 0) {
			*key = (enum sysctl_key)k;
			return 0;
		}
	}
	return -1;
}

const char *sysctl_full_name(const char *iface, enum sysctl_key key, char *buf, size_t len)
{
	if (key == IP_FORWARD)
		snprintf(buf, len, "net.ipv4.ip_forward");
	else
		snprintf(buf, len, "net.%s.conf.%s.%s", key == IPV6_FORWARDING ? "ipv6" : "ipv4",
			 iface, sysctl_key_name(key));
	return buf;
}

bool sysctl_iface_ok(const char *iface)
{
	size_t len = strlen(iface);

	return len && len < IFNAMSIZ && !strchr(iface, '/') && strcmp(iface, ".") != 0 &&
	       strcmp(iface, "..") != 0;
}

bool sysctl_change_plausible(enum sysctl_key key, int original, int set)
{
	switch (key) {
	case ARP_IGNORE:
		return original >= 0 && original <= set &&
		       (set == 1 || set == 2 || set == 3 || set == 8);
	case ARP_ANNOUNCE:
		return original >= 0 && original <= set && (set == 1 || set == 2);
	case RP_FILTER:
		return original >= 0 && original <= 2 && set >= 0 && set <= 2 && original != set;
	default:
		return original == 0 && set == 1;
	}
}

static int sysctl_path(char *buf, size_t len, const char *iface, enum sysctl_key key)
{
	int n;

	if (key == IP_FORWARD)
		n = snprintf(buf, len, "/proc/sys/net/ipv4/ip_forward");
	else
		n = snprintf(buf, len, "/proc/sys/net/%s/conf/%s/%s",
			     key == IPV6_FORWARDING ? "ipv6" : "ipv4", iface, sysctl_key_name(key));
	if ((key != IP_FORWARD && !sysctl_iface_ok(iface)) || n < 0 || (size_t)n >= len)
		return -EINVAL;
	return 0;
}

int sysctl_read_file(const char *path, int *value)
{
	char text[32], *end;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	n = read(fd, text, sizeof(text) - 1);
	err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	text[n] = '\0';
	*value = (int)strtol(text, &end, 10);
	return end == text ? -EINVAL : 0;
}

int sysctl_write_file(const char *path, int value)
{
	char text[16];
	int fd, len, err;
	ssize_t n;

	if (fault_fail_next())
		return -EIO;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(text, sizeof(text), "%d\n", value);
	n = write(fd, text, (size_t)len);
	err = n < 0 ? -errno : (n == len ? 0 : -EIO);
	if (!err)
		fault_sent(1);
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}

int sysctl_read(const char *iface, enum sysctl_key key, int *value)
{
	char path[PATH_MAX];
	int err = sysctl_path(path, sizeof(path), iface, key);

	return err ? err : sysctl_read_file(path, value);
}

int sysctl_write(const char *iface, enum sysctl_key key, int value)
{
	char path[PATH_MAX];
	int err = sysctl_path(path, sizeof(path), iface, key);

	return err ? err : sysctl_write_file(path, value);
}
