/* SPDX-License-Identifier: MIT */
/* The engine's advisory data in the server: opening it, the refresh thread, the requests that
 * wait for a refresh (omg vulns --refresh), and the join kept in step with the index. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "engine/backend/backend.h"
#include "engine/cache.h"
#include "engine/security/security.h"
#include "engine/server-int.h"
#include "ipc/codec.h"
#include "util/strpool.h"
#include "util/thread.h"

void server_security_open(struct server *s)
{
	struct config defaults;
	const char *no_store = getenv("OMG_NO_STORE"); /* nothing kept on disk */
	if (!s->o.config)
		config_defaults(&defaults);
	struct security_opts so = {
		.root = engine_root(s->e),
		.backend = engine_backend_name(s->e),
		.store_dir = no_store && *no_store ? NULL : s->o.data_dir,
		.cfg = s->o.config ? s->o.config : &defaults,
		.be = engine_backend(s->e),
	};
	s->sec = security_open(&so);
	server_security_sync(s);
}

void server_security_sync(struct server *s)
{
	if (s->sec)
		security_update(s->sec, engine_index(s->e), engine_generation(s->e));
}

static void *refresh_main(void *arg)
{
	struct server *s = arg;
	security_refresh_run(s->sec);
	uint64_t one = 1;
	(void)!write(s->secfd, &one, sizeof(one));
	return NULL;
}

void server_security_start(struct server *s)
{
	if (!s->sec || security_refreshing(s->sec) || s->secfd < 0)
		return;
	uint64_t now = (uint64_t)time(NULL);
	struct msg_vulns_reply r;
	security_describe(s->sec, now, &r);
	if (r.state == VULNS_OFF)
		return;
	security_set_refreshing(s->sec, 1);
	int rc = thread_start(&s->sec_thread, refresh_main, s);
	if (rc != 0) {
		security_set_refreshing(s->sec, 0);
		fprintf(stderr, "omgd: cannot refresh advisories: %s\n", strerror(rc));
		s->sec_done++; /* a waiting request gets the old data and no hang */
		server_client_release_held(s);
	}
}

void server_security_done(struct server *s)
{
	uint64_t v;
	while (read(s->secfd, &v, sizeof(v)) > 0) {
	}
	if (!s->sec || !security_refreshing(s->sec))
		return;
	pthread_join(s->sec_thread, NULL);
	security_refresh_done(s->sec);
	s->sec_done++;
	server_security_sync(s);
	cache_clear(s->cache); /* replies carry the advisory flags */
	server_refresh_notify(s);
	server_refresh_snapshot(s, 0);
	server_client_release_held(s);
}

void server_security_tick(struct server *s)
{
	if (s->sec && security_refresh_due(s->sec, (uint64_t)time(NULL)))
		server_security_start(s);
}

int server_security_waits(struct server *s, struct conn *c, const uint8_t *p, size_t len)
{
	struct msg_header h = {0};
	codec_peek_header(p, len, &h);
	if (h.type != MSG_VULNS || !c->hello || !s->sec)
		return 0;
	if (c->sec_wait) {
		if (s->sec_done < c->sec_wait)
			return 1;
		c->sec_wait = 0; /* the refresh it asked for has ended: answer */
		return 0;
	}
	struct strpool *arena = strpool_new();
	struct msg m;
	char err[64];
	int refresh = codec_decode(p, len, &m, arena, err, sizeof(err)) == CODEC_OK &&
		      (m.u.vulns.flags & VULNS_REFRESH);
	strpool_free(arena);
	if (!refresh)
		return 0;
	struct msg_vulns_reply r;
	security_describe(s->sec, (uint64_t)time(NULL), &r);
	if (r.state == VULNS_OFF)
		return 0; /* nothing to fetch: the reply says why */
	/* A refresh that is already running started before this request:
	 * wait for it and one more, so the answer is at least as new as the ask. */
	c->sec_wait = s->sec_done + (security_refreshing(s->sec) ? 2 : 1);
	if (!security_refreshing(s->sec))
		server_security_start(s);
	return 1;
}

void server_security_close(struct server *s)
{
	if (!s->sec)
		return;
	if (security_refreshing(s->sec)) {
		security_cancel(s->sec); /* a stop does not wait for a slow server */
		pthread_join(s->sec_thread, NULL);
		security_refresh_done(s->sec);
	}
	security_close(s->sec);
	s->sec = NULL;
}
