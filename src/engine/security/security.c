/* SPDX-License-Identifier: MIT */
/* The engine's advisory data: which feed this root reads, the copy kept in LMDB, the refresh
 * (a conditional GET through the fetch module), and the join with the index. */
#include "engine/security/security.h"

#include <errno.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/dbenv.h"
#include "engine/net/net.h"
#include "util/osrel.h"
#include "util/xalloc.h"
#include "util/xdg.h"

#define MAP_SIZE ((size_t)4 << 30) /* address space only; the file grows as used */
/* The stored value: the Unix time the server last confirmed the feed (200 or
 * 304), then the feed's blob (feed_serialize). */
#define CHECKED_SIZE 8

/* A feed and the references the policy's threads hold on it. */
struct held {
	struct feed *f;
	unsigned refs; /* the current one holds one reference of its own */
	struct held *next;
};

struct security {
	uint32_t kind;          /* enum feed_kind, 0: no feed for this root */
	char *url;              /* the feed's URL (debian: the base and the codename) */
	char *release;          /* debian: the codename */
	char off_why[256];      /* kind 0: why */
	struct config cfg;
	const struct backend *be;
	vulns_vercmp vercmp;    /* loaded from be's module on first need */
	int vercmp_failed;
	MDB_env *env;           /* the feed's copy; NULL when it cannot be kept */
	MDB_dbi dbi;
	pthread_mutex_t mu;     /* guards cur, held and the references */
	struct held *cur;       /* NULL: no data */
	struct held *old;       /* swapped out, still referenced */
	uint64_t checked;       /* Unix time the server last confirmed the data */
	uint64_t tried;         /* Unix time of the last refresh attempt (0: none yet) */
	char error[512];        /* why the last refresh failed, "" */
	uint64_t feed_seq;      /* bumps with each new feed */
	/* the join */
	struct vulns *vs;
	uint64_t vs_gen, vs_seq;
	const struct index *vs_ix;
	/* the refresh: written by the worker until security_refresh_done */
	int refreshing;
	int cancel;             /* set (atomically) to stop a running fetch: closing */
	int quiet;              /* no log line for a failed refresh */
	struct feed *r_feed;    /* a new feed, or NULL */
	int r_not_modified;
	uint64_t r_checked;
	char r_error[512];
};

/* Which feed this root reads, from the backend, the config and os-release. */
static void choose_feed(struct security *s, const struct security_opts *o)
{
	if (strcmp(o->backend, "alpm") == 0) {
		s->kind = FEED_ARCH;
		s->url = xstrdup(o->cfg->arch_url);
		s->release = xstrdup("");
		return;
	}
	if (strcmp(o->backend, "apt") != 0) {
		snprintf(s->off_why, sizeof(s->off_why), "no advisory feed for the %s backend",
			 o->backend);
		return;
	}
	char codename[64] = "", id[64] = "";
	if (o->cfg->debian_release[0]) {
		snprintf(codename, sizeof(codename), "%s", o->cfg->debian_release);
	} else {
		osrel_get(o->root, "ID", id, sizeof(id));
		if (id[0] && strcmp(id, "debian") != 0) {
			/* The debsecan feed lists Debian's versions: matching another
			 * distribution's against it would mislead. */
			snprintf(s->off_why, sizeof(s->off_why),
				 "no advisory feed for %s (the Debian feed is for Debian; set "
				 "[security] debian_release to use it anyway)", id);
			return;
		}
		if (osrel_get(o->root, "VERSION_CODENAME", codename, sizeof(codename)) != 0 ||
		    !codename[0]) {
			snprintf(s->off_why, sizeof(s->off_why),
				 "no VERSION_CODENAME in the root's os-release; set [security] "
				 "debian_release");
			return;
		}
	}
	s->kind = FEED_DEBIAN;
	size_t n = strlen(o->cfg->debian_url);
	s->url = xasprintf("%s%s%s", o->cfg->debian_url,
			   n && o->cfg->debian_url[n - 1] == '/' ? "" : "/", codename);
	s->release = xstrdup(codename);
}

/* Reads the stored copy of the feed, if any; a damaged one is dropped. */
static void load_stored(struct security *s)
{
	MDB_txn *txn;
	if (!s->env || mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn) != 0)
		return;
	MDB_val k = {strlen(s->url), s->url}, v;
	int bad = 0;
	if (mdb_get(txn, s->dbi, &k, &v) == 0) {
		char err[256] = "too short";
		struct feed *f = NULL;
		if (v.mv_size > CHECKED_SIZE)
			f = feed_from_blob((const char *)v.mv_data + CHECKED_SIZE,
					   v.mv_size - CHECKED_SIZE, err, sizeof(err));
		if (f && f->kind == s->kind) {
			memcpy(&s->checked, v.mv_data, CHECKED_SIZE);
			s->cur = xcalloc(1, sizeof(*s->cur));
			s->cur->f = f;
			s->cur->refs = 1;
			s->feed_seq++;
		} else {
			fprintf(stderr, "omgd: the stored advisory data for %s is damaged (%s); "
				"it is dropped and fetched again\n", s->url,
				f ? "another feed's kind" : err);
			feed_free(f);
			bad = 1;
		}
	}
	mdb_txn_abort(txn);
	if (bad && mdb_txn_begin(s->env, NULL, 0, &txn) == 0) {
		mdb_del(txn, s->dbi, &k, NULL);
		mdb_txn_commit(txn);
	}
}

