/* check_plan: one check per distinct target. See check_plan.h. */
#include "director/check_plan.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "director/syntax.h"
#include "lib/hashmap.h"
#include "lib/xalloc.h"

/* What makes two checks one, as bytes for the map; the probe settings
 * and Host default enter as a hash, confirmed by comparing them. */
struct check_key {
	uint32_t kind, interval_ms, timeout_ms;
	uint16_t port, family;
	uint8_t addr[16];
	uint64_t settings;
};

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static void key_of(const struct check_spec *spec, struct check_key *key)
{
	memset(key, 0, sizeof(*key));
	key->kind = spec->kind;
	key->interval_ms = spec->interval_ms;
	key->timeout_ms = spec->timeout_ms;
	key->port = spec->port;
	key->family = (uint16_t)spec->addr.family;
	memcpy(key->addr, spec->addr.family == AF_INET6 ? (const void *)&spec->addr.v6
							 : (const void *)&spec->addr.v4,
	       spec->addr.family == AF_INET6 ? 16 : 4);
	key->settings = fnv1a(0xcbf29ce484222325ull, spec->host, strlen(spec->host));
	if (spec->probe)
		key->settings = fnv1a(key->settings, spec->probe, sizeof(*spec->probe));
}

static bool same_settings(const struct check_spec *a, const struct check_spec *b)
{
	if (strcmp(a->host, b->host) != 0 || !a->probe != !b->probe)
		return false;
	return !a->probe || memcmp(a->probe, b->probe, sizeof(*a->probe)) == 0;
}

/* The check for real server J of SERVICE. */
static void spec_of(const struct dir_service *service, size_t j, struct check_spec *spec)
{
	char text[IPADDR_TEXT_MAX];

	memset(spec, 0, sizeof(*spec));
	spec->kind = service->check.kind;
	spec->interval_ms = service->check.interval_ms;
	spec->timeout_ms = service->check.timeout_ms;
	director_check_target(service, j, &spec->addr, &spec->port);
	/* A tcp check asks nothing of the protocol: its settings do not split it. */
	spec->probe = spec->kind == CHECK_TCP ? NULL : &service->check.probe;
	/* The virtual's address matters only as an http check's default Host:
	 * elsewhere it would split checks of one target in two. */
	if (!service->svc.fwmark && (spec->kind == CHECK_HTTP || spec->kind == CHECK_HTTPS) &&
	    !service->check.probe.http_host[0])
		snprintf(spec->host, sizeof(spec->host), "%s", ipaddr_format(&service->svc.addr, text));
}

/* The index of SPEC among the plan's checks, added when new. */
static size_t check_id(struct check_plan *plan, struct hashmap *map, size_t *capacity,
		       const struct check_spec *spec)
{
	struct check_key key;
	size_t id;

	key_of(spec, &key);
	if (hashmap_get(map, &key, &id) && same_settings(&plan->specs[id], spec))
		return id;
	if (plan->count == *capacity) {
		*capacity = *capacity ? *capacity * 2 : 16;
		plan->specs = xrealloc_array(plan->specs, *capacity, sizeof(*plan->specs));
		plan->first = xrealloc_array(plan->first, *capacity, sizeof(*plan->first));
	}
	id = plan->count++;
	plan->specs[id] = *spec;
	plan->first[id] = CHECK_REF_END;
	hashmap_put(map, &key, id);	/* a hash collision stays out of the map: checked twice */
	return id;
}

static size_t checked_dests(const struct director_config *cfg)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->service_count; i++)
		if (cfg->services[i].check.kind != CHECK_NONE)
			n += cfg->services[i].svc.dest_count;
	return n;
}

void check_plan_build(const struct director_config *cfg, struct check_plan *plan)
{
	size_t n = checked_dests(cfg), capacity = 0, *last;
	struct hashmap map;
	struct check_spec spec;

	memset(plan, 0, sizeof(*plan));
	hashmap_init(&map, sizeof(struct check_key), n);
	plan->refs = xcalloc(n ? n : 1, sizeof(*plan->refs));
	last = xcalloc(n ? n : 1, sizeof(*last));
	for (size_t i = 0; i < cfg->service_count; i++) {
		const struct dir_service *service = &cfg->services[i];
		for (size_t j = 0; service->check.kind != CHECK_NONE &&
				   j < service->svc.dest_count; j++) {
			spec_of(service, j, &spec);
			size_t id = check_id(plan, &map, &capacity, &spec), r = plan->ref_count++;
			plan->refs[r] = (struct check_ref){ .svc = i, .dest = j, .next = CHECK_REF_END };
			if (plan->first[id] == CHECK_REF_END)
				plan->first[id] = r;
			else
				plan->refs[last[id]].next = r;
			last[id] = r;
		}
	}
	free(last);
	hashmap_free(&map);
}

void check_plan_free(struct check_plan *plan)
{
	free(plan->specs);
	free(plan->first);
	free(plan->refs);
	memset(plan, 0, sizeof(*plan));
}
