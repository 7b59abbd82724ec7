/* xalloc: allocation that cannot fail quietly. lvsagent's data is small;
 * running out of memory is fatal and reported, never half-handled. */
#ifndef LVSAGENT_LIB_XALLOC_H
#define LVSAGENT_LIB_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc_array(void *ptr, size_t count, size_t size);
char *xstrdup(const char *text);
__attribute__((format(printf, 1, 2)))
char *xasprintf(const char *fmt, ...);

/* Make room for one more element in a (array, count, capacity) triple. */
#define XGROW(array, count, capacity)                                        \
	do {                                                                 \
		if ((count) == (capacity)) {                                 \
			(capacity) = (capacity) ? (capacity) * 2 : 8;        \
			(array) = xrealloc_array((array), (capacity),        \
						 sizeof(*(array)));          \
		}                                                            \
	} while (0)

#endif
