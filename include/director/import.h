/* import: the migration path from ipvsadm scripts — rules as
 * `ipvsadm -S` or `-Sn` prints them, or the director script that runs
 * ipvsadm) become [service NAME]
 * sections of the configuration, with ipvsadm's defaults and quirks made
 * explicit (scheduler wlc, weight 1, -g, -p alone = 300 s, a dr/tun real
 * server on the virtual's port). */
#ifndef LVSAGENT_DIRECTOR_IMPORT_H
#define LVSAGENT_DIRECTOR_IMPORT_H

#include <stdio.h>

#include "kernel/ipvs_model.h"
#include "lib/diag.h"

/* Read rules from IN (called NAME in messages) and write the configuration
 * sections to OUT. IN is ipvsadm -S output or a director script (see
 * import_script.h: its start's commands, -C, -E, -D, -e and -d applied in
 * order). Host and port names (-S without -n) are resolved. 0, or -1 with
 * every error in DIAG ("NAME:LINE: what") and nothing written; what was
 * skipped is in NOTES (may be NULL), "NAME:LINE: skipped ...". */
int director_import(FILE *in, const char *name, FILE *out, struct diag *diag, struct diag *notes);

/* TABLE (the kernel's, sorted) as configuration sections on OUT, every
 * setting it holds: the real servers' thresholds, which ipvsadm -S does not
 * print, too. Checked like director_import: 0, or -1 with DIAG ("NAME:
 * what") when lvsagent would refuse what it makes, and nothing written. */
int director_import_table(const struct ipvs_table *table, const char *name, FILE *out,
			  struct diag *diag);

#endif