struct security *security_open(const struct security_opts *o)
{
	struct security *s = xcalloc(1, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	s->cfg = *o->cfg;
	s->be = o->be;
	s->quiet = o->quiet;
	choose_feed(s, o);
	if (!s->kind)
		return s;
	if (o->store_dir) {
		char *dir = xasprintf("%s/security", o->store_dir);
		int rc = xdg_mkdirs(dir) == 0 ? dbenv_open(dir, MAP_SIZE, "feeds", &s->env, &s->dbi)
					      : errno;
		if (rc != 0) {
			fprintf(stderr, "omgd: cannot keep advisory data in %s: %s\n", dir,
				rc > 0 ? strerror(rc) : mdb_strerror(rc));
			s->env = NULL;
		}
		free(dir);
	}
	load_stored(s);
	return s;
}

/* Frees h's feed once nobody holds it (s->mu held). */
static void unhold(struct security *s, struct held *h)
{
	if (--h->refs)
		return;
	for (struct held **p = &s->old; *p; p = &(*p)->next)
		if (*p == h) {
			*p = h->next;
			break;
		}
	feed_free(h->f);
	free(h);
}

void security_close(struct security *s)
{
	if (!s)
		return;
	vulns_free(s->vs);
	if (s->cur)
		unhold(s, s->cur);
	while (s->old) { /* references a caller forgot: free them all the same */
		struct held *h = s->old;
		s->old = h->next;
		feed_free(h->f);
		free(h);
	}
	feed_free(s->r_feed);
	if (s->env)
		mdb_env_close(s->env);
	pthread_mutex_destroy(&s->mu);
	free(s->url);
	free(s->release);
	free(s);
}

void security_update(struct security *s, const struct index *ix, uint64_t gen)
{
	if (s->vs && s->vs_gen == gen && s->vs_seq == s->feed_seq && s->vs_ix == ix)
		return;
	vulns_free(s->vs);
	s->vs = NULL;
	s->vs_gen = gen;
	s->vs_seq = s->feed_seq;
	s->vs_ix = ix;
	if (s->cur && ix && security_vercmp(s)) {
		s->vs = vulns_match(s->cur->f, ix, s->vercmp);
		s->vs->index_generation = gen;
	}
}

const struct vulns *security_vulns(const struct security *s)
{
	return s->vs;
}

const struct feed *security_feed_get(struct security *s)
{
	pthread_mutex_lock(&s->mu);
	const struct feed *f = NULL;
	if (s->cur) {
		s->cur->refs++;
		f = s->cur->f;
	}
	pthread_mutex_unlock(&s->mu);
	return f;
}

void security_feed_put(struct security *s, const struct feed *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&s->mu);
	if (s->cur && s->cur->f == f) {
		unhold(s, s->cur);
	} else {
		for (struct held *h = s->old; h; h = h->next)
			if (h->f == f) {
				unhold(s, h);
				break;
			}
	}
	pthread_mutex_unlock(&s->mu);
}

vulns_vercmp security_vercmp(struct security *s)
{
	if (!s->vercmp && !s->vercmp_failed && s->be) {
		char err[512];
		const struct backend_ops *ops = backend_module(s->be, err, sizeof(err));
		if (ops && ops->vercmp) {
			s->vercmp = ops->vercmp;
		} else {
			s->vercmp_failed = 1;
			fprintf(stderr, "omgd: advisories: no version comparison: %s\n",
				ops ? "the backend has none" : err);
		}
	}
	return s->vercmp;
}

int security_refresh_due(const struct security *s, uint64_t now)
{
	if (!s->kind || s->refreshing)
		return 0;
	if (s->cfg.security_refresh == 0)
		return 0;
	if (!s->tried) /* the first look after the start: only when the data is due */
		return !s->cur || now >= s->checked + s->cfg.security_refresh;
	return now >= s->tried + s->cfg.security_refresh;
}

/* Writes f (or, with f NULL, the stored feed again with a new checked time). */
static void store_feed(struct security *s, const struct feed *f, uint64_t checked)
{
	if (!s->env)
		return;
	struct buf b = {0};
	uint8_t hdr[CHECKED_SIZE];
	memcpy(hdr, &checked, CHECKED_SIZE);
	buf_append(&b, hdr, CHECKED_SIZE);
	feed_serialize(f, &b);
	MDB_txn *txn;
	int rc = mdb_txn_begin(s->env, NULL, 0, &txn);
	if (rc == 0) {
		MDB_val k = {strlen(s->url), s->url}, v = {b.len, b.p};
		rc = mdb_put(txn, s->dbi, &k, &v, 0);
		rc = rc == 0 ? mdb_txn_commit(txn) : (mdb_txn_abort(txn), rc);
	}
	if (rc != 0)
		fprintf(stderr, "omgd: cannot store the advisory data: %s\n", mdb_strerror(rc));
	buf_free(&b);
}

