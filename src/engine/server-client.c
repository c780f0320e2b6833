/* SPDX-License-Identifier: MIT */
/* The server's connections: accept, peer credentials, handshake, frames, rate limits, bounded output. */
#include "engine/server-int.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/audit.h"
#include "engine/cache.h"
#include "ipc/codec.h"
#include "util/strpool.h"
#include "util/xalloc.h"

/* Sets c's epoll interest from its state (held: no input; want_out: output). */
static void update_events(struct server *s, struct conn *c)
{
	struct epoll_event ev = {.events = (c->held ? 0u : EPOLLIN) | (c->want_out ? EPOLLOUT : 0u),
				 .data.ptr = c};
	epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/*
 * Unlinks and closes a connection. It is freed by server_client_reap() after
 * the batch of events: a later event of the same batch may still name it (a
 * broadcast that drops a client whose hang-up is queued behind it), and must
 * find it dead, not freed.
 */
void server_client_drop(struct server *s, struct conn *c)
{
	if (c->dead)
		return;
	c->dead = 1;
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
	c->dead_next = s->dead;
	s->dead = c;
	s->nconns--;
	s->last_activity = server_now();
	server_txn_client_gone(s, c);
	server_aur_conn_gone(s, c);
}

/* Frees the connections dropped since the last call (the list s->dead owns them). */
void server_client_reap(struct server *s)
{
	while (s->dead) {
		struct conn *c = s->dead;
		s->dead = c->dead_next;
		free(c);
	}
}

/* Writes what it can of c's output, arming EPOLLOUT for the rest and timing a
 * stall; closes c once a closing one is flushed. Returns -1 if c was dropped. */
int server_client_flush(struct server *s, struct conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n = send(c->fd, c->out.p + c->out_off, c->out.len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (!c->stalled_since)
					c->stalled_since = server_now();
				if (!c->want_out) {
					c->want_out = 1;
					update_events(s, c);
				}
				return 0;
			}
			server_client_drop(s, c);
			return -1;
		}
		c->out_off += (size_t)n;
		c->stalled_since = 0;
	}
	buf_reset(&c->out);
	c->out_off = 0;
	c->stalled_since = 0;
	if (c->want_out) {
		c->want_out = 0;
		update_events(s, c);
	}
	if (c->closing) {
		server_client_drop(s, c);
		return -1;
	}
	return 0;
}

/* Encodes m onto c's output (m is borrowed for the call). */
void server_client_queue(struct conn *c, const struct msg *m)
{
	codec_encode(&c->out, m);
}

/* Queues an error for request id onto c's output (text is borrowed for the call). */
void server_client_queue_error(struct conn *c, uint32_t id, uint32_t code, const char *text)
{
	struct msg m;
	codec_error(&m, id, code, text);
	server_client_queue(c, &m);
}

/* Queues ok for request id onto c's output. */
void server_client_queue_ok(struct conn *c, uint32_t id)
{
	struct msg r;
	memset(&r, 0, sizeof(r));
	r.h.type = MSG_OK;
	r.h.id = id;
	server_client_queue(c, &r);
}

/* Writes id into every frame header of out from offset start on. */
static void patch_ids(struct buf *out, size_t start, uint32_t id)
{
	uint8_t *p = (uint8_t *)out->p;
	for (size_t off = start; off + OMG_FRAME_LEN_SIZE + OMG_HEADER_SIZE <= out->len;) {
		size_t len = (size_t)p[off] << 24 | (size_t)p[off + 1] << 16 |
			     (size_t)p[off + 2] << 8 | p[off + 3];
		codec_set_id(p + off + OMG_FRAME_LEN_SIZE, id);
		off += OMG_FRAME_LEN_SIZE + len;
	}
}

/* Copies whole frames (len bytes at p, borrowed) onto c's output, each with id as its request id. */
void server_client_queue_frames(struct conn *c, const void *p, size_t len, uint32_t id)
{
	size_t start = c->out.len;
	buf_append(&c->out, p, len);
	patch_ids(&c->out, start, id);
}

/* service_emit into a connection (ctx): the reply is encoded at once. */
static void emit_conn(void *ctx, const struct msg *reply)
{
	server_client_queue(ctx, reply);
}

