/* SPDX-License-Identifier: MIT */
/* Protocol load generator: N clients in closed loops against an engine socket, one JSON line out. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "engine/query.h"
#include "ipc/client.h"
#include "ipc/codec.h"
#include "ipc/frame.h"
#include "ipc/protocol.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/strpool.h"
#include "util/xalloc.h"

/*
 * Invariants: a connection has at most one request outstanding (a closed
 * loop); a request is complete when a reply without MSG_FLAG_MORE, or an
 * error, arrives for its id. Only requests completed inside the measured
 * window [warm-up end, end] count in the results.
 */

#define MIN_UNIQUE_TERM 4     /* shortest name prefix used as a --unique term */
#define HANDSHAKE_SECONDS 30  /* every client must be greeted within this */
#define DRAIN_SECONDS 30      /* outstanding requests must finish within this after the end */

enum req_kind { REQ_SEARCH, REQ_INFO, REQ_STATUS, REQ_UNIQUE };

/* One entry of the request mix. */
struct req_spec {
	enum req_kind kind;
	const char *arg; /* the search term or package name; borrowed from argv */
};

/* One client connection. */
struct conn {
	int fd;
	int ready;    /* hello answered */
	int busy;     /* a request is outstanding */
	uint32_t id;  /* its id */
	size_t next;  /* position in the mix of the next request */
	double sent;  /* when the outstanding request was sent */
	struct frame_reader in;
	struct buf out;
	size_t out_off; /* bytes of out already sent */
	int want_out;   /* EPOLLOUT is armed */
};

/* The run: options, connections and counters. */
struct loadgen {
	const char *socket;
	unsigned clients;
	double duration, warmup;
	struct req_spec *mix;
	size_t nmix;
	/* --unique: distinct search terms, each used once (until they run out) */
	char **terms;
	size_t nterms, term_next;
	int epfd;
	struct conn *conns;
	uint32_t frame_max;
	uint32_t engine_pid;
	char *engine_backend, *engine_root;
	double t_measure, t_end;
	/* counted over the measured window */
	uint64_t ok, errors, frames, bytes;
	uint64_t errors_by_code[ERR_UNSUPPORTED + 2]; /* last slot: codes beyond the list */
	double *lat; /* latencies in seconds; owned */
	size_t nlat, latcap;
	/* counted over the whole run */
	uint64_t conn_errors, sent_total;
	unsigned decode_every;          /* decode one reply frame in this many in full */
	uint64_t frames_seen, frames_decoded;
	char first_conn_error[256];
	char first_error[256]; /* the first error reply in the window: "code: text" */
};

/* Seconds on the monotonic clock. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Prints a message to stderr and exits with status 2. */
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("loadgen: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static const char usage_text[] =
	"usage: loadgen --socket PATH [--clients N] [--duration S] [--warmup S]\n"
	"               [--search TERM]... [--info NAME]... [--status]... [--unique]...\n"
	"               [--decode-every N]\n"
	"  Opens N connections (default 1000) to the engine at PATH, says hello on each,\n"
	"  then each runs a closed loop: send one request, wait for its complete reply\n"
	"  (every frame up to the one without MORE), send the next. Requests cycle\n"
	"  through the mix in the order given (default: --search firefox); --unique is a\n"
	"  search whose term is new each time (package names from the engine, then their\n"
	"  prefixes), so no reply cache can answer it. After the warm-up (default 1 s)\n"
	"  it measures for the duration (default 5 s) and prints one JSON line:\n"
	"  requests (completed in the window), ok, errors (MSG_ERROR replies, by code),\n"
	"  requests_per_s (ok replies only), latency_ms p50/p90/p99/max (send to last\n"
	"  frame, errors included), and CPU use of the engine and of loadgen itself.\n"
	"  --decode-every N: decode one reply frame in N (and every error) with the\n"
	"  codec, and only read the header of the others, so that the engine, not\n"
	"  this process, is what runs out of CPU (default 1: every frame in full).\n";

/* Parses a positive number of seconds or clients; exits on a bad value. */
static double parse_num(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi))
		die("%s needs a number from %g to %g, not '%s'", opt, lo, hi, s);
	return v;
}

