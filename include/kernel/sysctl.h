/* sysctl: the ARP sysctls of one interface (or "all"), read and written
 * through /proc/sys/net/ipv4/conf/IFACE/, and the director's forwarding
 * switches. The kernel sends no event when they change, so callers read
 * them whenever they need the truth. */
#ifndef LVSAGENT_KERNEL_SYSCTL_H
#define LVSAGENT_KERNEL_SYSCTL_H

#include <stdbool.h>
#include <stddef.h>

enum sysctl_key {
	ARP_IGNORE, ARP_ANNOUNCE,	/* net.ipv4.conf.IFACE.arp_* */
	IP_FORWARD,			/* net.ipv4.ip_forward (IFACE ignored) */
	IPV6_FORWARDING,		/* net.ipv6.conf.IFACE.forwarding */
	RP_FILTER,			/* net.ipv4.conf.IFACE.rp_filter */
	IPV4_FORWARDING,		/* net.ipv4.conf.IFACE.forwarding (never recorded) */
};
#define SYSCTL_KEY_COUNT 6
#define ARP_KEY_COUNT 2			/* the ARP keys come first */

const char *sysctl_key_name(enum sysctl_key key);
/* The key named NAME ("arp_ignore", ...): 0, or -1. */
int sysctl_key_parse(const char *name, enum sysctl_key *key);
/* "net.ipv4.conf.all.arp_ignore", "net.ipv4.ip_forward", ... */
const char *sysctl_full_name(const char *iface, enum sysctl_key key, char *buf, size_t len);

/* Whether IFACE can name a directory of /proc/sys/net/ipv4/conf: not
 * empty, at most 15 characters, no "/", not "." or "..". */
bool sysctl_iface_ok(const char *iface);
/* Whether lvsagent could have changed KEY from ORIGINAL to SET: it only
 * raises, and only to values its configuration allows (arp_ignore 1, 2, 3
 * or 8, arp_announce 1 or 2, forwarding 1; rp_filter, which LVS-TUN lowers
 * on the tunnel device and on all, any change between 0, 1 and 2). A state record that says
 * otherwise was not written by lvsagent, and is not acted on. */
bool sysctl_change_plausible(enum sysctl_key key, int original, int set);

/* Read or write the KEY of IFACE. 0 or -errno (-ENOENT: no such
 * interface). */
int sysctl_read(const char *iface, enum sysctl_key key, int *value);
int sysctl_write(const char *iface, enum sysctl_key key, int value);
/* The same for any integer sysctl's file PATH (/proc/sys/...). */
int sysctl_read_file(const char *path, int *value);
int sysctl_write_file(const char *path, int value);

#endif
