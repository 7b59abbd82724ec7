/* ipvs_model: the IPVS table in memory — keys, comparisons, ownership of
 * arrays. Pure. */
#include "kernel/ipvs_model.h"

#include <stdlib.h>
#include <string.h>

#include <linux/ip_vs.h>

#include "lib/xalloc.h"

bool ipvs_same_service(const struct ipvs_service *a, const struct ipvs_service *b)
{
	if (a->af != b->af || a->fwmark != b->fwmark)
		return false;
	if (a->fwmark)
		return true;
	return a->protocol == b->protocol && a->port == b->port && ipaddr_equal(&a->addr, &b->addr);
}

bool ipvs_same_dest(const struct ipvs_dest *a, const struct ipvs_dest *b)
{
	return a->port == b->port && ipaddr_equal(&a->addr, &b->addr);
}

bool ipvs_service_differs(const struct ipvs_service *want, const struct ipvs_service *have)
{
	return strcmp(want->scheduler, have->scheduler) != 0 ||
	       strcmp(want->pe_name, have->pe_name) != 0 || want->flags != have->flags ||
	       want->timeout != have->timeout ||
	       (want->timeout && want->netmask != have->netmask);
}

bool ipvs_dest_differs(const struct ipvs_dest *want, const struct ipvs_dest *have)
{
	if (want->fwd != have->fwd || want->weight != have->weight ||
	    want->u_threshold != have->u_threshold || want->l_threshold != have->l_threshold)
		return true;
	return want->fwd == IP_VS_CONN_F_TUNNEL &&
	       (want->tun_type != have->tun_type || want->tun_port != have->tun_port ||
		want->tun_flags != have->tun_flags);
}

/* ipvsadm subtracts as unsigned and reads the result as signed; keep its
 * (occasionally surprising) order so listings match line for line. */
static int wrapped(uint32_t a, uint32_t b)
{
	return (int)(a - b);
}

static int addr_order(const struct ipaddr *a, const struct ipaddr *b)
{
	for (unsigned i = 0; i < ipaddr_len(a) / 4; i++) {
		uint32_t x, y;
		memcpy(&x, a->bytes + 4 * i, 4);
		memcpy(&y, b->bytes + 4 * i, 4);
		int r = wrapped(ntohl(x), ntohl(y));
		if (r)
			return r;
	}
	return 0;
}

int ipvs_service_order(const struct ipvs_service *a, const struct ipvs_service *b)
{
	int r = wrapped(a->fwmark, b->fwmark);

	if (!r)
		r = (int)a->af - (int)b->af;
	if (!r)
		r = (int)a->protocol - (int)b->protocol;
	if (!r)
		r = addr_order(&a->addr, &b->addr);
	return r ? r : (int)a->port - (int)b->port;
}

int ipvs_dest_order(const struct ipvs_dest *a, const struct ipvs_dest *b)
{
	int r = addr_order(&a->addr, &b->addr);

	return r ? r : (int)a->port - (int)b->port;
}

void ipvs_service_add_dest(struct ipvs_service *service, const struct ipvs_dest *dest)
{
	XGROW(service->dests, service->dest_count, service->dest_capacity);
	service->dests[service->dest_count++] = *dest;
}

struct ipvs_service *ipvs_table_add(struct ipvs_table *table, const struct ipvs_service *service)
{
	struct ipvs_service *slot;

	XGROW(table->services, table->count, table->capacity);
	slot = &table->services[table->count++];
	*slot = *service;
	slot->dests = NULL;
	slot->dest_count = slot->dest_capacity = 0;
	for (size_t i = 0; i < service->dest_count; i++)
		ipvs_service_add_dest(slot, &service->dests[i]);
	return slot;
}

void ipvs_service_free(struct ipvs_service *service)
{
	free(service->dests);
	service->dests = NULL;
	service->dest_count = service->dest_capacity = 0;
}

void ipvs_table_free(struct ipvs_table *table)
{
	for (size_t i = 0; i < table->count; i++)
		ipvs_service_free(&table->services[i]);
	free(table->services);
	memset(table, 0, sizeof(*table));
}
