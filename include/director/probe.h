/* probe: which probe (probe_ops.h) runs each check type. */
#ifndef LVSAGENT_DIRECTOR_PROBE_H
#define LVSAGENT_DIRECTOR_PROBE_H

#include "director/probe_ops.h"
#include "director/probe_settings.h"

/* The probe of KIND (NULL for CHECK_NONE). */
const struct probe_ops *probe_for(enum dir_check_kind kind);

#endif
