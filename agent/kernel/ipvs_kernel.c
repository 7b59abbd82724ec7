/* ipvs_kernel: the IPVS generic netlink family, on one socket. libnl-genl
 * opens it and resolves the family once; requests and dumps go through the
 * netlink module (many requests per sendmsg, every ACK matched by sequence
 * number) on the same socket. */
#include "kernel/ipvs_kernel.h"

#include <errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/socket.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/xalloc.h"

/* The netlink module's view of the libnl socket (same socket, own fd). */
static int adopt_socket(struct ipvs_conn *conn)
{
	int fd = dup(nl_socket_get_fd(conn->sock));

	if (fd < 0)
		return -errno;
	return netlink_adopt(&conn->nl, fd);
}

int ipvs_open(struct ipvs_conn *conn)
{
	int err;

	memset(conn, 0, sizeof(*conn));
	conn->sock = nl_socket_alloc();
	if (!conn->sock)
		return -ENOMEM;
	if (genl_connect(conn->sock) < 0) {
		ipvs_close(conn);
		return -EPROTONOSUPPORT;
	}
	/* The kernel loads ip_vs on demand when the family is looked up. */
	conn->family = genl_ctrl_resolve(conn->sock, "IPVS");
	if (conn->family < 0) {
		ipvs_close(conn);
		return -ENOENT;
	}
	err = adopt_socket(conn);
	if (err)
		ipvs_close(conn);
	return err;
}

void ipvs_close(struct ipvs_conn *conn)
{
	if (conn->nl.sock)
		netlink_close(&conn->nl);
	if (conn->sock)
		nl_socket_free(conn->sock);
	conn->sock = NULL;
}

struct collect {
	struct ipvs_table *table;
	struct ipvs_service *service;
	struct ipvs_info *info;
	struct ipvs_timeouts *timeouts;
	int failed;
};

static int on_service(const struct nlmsghdr *nlh, void *data)
{
	struct collect *c = data;
	struct ipvs_service service;

	if (ipvs_parse_service((struct nlmsghdr *)nlh, &service) == 0)
		ipvs_table_add(c->table, &service);
	return 0;
}

static int on_dest(const struct nlmsghdr *nlh, void *data)
{
	struct collect *c = data;
	struct ipvs_dest dest;

	if (ipvs_parse_dest((struct nlmsghdr *)nlh, c->service->af, &dest) == 0)
		ipvs_service_add_dest(c->service, &dest);
	return 0;
}

static int on_info(const struct nlmsghdr *nlh, void *data)
{
	struct collect *c = data;

	c->failed = ipvs_parse_info((struct nlmsghdr *)nlh, c->info);
	return 0;
}

static int on_timeouts(const struct nlmsghdr *nlh, void *data)
{
	struct collect *c = data;

	c->failed = ipvs_parse_timeouts((struct nlmsghdr *)nlh, c->timeouts);
	return 0;
}

static void restart_services(void *data)
{
	ipvs_table_free(((struct collect *)data)->table);
}

static void restart_dests(void *data)
{
	((struct collect *)data)->service->dest_count = 0;
}

/* One exchange on the shared socket: request built by libnl, replies
 * parsed by ON_MSG; a dump, or (ON_RESTART NULL and not DUMP) a query. */
static int exchange(struct ipvs_conn *conn, struct nl_msg *msg, bool is_dump, nl_msg_cb on_msg,
		    nl_restart_cb on_restart, struct collect *c)
{
	int err;

	if (!msg)
		return -ENOMEM;
	if (is_dump)
		err = netlink_dump(&conn->nl, nlmsg_hdr(msg), on_msg, on_restart, c);
	else
		err = netlink_query(&conn->nl, nlmsg_hdr(msg), on_msg, c);
	nlmsg_free(msg);
	return err;
}

int ipvs_dump_services(struct ipvs_conn *conn, struct ipvs_table *table)
{
	struct collect c = { .table = table };
	int err;

	memset(table, 0, sizeof(*table));
	err = exchange(conn, ipvs_build_service_dump(conn->family), true, on_service,
		       restart_services, &c);
	if (err)
		ipvs_table_free(table);
	return err;
}

/* What the kernel answers about a service that does not exist. */
static bool service_gone(int err)
{
	return err == -ESRCH || err == -ENOENT;
}

static int on_found(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	((struct collect *)data)->failed = 0;
	return 0;
}

/* 1 if SERVICE exists, 0 if not, or -errno. */
static int service_exists(struct ipvs_conn *conn, const struct ipvs_service *service)
{
	struct collect c = { .failed = -1 };
	int err = exchange(conn, ipvs_build_service_get(conn->family, service), false, on_found,
			   NULL, &c);

	if (service_gone(err))
		return 0;
	return err ? err : !c.failed;
}

/* SERVICE's real servers. -ESRCH when the service is gone: the kernel says
 * so, or (what it answers for a service it has no more) gives an empty
 * dump, which a question about the service itself tells from a service
 * without real servers. */