/* Raises RLIMIT_NOFILE to fit n descriptors; exits when the hard limit is lower and cannot be raised. */
static void raise_nofile(rlim_t n)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		die("getrlimit: %s", strerror(errno));
	if (rl.rlim_cur >= n)
		return;
	if (rl.rlim_max < n && rl.rlim_max != RLIM_INFINITY) {
		struct rlimit want = {n, n};
		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			return;
		die("need %llu file descriptors, the hard limit is %llu (raise it with ulimit -Hn)",
		    (unsigned long long)n, (unsigned long long)rl.rlim_max);
	}
	rl.rlim_cur = n;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		die("setrlimit(RLIMIT_NOFILE, %llu): %s", (unsigned long long)n, strerror(errno));
}

/* ---- --unique terms ---- */

/* A candidate term: a name or a prefix of one, with the round it belongs to. */
struct term {
	const char *s; /* borrowed from the names arena */
	size_t len;
	uint32_t round; /* 0 for whole names, k for k characters dropped */
	uint64_t key;   /* shuffle key */
};

/* Orders terms by text, then by round (so the first of equal texts has the lowest round). */
static int term_cmp_text(const void *a, const void *b)
{
	const struct term *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->s, y->s, n);
	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->round < y->round ? -1 : x->round > y->round;
}

/* Orders terms by round, then by shuffle key. */
static int term_cmp_use(const void *a, const void *b)
{
	const struct term *x = a, *y = b;
	if (x->round != y->round)
		return x->round < y->round ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

/* A 64-bit mix of x (splitmix64's finaliser), for a fixed shuffle. */
static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/*
 * Fills lg->terms with distinct search terms: every package name the engine
 * lists (round 0), then each name with its last character dropped (round 1),
 * and so on down to MIN_UNIQUE_TERM characters, each round in a fixed
 * shuffled order, a text kept only in its first round.
 */
static void load_unique_terms(struct loadgen *lg)
{
	struct client cl;
	char err[512];
	if (client_open(&cl, lg->socket, "omg-loadgen", err, sizeof(err)) != 0)
		die("%s", err);
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_LIST;
	m.u.list.kind = LIST_ALL;
	if (client_send(&cl, &m, err, sizeof(err)) != 0)
		die("%s", err);
	uint32_t id = m.h.id;
	struct strpool *arena = strpool_new();
	struct term *t = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (client_recv(&cl, &m, arena, 60000, err, sizeof(err)) != 0)
			die("listing package names: %s", err);
		if (m.h.id != id)
			continue;
		if (m.h.type == MSG_ERROR)
			die("listing package names: the engine answered error %u: %s",
			    (unsigned)m.u.error.code, m.u.error.message);
		if (m.h.type != MSG_PKGS)
			die("listing package names: unexpected %s reply", codec_type_name(m.h.type));
		for (uint32_t i = 0; i < m.u.pkgs.count; i++) {
			const char *name = m.u.pkgs.pkgs[i].pkg.name;
			size_t len = strlen(name);
			for (uint32_t r = 0; r == 0 || len - r >= MIN_UNIQUE_TERM; r++) {
				t = xgrow(t, &cap, n + 1, sizeof(*t));
				t[n++] = (struct term){name, len - r, r, 0};
				if (len - r <= MIN_UNIQUE_TERM)
					break;
			}
		}
		if (!(m.h.flags & MSG_FLAG_MORE))
			break;
	}
	client_close(&cl);
	if (!n)
		die("--unique: the engine lists no packages");
	qsort(t, n, sizeof(*t), term_cmp_text);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k && t[k - 1].len == t[i].len && memcmp(t[k - 1].s, t[i].s, t[i].len) == 0)
			continue; /* the same text from a later round (or a duplicate name) */
		t[k] = t[i];
		t[k].key = mix64(k * 0x100000001b3ull + t[k].len);
		k++;
	}
	qsort(t, k, sizeof(*t), term_cmp_use);
	lg->terms = xmalloc(k * sizeof(*lg->terms));
	for (size_t i = 0; i < k; i++)
		lg->terms[i] = xstrndup(t[i].s, t[i].len);
	lg->nterms = k;
	free(t);
	strpool_free(arena);
}

