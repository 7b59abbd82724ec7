/* fuzz_import: `director import` (agent/director/import.c) on ipvsadm rules,
 * and its promise: what it writes, when it accepts the rules, is a valid
 * configuration that re-imports to the same one. Each accepted input:
 *
 *   rules --import--> A --parse--> table TA
 *   TA --director_save (ipvsadm -Sn)--> rules --import--> B --parse--> TB
 *   TA --director_import_table--> C --parse--> TC
 *
 * A, B and C must parse without an error, TB must equal TA in everything
 * ipvsadm -S prints (thresholds it does not), TC in everything. A
 * difference aborts: libFuzzer keeps the input as a crash.
 *
 * Linked with -Wl,--wrap=getaddrinfo: host names (-S without -n) do not
 * resolve here, so that no input waits on a resolver; addresses are
 * parsed before any lookup, as the program does. */
#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "director/config.h"
#include "director/import.h"
#include "director/list.h"
#include "lib/diag.h"
#include "realserver/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo **res);

int __wrap_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		       struct addrinfo **res)
{
	(void)node, (void)service, (void)hints, (void)res;
	return EAI_NONAME;
}

static const struct config_part *const parts[] = { &rs_config_part, &director_config_part };
static const struct config_schema schema = { parts, 2 };

/* Show what broke the property, then abort (a crash for libFuzzer). */
__attribute__((noreturn)) static void broken(const char *what, const char *text)
{
	fprintf(stderr, "fuzz_import: %s\n--- text ---\n%s\n", what, text ? text : "");
	abort();
}

/* Import TEXT (LEN bytes); the configuration written, or NULL when refused. */
static char *import(const char *text, size_t len)
{
	FILE *in = fmemopen((void *)text, len, "r");
	char *out_text = NULL;
	size_t out_len = 0;
	FILE *out = open_memstream(&out_text, &out_len);
	struct diag diag = { 0 }, notes = { 0 };
	int ret;

	if (!in || !out)
		abort();
	ret = director_import(in, "rules", out, &diag, &notes);
	fclose(in);
	fclose(out);
	diag_free(&diag);
	diag_free(&notes);
	if (ret) {
		free(out_text);
		return NULL;
	}
	return out_text;
}

/* TEXT, a configuration import wrote, as its services' table (sorted). */
static void table_of(const char *text, struct ipvs_table *table, const char *what)
{
	struct config cfg;
	struct diag diag = { 0 };
	const struct director_config *dir;

	memset(table, 0, sizeof(*table));
	if (config_parse_text(what, text, strlen(text), &schema, &cfg, &diag) != 0) {
		for (size_t i = 0; i < diag.count; i++)
			fprintf(stderr, "%s\n", diag.entries[i].text);
		broken("import wrote a configuration lvsagent refuses", text);
	}
	dir = director_config_of(&cfg);
	for (size_t i = 0; dir && i < dir->service_count; i++)
		ipvs_table_add(table, &dir->services[i].svc);
	director_sort(table);
	config_free(&cfg);
	diag_free(&diag);
}

static bool same_table(const struct ipvs_table *a, const struct ipvs_table *b, bool thresholds)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++) {
		const struct ipvs_service *x = &a->services[i], *y = &b->services[i];
		if (!ipvs_same_service(x, y) || ipvs_service_differs(x, y) ||
		    x->dest_count != y->dest_count)
			return false;
		for (size_t j = 0; j < x->dest_count; j++) {
			struct ipvs_dest dx = x->dests[j], dy = y->dests[j];
			if (!thresholds)
				dx.u_threshold = dx.l_threshold = dy.u_threshold = dy.l_threshold = 0;
			if (!ipvs_same_dest(&dx, &dy) || ipvs_dest_differs(&dx, &dy))
				return false;
		}
	}
	return true;
}

/* TA through ipvsadm -Sn's rules and import again. */
static void check_save_round_trip(const struct ipvs_table *ta, const char *a)
{
	char *rules = NULL, *b;
	size_t len = 0;
	FILE *out = open_memstream(&rules, &len);
	struct ipvs_table tb;

	if (!out)
		abort();
	director_save(out, ta);
	fclose(out);
	if (!(b = import(rules, len)))
		broken("the rules director save prints from an import are refused", rules);
	table_of(b, &tb, "B");
	if (!same_table(ta, &tb, false)) {
		fprintf(stderr, "--- A ---\n%s--- rules ---\n%s", a, rules);
		broken("re-imported through director save, another configuration", b);
	}
	ipvs_table_free(&tb);
	free(rules);
	free(b);
}

/* TA written as configuration sections by import's own table path. */
static void check_table_round_trip(const struct ipvs_table *ta, const char *a)
{
	char *c = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&c, &len);
	struct diag diag = { 0 };
	struct ipvs_table tc;

	if (!out)
		abort();
	if (director_import_table(ta, "table", out, &diag) != 0) {
		fclose(out);
		for (size_t i = 0; i < diag.count; i++)
			fprintf(stderr, "%s\n", diag.entries[i].text);
		broken("director_import_table refuses the table an import made", a);
	}
	fclose(out);
	diag_free(&diag);
	table_of(c, &tc, "C");
	if (!same_table(ta, &tc, true)) {
		fprintf(stderr, "--- A ---\n%s", a);
		broken("the table written back as configuration is another", c);
	}
	ipvs_table_free(&tc);
	free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *a = import((const char *)data, size);
	struct ipvs_table ta;

	if (!a)
		return 0;
	table_of(a, &ta, "A");
	check_save_round_trip(&ta, a);
	check_table_round_trip(&ta, a);
	ipvs_table_free(&ta);
	free(a);
	return 0;
}
