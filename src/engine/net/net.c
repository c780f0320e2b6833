/* SPDX-License-Identifier: MIT */
/* The one fetch module: a GET over libcurl with a size cap, timeouts, verified TLS and conditional GET. */
#include "engine/net/net.h"

#include <ctype.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/fmt.h"

/* As the CLI's -V: the build may pass the real one. */
#ifndef OMG_VERSION
#define OMG_VERSION "0.1.0"
#endif

#define DEFAULT_MAX_BYTES ((size_t)64 << 20)
#define DEFAULT_TIMEOUT_MS 30000u
#define MAX_CONNECT_TIMEOUT_MS 10000u
#define DEFAULT_MAX_REDIRECTS 5u
/* A transfer under LOW_SPEED_BYTES per second for a third of its timeout (at most
 * LOW_SPEED_MAX_S seconds) is abandoned: a server that drips keeps no engine thread for
 * long when a caller sets a long timeout for a big file. */
#define LOW_SPEED_BYTES 512L
#define LOW_SPEED_MAX_S 30u
/* With a sink, what is kept of an error response's body (keep_error_body). */
#define SINK_ERROR_BODY ((size_t)64 << 10)

/* curl_global_init is not thread-safe and must run once: pthread_once makes net_init
 * callable from any thread, any number of times. */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static CURLcode init_rc = CURLE_FAILED_INIT;

static void init_curl(void)
{
	init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int net_init(void)
{
	pthread_once(&init_once, init_curl);
	return init_rc == CURLE_OK ? 0 : -1;
}

/* A request's limits with the defaults filled in. */
struct net_limits {
	size_t max_bytes;
	unsigned timeout_ms;
	unsigned connect_timeout_ms;
	unsigned max_redirects;
	unsigned low_speed_s;
};

/* One transfer's state, seen by the header and write callbacks. */
struct xfer {
	struct net_result *res;
	size_t max_bytes;
	int too_big;     /* the write callback refused a chunk that would pass max_bytes */
	int sink_failed; /* the request's sink refused a chunk */
	CURL *handle;
	int (*sink)(const void *p, size_t n, void *ctx); /* req->sink, for 2xx bodies only */
	void *sink_ctx;
	int conditional; /* If-None-Match or If-Modified-Since was sent */
};

/* Copies a header's value (surrounding blanks and CRLF removed) into out, or "" when it
 * does not fit: a truncated ETag sent back would never match, so none is kept. */
static void header_value(const char *v, size_t n, char *out, size_t cap)
{
	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)v[n - 1]))
		n--;
	if (n >= cap) {
		out[0] = '\0';
		return;
	}
	memcpy(out, v, n);
	out[n] = '\0';
}

/* Whether the header line at p (n bytes) is NAME: ...; *value points past the colon. */
static int header_is(const char *p, size_t n, const char *name, const char **value)
{
	size_t k = strlen(name);
	if (n <= k || p[k] != ':' || strncasecmp(p, name, k) != 0)
		return 0;
	*value = p + k + 1;
	return 1;
}

/* curl's header callback: keeps the final response's ETag and Last-Modified. Every
 * response (a redirect hop, a 100 Continue) starts with its status line, which clears
 * what an earlier one said. */
static size_t on_header(char *p, size_t size, size_t nitems, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nitems;
	const char *v;
	if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		x->res->etag[0] = '\0';
		x->res->last_modified[0] = '\0';
	} else if (header_is(p, n, "ETag", &v)) {
		header_value(v, n - (size_t)(v - p), x->res->etag, sizeof(x->res->etag));
	} else if (header_is(p, n, "Last-Modified", &v)) {
		header_value(v, n - (size_t)(v - p), x->res->last_modified,
			     sizeof(x->res->last_modified));
	}
	return n;
}

/* curl's write callback: the decoded body, refused past max_bytes whatever the
 * Content-Length said (it may be absent, lie, or count compressed bytes). */
static size_t on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;
	if (n > x->max_bytes - x->res->bytes) {
		x->too_big = 1;
		return 0; /* curl ends the transfer with CURLE_WRITE_ERROR */
	}
	x->res->bytes += n;
	/* An error page is kept in memory, never given to the sink as the document. */
	long code = 0;
	if (x->sink && x->handle)
		curl_easy_getinfo(x->handle, CURLINFO_RESPONSE_CODE, &code);
	if (x->sink && code >= 200 && code <= 299) {
		if (x->sink(p, n, x->sink_ctx) != 0) {
			x->sink_failed = 1;
			return 0;
		}
		return n;
	}
	/* A download's error page is not kept past what a message needs. */
	if (x->sink && x->res->body.len >= SINK_ERROR_BODY)
		return n;
	buf_append(&x->res->body, p, n);
	return n;
}

/* "30 s" or "500 ms": a timeout as configured. */
static void fmt_ms(char *out, size_t len, unsigned ms)
{
	if (ms % 1000 == 0)
		snprintf(out, len, "%u s", ms / 1000);
	else
		snprintf(out, len, "%u ms", ms);
}