/* ---- connections ---- */

/* Closes c after a failure, counting it once; the request it had outstanding is lost. */
static void conn_fail(struct loadgen *lg, struct conn *c, const char *why)
{
	if (!lg->first_conn_error[0])
		snprintf(lg->first_conn_error, sizeof(lg->first_conn_error), "%s", why);
	lg->conn_errors++;
	epoll_ctl(lg->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	c->busy = 0;
	c->ready = 0;
}

/* Sends what it can of c's output; arms EPOLLOUT while some is left. 0, or -1 if c failed. */
static int conn_flush(struct loadgen *lg, struct conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n = send(c->fd, c->out.p + c->out_off, c->out.len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (!c->want_out) {
				struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
				epoll_ctl(lg->epfd, EPOLL_CTL_MOD, c->fd, &ev);
				c->want_out = 1;
			}
			return 0;
		}
		if (n < 0) {
			char why[300];
			snprintf(why, sizeof(why), "send: %s", strerror(errno));
			conn_fail(lg, c, why);
			return -1;
		}
		c->out_off += (size_t)n;
	}
	buf_reset(&c->out);
	c->out_off = 0;
	if (c->want_out) {
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
		epoll_ctl(lg->epfd, EPOLL_CTL_MOD, c->fd, &ev);
		c->want_out = 0;
	}
	return 0;
}

/* Encodes and sends c's next request from the mix. */
static void conn_send_next(struct loadgen *lg, struct conn *c)
{
	const struct req_spec *rs = &lg->mix[c->next++ % lg->nmix];
	struct msg m;
	memset(&m, 0, sizeof(m));
	const char *term;
	switch (rs->kind) {
	case REQ_SEARCH:
	case REQ_UNIQUE:
		m.h.type = MSG_SEARCH;
		term = rs->arg;
		if (rs->kind == REQ_UNIQUE)
			term = lg->terms[lg->term_next++ % lg->nterms];
		m.u.search.terms = (struct strlist){&term, 1};
		break;
	case REQ_INFO:
		m.h.type = MSG_INFO;
		m.u.info.names = (struct strlist){&rs->arg, 1};
		break;
	case REQ_STATUS:
		m.h.type = MSG_STATUS;
		break;
	}
	m.h.id = ++c->id;
	codec_encode(&c->out, &m);
	c->busy = 1;
	c->sent = now();
	lg->sent_total++;
	conn_flush(lg, c);
}

/* Counts one completed request of c; code is 0 for a reply, else the error code. */
static void conn_done(struct loadgen *lg, struct conn *c, uint32_t code)
{
	double t = now();
	c->busy = 0;
	if (t >= lg->t_measure && t <= lg->t_end) {
		if (code) {
			lg->errors++;
			lg->errors_by_code[code <= ERR_UNSUPPORTED ? code : ERR_UNSUPPORTED + 1]++;
		} else {
			lg->ok++;
		}
		lg->lat = xgrow(lg->lat, &lg->latcap, lg->nlat + 1, sizeof(*lg->lat));
		lg->lat[lg->nlat++] = t - c->sent;
	}
	if (t < lg->t_end)
		conn_send_next(lg, c);
}