/* Takes one token from c's bucket (refilled at o.rate up to o.burst); 0 when it is empty. */
static int take_token(struct server *s, struct conn *c)
{
	double t = server_now();
	c->tokens += (t - c->last) * s->o.rate;
	if (c->tokens > s->o.burst)
		c->tokens = s->o.burst;
	c->last = t;
	if (c->tokens < 1)
		return 0;
	c->tokens -= 1;
	return 1;
}

/* Non-zero if uid is root or, in system mode, a member of the admin group
 * (user mode: the engine's own user too). Reads the group database. */
int server_client_may_mutate(const struct server *s, uid_t uid)
{
	if (uid == 0)
		return 1;
	if (!s->o.system)
		return uid == getuid();
	return server_client_is_admin(s, uid);
}

int server_client_is_admin(const struct server *s, uid_t uid)
{
	if (uid == 0)
		return 1;
	if (s->o.admin_gid == (gid_t)-1)
		return 0;
	struct passwd *pw = getpwuid(uid);
	if (!pw)
		return 0;
	gid_t groups[256];
	int n = 256;
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		n = 256; /* more groups than we look at: check those we have */
	for (int i = 0; i < n; i++)
		if (groups[i] == s->o.admin_gid)
			return 1;
	return 0;
}

/* The handshake: hello_ok with the version both speak, or an error and a close. */
static void handle_hello(struct server *s, struct conn *c, const struct msg *m)
{
	if (m->h.type != MSG_HELLO) {
		server_client_queue_error(c, m->h.id, ERR_VERSION, "the first message must be hello");
		c->closing = 1;
		return;
	}
	uint32_t lo = m->u.hello.min_version, hi = m->u.hello.max_version;
	if (lo > OMG_PROTO_VERSION || hi < OMG_PROTO_MIN_VERSION || lo > hi) {
		char text[160];
		snprintf(text, sizeof(text),
			 "no protocol version in common: client speaks %u-%u, engine %u-%u", lo, hi,
			 OMG_PROTO_MIN_VERSION, OMG_PROTO_VERSION);
		server_client_queue_error(c, m->h.id, ERR_VERSION, text);
		c->closing = 1;
		return;
	}
	c->hello = 1;
	struct msg r;
	memset(&r, 0, sizeof(r));
	r.h.type = MSG_HELLO_OK;
	r.h.id = m->h.id;
	r.u.hello_ok.version = hi < OMG_PROTO_VERSION ? hi : OMG_PROTO_VERSION;
	r.u.hello_ok.frame_max = (uint32_t)s->o.frame_max;
	r.u.hello_ok.pid = (uint32_t)getpid();
	r.u.hello_ok.generation = engine_generation(s->e);
	r.u.hello_ok.backend = engine_backend_name(s->e);
	r.u.hello_ok.root = engine_root(s->e);
	server_client_queue(c, &r);
}

/* Refuses a mutating request from a client that may not mutate: logged,
 * audited and answered with ERR_DENIED. */
static void refuse(struct server *s, struct conn *c, const struct msg *m)
{
	char text[256];
	const char *what = m->h.type != MSG_AUR ? codec_type_name(m->h.type) :
			   m->u.aur.op == AUR_REQ_REVIEW ? "reviewing AUR build files" :
							  "approving AUR build files";
	if (s->o.system && s->o.admin_group)
		snprintf(text, sizeof(text), "%s needs root or membership of group '%s'", what,
			 s->o.admin_group);
	else
		snprintf(text, sizeof(text), "%s needs root", what);
	fprintf(stderr, "omgd: refused %s from uid %u (pid %d): %s\n", codec_type_name(m->h.type),
		(unsigned)c->uid, (int)c->pid, text);
	if (s->audit) {
		char detail[512];
		snprintf(detail, sizeof(detail), "%s%s%s: %s", codec_type_name(m->h.type),
			 m->h.type == MSG_PLAN && m->u.plan.command ? " " : "",
			 m->h.type == MSG_PLAN && m->u.plan.command ? m->u.plan.command : "", text);
		audit_append(s->audit, (uint32_t)c->uid, (int32_t)c->pid, "refused", detail);
	}
	server_client_queue_error(c, m->h.id, ERR_DENIED, text);
}

/* Non-zero for the transaction messages any peer may send: a dry-run plan
 * (no lock, never committed) and a cancel, which names a plan of its own. */
