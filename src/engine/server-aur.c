/* SPDX-License-Identifier: MIT */
/* The engine's AUR requests: each runs on a worker thread while its connection waits and every
 * other client is answered; what the AUR says of the foreign packages, kept fresh. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "engine/aur/install.h"
#include "engine/aur/svc.h"
#include "engine/cache.h"
#include "engine/query.h"
#include "engine/server-int.h"
#include "engine/service-int.h"
#include "ipc/codec.h"
#include "util/strpool.h"
#include "util/thread.h"
#include "util/xalloc.h"

/* Workers running at once; a request beyond them is told to retry. */
#define JOBS_MAX 16

/* One request on a worker, or the look at the foreign packages. */
struct aur_job {
	struct server *s;
	struct conn *c;        /* who waits; NULL once it went away (or the foreign look) */
	struct buf frame;      /* the request, decoded again on the worker */
	uint32_t uid;
	int32_t pid;
	pthread_t thread;
	int done;              /* written by the worker, read by the loop */
	struct aur_answer ans;
	/* the foreign look */
	char **names;
	size_t nnames;
	struct aur_foreign *foreign;
	uint64_t gen;          /* the foreign look: the index generation it asked for */
	int listed;            /* in s->aur_jobs (until the loop has seen it end) */
	struct aur_job *next;
};

static void *job_main(void *arg)
{
	struct aur_job *j = arg;
	if (j->names) {
		j->foreign = aur_foreign_fetch(j->s->aur, (const char *const *)j->names, j->nnames);
	} else {
		struct strpool *arena = strpool_new();
		struct msg m;
		char err[128];
		if (codec_decode((const uint8_t *)j->frame.p, j->frame.len, &m, arena, err,
				 sizeof(err)) == CODEC_OK)
			aur_svc_run(j->s->aur, &m, j->uid, j->pid, &j->ans);
		strpool_free(arena);
	}
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
	uint64_t one = 1;
	(void)!write(j->s->aurfd, &one, sizeof(one));
	return NULL;
}

static void job_free(struct aur_job *j)
{
	buf_free(&j->frame);
	aur_answer_free(&j->ans);
	for (size_t i = 0; i < j->nnames; i++)
		free(j->names[i]);
	free(j->names);
	aur_foreign_free(j->foreign);
	free(j);
}

static int start_job(struct server *s, struct aur_job *j)
{
	unsigned n = 0;
	for (struct aur_job *k = s->aur_jobs; k; k = k->next)
		n++;
	if (n >= JOBS_MAX)
		return -1;
	int rc = thread_start(&j->thread, job_main, j);
	if (rc != 0) {
		fprintf(stderr, "omgd: cannot ask the AUR: %s\n", strerror(rc));
		return -1;
	}
	j->next = s->aur_jobs;
	s->aur_jobs = j;
	j->listed = 1;
	return 0;
}

