/* SPDX-License-Identifier: MIT */
/* The one fetch module: libcurl with a size cap, timeouts, verified TLS and conditional GET. */
#ifndef OMG_ENGINE_NET_NET_H
#define OMG_ENGINE_NET_NET_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* How a fetch ended (struct net_result.status). */
enum net_status {
	NET_OK = 0,          /* 2xx: body holds the document */
	NET_NOT_MODIFIED,    /* 304 to a conditional GET: the cached copy is current */
	NET_HTTP,            /* an HTTP status other than 2xx/304 (http_code says which) */
	NET_TOO_BIG,         /* the body passed max_bytes (Content-Length or while reading) */
	NET_TIMEOUT,         /* connect, total or low-speed timeout */
	NET_REDIRECTS,       /* more than max_redirects redirects */
	NET_TLS,             /* certificate or handshake failure (never ignored) */
	NET_ERROR,           /* anything else: DNS, refused, reset, a bad URL, a bad scheme */
};

/* One GET. Strings are borrowed for the call. */
struct net_request {
	const char *url;           /* http:// or https:// only; other schemes are refused */
	const char *etag;          /* sent as If-None-Match, or NULL */
	const char *last_modified; /* sent as If-Modified-Since (the server's own text), or NULL */
	size_t max_bytes;          /* cap on the body, after any Content-Encoding; 0: 64 MiB */
	unsigned timeout_ms;       /* the whole transfer; 0: 30 s */
	unsigned connect_timeout_ms; /* 0: the smaller of timeout_ms and 10 s */
	unsigned max_redirects;    /* 0: 5 */
	const char *ca_file;       /* extra CA bundle (tests' TLS servers), or NULL: the system's */
	const int *cancel;         /* the transfer stops (NET_ERROR) once *cancel is non-zero
				    * (read atomically from another thread), or NULL */
	int keep_error_body;       /* NET_HTTP keeps the error response's body (same cap): an
				    * API that explains a refusal in it (the AUR's 400) */
	/* Where a 2xx body goes instead of res->body (a download to a file), or NULL: called
	 * with each piece as it arrives, after any Content-Encoding, never past max_bytes in
	 * all; a non-zero return stops the transfer (NET_ERROR, "the body could not be
	 * stored"). res->body then stays empty, and res->bytes counts what went to it. */
	int (*sink)(const void *p, size_t n, void *ctx);
	void *sink_ctx;
};

struct net_result {
	enum net_status status;
	long http_code;            /* the final response's status, 0 if none */
	struct buf body;           /* NET_OK: the body (NET_HTTP too with keep_error_body);
				    * caller frees with net_result_free */
	char etag[256];            /* the response's ETag, "" if none */
	char last_modified[128];   /* the response's Last-Modified, "" if none */
	char effective_url[1024];  /* after redirects */
	char error[512];           /* one line, no newline: why it failed ("" on NET_OK/304) */
	uint64_t bytes;            /* body bytes received (given to the sink, or in body) */
};

/* Initialises libcurl once for the process (thread-safe, idempotent). 0 or -1. */
int net_init(void);
/*
 * Fetches req->url into *res (which is overwritten; free it with
 * net_result_free even on failure). Returns 0 for NET_OK and
 * NET_NOT_MODIFIED, -1 otherwise with res->error saying why in one line that
 * names the URL. TLS peer and host verification are always on. Blocking;
 * safe on any thread (each call uses its own handle).
 */
int net_fetch(const struct net_request *req, struct net_result *res);
void net_result_free(struct net_result *res);
/* "timeout", "too big", ...: the status as a word for logs and replies. */
const char *net_status_name(enum net_status st);

/* The lower-case hex SHA-256 of len bytes at p into out (65 bytes). */
void net_sha256_hex(const void *p, size_t len, char out[65]);

#endif