/* Handles one decoded message for c. 0, or -1 after failing c. */
static int conn_message(struct loadgen *lg, struct conn *c, const struct msg *m)
{
	char why[300];
	if (!c->ready) {
		if (m->h.type == MSG_ERROR) {
			snprintf(why, sizeof(why), "hello refused: error %u: %s",
				 (unsigned)m->u.error.code, m->u.error.message);
			conn_fail(lg, c, why);
			return -1;
		}
		if (m->h.type != MSG_HELLO_OK) {
			snprintf(why, sizeof(why), "hello answered with %s", codec_type_name(m->h.type));
			conn_fail(lg, c, why);
			return -1;
		}
		c->ready = 1;
		if (!lg->engine_backend) {
			lg->frame_max = m->u.hello_ok.frame_max;
			lg->engine_pid = m->u.hello_ok.pid;
			lg->engine_backend = xstrdup(m->u.hello_ok.backend);
			lg->engine_root = xstrdup(m->u.hello_ok.root);
		}
		return 0;
	}
	if (!c->busy || m->h.id != c->id) {
		snprintf(why, sizeof(why), "%s for id %u while %s%u was outstanding",
			 codec_type_name(m->h.type), (unsigned)m->h.id, c->busy ? "" : "no request, last ",
			 (unsigned)c->id);
		conn_fail(lg, c, why);
		return -1;
	}
	switch (m->h.type) {
	case MSG_ERROR:
		if (!lg->first_error[0] && now() >= lg->t_measure)
			snprintf(lg->first_error, sizeof(lg->first_error), "%u: %s",
				 (unsigned)m->u.error.code, m->u.error.message);
		conn_done(lg, c, m->u.error.code ? m->u.error.code : ERR_UNSUPPORTED + 1);
		return 0;
	case MSG_PKGS:
	case MSG_STATUS_REPLY:
	case MSG_OK:
		if (!(m->h.flags & MSG_FLAG_MORE))
			conn_done(lg, c, 0);
		return 0;
	default:
		snprintf(why, sizeof(why), "unexpected %s reply", codec_type_name(m->h.type));
		conn_fail(lg, c, why);
		return -1;
	}
}

/* Reads everything available on c and handles each complete frame. */
static void conn_readable(struct loadgen *lg, struct conn *c)
{
	char tmp[65536];
	char why[300];
	for (;;) {
		size_t room = frame_room(&c->in);
		if (!room) {
			conn_fail(lg, c, "reply frame larger than the engine's frame_max");
			return;
		}
		ssize_t n = recv(c->fd, tmp, room < sizeof(tmp) ? room : sizeof(tmp), MSG_DONTWAIT);
		if (n == 0) {
			conn_fail(lg, c, "the engine closed the connection");
			return;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			snprintf(why, sizeof(why), "recv: %s", strerror(errno));
			conn_fail(lg, c, why);
			return;
		}
		frame_feed(&c->in, tmp, (size_t)n);
		const uint8_t *p;
		size_t len;
		enum frame_result fr;
		while ((fr = frame_next(&c->in, &p, &len)) == FRAME_READY) {
			double t = now();
			if (c->ready && t >= lg->t_measure && t <= lg->t_end) {
				lg->frames++;
				lg->bytes += OMG_FRAME_LEN_SIZE + len;
			}
			struct strpool *arena = NULL;
			struct msg m;
			memset(&m, 0, sizeof(m));
			int failed = codec_peek_header(p, len, &m.h) != 0;
			if (failed) {
				conn_fail(lg, c, "bad reply: shorter than a message header");
			} else if (!c->ready || m.h.type == MSG_ERROR ||
				   lg->frames_seen++ % lg->decode_every == 0) {
				struct msg_header peeked = m.h;
				char err[256];
				arena = strpool_new();
				lg->frames_decoded++;
				if (codec_decode(p, len, &m, arena, err, sizeof(err)) != CODEC_OK) {
					snprintf(why, sizeof(why), "bad reply: %s", err);
					conn_fail(lg, c, why);
					failed = 1;
				} else if (memcmp(&peeked, &m.h, sizeof(peeked)) != 0) {
					conn_fail(lg, c, "the header read without the codec disagrees with it");
					failed = 1;
				}
			}
			frame_consume(&c->in);
			if (!failed)
				failed = conn_message(lg, c, &m) != 0 || c->fd < 0;
			strpool_free(arena);
			if (failed)
				return;
		}
		if (fr == FRAME_TOO_BIG) {
			conn_fail(lg, c, "reply frame larger than the engine's frame_max");
			return;
		}
	}
}

