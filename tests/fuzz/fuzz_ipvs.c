/* fuzz_ipvs: IPVS generic netlink replies — the service and destination
 * dumps, the sync daemons, the info — through ipvs_kernel.c's readers (its
 * netlink_dump exchanges and ipvs_msg.c's parsers), the socket played by
 * fake_kernel; then what `director status`/`save` print from the table.
 * The first byte picks the exchange; the rest is the replies. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "director/list.h"
#include "fake_kernel.h"
#include "kernel/ipvs_kernel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Any id: the replies' generic netlink family is not checked by the
 * parsers (the kernel only answers on the family asked). */
#define FAKE_FAMILY 0x20

static void print_table(struct ipvs_table *table)
{
	struct ipvs_info info = { .version = 0x010201, .conn_tab_size = 4096 };
	FILE *out = fopen("/dev/null", "w");

	if (!out)
		abort();
	director_sort(table);
	director_list(out, table, &info);
	director_save(out, table);
	fclose(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipvs_conn conn = { .family = FAKE_FAMILY };
	struct ipvs_table table, gone;
	struct ipvs_daemons daemons;
	struct ipvs_info info;

	if (size < 1)
		return 0;
	fake_kernel_conn(&conn.nl);
	fake_kernel_feed(data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		if (ipvs_dump(&conn, &table, &gone) == 0) {
			print_table(&table);
			ipvs_table_free(&table);
			ipvs_table_free(&gone);
		}
		break;
	case 1:
		ipvs_dump_daemons(&conn, &daemons);
		break;
	default:
		ipvs_get_info(&conn, &info);
		break;
	}
	return 0;
}
