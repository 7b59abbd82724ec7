/* ipvs_vanish: reads the IPVS table as lvsagent does, while another
 * program deletes a service at the worst moment — after the service dump,
 * before the destination dumps — made certain by deleting it here, in
 * between. Prints the table read, as ipvsadm -Sn would, then one line
 * "gone: VIRTUAL" for each service the read says was deleted meanwhile.
 *   usage: ipvs_vanish FWMARK     (the IPv4 firewall-mark service to delete) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "director/list.h"
#include "director/syntax.h"
#include "kernel/ipvs_kernel.h"

/* DEL_SERVICE for the service with MARK, through the same socket. */
static int delete_mark(struct ipvs_conn *conn, uint32_t mark)
{
	struct ipvs_service svc = { .af = AF_INET, .fwmark = mark };
	struct ipvs_request request = { .op = IPVS_OP_DEL_SERVICE, .service = &svc };
	struct nl_result result;
	size_t sent;
	int err = ipvs_send(conn, &request, 1, &result, &sent);

	return err ? err : result.error;
}

int main(int argc, char **argv)
{
	struct ipvs_table table, gone;
	struct ipvs_conn conn;
	char text[80];
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: ipvs_vanish FWMARK\n");
		return 2;
	}
	if ((err = ipvs_open(&conn)) || (err = ipvs_dump_services(&conn, &table)) ||
	    (err = delete_mark(&conn, (uint32_t)strtoul(argv[1], NULL, 10))) ||
	    (err = ipvs_dump_dests(&conn, &table, &gone))) {
		fprintf(stderr, "ipvs_vanish: %s\n", strerror(-err));
		return 1;
	}
	director_sort(&table);
	director_save(stdout, &table);
	for (size_t i = 0; i < gone.count; i++)
		printf("gone: %s\n", director_format_virtual(&gone.services[i], text, sizeof(text)));
	ipvs_table_free(&table);
	ipvs_table_free(&gone);
	ipvs_close(&conn);
	return 0;
}
