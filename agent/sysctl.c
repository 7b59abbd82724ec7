/* sysctl: plain reads and writes of /proc/sys/net/ipv4/conf/IFACE/arp_*. */
#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *arp_key_name(enum arp_key key)
{
	return key == ARP_IGNORE ? "arp_ignore" : "arp_announce";
}

static int sysctl_path(char *buf, size_t len, const char *iface, enum arp_key key)
{
	int n = snprintf(buf, len, "/proc/sys/net/ipv4/conf/%s/%s", iface, arp_key_name(key));

	if (strchr(iface, '/') || n < 0 || (size_t)n >= len)
		return -EINVAL;
	return 0;
}

int sysctl_arp_read(const char *iface, enum arp_key key, int *value)
{
	char path[PATH_MAX], text[32], *end;
	ssize_t n;
	int fd, err = sysctl_path(path, sizeof(path), iface, key);

	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
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

int sysctl_arp_write(const char *iface, enum arp_key key, int value)
{
	char path[PATH_MAX], text[16];
	int fd, len, err = sysctl_path(path, sizeof(path), iface, key);
	ssize_t n;

	if (err)
		return err;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(text, sizeof(text), "%d\n", value);
	n = write(fd, text, (size_t)len);
	err = n < 0 ? -errno : (n == len ? 0 : -EIO);
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}
