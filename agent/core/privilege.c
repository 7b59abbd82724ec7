/* privilege: capabilities through libcap-ng. */
#include "core/privilege.h"

#include <cap-ng.h>
#include <linux/capability.h>

bool have_net_admin(void)
{
	if (capng_get_caps_process() != 0)
		return false;
	return capng_have_capability(CAPNG_EFFECTIVE, CAP_NET_ADMIN);
}

int keep_only_net_admin(void)
{
	capng_clear(CAPNG_SELECT_ALL);
	if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
			 CAP_NET_ADMIN) < 0)
		return -1;
	if (capng_apply(CAPNG_SELECT_ALL) == 0)
		return 0;
	/* Without CAP_SETPCAP the bounding set cannot shrink (systemd may have
	 * shrunk it already); the process's own sets always can. */
	return capng_apply(CAPNG_SELECT_CAPS) == 0 ? 0 : -1;
}