/* Connects one client and queues its hello; exits when nothing listens. */
static void conn_open(struct loadgen *lg, struct conn *c, unsigned i)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(lg->socket) >= sizeof(sa.sun_path))
		die("socket path too long: %s", lg->socket);
	strcpy(sa.sun_path, lg->socket);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		die("socket (client %u): %s", i, strerror(errno));
	/* Blocking connect: waits while the engine's listen backlog is full. */
	while (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		if (errno != EINTR)
			die("connect %s (client %u): %s", lg->socket, i, strerror(errno));
	}
	frame_reader_init(&c->in, OMG_FRAME_MAX_DEFAULT);
	c->next = i; /* spread the mix over the clients */
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
	if (epoll_ctl(lg->epfd, EPOLL_CTL_ADD, c->fd, &ev) != 0)
		die("epoll_ctl: %s", strerror(errno));
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_HELLO;
	m.u.hello = (struct msg_hello){OMG_PROTO_MIN_VERSION, OMG_PROTO_VERSION, "omg-loadgen"};
	codec_encode(&c->out, &m);
	conn_flush(lg, c);
}

/* Runs the event loop until done() holds or the deadline passes; 0, or -1 on timeout. */
static int loop_until(struct loadgen *lg, int (*done)(const struct loadgen *), double deadline)
{
	struct epoll_event evs[256];
	while (!done(lg)) {
		double left = deadline - now();
		if (left <= 0)
			return -1;
		int ms = (int)(left * 1000.0) + 1;
		int n = epoll_wait(lg->epfd, evs, 256, ms > 50 ? 50 : ms);
		if (n < 0 && errno != EINTR)
			die("epoll_wait: %s", strerror(errno));
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (c->fd < 0)
				continue;
			if ((evs[i].events & EPOLLOUT) && conn_flush(lg, c) != 0)
				continue;
			if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
				conn_readable(lg, c);
		}
	}
	return 0;
}

/* True when every live client has been greeted. */
static int all_ready(const struct loadgen *lg)
{
	for (unsigned i = 0; i < lg->clients; i++)
		if (lg->conns[i].fd >= 0 && !lg->conns[i].ready)
			return 0;
	return 1;
}

/* True once the warm-up is over. */
static int warmup_over(const struct loadgen *lg)
{
	return now() >= lg->t_measure;
}

/* True once the measured window is over. */
static int window_over(const struct loadgen *lg)
{
	return now() > lg->t_end;
}

/* True when no request is outstanding. */
static int all_idle(const struct loadgen *lg)
{
	for (unsigned i = 0; i < lg->clients; i++)
		if (lg->conns[i].fd >= 0 && lg->conns[i].busy)
			return 0;
	return 1;
}