static int reads_only(const struct msg *m)
{
	return (m->h.type == MSG_PLAN && (m->u.plan.flags & TRANS_DRY_RUN)) ||
	       m->h.type == MSG_CANCEL;
}

/* Handles one decoded message from c (m borrowed for the call): the
 * handshake, transactions, subscribe, and the service's requests. */
static void handle(struct server *s, struct conn *c, const struct msg *m)
{
	if (!c->hello) {
		handle_hello(s, c, m);
		return;
	}
	if (((m->h.type >= MSG_PLAN && m->h.type <= MSG_ATTACH && !reads_only(m)) ||
	     server_aur_mutates(m)) && !server_client_may_mutate(s, c->uid)) {
		refuse(s, c, m);
		return;
	}
	if (server_txn_handle(s, c, m))
		return;
	if (m->h.type == MSG_SUBSCRIBE) {
		c->sub_id = m->h.id;
		c->sub_what = m->u.subscribe.what;
		server_client_queue_ok(c, m->h.id);
		if (c->sub_what & 1)
			server_refresh_status_event(s, c); /* where things stand, before any change */
		return;
	}
	struct service_env env;
	server_env(s, &env);
	if (m->h.type == MSG_AUR)
		server_aur_reply(s, c, m, &env, emit_conn);
	else
		service_request(s->e, m, &env, emit_conn, c);
}

/* Whether replies to a request of this type may come from the L1 cache. */
static int cacheable(uint16_t type)
{
	return type == MSG_SEARCH || type == MSG_INFO || type == MSG_LIST;
}

/* Answers one message (len bytes at p, borrowed) from c: from the cache when
 * the same request was answered at this generation, otherwise decoded (in an
 * arena freed here) and served. */
static void handle_frame(struct server *s, struct conn *c, const uint8_t *p, size_t len)
{
	struct msg_header h = {0};
	codec_peek_header(p, len, &h); /* a short one stays zero: codec_decode reports it */
	uint32_t id = h.id;
	int use_cache = c->hello && cacheable(h.type) && s->o.cache_bytes;
	if (c->hello)
		s->requests++;
	if (c->hello && !take_token(s, c)) {
		server_client_queue_error(c, id, ERR_BUSY, "too many requests; slow down");
		return;
	}
	if (use_cache) {
		/* The key is the message without its id. */
		buf_reset(&s->key);
		buf_append(&s->key, p, 4);
		buf_append(&s->key, p + 8, len - 8);
		size_t vlen;
		const void *v = cache_get(s->cache, s->key.p, s->key.len, engine_generation(s->e),
					  server_now(), &vlen);
		if (v) {
			server_client_queue_frames(c, v, vlen, id);
			return;
		}
	}
	struct strpool *arena = strpool_new();
	struct msg m;
	char err[256];
	size_t start = c->out.len;
	enum codec_result rc = codec_decode(p, len, &m, arena, err, sizeof(err));
	if (rc == CODEC_OK)
		handle(s, c, &m);
	else
		server_client_queue_error(c, m.h.id,
					  rc == CODEC_UNKNOWN_TYPE ? ERR_UNKNOWN_TYPE : ERR_MALFORMED,
					  err);
	strpool_free(arena);
	if (use_cache && rc == CODEC_OK)
		cache_put(s->cache, s->key.p, s->key.len, engine_generation(s->e), c->out.p + start,
			  c->out.len - start, server_now());
}

/* Answers every complete request buffered for c, unless the index is stale:
 * then c is held until the refresh ends. Drops c when its unread output
 * exceeds out_max. Returns -1 if c was dropped. */
static int process(struct server *s, struct conn *c)
{
	const uint8_t *p;
	size_t len;
	enum frame_result fr = FRAME_NEED_MORE;
	while (!c->closing && (fr = frame_next(&c->in, &p, &len)) == FRAME_READY) {
		if ((server_refresh_stale(s) && c->hello && !s->txn) ||
		    server_txn_plan_waits(s, c, p, len) || server_security_waits(s, c, p, len) ||
		    server_aur_waits(s, c, p, len)) {
			if (!c->held) {
				c->held = 1;
				update_events(s, c);
			}
			break;
		}
		handle_frame(s, c, p, len);
		frame_consume(&c->in);
	}
	if (!c->closing && fr == FRAME_TOO_BIG) {
		/* Framing is lost: say why, then close. */
		server_client_queue_error(c, 0, ERR_MALFORMED, "frame larger than the engine accepts");
		c->closing = 1;
	}
	if (c->out.len > s->o.out_max) {
		server_client_drop(s, c); /* not reading its replies */
		return -1;
	}
	if ((c->out.len || c->closing) && server_client_flush(s, c) != 0)
		return -1;
	return 0;
}

