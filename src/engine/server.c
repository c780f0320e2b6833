/* SPDX-License-Identifier: MIT */
/* Unix socket server: accept, peer credentials, handshake, requests, bounded output. */
#include "engine/server.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "engine/service.h"
#include "ipc/codec.h"
#include "ipc/frame.h"
#include "ipc/sockpath.h"
#include "util/buf.h"
#include "util/strpool.h"
#include "util/xalloc.h"

struct conn {
	int fd;
	uid_t uid;
	pid_t pid;
	int hello;             /* handshake done */
	int closing;           /* close once the output is flushed */
	struct frame_reader in;
	struct buf out;
	size_t out_off;        /* bytes of out already written */
	double tokens, last;   /* rate limit bucket */
	double stalled_since;  /* when output started waiting, 0 if not */
	struct conn *next;
};

struct server {
	struct engine *e;
	const struct server_opts *o;
	int epfd, lfd, sigfd, timerfd;
	struct conn *conns;
	unsigned nconns;
	double last_activity;
	int stop;
};

void server_defaults(struct server_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->idle_seconds = 0;
	o->frame_max = OMG_FRAME_MAX_DEFAULT;
	o->max_clients = 1024;
	o->rate = 2000;
	o->burst = 4000;
	o->out_max = 256u << 20;
	o->stall_seconds = 30;
}

/* Seconds on the monotonic clock. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Arms or disarms EPOLLOUT for c. */
static void want_write(struct server *s, struct conn *c, int on)
{
	struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0u), .data.ptr = c};
	epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Unlinks and frees a connection. */
static void drop(struct server *s, struct conn *c)
{
	for (struct conn **p = &s->conns; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	frame_reader_free(&c->in);
	buf_free(&c->out);
	free(c);
	s->nconns--;
	s->last_activity = now();
}

/* Writes what it can of c's output. Returns -1 if c was dropped. */
static int flush(struct server *s, struct conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n = send(c->fd, c->out.p + c->out_off, c->out.len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (!c->stalled_since)
					c->stalled_since = now();
				want_write(s, c, 1);
				return 0;
			}
			drop(s, c);
			return -1;
		}
		c->out_off += (size_t)n;
		c->stalled_since = 0;
	}
	buf_reset(&c->out);
	c->out_off = 0;
	c->stalled_since = 0;
	want_write(s, c, 0);
	if (c->closing) {
		drop(s, c);
		return -1;
	}
	return 0;
}

/* Queues one message to c. */
static void queue(struct conn *c, const struct msg *m)
{
	codec_encode(&c->out, m);
}

/* Queues an error for request id. */
static void queue_error(struct conn *c, uint32_t id, uint32_t code, const char *text)
{
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_ERROR;
	m.h.id = id;
	m.u.error.code = code;
	m.u.error.message = text;
	queue(c, &m);
}

/* service_emit into a connection. */
static void emit_conn(void *ctx, const struct msg *reply)
{
	queue(ctx, reply);
}

/* Takes one token; 0 when the bucket is empty. */
static int take_token(struct server *s, struct conn *c)
{
	double t = now();
	c->tokens += (t - c->last) * s->o->rate;
	if (c->tokens > s->o->burst)
		c->tokens = s->o->burst;
	c->last = t;
	if (c->tokens < 1)
		return 0;
	c->tokens -= 1;
	return 1;
}

