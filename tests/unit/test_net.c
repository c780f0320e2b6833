/* SPDX-License-Identifier: MIT */
/* Unit tests for the fetch module against tests/fixtures/httpd.py on loopback: conditional GET, errors, caps, timeouts, TLS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/net/net.h"
#include "util/buf.h"
#include "util/fdio.h"
#include "util/xalloc.h"
#include "loopback.h"

#define HTTPD "tests/fixtures/httpd.py"

/* The whole group's state: one plain and one TLS server over the same directory. */
struct env {
	char base[64];
	char www[96];
	char log[96];
	char cert[96];
	char key[96];
	struct loopback http;
	struct loopback https;
	char tls_error[256]; /* why there is no TLS server ("" when there is) */
};

static struct env *E;

/* nftw: removes one file or directory. */
static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Writes n bytes to WWW/name in one step (the server may be reading it). */
static void put_file(const char *name, const void *data, size_t n)
{
	char path[160];
	snprintf(path, sizeof(path), "%s/%s", E->www, name);
	assert_int_equal(fd_replace_buf(path, 0644, data, n), 0);
}

/* Sets the server's behaviour table (httpd.py re-reads it on every request). */
static void behave(const char *json)
{
	put_file("_behaviour.json", json, strlen(json));
}

/* The server's log records for path, oldest first; caller frees with cJSON_Delete. */
static cJSON *requests(const char *path)
{
	return loopback_requests(E->log, path);
}

/* The last record for path (must exist); owned by *all, which the caller deletes. */
static cJSON *last_request(const char *path, cJSON **all)
{
	*all = requests(path);
	int n = cJSON_GetArraySize(*all);
	assert_true(n > 0);
	return cJSON_GetArrayItem(*all, n - 1);
}

