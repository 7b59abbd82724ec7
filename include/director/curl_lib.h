/* curl_lib: libcurl, loaded (dlopen) when the first http or https check is
 * set up rather than with the program. Linked, libcurl brings 28 more
 * shared libraries (OpenSSL, GnuTLS, Kerberos, LDAP, SSH, ...) into every
 * lvsagent process — the real server's daemon, `start`, `status` — which
 * the loader maps and relocates at every start: 5-6 MiB of resident
 * pages and the time to load them, for a feature only a director with
 * http checks uses. The calls go through the table below; the headers
 * (libcurl4-openssl-dev) still give the types and constants. */
#ifndef LVSAGENT_DIRECTOR_CURL_LIB_H
#define LVSAGENT_DIRECTOR_CURL_LIB_H

#include <curl/curl.h>
#include <stddef.h>

/* The soname Debian's libcurl4 ships (ABI 4: every libcurl since 7.16). */
#define CURL_LIB_SONAME "libcurl.so.4"

struct curl_lib {
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *easy);
	void (*easy_reset)(CURL *easy);
	CURLcode (*easy_setopt)(CURL *easy, CURLoption option, ...);
	CURLcode (*easy_getinfo)(CURL *easy, CURLINFO info, ...);
	const char *(*easy_strerror)(CURLcode code);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_cleanup)(CURLM *multi);
	CURLMcode (*multi_setopt)(CURLM *multi, CURLMoption option, ...);
	CURLMcode (*multi_add_handle)(CURLM *multi, CURL *easy);
	CURLMcode (*multi_remove_handle)(CURLM *multi, CURL *easy);
	CURLMcode (*multi_socket_action)(CURLM *multi, curl_socket_t s, int ev_bitmask,
					 int *running);
	CURLMsg *(*multi_info_read)(CURLM *multi, int *left);
	const char *(*multi_strerror)(CURLMcode code);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *text);
	void (*slist_free_all)(struct curl_slist *list);
};

/* libcurl's functions, loaded on the first call (and kept: curl's global
 * state lives as long as the process). NULL when it cannot be loaded;
 * WHY (SIZE bytes, may be NULL) says why, in the loader's words. */
const struct curl_lib *curl_lib(char *why, size_t size);

#endif
