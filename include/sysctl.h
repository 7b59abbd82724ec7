/* sysctl: the ARP sysctls of one interface (or "all"), read and written
 * through /proc/sys/net/ipv4/conf/IFACE/. The kernel sends no event when
 * they change, so callers read them whenever they need the truth. */
#ifndef LVSAGENT_SYSCTL_H
#define LVSAGENT_SYSCTL_H

enum arp_key { ARP_IGNORE, ARP_ANNOUNCE };
#define ARP_KEY_COUNT 2

const char *arp_key_name(enum arp_key key);

/* Read or write net.ipv4.conf.IFACE.KEY. 0 or -errno (-ENOENT: no such
 * interface). */
int sysctl_arp_read(const char *iface, enum arp_key key, int *value);
int sysctl_arp_write(const char *iface, enum arp_key key, int value);

#endif