/* CPU seconds (user + system) of process pid from /proc, or -1. */
static double proc_cpu_seconds(uint32_t pid)
{
	char path[64], line[1024];
	snprintf(path, sizeof(path), "/proc/%u/stat", (unsigned)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(line, 1, sizeof(line) - 1, f);
	fclose(f);
	line[n] = '\0';
	const char *p = strrchr(line, ')'); /* after the command name, which may hold spaces */
	unsigned long long ut, st;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
			 &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* CPU seconds this process has used. */
static double self_cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Orders doubles ascending. */
static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The nearest-rank percentile p (0-100] of sorted v, in ms; 0 when empty. */
static double pct_ms(const double *v, size_t n, double p)
{
	if (!n)
		return 0;
	double want = p / 100.0 * (double)n;
	size_t k = (size_t)want;
	if ((double)k < want)
		k++; /* the rank is the ceiling */
	return v[k ? k - 1 : 0] * 1000.0;
}

/* Appends "key": number with 3 decimals (or null when negative), with json_key's comma rule. */
static void json_kv_num(struct buf *b, const char *key, double v, int first)
{
	json_key(b, key, first);
	if (v < 0)
		buf_puts(b, "null");
	else
		buf_printf(b, "%.3f", v);
}

/* A label of one mix entry ("search firefox"), in a new string the caller frees. */
static char *spec_label(const struct req_spec *rs)
{
	switch (rs->kind) {
	case REQ_SEARCH: return xasprintf("search %s", rs->arg);
	case REQ_INFO: return xasprintf("info %s", rs->arg);
	case REQ_STATUS: return xstrdup("status");
	case REQ_UNIQUE: return xstrdup("search (unique term)");
	}
	return xstrdup("?");
}

/* Prints the results as one JSON line. */
static void report(struct loadgen *lg, double engine_cpu, double self_cpu, unsigned live,
		   uint64_t outstanding, double oldest, uint64_t unfinished)
{
	double window = lg->duration;
	static const char *const code_names[] = {
		"none", "malformed", "version", "unknown_type", "usage", "denied",
		"busy", "backend", "unsupported", "other",
	};
	qsort(lg->lat, lg->nlat, sizeof(*lg->lat), dbl_cmp);
	double sum = 0;
	for (size_t i = 0; i < lg->nlat; i++)
		sum += lg->lat[i];
	struct buf b = {0};
	buf_putc(&b, '{');
	json_kv_str(&b, "socket", lg->socket, 1);
	json_kv_int(&b, "clients", lg->clients, 0);
	json_kv_int(&b, "clients_live_at_end", live, 0);
	json_kv_num(&b, "warmup_s", lg->warmup, 0);
	json_kv_num(&b, "duration_s", window, 0);
	json_key(&b, "mix", 0);
	buf_putc(&b, '[');
	for (size_t i = 0; i < lg->nmix; i++) {
		char *l = spec_label(&lg->mix[i]);
		if (i)
			buf_puts(&b, ", ");
		json_str(&b, l);
		free(l);
	}
	buf_putc(&b, ']');
	json_kv_int(&b, "requests", (int64_t)(lg->ok + lg->errors), 0);
	json_kv_int(&b, "ok", (int64_t)lg->ok, 0);
	json_kv_int(&b, "errors", (int64_t)lg->errors, 0);
	json_key(&b, "errors_by_code", 0);
	buf_putc(&b, '{');
	int first = 1;
	for (size_t i = 1; i < sizeof(code_names) / sizeof(code_names[0]); i++) {
		if (!lg->errors_by_code[i])
			continue;
		json_kv_int(&b, code_names[i], (int64_t)lg->errors_by_code[i], first);
		first = 0;
	}
	buf_putc(&b, '}');
	json_kv_str_or_null(&b, "first_error", lg->first_error, 0);
	json_kv_num(&b, "requests_per_s", (double)lg->ok / window, 0);
	json_kv_num(&b, "replies_per_s_with_errors", (double)(lg->ok + lg->errors) / window, 0);
	json_key(&b, "latency_ms", 0);
	buf_putc(&b, '{');
	json_kv_num(&b, "mean", lg->nlat ? sum / (double)lg->nlat * 1000.0 : 0, 1);
	json_kv_num(&b, "p50", pct_ms(lg->lat, lg->nlat, 50), 0);
	json_kv_num(&b, "p90", pct_ms(lg->lat, lg->nlat, 90), 0);
	json_kv_num(&b, "p99", pct_ms(lg->lat, lg->nlat, 99), 0);
	json_kv_num(&b, "max", lg->nlat ? lg->lat[lg->nlat - 1] * 1000.0 : 0, 0);
	buf_putc(&b, '}');
	json_kv_int(&b, "frames", (int64_t)lg->frames, 0);
	json_kv_int(&b, "decode_every", lg->decode_every, 0);
	json_kv_int(&b, "frames_decoded_in_full", (int64_t)lg->frames_decoded, 0);
	json_kv_num(&b, "reply_bytes_per_request",
		    lg->ok + lg->errors ? (double)lg->bytes / (double)(lg->ok + lg->errors) : 0, 0);
	json_kv_int(&b, "conn_errors", (int64_t)lg->conn_errors, 0);
	json_kv_str_or_null(&b, "first_conn_error", lg->first_conn_error, 0);
	json_kv_int(&b, "outstanding_at_end", (int64_t)outstanding, 0);
	json_kv_num(&b, "oldest_outstanding_ms", oldest * 1000.0, 0);
	json_kv_int(&b, "unfinished_at_exit", (int64_t)unfinished, 0);
	json_kv_int(&b, "sent_total", (int64_t)lg->sent_total, 0);
	if (lg->nterms) {
		json_kv_int(&b, "unique_terms", (int64_t)lg->nterms, 0);
		json_kv_int(&b, "unique_used", (int64_t)lg->term_next, 0);
		json_kv_bool(&b, "unique_wrapped", lg->term_next > lg->nterms, 0);
	}
	json_kv_int(&b, "engine_pid", lg->engine_pid, 0);
	json_kv_str_or_null(&b, "engine_backend", lg->engine_backend, 0);
	json_kv_str_or_null(&b, "engine_root", lg->engine_root, 0);
	json_kv_num(&b, "engine_cpu_percent", engine_cpu < 0 ? -1 : engine_cpu / window * 100.0, 0);
	json_kv_num(&b, "loadgen_cpu_percent", self_cpu / window * 100.0, 0);
	json_kv_int(&b, "cpus", sysconf(_SC_NPROCESSORS_ONLN), 0);
	buf_puts(&b, "}\n");
	fputs(buf_str(&b), stdout);
	fflush(stdout);
	buf_free(&b);
}

/* Parses the command line into lg; exits on a usage error. */
static void parse_args(struct loadgen *lg, int argc, char **argv)
{
	enum { OPT_SOCKET = 256, OPT_CLIENTS, OPT_DURATION, OPT_WARMUP, OPT_SEARCH, OPT_INFO,
	       OPT_STATUS, OPT_UNIQUE, OPT_DECODE };
	static const struct option longopts[] = {
		{"socket", required_argument, NULL, OPT_SOCKET},
		{"clients", required_argument, NULL, OPT_CLIENTS},
		{"duration", required_argument, NULL, OPT_DURATION},
		{"warmup", required_argument, NULL, OPT_WARMUP},
		{"search", required_argument, NULL, OPT_SEARCH},
		{"info", required_argument, NULL, OPT_INFO},
		{"status", no_argument, NULL, OPT_STATUS},
		{"unique", no_argument, NULL, OPT_UNIQUE},
		{"decode-every", required_argument, NULL, OPT_DECODE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	size_t cap = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		struct req_spec rs = {REQ_STATUS, NULL};
		switch (ch) {
		case OPT_SOCKET: lg->socket = optarg; continue;
		case OPT_CLIENTS:
			lg->clients = (unsigned)parse_num("--clients", optarg, 1, 1000000);
			continue;
		case OPT_DURATION: lg->duration = parse_num("--duration", optarg, 0.1, 86400); continue;
		case OPT_WARMUP: lg->warmup = parse_num("--warmup", optarg, 0, 86400); continue;
		case OPT_DECODE:
			lg->decode_every = (unsigned)parse_num("--decode-every", optarg, 1, 1u << 30);
			continue;
		case OPT_SEARCH: rs = (struct req_spec){REQ_SEARCH, optarg}; break;
		case OPT_INFO: rs = (struct req_spec){REQ_INFO, optarg}; break;
		case OPT_STATUS: break;
		case OPT_UNIQUE: rs.kind = REQ_UNIQUE; break;
		case 'h': fputs(usage_text, stdout); exit(0);
		default: fputs(usage_text, stderr); exit(2);
		}
		lg->mix = xgrow(lg->mix, &cap, lg->nmix + 1, sizeof(*lg->mix));
		lg->mix[lg->nmix++] = rs;
	}
	if (optind < argc)
		die("unexpected argument '%s' (see --help)", argv[optind]);
	if (!lg->socket)
		die("--socket PATH is required (see --help)");
	if (!lg->nmix) {
		lg->mix = xmalloc(sizeof(*lg->mix));
		lg->mix[lg->nmix++] = (struct req_spec){REQ_SEARCH, "firefox"};
	}
}

/* Connects, greets, runs the warm-up and the measured window, drains, prints the JSON line. */
int main(int argc, char **argv)
{
	struct loadgen lg;
	memset(&lg, 0, sizeof(lg));
	lg.clients = 1000;
	lg.duration = 5;
	lg.warmup = 1;
	lg.decode_every = 1;
	parse_args(&lg, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	raise_nofile((rlim_t)lg.clients + 64);
	for (size_t i = 0; i < lg.nmix; i++)
		if (lg.mix[i].kind == REQ_UNIQUE && !lg.nterms)
			load_unique_terms(&lg);

	lg.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (lg.epfd < 0)
		die("epoll_create1: %s", strerror(errno));
	lg.conns = xcalloc(lg.clients, sizeof(*lg.conns));
	for (unsigned i = 0; i < lg.clients; i++)
		conn_open(&lg, &lg.conns[i], i);
	/* Nothing is measured before every client is greeted. */
	lg.t_measure = lg.t_end = 1e300;
	if (loop_until(&lg, all_ready, now() + HANDSHAKE_SECONDS) != 0)
		die("not every client was greeted within %d s", HANDSHAKE_SECONDS);
	unsigned live = 0;
	for (unsigned i = 0; i < lg.clients; i++)
		live += lg.conns[i].fd >= 0;
	if (!live)
		die("no client got through the handshake: %s", lg.first_conn_error);
	/* Replies must stay under the frame size the engine announced. */
	for (unsigned i = 0; i < lg.clients; i++)
		if (lg.frame_max)
			lg.conns[i].in.max = lg.frame_max;

	double t0 = now();
	lg.t_measure = t0 + lg.warmup;
	lg.t_end = lg.t_measure + lg.duration;
	for (unsigned i = 0; i < lg.clients; i++)
		if (lg.conns[i].fd >= 0)
			conn_send_next(&lg, &lg.conns[i]);
	loop_until(&lg, warmup_over, lg.t_measure + 1);
	double engine_cpu0 = proc_cpu_seconds(lg.engine_pid), self_cpu0 = self_cpu_seconds();
	loop_until(&lg, window_over, lg.t_end + 1);
	/* Requests still out at the end bound the latencies the window could not see. */
	double t_stop = now(), oldest = 0;
	uint64_t outstanding = 0;
	for (unsigned i = 0; i < lg.clients; i++) {
		const struct conn *c = &lg.conns[i];
		if (c->fd >= 0 && c->busy) {
			outstanding++;
			if (t_stop - c->sent > oldest)
				oldest = t_stop - c->sent;
		}
	}
	double engine_cpu = engine_cpu0 < 0 ? -1 : proc_cpu_seconds(lg.engine_pid) - engine_cpu0;
	double self_cpu = self_cpu_seconds() - self_cpu0;
	loop_until(&lg, all_idle, now() + DRAIN_SECONDS);
	uint64_t unfinished = 0;
	live = 0;
	for (unsigned i = 0; i < lg.clients; i++) {
		live += lg.conns[i].fd >= 0;
		unfinished += lg.conns[i].fd >= 0 && lg.conns[i].busy;
	}
	report(&lg, engine_cpu, self_cpu, live, outstanding, oldest, unfinished);

	for (unsigned i = 0; i < lg.clients; i++) {
		if (lg.conns[i].fd >= 0)
			close(lg.conns[i].fd);
		frame_reader_free(&lg.conns[i].in);
		buf_free(&lg.conns[i].out);
	}
	for (size_t i = 0; i < lg.nterms; i++)
		free(lg.terms[i]);
	free(lg.terms);
	free(lg.conns);
	free(lg.mix);
	free(lg.lat);
	free(lg.engine_backend);
	free(lg.engine_root);
	close(lg.epfd);
	return lg.conn_errors ? 1 : 0;
}