/* Handles one decoded message from c. */
static void handle(struct server *s, struct conn *c, const struct msg *m)
{
	if (!c->hello) {
		if (m->h.type != MSG_HELLO) {
			queue_error(c, m->h.id, ERR_VERSION, "the first message must be hello");
			c->closing = 1;
			return;
		}
		uint32_t lo = m->u.hello.min_version, hi = m->u.hello.max_version;
		if (lo > OMG_PROTO_VERSION || hi < OMG_PROTO_MIN_VERSION || lo > hi) {
			char text[160];
			snprintf(text, sizeof(text),
				 "no protocol version in common: client speaks %u-%u, engine %u-%u", lo,
				 hi, OMG_PROTO_MIN_VERSION, OMG_PROTO_VERSION);
			queue_error(c, m->h.id, ERR_VERSION, text);
			c->closing = 1;
			return;
		}
		c->hello = 1;
		struct msg r;
		memset(&r, 0, sizeof(r));
		r.h.type = MSG_HELLO_OK;
		r.h.id = m->h.id;
		r.u.hello_ok.version = hi < OMG_PROTO_VERSION ? hi : OMG_PROTO_VERSION;
		r.u.hello_ok.frame_max = (uint32_t)s->o->frame_max;
		r.u.hello_ok.pid = (uint32_t)getpid();
		r.u.hello_ok.generation = 1;
		r.u.hello_ok.backend = engine_backend_name(s->e);
		r.u.hello_ok.root = engine_root(s->e);
		queue(c, &r);
		return;
	}
	if (!take_token(s, c)) {
		queue_error(c, m->h.id, ERR_BUSY, "too many requests; slow down");
		return;
	}
	service_request(s->e, m, s->o->frame_max, emit_conn, c);
}

/* Reads from c and answers every complete request. */
static void on_readable(struct server *s, struct conn *c)
{
	char tmp[65536];
	for (;;) {
		size_t room = frame_room(&c->in);
		if (!room)
			break;
		ssize_t n = recv(c->fd, tmp, room < sizeof(tmp) ? room : sizeof(tmp), MSG_DONTWAIT);
		if (n == 0) {
			drop(s, c);
			return;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			drop(s, c);
			return;
		}
		frame_feed(&c->in, tmp, (size_t)n);
		s->last_activity = now();
		const uint8_t *p;
		size_t len;
		enum frame_result fr;
		while (!c->closing && (fr = frame_next(&c->in, &p, &len)) == FRAME_READY) {
			struct strpool *arena = strpool_new();
			struct msg m;
			char err[256];
			enum codec_result rc = codec_decode(p, len, &m, arena, err, sizeof(err));
			if (rc == CODEC_OK)
				handle(s, c, &m);
			else
				queue_error(c, m.h.id, rc == CODEC_UNKNOWN_TYPE ? ERR_UNKNOWN_TYPE :
						       ERR_MALFORMED, err);
			strpool_free(arena);
			frame_consume(&c->in);
		}
		if (!c->closing && frame_next(&c->in, &p, &len) == FRAME_TOO_BIG) {
			/* Framing is lost: say why, then close. */
			queue_error(c, 0, ERR_MALFORMED, "frame larger than the engine accepts");
			c->closing = 1;
		}
		if (c->out.len > s->o->out_max) {
			drop(s, c); /* not reading its replies */
			return;
		}
		if (c->out.len && flush(s, c) != 0)
			return;
		if (c->closing)
			return;
	}
}

/* Accepts every pending connection. */
static void on_accept(struct server *s)
{
	for (;;) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct ucred cred;
		socklen_t clen = sizeof(cred);
		struct conn *c = xcalloc(1, sizeof(*c));
		c->fd = fd;
		frame_reader_init(&c->in, s->o->frame_max);
		c->tokens = s->o->burst;
		c->last = now();
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0) {
			close(fd);
			frame_reader_free(&c->in);
			free(c);
			continue;
		}
		c->uid = cred.uid;
		c->pid = cred.pid;
		c->next = s->conns;
		s->conns = c;
		s->nconns++;
		s->last_activity = now();
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
		epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev);
		/* User mode: only the engine's own user (and root) may connect. */
		if (c->uid != getuid() && c->uid != 0) {
			fprintf(stderr, "omgd: refused uid %u (pid %d): not the engine's user\n",
				(unsigned)c->uid, (int)c->pid);
			queue_error(c, 0, ERR_DENIED, "this engine serves another user");
			c->closing = 1;
			flush(s, c);
		} else if (s->nconns > s->o->max_clients) {
			queue_error(c, 0, ERR_BUSY, "too many clients");
			c->closing = 1;
			flush(s, c);
		}
	}
}

