/* probe_http: check = http and https — one GET through libcurl's
 * multi-socket interface, judged by its status and, if asked, its body.
 * One connection per check (no keep-alive, no redirects), to the real
 * server's address whatever the Host; at most the first HTTP_BODY_MAX bytes
 * of the body are searched. Verdicts: "http 200" (passed or not, by
 * http_status), `http body lacks "OK"`, "connect: Connection refused",
 * "tls: certificate has expired", "timeout after 2000 ms", "http: <curl's
 * words>". */
#ifndef LVSAGENT_DIRECTOR_PROBE_HTTP_H
#define LVSAGENT_DIRECTOR_PROBE_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "director/probe_ops.h"

/* How much of a body http_body is looked for in. */
#define HTTP_BODY_MAX 65536

/* At most this many finished checks' curl handles are kept for the next
 * checks (the rest are freed). */
#define HTTP_POOL_MAX 32

extern const struct probe_ops probe_http;

/* Whether http checks can run: libcurl loaded (director/curl_lib.h) and
 * set up. WHY (SIZE bytes) says why not. */
bool probe_http_ready(char *why, size_t size);

/* Free the kept handles and libcurl's global state (the next check sets
 * it up again). For tests and leak checkers: the daemon need not call it.
 * No check may be in flight. */
void probe_http_release(void);

#endif
