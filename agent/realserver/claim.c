/* claim: the instance's mark on lo. See claim.h. */
#include "realserver/claim.h"

#include <stdio.h>
#include <string.h>

#include "kernel/rtnl_msg.h"

void claim_text(const char *canonical_state_dir, char *out, size_t len)
{
	if ((size_t)snprintf(out, len, "%s%s", LVSAGENT_CLAIM_PREFIX, canonical_state_dir) >= len)
		out[0] = '\0';
}

enum claim_state claim_classify(const char *alias, const char *ours)
{
	if (!alias[0])
		return CLAIM_NONE;
	if (ours[0] && strcmp(alias, ours) == 0)
		return CLAIM_OURS;
	if (strncmp(alias, LVSAGENT_CLAIM_PREFIX, strlen(LVSAGENT_CLAIM_PREFIX)) == 0)
		return CLAIM_OTHER;
	return CLAIM_FOREIGN;
}

const char *claim_holder(const char *alias)
{
	return alias + strlen(LVSAGENT_CLAIM_PREFIX);
}
