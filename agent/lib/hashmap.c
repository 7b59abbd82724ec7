/* hashmap: FNV-1a over the key bytes, linear probing. */
#include "lib/hashmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

static uint64_t hash_bytes(const unsigned char *key, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++) {
		h ^= key[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

void hashmap_init(struct hashmap *map, size_t key_size, size_t expected)
{
	memset(map, 0, sizeof(*map));
	map->key_size = key_size;
	map->slots = 16;
	while (map->slots < 2 * expected + 1)
		map->slots *= 2;
	map->keys = xcalloc(map->slots, key_size);
	map->values = xcalloc(map->slots, sizeof(*map->values));
	map->used = xcalloc(map->slots, sizeof(*map->used));
}

void hashmap_free(struct hashmap *map)
{
	free(map->keys);
	free(map->values);
	free(map->used);
	memset(map, 0, sizeof(*map));
}

/* The slot holding KEY, or the empty slot where it would go. */
static size_t find_slot(const struct hashmap *map, const void *key)
{
	size_t mask = map->slots - 1, slot = hash_bytes(key, map->key_size) & mask;

	while (map->used[slot] && memcmp(map->keys + slot * map->key_size, key, map->key_size))
		slot = (slot + 1) & mask;
	return slot;
}

static void grow(struct hashmap *map)
{
	struct hashmap bigger;

	hashmap_init(&bigger, map->key_size, map->slots);
	for (size_t i = 0; i < map->slots; i++)
		if (map->used[i])
			hashmap_put(&bigger, map->keys + i * map->key_size, map->values[i]);
	hashmap_free(map);
	*map = bigger;
}

bool hashmap_put(struct hashmap *map, const void *key, size_t value)
{
	size_t slot;

	if (2 * (map->count + 1) > map->slots)
		grow(map);
	slot = find_slot(map, key);
	if (map->used[slot])
		return false;
	map->used[slot] = true;
	memcpy(map->keys + slot * map->key_size, key, map->key_size);
	map->values[slot] = value;
	map->count++;
	return true;
}

bool hashmap_get(const struct hashmap *map, const void *key, size_t *value)
{
	size_t slot = find_slot(map, key);

	if (!map->used[slot])
		return false;
	*value = map->values[slot];
	return true;
}
