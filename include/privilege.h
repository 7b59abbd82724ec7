/* privilege: whether this process may change the network (CAP_NET_ADMIN
 * in its effective set), so commands can refuse before touching anything. */
#ifndef LVSAGENT_PRIVILEGE_H
#define LVSAGENT_PRIVILEGE_H

#include <stdbool.h>

bool have_net_admin(void);

#endif
