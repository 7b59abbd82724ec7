/* What the import tests share: INPUT imported and the configuration it
 * wrote parsed back, the errors and notes kept; the configured services
 * saved as ipvsadm -Sn would print them. */
#ifndef LVSAGENT_TEST_IMPORT_FIXTURE_H
#define LVSAGENT_TEST_IMPORT_FIXTURE_H

#include "fixtures.h"
#include "unit.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "director/import.h"
#include "director/list.h"
#include "kernel/ipvs_model.h"

struct imported {
	int ret;
	char *text;			/* what was written to OUT */
	size_t len;
	struct diag diag;
	struct diag notes;		/* what was skipped */
	struct config cfg;		/* TEXT parsed, when ret == 0 */
};

/* Import INPUT (named "in" in messages); on success parse what it wrote. */
static inline void import(struct imported *imp, const char *input)
{
	char *copy = strdup(input);
	FILE *in, *out;

	assert_non_null(copy);
	memset(imp, 0, sizeof(*imp));
	in = fmemopen(copy, strlen(copy), "r");
	out = open_memstream(&imp->text, &imp->len);
	assert_non_null(in);
	assert_non_null(out);
	imp->ret = director_import(in, "in", out, &imp->diag, &imp->notes);
	diag_sort(&imp->notes);
	fclose(in);
	assert_int_equal(fclose(out), 0);
	free(copy);
	diag_sort(&imp->diag);
	if (imp->ret != 0)
		return;
	struct diag refusals = { 0 };
	int parsed = config_parse_text("imported.conf", imp->text, imp->len, test_schema(), &imp->cfg, &refusals);
	for (size_t i = 0; i < refusals.count; i++)
		print_message("%s\n", refusals.entries[i].text);
	if (parsed != 0)
		print_message("%s", imp->text);
	assert_int_equal(parsed, 0);
	diag_free(&refusals);
}

static inline void release(struct imported *imp)
{
	free(imp->text);
	diag_free(&imp->diag);
	diag_free(&imp->notes);
	config_free(&imp->cfg);
}

/* Import INPUT, which must succeed. */
static inline void import_ok(struct imported *imp, const char *input)
{
	import(imp, input);
	for (size_t i = 0; i < imp->diag.count; i++)
		print_message("%s\n", imp->diag.entries[i].text);
	assert_int_equal(imp->ret, 0);
	assert_int_equal(imp->diag.count, 0);
}

/* Import INPUT, which must fail with EXPECTED among the errors and write
 * nothing. */
static inline void expect_error(const char *input, const char *expected)
{
	struct imported imp;

	import(&imp, input);
	assert_int_equal(imp.ret, -1);
	assert_int_equal(imp.len, 0);
	if (diag_has(&imp.diag, expected)) {
		release(&imp);
		return;
	}
	print_diagnostics(&imp.diag);
	fail_msg("expected: %s", expected);
}

static inline bool starts_with(const char *text, const char *prefix)
{
	return strncmp(text, prefix, strlen(prefix)) == 0;
}

/* The configured service NAME's settings. */
static inline const struct ipvs_service *configured(const struct imported *imp, const char *name)
{
	for (size_t i = 0; i < director_config_of(&imp->cfg)->service_count; i++)
		if (strcmp(director_config_of(&imp->cfg)->services[i].name, name) == 0)
			return &director_config_of(&imp->cfg)->services[i].svc;
	print_message("%s", imp->text);
	fail_msg("no [service %s]", name);
	return NULL;
}

/* director_save of the configured services, sorted as ipvsadm does. */
static inline char *save_configured(const struct config *cfg)
{
	struct ipvs_table table = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	for (size_t i = 0; i < director_config_of(cfg)->service_count; i++)
		ipvs_table_add(&table, &director_config_of(cfg)->services[i].svc);
	director_sort(&table);
	director_save(out, &table);
	assert_int_equal(fclose(out), 0);
	ipvs_table_free(&table);
	return text;
}

#endif
