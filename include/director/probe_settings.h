/* probe_settings: what a service's health check is — its type, and the
 * keys of that type (http_path, dns_name, udp_send, exec, ...) — as the
 * configuration gives them; director/config.h's struct dir_check holds
 * one. Types only. */
#ifndef LVSAGENT_DIRECTOR_PROBE_SETTINGS_H
#define LVSAGENT_DIRECTOR_PROBE_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How a service's real servers are checked ([service NAME] keys). */
enum dir_check_kind { CHECK_NONE, CHECK_TCP, CHECK_HTTP, CHECK_HTTPS, CHECK_DNS, CHECK_UDP,
		      CHECK_EXEC };

/* An accepted HTTP status range, from http_status ("200-299, 301"). */
struct http_status_range {
	uint16_t low, high;
};

#define HTTP_STATUS_RANGES 16
#define CHECK_PAYLOAD_MAX 512

/* What a protocol check asks and accepts (the keys of its check type). */
struct dir_probe {
	/* http, https */
	char http_path[256];		/* default "/" */
	char http_host[256];		/* "": the virtual's address */
	struct http_status_range http_status[HTTP_STATUS_RANGES];	/* default 200-299 */
	size_t http_status_count;
	char http_body[256];		/* "": any body */
	bool https_verify;		/* default no */
	char https_ca[256];		/* "": the system's CAs */
	/* dns */
	char dns_name[256];
	uint16_t dns_type;		/* ns_t_a by default */
	uint8_t dns_rcode;		/* the RCODE that passes, ns_r_noerror by default */
	/* udp: the payload as bytes, escapes decoded */
	uint8_t udp_send[CHECK_PAYLOAD_MAX];
	size_t udp_send_len;
	uint8_t udp_expect[CHECK_PAYLOAD_MAX];
	size_t udp_expect_len;
	bool udp_expect_given;
	/* exec */
	char exec[256];			/* an absolute path to an executable file */
	char exec_user[64];		/* default "nobody" */
	uint32_t exec_uid, exec_gid;	/* resolved when the file is read (with
					 * check = exec only) */
};

/* How many keys the check types have (http_path ... exec_user). */
#define DIR_PROBE_KEYS 13

/* Where a service's check type keys were set (director/config_probe.h's
 * order), for the checks against the check type once the section is read. */
struct dir_probe_keys {
	int line[DIR_PROBE_KEYS];	/* 0: not set */
	unsigned refused;		/* bit N: key N was refused (and said so) */
};

#endif