/* Whether s is a value that may go into a request header (no line breaks). */
static int header_safe(const char *s)
{
	return s && *s && !strpbrk(s, "\r\n");
}

/* curl's own words, one line (control characters become spaces). */
static const char *curl_reason(char *errbuf, CURLcode rc)
{
	if (!errbuf[0])
		return curl_easy_strerror(rc);
	for (char *c = errbuf; *c; c++)
		if ((unsigned char)*c < 0x20)
			*c = ' ';
	size_t n = strlen(errbuf);
	while (n > 0 && errbuf[n - 1] == ' ')
		errbuf[--n] = '\0';
	return errbuf;
}

/* Whether rc is a failure of TLS: the certificate, its verification or the handshake. */
static int is_tls_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_USE_SSL_FAILED:
		return 1;
	default:
		return 0;
	}
}

/* Appends s to the header list l; out of memory, the list stays as it was. */
static struct curl_slist *slist_add(struct curl_slist *l, const char *s)
{
	struct curl_slist *n = curl_slist_append(l, s);
	return n ? n : l;
}

/* Whether url's scheme is http or https (checked before curl sees it, so the refusal
 * does not depend on how libcurl was built). */
static int scheme_allowed(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0;
}

/* Sets res's status and its one-line error naming the URL; returns -1. */
__attribute__((format(printf, 4, 5))) static int fail(struct net_result *res,
						       enum net_status st, const char *url,
						       const char *fmt, ...)
{
	char why[384];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	res->status = st;
	snprintf(res->error, sizeof(res->error), "%s: %s", url, why);
	/* One line whatever the URL or the server's words hold. */
	for (char *c = res->error; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
	buf_free(&res->body);
	return -1;
}

/* The outcome of a transfer curl ended with rc, as res's status and error. */
static int classify(CURL *h, CURLcode rc, const struct xfer *x, const struct net_request *req,
		    const struct net_limits *lim, char *errbuf)
{
	struct net_result *res = x->res;
	const char *url = req->url;
	char n[32];
	if (x->sink_failed)
		return fail(res, NET_ERROR, url, "the body could not be stored");
	if (x->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		fmt_size(n, sizeof(n), (int64_t)lim->max_bytes, 0);
		return fail(res, NET_TOO_BIG, url, "larger than %s", n);
	}
	switch (rc) {
	case CURLE_OK:
		break;
	case CURLE_TOO_MANY_REDIRECTS:
		return fail(res, NET_REDIRECTS, url, "more than %u redirect%s", lim->max_redirects,
			    fmt_plural(lim->max_redirects, "", "s"));
	case CURLE_OPERATION_TIMEDOUT: {
		curl_off_t connect_us = 0;
		curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &connect_us);
		if (strstr(errbuf, "too slow")) {
			fmt_ms(n, sizeof(n), lim->low_speed_s * 1000);
			return fail(res, NET_TIMEOUT, url, "slower than %ld bytes/s for %s",
				    LOW_SPEED_BYTES, n);
		}
		if (connect_us == 0 && lim->connect_timeout_ms < lim->timeout_ms) {
			fmt_ms(n, sizeof(n), lim->connect_timeout_ms);
			return fail(res, NET_TIMEOUT, url, "no connection within %s", n);
		}
		fmt_ms(n, sizeof(n), lim->timeout_ms);
		return fail(res, NET_TIMEOUT, url, "timed out after %s", n);
	}
	case CURLE_UNSUPPORTED_PROTOCOL:
		return fail(res, NET_ERROR, url, "only http and https are fetched (%s)",
			    curl_reason(errbuf, rc));
	default:
		if (is_tls_error(rc))
			return fail(res, NET_TLS, url, "TLS: %s", curl_reason(errbuf, rc));
		return fail(res, NET_ERROR, url, "%s", curl_reason(errbuf, rc));
	}
	long code = res->http_code;
	if (code == 304 && x->conditional) {
		buf_free(&res->body);
		res->status = NET_NOT_MODIFIED;
		return 0;
	}
	/* A 304 nobody asked for leaves the caller without a document: an error like a 404. */
	if (code < 200 || code > 299) {
		struct buf keep = {0};
		if (req->keep_error_body) {
			keep = res->body;
			res->body = (struct buf){0};
		}
		int rc_http = fail(res, NET_HTTP, url, "HTTP %ld", code);
		res->body = keep;
		return rc_http;
	}
	res->status = NET_OK;
	return 0;
}

/* Aborts the transfer once *cancel is set (the engine is stopping). */
static int on_progress(void *p, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return __atomic_load_n((const int *)p, __ATOMIC_RELAXED) != 0;
}

