/* sync_view: the sync daemons as `director status` shows them — each
 * role the plan speaks of (configured, or lvsagent's) and every other
 * one the kernel runs, with its settings and its state. */
#ifndef LVSAGENT_DIRECTOR_SYNC_VIEW_H
#define LVSAGENT_DIRECTOR_SYNC_VIEW_H

#include <stddef.h>
#include <stdio.h>

#include "director/plan.h"
#include "kernel/ipvs_daemon.h"
#include "lib/json.h"

/* Daemons that differ from the configuration but that apply leaves
 * alone (someone else's): differences status counts besides the plan's. */
size_t sync_view_left_alone(const struct dir_plan *plan);
/* KERNEL NULL: not read (nothing shown). */
void sync_view_text(FILE *out, const struct dir_plan *plan, const struct ipvs_daemons *kernel);
void sync_view_json(struct json *json, const struct dir_plan *plan,
		    const struct ipvs_daemons *kernel);

#endif