void server_aur_open(struct server *s)
{
	struct config defaults;
	if (!s->o.config)
		config_defaults(&defaults);
	const char *no_store = getenv("OMG_NO_STORE");
	struct aur_svc_opts ao = {
		.cfg = s->o.config ? s->o.config : &defaults,
		.data_dir = no_store && *no_store ? NULL : s->o.data_dir,
	};
	s->aur = aur_svc_open(engine_backend_name(s->e), &ao);
	if (s->aur && (s->aurfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		fprintf(stderr, "omgd: eventfd: %s (the AUR is off)\n", strerror(errno));
		aur_svc_close(s->aur);
		s->aur = NULL;
	}
}

/* The installed foreign packages' names (caller frees each and the array). */
static char **foreign_names(struct server *s, size_t *n)
{
	const struct index *ix = engine_index(s->e);
	struct ids ids = {0};
	query_list(ix, LIST_FOREIGN, &ids);
	char **v = xmalloc((ids.n ? ids.n : 1) * sizeof(*v));
	for (size_t i = 0; i < ids.n; i++)
		v[i] = xstrdup(index_get(ix, ids.v[i])->name);
	*n = ids.n;
	ids_free(&ids);
	return v;
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Whether the foreign look is current: the same packages, younger than [aur] cache. */
static int foreign_current(struct server *s)
{
	if (!s->aur_foreign)
		return 0;
	uint64_t age = (uint64_t)time(NULL) - aur_foreign_time(s->aur_foreign);
	if (age >= aur_svc_config(s->aur)->aur_cache)
		return 0;
	uint64_t gen = engine_generation(s->e);
	if (s->aur_foreign_gen == gen)
		return 1; /* the same index: the same foreign packages, no walk */
	size_t n;
	char **names = foreign_names(s, &n);
	int same = aur_foreign_same(s->aur_foreign, (const char *const *)names, n);
	free_names(names, n);
	if (same)
		s->aur_foreign_gen = gen;
	return same;
}

/* Starts the look at the foreign packages unless one runs. 0 started or
 * running, -1 when there is nothing to look at or no worker. */
static int start_foreign(struct server *s)
{
	if (s->foreign_job)
		return 0;
	struct aur_job *j = xcalloc(1, sizeof(*j));
	j->s = s;
	j->gen = engine_generation(s->e);
	j->names = foreign_names(s, &j->nnames);
	if (!j->nnames) {
		job_free(j);
		return -1;
	}
	if (start_job(s, j) != 0) {
		job_free(j);
		return -1;
	}
	s->foreign_job = j;
	return 0;
}

int server_aur_mutates(const struct msg *m)
{
	/* A review writes the engine's build directory, an approval or a decline what it
	 * will build: the system engine's are for root and its admin group only. */
	return m->h.type == MSG_AUR && (m->u.aur.op == AUR_REQ_REVIEW ||
					m->u.aur.op == AUR_REQ_APPROVE ||
					m->u.aur.op == AUR_REQ_DECLINE);
}

int server_aur_waits(struct server *s, struct conn *c, const uint8_t *p, size_t len)
{
	struct msg_header h = {0};
	codec_peek_header(p, len, &h);
	if (!c->hello || !s->aur)
		return 0;
	if (h.type == MSG_LIST || h.type == MSG_PLAN) {
		/* upgradable and foreign show what the AUR says, and an upgrade takes what it
		 * has newer: wait for a current look. */
		if (c->aur_foreign_wait) {
			if (s->foreign_job)
				return 1;
			c->aur_foreign_wait = 0;
			return 0;
		}
		struct strpool *arena = strpool_new();
		struct msg m;
		char err[64];
		int ok = codec_decode(p, len, &m, arena, err, sizeof(err)) == CODEC_OK;
		int want = ok && (h.type == MSG_LIST ?
				  m.u.list.kind == LIST_UPGRADABLE || m.u.list.kind == LIST_FOREIGN :
				  m.u.plan.kind == TRANS_UPGRADE && !(m.u.plan.flags & TRANS_NO_AUR));
		strpool_free(arena);
		if (!want || foreign_current(s) || start_foreign(s) != 0)
			return 0;
		c->aur_foreign_wait = 1;
		return 1;
	}
	if (h.type != MSG_AUR)
		return 0;
	if (c->aur_job)
		return c->aur_job->listed; /* until server_aur_done has joined and unlinked it:
					    * another release of held connections may come first */
	struct strpool *arena = strpool_new();
	struct msg m;
	char err[64];
	int now = codec_decode(p, len, &m, arena, err, sizeof(err)) != CODEC_OK ||
		  aur_svc_cached(s->aur, &m) ||
		  (server_aur_mutates(&m) && !server_client_may_mutate(s, c->uid));
	strpool_free(arena);
	if (now)
		return 0; /* answered now: from the cache, the decoder's error, or refused */
	struct aur_job *j = xcalloc(1, sizeof(*j));
	j->s = s;
	j->c = c;
	j->uid = (uint32_t)c->uid;
	j->pid = (int32_t)c->pid;
	buf_append(&j->frame, p, len);
	if (start_job(s, j) != 0) {
		job_free(j);
		return 0; /* handled now: told to retry */
	}
	c->aur_job = j;
	return 1;
}

/* Unlinks j from the jobs list. */
static void unlink_job(struct server *s, struct aur_job *j)
{
	for (struct aur_job **pp = &s->aur_jobs; *pp; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			j->listed = 0;
			return;
		}
}

void server_aur_done(struct server *s)
{
	uint64_t v;
	while (read(s->aurfd, &v, sizeof(v)) > 0) {
	}
	int release = 0;
	for (struct aur_job *j = s->aur_jobs, *next; j; j = next) {
		next = j->next;
		if (!__atomic_load_n(&j->done, __ATOMIC_ACQUIRE))
			continue;
		pthread_join(j->thread, NULL);
		unlink_job(s, j);
		j->next = NULL;
		if (j == s->foreign_job) {
			s->foreign_job = NULL;
			aur_foreign_free(s->aur_foreign);
			s->aur_foreign = j->foreign;
			s->aur_foreign_gen = j->gen;
			j->foreign = NULL;
			if (aur_foreign_error(s->aur_foreign)[0])
				fprintf(stderr, "omgd: %s\n", aur_foreign_error(s->aur_foreign));
			cache_clear(s->cache); /* list replies carry what the AUR says */
			job_free(j);
			release = 1;
		} else if (j->c) {
			release = 1; /* the connection takes its answer when it goes on */
		} else {
			job_free(j);
		}
	}
	if (release)
		server_client_release_held(s);
}

void server_aur_reply(struct server *s, struct conn *c, const struct msg *m,
		      const struct service_env *env, service_emit emit)
{
	struct aur_job *j = c->aur_job;
	c->aur_job = NULL;
	const char *off = NULL;
	struct aur_answer now;
	const struct aur_answer *ans = NULL;
	if (!s->aur) {
		struct config defaults;
		if (!s->o.config)
			config_defaults(&defaults);
		off = aur_svc_off_reason(engine_backend_name(s->e),
					 s->o.config ? s->o.config : &defaults);
		if (!off)
			off = "the AUR is off for this engine";
	} else if (j) {
		ans = &j->ans;
	} else if (aur_svc_cached(s->aur, m)) {
		aur_svc_run(s->aur, m, (uint32_t)c->uid, (int32_t)c->pid, &now); /* a cache hit */
		ans = &now;
	} else {
		struct msg r;
		memset(&r, 0, sizeof(r));
		r.h.type = MSG_ERROR;
		r.h.id = m->h.id;
		r.u.error.code = ERR_BUSY;
		r.u.error.message = "too many requests to the AUR at once; try again";
		emit(c, &r);
		return;
	}
	service_aur_reply(m, ans, off, engine_index(s->e), env, emit, c);
	if (ans == &now)
		aur_answer_free(&now);
	if (j)
		job_free(j);
}

void server_aur_conn_gone(struct server *s, struct conn *c)
{
	(void)s;
	if (c->aur_job) {
		if (c->aur_job->listed)
			c->aur_job->c = NULL; /* server_aur_done frees it once it ends */
		else
			job_free(c->aur_job); /* ended and kept for c: nobody else will */
		c->aur_job = NULL;
	}
}

int server_aur_split(struct server *s, struct msg_plan *req, const char ***official,
		     struct aur_txn **aur, uid_t uid)
{
	*official = NULL;
	*aur = NULL;
	if (req->flags & TRANS_NO_AUR)
		return 0;
	const struct index *ix = engine_index(s->e);
	struct aur_world *w = aur_world_from_index(ix);
	const char **mine = xcalloc(req->targets.n + 1, sizeof(*mine));
	const char **rest = xcalloc(req->targets.n + 1, sizeof(*rest));
	size_t nmine = 0, nrest = 0;
	if (req->kind == TRANS_INSTALL) {
		for (uint32_t i = 0; i < req->targets.n; i++) {
			const char *t = req->targets.v[i];
			if (!strchr(t, '/') && !aur_world_knows(w, t))
				mine[nmine++] = t;
			else
				rest[nrest++] = t;
		}
	} else if (req->kind == TRANS_APPLY) {
		/* The UI's marks: '+' on a name nothing here has, or on a foreign package
		 * the AUR has newer, is the AUR's; the other marks stay the backend's. */
		struct ids up = {0};
		if (s->aur_foreign) {
			struct service_env env;
			memset(&env, 0, sizeof(env));
			env.aur_foreign = s->aur_foreign;
			service_aur_upgradable(ix, &env, &up);
		}
		for (uint32_t i = 0; i < req->targets.n; i++) {
			const char *t = req->targets.v[i];
			int newer = 0;
			for (size_t k = 0; k < up.n && !newer; k++)
				newer = !strcmp(index_get(ix, up.v[k])->name, t + 1);
			if (t[0] == APPLY_INSTALL && (newer || !aur_world_knows(w, t + 1)))
				mine[nmine++] = t + 1;
			else
				rest[nrest++] = t;
		}
		ids_free(&up);
	} else if (s->aur_foreign) {
		/* An upgrade: the foreign packages the AUR has newer (IgnorePkg apart), after
		 * the repositories' upgrade. */
		struct ids ids = {0};
		struct service_env env;
		memset(&env, 0, sizeof(env));
		env.aur_foreign = s->aur_foreign;
		service_aur_upgradable(ix, &env, &ids);
		for (size_t i = 0; i < ids.n; i++)
			mine[nmine++] = index_get(ix, ids.v[i])->name;
		ids_free(&ids);
		for (uint32_t i = 0; i < req->targets.n; i++)
			rest[nrest++] = req->targets.v[i];
	}
	if (!nmine) {
		aur_world_free(w);
		free(mine);
		free(rest);
		return 0;
	}
	*aur = aur_txn_new(s->aur, w, mine, nmine, (uint32_t)uid, engine_root(s->e));
	free(mine);
	req->targets = (struct strlist){rest, (uint32_t)nrest};
	*official = rest;
	return 0;
}

void server_aur_close(struct server *s)
{
	if (!s->aur)
		return;
	aur_svc_cancel(s->aur);
	for (struct aur_job *j = s->aur_jobs, *next; j; j = next) {
		next = j->next;
		pthread_join(j->thread, NULL);
		if (j->c)
			j->c->aur_job = NULL;
		job_free(j);
	}
	s->aur_jobs = NULL;
	s->foreign_job = NULL;
	aur_foreign_free(s->aur_foreign);
	s->aur_foreign = NULL;
	aur_svc_close(s->aur);
	s->aur = NULL;
	if (s->aurfd >= 0)
		close(s->aurfd);
	s->aurfd = -1;
}