int net_fetch(const struct net_request *req, struct net_result *res)
{
	memset(res, 0, sizeof(*res));
	const char *url = req->url ? req->url : "";
	struct net_limits lim;
	lim.max_bytes = req->max_bytes ? req->max_bytes : DEFAULT_MAX_BYTES;
	lim.timeout_ms = req->timeout_ms ? req->timeout_ms : DEFAULT_TIMEOUT_MS;
	lim.connect_timeout_ms = req->connect_timeout_ms ? req->connect_timeout_ms
				 : lim.timeout_ms < MAX_CONNECT_TIMEOUT_MS ? lim.timeout_ms
									   : MAX_CONNECT_TIMEOUT_MS;
	lim.max_redirects = req->max_redirects ? req->max_redirects : DEFAULT_MAX_REDIRECTS;
	/* A third of the timeout: a stalled transfer then ends well before it (and says
	 * why), whatever timeout the caller chose. */
	lim.low_speed_s = lim.timeout_ms / 3000;
	if (lim.low_speed_s < 1)
		lim.low_speed_s = 1;
	if (lim.low_speed_s > LOW_SPEED_MAX_S)
		lim.low_speed_s = LOW_SPEED_MAX_S;

	if (!scheme_allowed(url))
		return fail(res, NET_ERROR, url, "only http and https are fetched");
	if (net_init() != 0)
		return fail(res, NET_ERROR, url, "libcurl could not be initialised");
	CURL *h = curl_easy_init();
	if (!h)
		return fail(res, NET_ERROR, url, "libcurl could not be initialised");

	struct xfer x = {.res = res, .max_bytes = lim.max_bytes, .handle = h, .sink = req->sink,
			 .sink_ctx = req->sink_ctx};
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = NULL;
	/* A validator that does not fit is not sent cut short: the GET is then unconditional. */
	char line[400];
	if (header_safe(req->etag) &&
	    (size_t)snprintf(line, sizeof(line), "If-None-Match: %s", req->etag) < sizeof(line))
		hdrs = slist_add(hdrs, line);
	if (header_safe(req->last_modified) &&
	    (size_t)snprintf(line, sizeof(line), "If-Modified-Since: %s", req->last_modified) <
		    sizeof(line))
		hdrs = slist_add(hdrs, line);
	x.conditional = hdrs != NULL;

	/* Every option that can fail is checked together: one that libcurl refuses (an old
	 * build without PROTOCOLS_STR, say) must not quietly leave a limit off. */
	CURLcode rc = CURLE_OK;
#define SET(opt, val)                                                                      \
	do {                                                                               \
		if (rc == CURLE_OK)                                                        \
			rc = curl_easy_setopt(h, opt, val);                                \
	} while (0)
	SET(CURLOPT_URL, url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 1L);
	SET(CURLOPT_MAXREDIRS, (long)lim.max_redirects);
	SET(CURLOPT_TIMEOUT_MS, (long)lim.timeout_ms);
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)lim.connect_timeout_ms);
	SET(CURLOPT_LOW_SPEED_LIMIT, LOW_SPEED_BYTES);
	SET(CURLOPT_LOW_SPEED_TIME, (long)lim.low_speed_s);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)lim.max_bytes);
	SET(CURLOPT_ACCEPT_ENCODING, ""); /* every encoding libcurl decodes (gzip, ...) */
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	if (req->ca_file)
		SET(CURLOPT_CAINFO, req->ca_file);
	SET(CURLOPT_NOSIGNAL, 1L); /* engine threads: no SIGALRM for DNS timeouts */
	SET(CURLOPT_USERAGENT, "omg/" OMG_VERSION);
	SET(CURLOPT_HTTPHEADER, hdrs);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, &x);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, &x);
	SET(CURLOPT_ERRORBUFFER, errbuf);
	/* Loopback never goes through a proxy (http_proxy is honoured otherwise). */
	SET(CURLOPT_NOPROXY, "127.0.0.1,localhost,::1");
	if (req->cancel) {
		SET(CURLOPT_XFERINFOFUNCTION, on_progress);
		SET(CURLOPT_XFERINFODATA, (void *)req->cancel);
		SET(CURLOPT_NOPROGRESS, 0L);
	}
#undef SET
	int ret;
	if (rc != CURLE_OK) {
		ret = fail(res, NET_ERROR, url, "libcurl refused an option: %s",
			   curl_easy_strerror(rc));
		goto out;
	}
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &res->http_code);
	char *eff = NULL;
	if (curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK && eff)
		snprintf(res->effective_url, sizeof(res->effective_url), "%s", eff);
	ret = classify(h, rc, &x, req, &lim, errbuf);
out:
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return ret;
}

void net_result_free(struct net_result *res)
{
	buf_free(&res->body);
}

const char *net_status_name(enum net_status st)
{
	switch (st) {
	case NET_OK: return "ok";
	case NET_NOT_MODIFIED: return "not modified";
	case NET_HTTP: return "http error";
	case NET_TOO_BIG: return "too big";
	case NET_TIMEOUT: return "timeout";
	case NET_REDIRECTS: return "too many redirects";
	case NET_TLS: return "tls";
	case NET_ERROR: return "error";
	}
	return "error";
}

void net_sha256_hex(const void *p, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (!EVP_Digest(p, len, md, &n, EVP_sha256(), NULL) || n != 32) {
		/* Only an unusable libcrypto gets here; "" never equals a real digest. */
		out[0] = '\0';
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}
