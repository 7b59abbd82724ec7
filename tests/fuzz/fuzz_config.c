/* fuzz_config: the configuration file, real server and director sections,
 * through config_parse_text with main.c's schema — what config_load (and
 * so check-config and every command) does with the file's bytes — then
 * the summary check-config prints. */
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "director/config.h"
#include "lib/diag.h"
#include "realserver/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* main.c's: one file configures both parts. */
static const struct config_part *const parts[] = { &rs_config_part, &director_config_part };
static const struct config_schema schema = { parts, 2 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	struct diag diag = { 0 };
	char summary[128];

	if (config_parse_text("fuzz.conf", (const char *)data, size, &schema, &cfg, &diag) == 0)
		config_summary(&cfg, summary, sizeof(summary));
	config_free(&cfg);
	diag_free(&diag);
	return 0;
}
