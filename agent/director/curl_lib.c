/* curl_lib: libcurl loaded on demand. See curl_lib.h. */
#include "director/curl_lib.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static struct curl_lib lib;
static bool loaded;
static char failure[200];

/* Each entry: the symbol, and where in LIB its address goes. */
#define ENTRY(name) { "curl_" #name, (void **)&lib.name }

static bool resolve(void *handle)
{
	const struct {
		const char *symbol;
		void **slot;
	} entries[] = {
		ENTRY(global_init),	 ENTRY(global_cleanup),	    ENTRY(easy_init),
		ENTRY(easy_cleanup),	 ENTRY(easy_reset),	    ENTRY(easy_setopt),
		ENTRY(easy_getinfo),	 ENTRY(easy_strerror),	    ENTRY(multi_init),
		ENTRY(multi_cleanup),	 ENTRY(multi_setopt),	    ENTRY(multi_add_handle),
		ENTRY(multi_remove_handle), ENTRY(multi_socket_action), ENTRY(multi_info_read),
		ENTRY(multi_strerror),	 ENTRY(slist_append),	    ENTRY(slist_free_all),
	};

	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		/* POSIX's way from dlsym's void * to a function pointer. */
		*entries[i].slot = dlsym(handle, entries[i].symbol);
		if (!*entries[i].slot) {
			snprintf(failure, sizeof(failure), "%s lacks %s", CURL_LIB_SONAME,
				 entries[i].symbol);
			return false;
		}
	}
	return true;
}

const struct curl_lib *curl_lib(char *why, size_t size)
{
	void *handle;

	if (!loaded && !failure[0]) {
		/* RTLD_LOCAL: its symbols stay out of the global scope. */
		handle = dlopen(CURL_LIB_SONAME, RTLD_NOW | RTLD_LOCAL);
		if (!handle)
			snprintf(failure, sizeof(failure), "%s", dlerror());
		else if (resolve(handle))
			loaded = true;
		else
			dlclose(handle);
	}
	if (!loaded && why && size)
		snprintf(why, size, "cannot load libcurl: %s", failure);
	return loaded ? &lib : NULL;
}