/* Reads from c (no more than its frame reader holds) and answers every complete request. */
static void on_readable(struct server *s, struct conn *c)
{
	char tmp[65536];
	for (;;) {
		size_t room = frame_room(&c->in);
		if (!room || c->held)
			break;
		ssize_t n = recv(c->fd, tmp, room < sizeof(tmp) ? room : sizeof(tmp), MSG_DONTWAIT);
		if (n == 0) {
			server_client_drop(s, c);
			return;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			server_client_drop(s, c);
			return;
		}
		frame_feed(&c->in, tmp, (size_t)n);
		s->last_activity = server_now();
		if (process(s, c) != 0 || c->closing)
			return;
	}
}

/* Handles epoll events for c: a hang-up with nothing to read drops it, room
 * for output flushes it, input is read and answered. */
void server_client_event(struct server *s, struct conn *c, uint32_t events)
{
	if (c->dead)
		return; /* dropped earlier in this batch */
	if (events & (EPOLLERR | EPOLLHUP) && !(events & EPOLLIN)) {
		server_client_drop(s, c);
		return;
	}
	if ((events & EPOLLOUT) && server_client_flush(s, c) != 0)
		return;
	if (events & EPOLLIN)
		on_readable(s, c);
}

/* Accepts every pending connection, identified by SO_PEERCRED; the struct
 * conn is owned by s->conns. Another user (user mode) or one client too many
 * is told why and closed. */
void server_client_accept(struct server *s)
{
	for (;;) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct ucred cred;
		socklen_t clen = sizeof(cred);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) != 0) {
			close(fd);
			continue;
		}
		struct conn *c = xcalloc(1, sizeof(*c));
		c->fd = fd;
		frame_reader_init(&c->in, s->o.frame_max);
		c->tokens = s->o.burst;
		c->last = server_now();
		c->uid = cred.uid;
		c->pid = cred.pid;
		c->next = s->conns;
		s->conns = c;
		s->nconns++;
		s->last_activity = server_now();
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
		epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev);
		/* User mode: only the engine's own user (and root) may connect.
		 * System mode: anyone local may read; mutations are checked. */
		if (!s->o.system && c->uid != getuid() && c->uid != 0) {
			fprintf(stderr, "omgd: refused uid %u (pid %d): not the engine's user\n",
				(unsigned)c->uid, (int)c->pid);
			server_client_queue_error(c, 0, ERR_DENIED, "this engine serves another user");
			c->closing = 1;
			server_client_flush(s, c);
		} else if (s->nconns > s->o.max_clients) {
			server_client_queue_error(c, 0, ERR_BUSY, "too many clients");
			c->closing = 1;
			server_client_flush(s, c);
		}
	}
}

/* Lets held connections go on, now that the index caught up: answers what
 * they buffered, then reads more. */
void server_client_release_held(struct server *s)
{
	for (struct conn *c = s->conns, *next; c; c = next) {
		next = c->next;
		if (!c->held || c->dead)
			continue;
		c->held = 0;
		update_events(s, c);
		if (process(s, c) == 0 && !c->held && !c->closing)
			on_readable(s, c);
	}
}

/* The timer: drops clients whose output has not moved for stall_seconds,
 * then lets plans that waited lock_seconds through (to be refused). */
void server_client_tick(struct server *s)
{
	double t = server_now();
	for (struct conn *c = s->conns, *next; c; c = next) {
		next = c->next;
		if (!c->dead && c->stalled_since && t - c->stalled_since > s->o.stall_seconds)
			server_client_drop(s, c);
	}
	t = server_now();
	for (struct conn *c = s->conns, *next; c; c = next) {
		next = c->next;
		if (!c->dead)
			server_txn_wait_tick(s, c, t);
		if (!c->dead && c->held && c->plan_wait && t - c->plan_wait >= s->o.lock_seconds) {
			c->held = 0;
			update_events(s, c);
			process(s, c);
		}
	}
}
