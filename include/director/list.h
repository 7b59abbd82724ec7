/* list: the IPVS table as ipvsadm prints it — `ipvsadm -Sn`
 * (rules, line for line) and `ipvsadm -Ln` (the listing, same columns) —
 * so existing tooling keeps working. Pure: text from a table. */
#ifndef LVSAGENT_DIRECTOR_LIST_H
#define LVSAGENT_DIRECTOR_LIST_H

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

#endif