static int read_dests(struct ipvs_conn *conn, struct ipvs_service *service)
{
	struct collect c = { .service = service };
	int exists, err = exchange(conn, ipvs_build_dest_dump(conn->family, service), true,
				   on_dest, restart_dests, &c);

	if (err || service->dest_count)
		return err;
	exists = service_exists(conn, service);
	return exists < 0 ? exists : exists ? 0 : -ESRCH;
}

/* Move the services marked in VANISHED from TABLE to GONE, keeping order. */
static void take_out(struct ipvs_table *table, const bool *vanished, struct ipvs_table *gone)
{
	size_t kept = 0;

	for (size_t i = 0; i < table->count; i++) {
		struct ipvs_service *svc = &table->services[i];
		if (!vanished[i]) {
			table->services[kept++] = *svc;
			continue;
		}
		ipvs_service_free(svc);
		ipvs_table_add(gone, svc);
	}
	table->count = kept;
}

int ipvs_dump_dests(struct ipvs_conn *conn, struct ipvs_table *table, struct ipvs_table *gone)
{
	bool *vanished = xcalloc(table->count, sizeof(*vanished));
	int err = 0;

	memset(gone, 0, sizeof(*gone));
	for (size_t i = 0; !err && i < table->count; i++) {
		err = read_dests(conn, &table->services[i]);
		/* Another program deleted it since the service dump: not an
		 * error in the read, a service that is not there any more. */
		if (service_gone(err)) {
			vanished[i] = true;
			err = 0;
		}
	}
	if (err)
		ipvs_table_free(table);
	else
		take_out(table, vanished, gone);
	free(vanished);
	return err;
}

int ipvs_dump(struct ipvs_conn *conn, struct ipvs_table *table, struct ipvs_table *gone)
{
	int err = ipvs_dump_services(conn, table);

	if (err) {
		memset(gone, 0, sizeof(*gone));
		return err;
	}
	return ipvs_dump_dests(conn, table, gone);
}

static int on_daemon(const struct nlmsghdr *nlh, void *data)
{
	struct ipvs_daemons *daemons = data;
	struct ipvs_daemon daemon;

	if (ipvs_parse_daemon((struct nlmsghdr *)nlh, &daemon) == 0) {
		daemons->daemon[daemon.role] = daemon;
		daemons->running[daemon.role] = true;
	}
	return 0;
}

static void restart_daemons(void *data)
{
	memset(data, 0, sizeof(struct ipvs_daemons));
}

int ipvs_dump_daemons(struct ipvs_conn *conn, struct ipvs_daemons *daemons)
{
	struct nl_msg *msg = ipvs_build_daemon_dump(conn->family);
	int err;

	memset(daemons, 0, sizeof(*daemons));
	if (!msg)
		return -ENOMEM;
	err = netlink_dump(&conn->nl, nlmsg_hdr(msg), on_daemon, restart_daemons, daemons);
	nlmsg_free(msg);
	return err;
}

int ipvs_get_info(struct ipvs_conn *conn, struct ipvs_info *info)
{
	struct collect c = { .info = info, .failed = -1 };
	struct nl_msg *msg = ipvs_build_info_request(conn->family);
	int err;

	memset(info, 0, sizeof(*info));
	err = exchange(conn, msg, false, on_info, NULL, &c);
	return err ? err : (c.failed ? -EPROTO : 0);
}

int ipvs_get_timeouts(struct ipvs_conn *conn, struct ipvs_timeouts *timeouts)
{
	struct collect c = { .timeouts = timeouts, .failed = -1 };
	int err;

	memset(timeouts, 0, sizeof(*timeouts));
	err = exchange(conn, ipvs_build_timeouts_request(conn->family), false, on_timeouts, NULL, &c);
	return err ? err : (c.failed ? -EPROTO : 0);
}

int ipvs_send(struct ipvs_conn *conn, const struct ipvs_request *requests, size_t count,
	      struct nl_result *results, size_t *sent)
{
	struct nl_batch batch;
	struct nl_msg *msg;
	int err = 0;

	*sent = 0;
	nl_batch_init(&batch);
	msg = nlmsg_alloc();
	for (size_t i = 0; msg && !err && i < count; i++) {
		if (ipvs_fill_request(msg, conn->family, &requests[i]) < 0) {
			err = -EMSGSIZE;
			break;
		}
		struct nlmsghdr *nlh = nlmsg_hdr(msg);
		memcpy(nl_batch_put_raw(&batch, NLMSG_ALIGN(nlh->nlmsg_len)), nlh, nlh->nlmsg_len);
	}
	if (!msg)
		err = -ENOMEM;
	nlmsg_free(msg);
	if (!err)
		err = nl_batch_send_until_error(&conn->nl, &batch, results, sent);
	nl_batch_free(&batch);
	return err;
}