void security_refresh_run(struct security *s)
{
	s->r_feed = NULL;
	s->r_not_modified = 0;
	s->r_error[0] = 0;
	s->r_checked = 0;
	const struct feed *have = security_feed_get(s);
	struct net_request req = {
		.url = s->url,
		.etag = have && have->etag[0] ? have->etag : NULL,
		.last_modified = have && have->last_modified[0] ? have->last_modified : NULL,
		.max_bytes = s->cfg.fetch_max,
		.timeout_ms = s->cfg.fetch_timeout * 1000u,
		.cancel = &s->cancel,
	};
	struct net_result res;
	uint64_t now = (uint64_t)time(NULL);
	if (net_init() != 0) {
		snprintf(s->r_error, sizeof(s->r_error), "%s: cannot initialise libcurl", s->url);
	} else if (net_fetch(&req, &res) != 0) {
		snprintf(s->r_error, sizeof(s->r_error), "%s", res.error);
	} else if (res.status == NET_NOT_MODIFIED) {
		if (have) {
			s->r_not_modified = 1;
			s->r_checked = now;
			store_feed(s, have, now);
		} else {
			snprintf(s->r_error, sizeof(s->r_error),
				 "%s: the server said 304 Not Modified to an unconditional request",
				 s->url);
		}
	} else {
		char err[256];
		struct feed *f = s->kind == FEED_ARCH
			? feed_parse_arch(res.body.p, res.body.len, err, sizeof(err))
			: feed_parse_debian(res.body.p, res.body.len, s->cfg.fetch_max, err,
					    sizeof(err));
		if (f && f->n == 0) {
			/* Both trackers list thousands of advisories: an empty document is
			 * a broken server or mirror, and taking it would turn into "no
			 * vulnerabilities". */
			snprintf(err, sizeof(err), "the feed lists no advisories at all");
			feed_free(f);
			f = NULL;
		}
		if (!f) {
			snprintf(s->r_error, sizeof(s->r_error), "%s: refused: %s", s->url, err);
		} else {
			feed_set_origin(f, now, s->url, res.etag, res.last_modified, s->release);
			store_feed(s, f, now);
			s->r_feed = f;
			s->r_checked = now;
		}
	}
	net_result_free(&res);
	security_feed_put(s, have);
}

void security_refresh_done(struct security *s)
{
	s->tried = (uint64_t)time(NULL);
	s->refreshing = 0;
	if (s->r_error[0]) {
		/* The last good data stays, with its age. */
		snprintf(s->error, sizeof(s->error), "%s", s->r_error);
		if (!s->quiet) /* in a client's process the reply says it */
			fprintf(stderr, "omgd: advisory refresh failed: %s\n", s->r_error);
		return;
	}
	s->error[0] = 0;
	s->checked = s->r_checked;
	if (!s->r_feed)
		return;
	struct held *h = xcalloc(1, sizeof(*h));
	h->f = s->r_feed;
	h->refs = 1;
	s->r_feed = NULL;
	pthread_mutex_lock(&s->mu);
	struct held *was = s->cur;
	s->cur = h;
	if (was) {
		was->next = s->old;
		s->old = was;
		unhold(s, was);
	}
	pthread_mutex_unlock(&s->mu);
	s->feed_seq++;
}

int security_refreshing(const struct security *s)
{
	return s->refreshing;
}

void security_cancel(struct security *s)
{
	__atomic_store_n(&s->cancel, 1, __ATOMIC_RELAXED);
}

void security_set_refreshing(struct security *s, int on)
{
	s->refreshing = on;
}

uint64_t security_feed_seq(const struct security *s)
{
	return s->feed_seq;
}

/* The state of the data at now. */
static uint32_t state_at(const struct security *s, uint64_t now)
{
	if (!s->kind)
		return VULNS_OFF;
	if (!s->cur)
		return VULNS_MISSING;
	return now > s->checked + s->cfg.max_age ? VULNS_STALE : VULNS_OK;
}

void security_describe(const struct security *s, uint64_t now, struct msg_vulns_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->state = state_at(s, now);
	r->feed = s->kind;
	r->url = s->url ? s->url : "";
	r->release = s->release ? s->release : "";
	r->fetched = s->cur ? s->cur->f->fetched : 0;
	r->checked = s->cur ? s->checked : 0;
	r->max_age = s->cfg.max_age;
	r->error = s->kind ? s->error : s->off_why;
	if (s->vs) {
		r->vulnerable = s->vs->vulnerable;
		r->max_severity = s->vs->max_severity;
	}
}

void security_status(const struct security *s, uint64_t now, struct msg_status_reply *st)
{
	st->vuln_state = state_at(s, now);
	st->vuln_fetched = s->cur ? s->cur->f->fetched : 0;
	st->vulnerable = s->vs ? s->vs->vulnerable : 0;
	st->vuln_severity = s->vs ? s->vs->max_severity : 0;
}
