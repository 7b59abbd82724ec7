/* privilege: capability check through libcap-ng. */
#include "privilege.h"

#include <cap-ng.h>
#include <linux/capability.h>

bool have_net_admin(void)
{
	if (capng_get_caps_process() != 0)
		return false;
	return capng_have_capability(CAPNG_EFFECTIVE, CAP_NET_ADMIN);
}
