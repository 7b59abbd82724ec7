/* hashmap: fixed-size byte keys to indexes, open addressing. The director
 * matches thousands of services and real servers between configuration and
 * kernel; a map keeps that linear instead of quadratic. */
#ifndef LVSAGENT_LIB_HASHMAP_H
#define LVSAGENT_LIB_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>

struct hashmap {
	size_t key_size;
	size_t slots;			/* a power of two, at least twice the entries */
	size_t count;
	unsigned char *keys;		/* slots * key_size */
	size_t *values;
	bool *used;
};

/* Room for EXPECTED entries of KEY_SIZE bytes (keys are compared as bytes:
 * zero any padding). */
void hashmap_init(struct hashmap *map, size_t key_size, size_t expected);
void hashmap_free(struct hashmap *map);

/* Insert KEY → VALUE; false when KEY was there already (left unchanged). */
bool hashmap_put(struct hashmap *map, const void *key, size_t value);
/* The value for KEY, or false. */
bool hashmap_get(const struct hashmap *map, const void *key, size_t *value);

#endif
