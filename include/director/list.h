/* list: the IPVS table as ipvsadm prints it — `ipvsadm -Sn`
 * (rules, line for line) and `ipvsadm -Ln` (the listing, same columns) —
 * so existing tooling keeps working. Pure: text from a table. */
#ifndef LVSAGENT_DIRECTOR_LIST_H
#define LVSAGENT_DIRECTOR_LIST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kernel/ipvs_model.h"

/* Sort services and their real servers as ipvsadm does. */
void director_sort(struct ipvs_table *table);

/* The rules `ipvsadm -Sn` prints for TABLE (sorted). */
void director_save(FILE *out, const struct ipvs_table *table);

/* The listing `ipvsadm -Ln` prints for TABLE (sorted), header included. */
void director_list(FILE *out, const struct ipvs_table *table, const struct ipvs_info *info);

/* One service's line of that listing, without the newline. */
const char *director_list_service(const struct ipvs_service *svc, char *buf, size_t len);

/* The listings `ipvsadm -Ln --stats` (totals) and `--rate` (per second)
 * print for TABLE (sorted), header included; EXACT: `--exact`, every digit
 * rather than K, M, G, T. */
enum list_counters { LIST_STATS, LIST_RATE };
void director_list_counters(FILE *out, const struct ipvs_table *table,
			    const struct ipvs_info *info, enum list_counters what, bool exact);
/* One count as those listings print it (9 columns or more). */
const char *director_format_count(uint64_t n, bool exact, char *buf, size_t len);

#endif
