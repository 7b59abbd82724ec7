/* import: the migration path from ipvsadm scripts — rules as
 * `ipvsadm -S` or `-Sn` prints them (or the -A/-a lines of a hand-written
 * script, with or without a leading "ipvsadm") become [service NAME]
 * sections of the configuration, with ipvsadm's defaults and quirks made
 * explicit (scheduler wlc, weight 1, -g, -p alone = 300 s, a dr/tun real
 * server on the virtual's port). */
#ifndef LVSAGENT_DIRECTOR_IMPORT_H
#define LVSAGENT_DIRECTOR_IMPORT_H

#include <stdio.h>

#include "kernel/ipvs_model.h"
#include "lib/diag.h"

/* Read rules from IN (called NAME in messages) and write the configuration
 * sections to OUT. Host and port names (-S without -n) are resolved.
 * 0, or -1 with every error in DIAG ("NAME:LINE: what") and nothing written. */
int director_import(FILE *in, const char *name, FILE *out, struct diag *diag);

/* TABLE (the kernel's, sorted) as configuration sections on OUT, every
 * setting it holds: the real servers' thresholds, which ipvsadm -S does not
 * print, too. Checked like director_import: 0, or -1 with DIAG ("NAME:
 * what") when lvsagent would refuse what it makes, and nothing written. */
int director_import_table(const struct ipvs_table *table, const char *name, FILE *out,
			  struct diag *diag);

#endif