/* A string field of a log record, or NULL when it is null or absent. */
static const char *field(const cJSON *rec, const char *name)
{
	const cJSON *v = cJSON_GetObjectItem(rec, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* http[s]://127.0.0.1:PORT/path (static buffer, one at a time). */
static const char *url_of(const struct loopback *s, const char *scheme, const char *path)
{
	static char u[256];
	snprintf(u, sizeof(u), "%s://127.0.0.1:%d%s", scheme, s->port, path);
	return u;
}

static const char *url(const char *path)
{
	return url_of(&E->http, "http", path);
}

/* Seconds on the monotonic clock. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Starts httpd.py (with TLS when cert is set) and reads its port; -1 with why on failure. */
static int start_server(struct loopback *s, const char *cert, const char *key, char *why,
			size_t whylen)
{
	const char *plain[] = {"--lifetime", "120", E->www, E->log, NULL};
	const char *tls[] = {"--tls", cert, key, "--lifetime", "120", E->www, E->log, NULL};
	return loopback_start(s, HTTPD, cert ? tls : plain, why, whylen);
}

/* Runs argv (searched on PATH) with stdout and stderr into logfile; why says what failed. */
static int run(const char *const argv[], const char *logfile, char *why, size_t whylen)
{
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		FILE *f = freopen(logfile, "w", stdout);
		if (f)
			dup2(1, 2);
		execvp(argv[0], (char *const *)argv); /* execvp's old prototype */
		_exit(127);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
		snprintf(why, whylen, "the %s CLI is missing (install openssl): the TLS tests need it",
			 argv[0]);
		return -1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char first[160] = "";
		FILE *f = fopen(logfile, "r");
		if (f) {
			if (!fgets(first, sizeof(first), f))
				first[0] = '\0';
			fclose(f);
		}
		first[strcspn(first, "\n")] = '\0';
		snprintf(why, whylen, "%s failed: %s", argv[0], first);
		return -1;
	}
	return 0;
}

static int group_setup(void **state)
{
	(void)state;
	E = xcalloc(1, sizeof(*E));
	strcpy(E->base, "/tmp/omg-net-XXXXXX");
	if (!mkdtemp(E->base))
		return -1;
	snprintf(E->www, sizeof(E->www), "%s/www", E->base);
	snprintf(E->log, sizeof(E->log), "%s/requests.log", E->base);
	snprintf(E->cert, sizeof(E->cert), "%s/cert.pem", E->base);
	snprintf(E->key, sizeof(E->key), "%s/key.pem", E->base);
	if (mkdir(E->www, 0700) != 0)
		return -1;
	char why[256];
	if (net_init() != 0 || start_server(&E->http, NULL, NULL, why, sizeof(why)) != 0) {
		fprintf(stderr, "test_net: %s\n", why);
		return -1;
	}
	/* A self-signed certificate for 127.0.0.1 (its own CA); a failure here fails the TLS
	 * tests with the reason, and the others still run. */
	char sslog[160];
	snprintf(sslog, sizeof(sslog), "%s/openssl.log", E->base);
	const char *argv[] = {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
			"ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=127.0.0.1",
			"-addext", "subjectAltName=IP:127.0.0.1", "-days", "2", "-keyout", E->key,
			"-out", E->cert, NULL};
	if (run(argv, sslog, E->tls_error, sizeof(E->tls_error)) == 0 &&
	    start_server(&E->https, E->cert, E->key, E->tls_error, sizeof(E->tls_error)) == 0)
		E->tls_error[0] = '\0';
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	loopback_stop(&E->http);
	loopback_stop(&E->https);
	nftw(E->base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(E);
	return 0;
}

/* A request for url with the test's defaults (short timeouts: a failure shows fast). */
static struct net_request req_for(const char *u)
{
	return (struct net_request){.url = u, .timeout_ms = 3000};
}

/* Asserts res->error is one line that starts with "URL: " and contains want. */
static void assert_error(const struct net_result *res, const char *u, const char *want)
{
	size_t n = strlen(u);
	if (strncmp(res->error, u, n) != 0 || strncmp(res->error + n, ": ", 2) != 0 ||
	    !strstr(res->error, want) || strchr(res->error, '\n'))
		fail_msg("error \"%s\": want \"%s: ...%s...\"", res->error, u, want);
}

static void test_ok_with_validators(void **state)
{
	(void)state;
	static const char doc[] = "[{\"name\": \"AVG-1\"}]\n";
	put_file("ok.json", doc, strlen(doc));
	behave("{}");
	struct net_request rq = req_for(url("/ok.json"));
	struct net_result res;
	assert_int_equal(net_fetch(&rq, &res), 0);
	assert_int_equal(res.status, NET_OK);
	assert_int_equal(res.http_code, 200);
	assert_string_equal(buf_str(&res.body), doc);
	assert_int_equal(res.body.len, strlen(doc));
	assert_string_equal(res.error, "");
	assert_string_equal(res.effective_url, url("/ok.json"));
	/* The server's strong ETag is the content's SHA-256: checks both sides at once. */
	char hex[65], want[70];
	net_sha256_hex(doc, strlen(doc), hex);
	snprintf(want, sizeof(want), "\"%s\"", hex);
	assert_string_equal(res.etag, want);
	assert_true(strstr(res.last_modified, " GMT") != NULL);
	cJSON *all;
	cJSON *rec = last_request("/ok.json", &all);
	assert_null(field(rec, "if_none_match"));
	assert_null(field(rec, "if_modified_since"));
	const char *ua = field(rec, "user_agent");
	assert_non_null(ua);
	assert_true(strncmp(ua, "omg/", 4) == 0);
	cJSON_Delete(all);
	net_result_free(&res);
}

/* Fetches path once and returns its validators. */
static void first_fetch(const char *path, char *etag, char *lm)
{
	struct net_request rq = req_for(url(path));
	struct net_result res;
	assert_int_equal(net_fetch(&rq, &res), 0);
	assert_int_equal(res.status, NET_OK);
	strcpy(etag, res.etag);
	strcpy(lm, res.last_modified);
	net_result_free(&res);
}

static void test_not_modified_by_etag(void **state)
{
	(void)state;
	put_file("cond.json", "[]", 2);
	behave("{}");
	char etag[256], lm[128];
	first_fetch("/cond.json", etag, lm);
	struct net_request rq = req_for(url("/cond.json"));
	rq.etag = etag;
	struct net_result res;
	assert_int_equal(net_fetch(&rq, &res), 0);
	assert_int_equal(res.status, NET_NOT_MODIFIED);
	assert_int_equal(res.http_code, 304);
	assert_int_equal(res.body.len, 0);
	assert_string_equal(res.etag, etag);
	assert_string_equal(res.error, "");
	net_result_free(&res);
	cJSON *all;
	cJSON *rec = last_request("/cond.json", &all);
	assert_string_equal(field(rec, "if_none_match"), etag);
	assert_null(field(rec, "if_modified_since"));
	assert_int_equal(cJSON_GetObjectItem(rec, "status")->valueint, 304);
	cJSON_Delete(all);

	/* The document changed: the old ETag gets the new body, not a 304. */
	put_file("cond.json", "[1]", 3);
	assert_int_equal(net_fetch(&rq, &res), 0);
	assert_int_equal(res.status, NET_OK);
	assert_string_equal(buf_str(&res.body), "[1]");
	assert_string_not_equal(res.etag, etag);
	net_result_free(&res);
}

static void test_not_modified_by_date(void **state)
{
	(void)state;
	put_file("date.json", "{}", 2);
	behave("{}");
	char etag[256], lm[128];
	first_fetch("/date.json", etag, lm);
	assert_true(lm[0] != '\0');
	struct net_request rq = req_for(url("/date.json"));
	rq.last_modified = lm;
	struct net_result res;
	assert_int_equal(net_fetch(&rq, &res), 0);
	assert_int_equal(res.status, NET_NOT_MODIFIED);
	net_result_free(&res);
	cJSON *all;
	cJSON *rec = last_request("/date.json", &all);
	assert_string_equal(field(rec, "if_modified_since"), lm);
	assert_null(field(rec, "if_none_match"));
	cJSON_Delete(all);
}

/* A stored ETag with a line break is never sent: it would inject a header. */
static void test_validator_with_newline_dropped(void **state)
{
	(void)state;
	put_file("inj.json", "[]", 2);
	behave("{}");
	struct net_request rq = req_for(url("/inj.json"));
	rq.etag = "\"x\"\r\nX-Evil: 1";
	struct net_result res;
	assert_int_equal(net_fetch(&rq, &res), 0);
	assert_int_equal(res.status, NET_OK);
	net_result_free(&res);
	cJSON *all;
	cJSON *rec = last_request("/inj.json", &all);
	assert_null(field(rec, "if_none_match"));
	cJSON_Delete(all);
}

static void test_http_errors(void **state)
{
	(void)state;
	behave("{\"/boom.json\": {\"status\": 500}}");
	struct net_request rq = req_for(url("/missing.json"));
	struct net_result res;
	assert_int_equal(net_fetch(&rq, &res), -1);
	assert_int_equal(res.status, NET_HTTP);
	assert_int_equal(res.http_code, 404);
	assert_int_equal(res.body.len, 0);
	char want[300];
	snprintf(want, sizeof(want), "%s: HTTP 404", rq.url);
	assert_string_equal(res.error, want);
	net_result_free(&res);

	rq = req_for(url("/boom.json"));
	assert_int_equal(net_fetch(&rq, &res), -1);
	assert_int_equal(res.status, NET_HTTP);
	assert_int_equal(res.http_code, 500);
	snprintf(want, sizeof(want), "%s: HTTP 500", rq.url);
	assert_string_equal(res.error, want);
	net_result_free(&res);

	/* keep_error_body: the refusal's own words stay, for an API that explains itself in
	 * a 400 (the AUR); the status and the error line are the same. */
	rq = req_for(url("/boom.json"));
	rq.keep_error_body = 1;
	assert_int_equal(net_fetch(&rq, &res), -1);
	assert_int_equal(res.status, NET_HTTP);
	assert_int_equal(res.http_code, 500);
	assert_string_equal(res.error, want);
	assert_string_equal(buf_str(&res.body), "status 500\n");
	net_result_free(&res);

	/* A 304 to a request that sent no validator is an error, never an empty document. */
	behave("{\"/odd.json\": {\"status\": 304}}");
	rq = req_for(url("/odd.json"));
	assert_int_equal(net_fetch(&rq, &res), -1);
	assert_int_equal(res.status, NET_HTTP);
	assert_int_equal(res.http_code, 304);
	net_result_free(&res);
}

static void test_redirects(void **state)
{
	(void)state;
	put_file("target.json", "[2]", 3);
	behave("{\"/moved.json\": {\"redirect\": \"/target.json\"},"
	       " \"/loop.json\": {\"redirect_loop\": true}}");
	struct net_request rq = req_for(url("/moved.json"));
	struct net_result res;
	assert_int_equal(net_fetch(&rq, &res), 0);
	assert_int_equal(res.status, NET_OK);
	assert_string_equal(buf_str(&res.body), "[2]");
	char hex[65], want[300];
	net_sha256_hex("[2]", 3, hex);
	snprintf(want, sizeof(want), "\"%s\"", hex);
	assert_string_equal(res.etag, want);
	assert_string_equal(res.effective_url, url("/target.json"));
	net_result_free(&res);

	/* The hop's ETag and Last-Modified are not the document's, which has none. */
	behave("{\"/moved.bin\": {\"redirect\": \"/plain.bin\"},"
	       " \"/plain.bin\": {\"garbage_bytes\": 10}}");
	rq = req_for(url("/moved.bin"));
	assert_int_equal(net_fetch(&rq, &res), 0);
	assert_int_equal(res.body.len, 10);
	assert_string_equal(res.etag, "");
	assert_string_equal(res.last_modified, "");
	net_result_free(&res);

	behave("{\"/loop.json\": {\"redirect_loop\": true}}");
	rq = req_for(url("/loop.json"));
	rq.max_redirects = 3;
	assert_int_equal(net_fetch(&rq, &res), -1);
	assert_int_equal(res.status, NET_REDIRECTS);
	snprintf(want, sizeof(want), "%s: more than 3 redirects", rq.url);
	assert_string_equal(res.error, want);
	net_result_free(&res);
	/* The first request and three followed: the fourth redirect is refused. */
	cJSON *all = requests("/loop.json");
	assert_int_equal(cJSON_GetArraySize(all), 4);
	cJSON_Delete(all);
}

static void test_hang_times_out(void **state)
{
	(void)state;
	behave("{\"/hang.json\": {\"hang\": true}}");
	struct net_request rq = req_for(url("/hang.json"));
	rq.timeout_ms = 500;
	struct net_result res;
	double t0 = now();
	assert_int_equal(net_fetch(&rq, &res), -1);
	double took = now() - t0;
	assert_int_equal(res.status, NET_TIMEOUT);
	assert_error(&res, rq.url, "timed out after 500 ms");
	if (took < 0.45 || took > 2.0)
		fail_msg("a 500 ms timeout took %.3f s", took);
	net_result_free(&res);
}

/* A server that sends, but under the low-speed limit, is dropped before the timeout. */
static void test_drip_too_slow(void **state)
{
	(void)state;
	static char big[4096];
	memset(big, 'x', sizeof(big));
	put_file("slow.json", big, sizeof(big));
	behave("{\"/slow.json\": {\"drip\": 100}}");
	struct net_request rq = req_for(url("/slow.json"));
	rq.timeout_ms = 4000; /* a window of 1 s */
	struct net_result res;
	double t0 = now();
	assert_int_equal(net_fetch(&rq, &res), -1);
	double took = now() - t0;
	assert_int_equal(res.status, NET_TIMEOUT);
	assert_error(&res, rq.url, "slower than 512 bytes/s for 1 s");
	if (took > 3.0)
		fail_msg("the low-speed limit took %.3f s", took);
	net_result_free(&res);
}

static void test_too_big(void **state)
{
	(void)state;
	size_t n = 100 << 10;
	char *big = xmalloc(n);
	memset(big, 'a', n);
	put_file("big.json", big, n);
	free(big);
	behave("{\"/chunked.json\": {\"garbage_bytes\": 10485760, \"chunked\": true},"
	       " \"/close.json\": {\"garbage_bytes\": 10485760, \"no_length\": true}}");
	const char *paths[] = {"/big.json", "/chunked.json", "/close.json"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct net_request rq = req_for(url(paths[i]));
		rq.max_bytes = 64 << 10;
		struct net_result res;
		assert_int_equal(net_fetch(&rq, &res), -1);
		if (res.status != NET_TOO_BIG)
			fail_msg("%s: %s, want too big (%s)", paths[i], net_status_name(res.status),
				 res.error);
		assert_error(&res, rq.url, "larger than 64.0 KiB");
		assert_int_equal(res.body.len, 0);
		net_result_free(&res);
	}
	/* Exactly at the cap is allowed. */
	struct net_request rq = req_for(url("/big.json"));
	rq.max_bytes = 100 << 10;
	struct net_result res;
	assert_int_equal(net_fetch(&rq, &res), 0);
	assert_int_equal(res.body.len, 100 << 10);
	net_result_free(&res);
}

/* A sink's state: what it was given, and after how many bytes it refuses (0: never). */
struct sink_state {
	struct buf got;
	size_t refuse_after;
};

static int to_sink(const void *p, size_t n, void *ctx)
{
	struct sink_state *s = ctx;
	if (s->refuse_after && s->got.len + n > s->refuse_after)
		return -1;
	buf_append(&s->got, p, n);
	return 0;
}

/* With a sink, a 2xx body goes to it piece by piece (res->body stays empty, res->bytes
 * counts), under the same cap; a sink that refuses stops the transfer; an error page never
 * reaches it. */
static void test_sink(void **state)
{
	(void)state;
	size_t n = 300 << 10;
	char *big = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	put_file("sink.bin", big, n);
	behave("{\"/gone.bin\": {\"status\": 404}}");
	struct sink_state s = {0};
	struct net_request rq = req_for(url("/sink.bin"));
	rq.sink = to_sink;
	rq.sink_ctx = &s;
	struct net_result res;
	assert_int_equal(net_fetch(&rq, &res), 0);
	assert_int_equal(res.status, NET_OK);
	assert_int_equal(res.body.len, 0);
	assert_int_equal(res.bytes, n);
	assert_int_equal(s.got.len, n);
	assert_memory_equal(s.got.p, big, n);
	net_result_free(&res);
	/* The cap holds. */
	buf_reset(&s.got);
	rq.max_bytes = 100 << 10;
	assert_int_equal(net_fetch(&rq, &res), -1);
	assert_int_equal(res.status, NET_TOO_BIG);
	assert_true(s.got.len <= 100 << 10);
	net_result_free(&res);
	/* A sink that refuses. */
	buf_reset(&s.got);
	rq.max_bytes = 0;
	s.refuse_after = 1000;
	assert_int_equal(net_fetch(&rq, &res), -1);
	assert_int_equal(res.status, NET_ERROR);
	assert_error(&res, rq.url, "the body could not be stored");
	net_result_free(&res);
	/* An error page: not the document. */
	buf_reset(&s.got);
	s.refuse_after = 0;
	rq.url = url("/gone.bin");
	assert_int_equal(net_fetch(&rq, &res), -1);
	assert_int_equal(res.status, NET_HTTP);
	assert_int_equal(s.got.len, 0);
	net_result_free(&res);
	buf_free(&s.got);
	free(big);
}

/* The cap counts decoded bytes: a small gzip body that inflates past it is refused. */
static void test_gzip_bomb_too_big(void **state)
{
	(void)state;
	size_t n = 4 << 20;
	char *zeros = xcalloc(1, n);
	put_file("bomb.json", zeros, n);
	free(zeros);
	behave("{\"/bomb.json\": {\"gzip\": true}}");
	struct net_request rq = req_for(url("/bomb.json"));
	rq.max_bytes = 1 << 20;
	struct net_result res;
	assert_int_equal(net_fetch(&rq, &res), -1);
	assert_int_equal(res.status, NET_TOO_BIG);
	assert_error(&res, rq.url, "larger than 1.0 MiB");
	net_result_free(&res);
	cJSON *all;
	cJSON *rec = last_request("/bomb.json", &all);
	assert_string_equal(field(rec, "encoding"), "gzip");
	cJSON_Delete(all);
}

static void test_gzip_decoded(void **state)
{
	(void)state;
	struct buf doc = {0};
	for (int i = 0; i < 500; i++)
		buf_printf(&doc, "{\"name\": \"AVG-%d\", \"severity\": \"High\"},\n", i);
	put_file("gz.json", doc.p, doc.len);
	behave("{\"/gz.json\": {\"gzip\": true}}");
	struct net_request rq = req_for(url("/gz.json"));
	struct net_result res;
	assert_int_equal(net_fetch(&rq, &res), 0);
	assert_int_equal(res.status, NET_OK);
	assert_int_equal(res.body.len, doc.len);
	assert_memory_equal(res.body.p, doc.p, doc.len);
	net_result_free(&res);
	cJSON *all;
	cJSON *rec = last_request("/gz.json", &all);
	assert_string_equal(field(rec, "encoding"), "gzip");
	cJSON_Delete(all);
	buf_free(&doc);
}

/* A Content-Length that promises more than comes is a failed transfer, not a document. */
static void test_short_body(void **state)
{
	(void)state;
	put_file("short.json", "[1,2,3]", 7);
	behave("{\"/short.json\": {\"content_length_lie\": 1000}}");
	struct net_request rq = req_for(url("/short.json"));
	struct net_result res;
	assert_int_equal(net_fetch(&rq, &res), -1);
	assert_int_equal(res.status, NET_ERROR);
	assert_error(&res, rq.url, "");
	assert_int_equal(res.body.len, 0);
	net_result_free(&res);
}

static void test_schemes_refused(void **state)
{
	(void)state;
	const char *urls[] = {"file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/",
			      "/etc/passwd", ""};
	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		struct net_request rq = req_for(urls[i]);
		struct net_result res;
		assert_int_equal(net_fetch(&rq, &res), -1);
		assert_int_equal(res.status, NET_ERROR);
		assert_error(&res, urls[i], "only http and https");
		assert_int_equal(res.body.len, 0);
		net_result_free(&res);
	}
	/* Nor through a redirect. */
	behave("{\"/to-file.json\": {\"redirect\": \"file:///etc/passwd\"}}");
	struct net_request rq = req_for(url("/to-file.json"));
	struct net_result res;
	assert_int_equal(net_fetch(&rq, &res), -1);
	assert_int_equal(res.status, NET_ERROR);
	assert_null(strstr(buf_str(&res.body), "root:"));
	assert_int_equal(res.body.len, 0);
	net_result_free(&res);
}

static void test_refused_connection(void **state)
{
	(void)state;
	/* Port 1 (tcpmux): nothing listens there on a test machine. */
	struct net_request rq = req_for("http://127.0.0.1:1/x");
	struct net_result res;
	assert_int_equal(net_fetch(&rq, &res), -1);
	assert_int_equal(res.status, NET_ERROR);
	assert_error(&res, rq.url, "");
	net_result_free(&res);
}

static void test_tls(void **state)
{
	(void)state;
	if (E->tls_error[0])
		fail_msg("no TLS server: %s", E->tls_error);
	put_file("tls.json", "[3]", 3);
	behave("{}");
	char u[256];
	snprintf(u, sizeof(u), "%s", url_of(&E->https, "https", "/tls.json"));

	/* Self-signed and not in the system's store: refused. */
	struct net_request rq = req_for(u);
	struct net_result res;
	assert_int_equal(net_fetch(&rq, &res), -1);
	if (res.status != NET_TLS)
		fail_msg("%s, want tls (%s)", net_status_name(res.status), res.error);
	assert_error(&res, u, "TLS: ");
	net_result_free(&res);

	/* Trusted through ca_file: fetched. */
	rq.ca_file = E->cert;
	assert_int_equal(net_fetch(&rq, &res), 0);
	assert_int_equal(res.status, NET_OK);
	assert_string_equal(buf_str(&res.body), "[3]");
	net_result_free(&res);

	/* Trusted, but for 127.0.0.1 only: the name localhost is not in it. */
	char lu[256];
	snprintf(lu, sizeof(lu), "https://localhost:%d/tls.json", E->https.port);
	rq.url = lu;
	assert_int_equal(net_fetch(&rq, &res), -1);
	if (res.status != NET_TLS)
		fail_msg("%s, want tls (%s)", net_status_name(res.status), res.error);
	net_result_free(&res);
}

/* Each call has its own handle: calls on several threads at once all succeed. */
static void *fetch_thread(void *arg)
{
	struct net_request rq = req_for(arg);
	struct net_result res;
	long ok = net_fetch(&rq, &res) == 0 && res.status == NET_OK && res.body.len == 4;
	net_result_free(&res);
	return (void *)ok;
}

static void test_threads(void **state)
{
	(void)state;
	put_file("par.json", "[42]", 4);
	behave("{}");
	char u[256];
	snprintf(u, sizeof(u), "%s", url("/par.json"));
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, fetch_thread, u), 0);
	for (int i = 0; i < 4; i++) {
		void *ok = NULL;
		pthread_join(t[i], &ok);
		assert_true(ok != NULL);
	}
}

