/* Common includes for the cmocka unit tests. */
#ifndef LVSAGENT_TEST_UNIT_H
#define LVSAGENT_TEST_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#endif
