/* fou: the fou generic netlink family. See fou.h. */
#include "kernel/fou.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/fou.h>
#include <linux/genetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "lib/xalloc.h"

static struct nlmsghdr *put_genl(void *buf, uint16_t type, uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));

	nlh->nlmsg_type = type;
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

static int family_id_attr(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
		*(uint16_t *)data = mnl_attr_get_u16(attr);
	return MNL_CB_OK;
}

static int on_family(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type == GENL_ID_CTRL)
		mnl_attr_parse(nlh, GENL_HDRLEN, family_id_attr, data);
	return 0;
}

int fou_open(struct fou_conn *conn)
{
	char buf[NL_REQUEST_BUFFER] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *nlh;
	int err;

	memset(conn, 0, sizeof(*conn));
	err = netlink_open(&conn->nl, NETLINK_GENERIC);
	if (err)
		return err;
	nlh = put_genl(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, FOU_GENL_NAME);
	/* An error (-ENOENT: no such family) leaves the id 0, which is what
	 * fou_dump then says. */
	(void)netlink_query(&conn->nl, nlh, on_family, &conn->family_id);
	return 0;
}

void fou_close(struct fou_conn *conn)
{
	netlink_close(&conn->nl);
	conn->family_id = 0;
}

static int port_attr(const struct nlattr *attr, void *data)
{
	struct fou_port *port = data;

	switch (mnl_attr_get_type(attr)) {
	case FOU_ATTR_PORT:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
			port->port = ntohs(mnl_attr_get_u16(attr));
		break;
	case FOU_ATTR_AF:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) == 0)
			port->family = mnl_attr_get_u8(attr);
		break;
	case FOU_ATTR_TYPE:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) == 0)
			port->type = mnl_attr_get_u8(attr);
		break;
	}
	return MNL_CB_OK;
}

int fou_parse_port(const struct nlmsghdr *nlh, struct fou_port *out)
{
	memset(out, 0, sizeof(*out));
	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN ||
	    mnl_attr_parse(nlh, GENL_HDRLEN, port_attr, out) < 0)
		return -1;
	return out->port && (out->family == AF_INET || out->family == AF_INET6) ? 0 : -1;
}

struct port_list {
	struct fou_port *items;
	size_t count, capacity;
};

static int on_port(const struct nlmsghdr *nlh, void *data)
{
	struct port_list *list = data;
	struct fou_port port;

	if (fou_parse_port(nlh, &port) < 0)
		return 0;
	XGROW(list->items, list->count, list->capacity);
	list->items[list->count++] = port;
	return 0;
}

static void restart(void *data)
{
	((struct port_list *)data)->count = 0;
}

int fou_dump(struct fou_conn *conn, struct fou_port **ports, size_t *count)
{
	char buf[NL_REQUEST_BUFFER] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct port_list list = { 0 };
	struct nlmsghdr *nlh;
	int err;

	*ports = NULL;
	*count = 0;
	if (!conn->family_id)
		return -ENOENT;
	nlh = put_genl(buf, conn->family_id, FOU_CMD_GET, FOU_GENL_VERSION);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	err = netlink_dump(&conn->nl, nlh, on_port, restart, &list);
	if (err < 0) {
		free(list.items);
		return err;
	}
	*ports = list.items;
	*count = list.count;
	return 0;
}

void fou_put_port(struct nl_batch *batch, uint16_t family_id, bool add, const struct fou_port *port)
{
	struct nlmsghdr *nlh = nl_batch_put(batch, family_id, 0);
	struct genlmsghdr *genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));

	genl->cmd = add ? FOU_CMD_ADD : FOU_CMD_DEL;
	genl->version = FOU_GENL_VERSION;
	mnl_attr_put_u16(nlh, FOU_ATTR_PORT, htons(port->port));
	mnl_attr_put_u8(nlh, FOU_ATTR_AF, port->family);
	if (add)
		mnl_attr_put_u8(nlh, FOU_ATTR_TYPE, FOU_ENCAP_GUE);
}