static void test_sha256_vectors(void **state)
{
	(void)state;
	char hex[65];
	net_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	net_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	net_sha256_hex(m, strlen(m), hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(net_status_name(NET_TIMEOUT), "timeout");
	assert_string_equal(net_status_name(NET_TOO_BIG), "too big");
	/* Distinct words for distinct outcomes. */
	for (int i = NET_OK; i <= NET_ERROR; i++)
		for (int j = i + 1; j <= NET_ERROR; j++)
			assert_string_not_equal(net_status_name((enum net_status)i),
						net_status_name((enum net_status)j));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok_with_validators),
		cmocka_unit_test(test_not_modified_by_etag),
		cmocka_unit_test(test_not_modified_by_date),
		cmocka_unit_test(test_validator_with_newline_dropped),
		cmocka_unit_test(test_http_errors),
		cmocka_unit_test(test_redirects),
		cmocka_unit_test(test_hang_times_out),
		cmocka_unit_test(test_drip_too_slow),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_gzip_bomb_too_big),
		cmocka_unit_test(test_sink),
		cmocka_unit_test(test_gzip_decoded),
		cmocka_unit_test(test_short_body),
		cmocka_unit_test(test_schemes_refused),
		cmocka_unit_test(test_refused_connection),
		cmocka_unit_test(test_tls),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_status_names),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