/* Drops clients whose output has not moved for stall_seconds. */
static void reap_stalled(struct server *s)
{
	double t = now();
	for (struct conn *c = s->conns, *next; c; c = next) {
		next = c->next;
		if (c->stalled_since && t - c->stalled_since > s->o->stall_seconds)
			drop(s, c);
	}
}

/* Binds the socket, replacing a stale one left by a dead engine. */
static int listen_on(const char *path)
{
	char err[512];
	if (sockpath_check_dir(path, err, sizeof(err)) != 0) {
		fprintf(stderr, "omg: %s\n", err);
		return -1;
	}
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "omg: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct stat st;
	if (lstat(path, &st) == 0) {
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int alive = probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		if (probe >= 0)
			close(probe);
		if (alive) {
			fprintf(stderr, "omg: an engine already serves %s\n", path);
			close(fd);
			return -1;
		}
		if (!S_ISSOCK(st.st_mode)) {
			fprintf(stderr, "omg: %s exists and is not a socket\n", path);
			close(fd);
			return -1;
		}
		unlink(path); /* stale: its engine is gone */
	}
	mode_t old = umask(0177);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc != 0 || listen(fd, 512) != 0) {
		fprintf(stderr, "omg: cannot listen on %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int server_run(struct engine *e, const struct server_opts *o)
{
	struct server s = {.e = e, .o = o, .epfd = -1, .lfd = -1, .sigfd = -1, .timerfd = -1};
	int rc = 1;
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	s.lfd = listen_on(o->socket);
	if (s.lfd < 0)
		goto out;
	s.epfd = epoll_create1(EPOLL_CLOEXEC);
	s.sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	s.timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	struct itimerspec tick = {{1, 0}, {1, 0}};
	timerfd_settime(s.timerfd, 0, &tick, NULL);
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &s.lfd};
	epoll_ctl(s.epfd, EPOLL_CTL_ADD, s.lfd, &ev);
	ev.data.ptr = &s.sigfd;
	epoll_ctl(s.epfd, EPOLL_CTL_ADD, s.sigfd, &ev);
	ev.data.ptr = &s.timerfd;
	epoll_ctl(s.epfd, EPOLL_CTL_ADD, s.timerfd, &ev);
	s.last_activity = now();
	fprintf(stderr, "omgd: serving %s (%s) on %s, pid %d\n", engine_root(e),
		engine_backend_name(e), o->socket, (int)getpid());
	while (!s.stop) {
		struct epoll_event evs[64];
		int n = epoll_wait(s.epfd, evs, 64, -1);
		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			void *tag = evs[i].data.ptr;
			if (tag == &s.lfd) {
				on_accept(&s);
			} else if (tag == &s.sigfd) {
				struct signalfd_siginfo si;
				while (read(s.sigfd, &si, sizeof(si)) == sizeof(si))
					if (si.ssi_signo != SIGHUP)
						s.stop = 1;
			} else if (tag == &s.timerfd) {
				uint64_t ticks;
				while (read(s.timerfd, &ticks, sizeof(ticks)) == sizeof(ticks)) {
				}
				reap_stalled(&s);
				if (o->idle_seconds && !s.nconns &&
				    now() - s.last_activity > o->idle_seconds) {
					fprintf(stderr, "omgd: idle for %u s, exiting\n", o->idle_seconds);
					s.stop = 1;
				}
			} else {
				struct conn *c = tag;
				if (evs[i].events & (EPOLLERR | EPOLLHUP) && !(evs[i].events & EPOLLIN)) {
					drop(&s, c);
					continue;
				}
				if ((evs[i].events & EPOLLOUT) && flush(&s, c) != 0)
					continue;
				if (evs[i].events & EPOLLIN)
					on_readable(&s, c);
			}
		}
	}
	rc = 0;
out:
	while (s.conns)
		drop(&s, s.conns);
	if (s.lfd >= 0) {
		close(s.lfd);
		unlink(o->socket);
	}
	if (s.epfd >= 0)
		close(s.epfd);
	if (s.sigfd >= 0)
		close(s.sigfd);
	if (s.timerfd >= 0)
		close(s.timerfd);
	return rc;
}
