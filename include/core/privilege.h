/* privilege: whether this process may change the network (CAP_NET_ADMIN
 * in its effective set), so commands can refuse before touching anything;
 * and, for the daemon, dropping every other capability. */
#ifndef LVSAGENT_CORE_PRIVILEGE_H
#define LVSAGENT_CORE_PRIVILEGE_H

#include <stdbool.h>

bool have_net_admin(void);

/* Keep CAP_NET_ADMIN only: effective and permitted, nothing inheritable or
 * ambient, and the bounding set too where this process may change it.
 * 0 or -1 (the capabilities could not be changed). */
int keep_only_net_admin(void);

#endif
