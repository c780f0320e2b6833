/* SPDX-License-Identifier: MIT */
/* The engine's AUR service: requests answered on workers, a short cache, the foreign packages. */
#include "engine/aur/svc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/audit.h"
#include "engine/aur/snapshot.h"
#include "util/clock.h"
#include "util/strpool.h"
#include "util/xdg.h"
#include "util/xalloc.h"

/* Replies kept at most this many at once (each a search or an info answer). */
#define CACHE_MAX 64

struct cached {
	char *key;       /* "op\x1fby\x1farg\x1farg..." */
	double at;       /* when it was fetched */
	struct aur_list list;
};

struct aur_svc {
	struct config cfg;
	char *data_dir;       /* NULL: nothing on disk */
	char *build_dir;      /* [aur] build_dir or DATA/aur-build */
	int quiet;
	int cancel;           /* read by net and makepkg's waits */
	pthread_mutex_t mu;   /* the cache */
	struct cached cache[CACHE_MAX];
	size_t ncache;
	pthread_mutex_t review_mu; /* the approvals store */
	struct aur_reviews *reviews;
	int reviews_tried;
	char reviews_err[256];
	struct audit *audit;
};

static double now_s(void)
{
	return clock_ms() / 1e3;
}

const char *aur_svc_off_reason(const char *backend, const struct config *cfg)
{
	if (!backend || strcmp(backend, "alpm") != 0)
		return "the AUR is for Arch (alpm) roots only";
	if (!cfg->aur_enabled)
		return "the AUR is disabled ([aur] enabled = no)";
	return NULL;
}

struct aur_svc *aur_svc_open(const char *backend, const struct aur_svc_opts *o)
{
	if (aur_svc_off_reason(backend, o->cfg))
		return NULL;
	struct aur_svc *a = xcalloc(1, sizeof(*a));
	a->cfg = *o->cfg;
	a->quiet = o->quiet;
	if (o->data_dir) {
		a->data_dir = xstrdup(o->data_dir);
		/* Beside DATA/aur, not in it: the approvals' directory is the engine's
		 * alone (0700), and the build user must reach its own directories. */
		a->build_dir = a->cfg.aur_build_dir[0] ? xstrdup(a->cfg.aur_build_dir) :
			       xasprintf("%s/aur-build", o->data_dir);
	} else if (a->cfg.aur_build_dir[0]) {
		a->build_dir = xstrdup(a->cfg.aur_build_dir);
	}
	pthread_mutex_init(&a->mu, NULL);
	pthread_mutex_init(&a->review_mu, NULL);
	return a;
}

void aur_svc_close(struct aur_svc *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->ncache; i++) {
		free(a->cache[i].key);
		aur_list_free(&a->cache[i].list);
	}
	aur_reviews_close(a->reviews);
	pthread_mutex_destroy(&a->mu);
	pthread_mutex_destroy(&a->review_mu);
	free(a->data_dir);
	free(a->build_dir);
	free(a);
}

void aur_svc_cancel(struct aur_svc *a)
{
	if (a)
		__atomic_store_n(&a->cancel, 1, __ATOMIC_SEQ_CST);
}

void aur_svc_set_audit(struct aur_svc *a, struct audit *audit)
{
	a->audit = audit;
}

/* One line in the audit log. */
static void audit_line(struct aur_svc *a, uint32_t uid, int32_t pid, const char *event,
		       const char *detail)
{
	if (a->audit && audit_append(a->audit, uid, pid, event, detail) != 0 && !a->quiet)
		fprintf(stderr, "omgd: cannot append to the audit log\n");
}

const struct config *aur_svc_config(const struct aur_svc *a)
{
	return &a->cfg;
}

void aur_svc_conf(const struct aur_svc *a, struct aur_conf *out)
{
	memset(out, 0, sizeof(*out));
	out->url = a->cfg.aur_url;
	out->timeout_ms = a->cfg.aur_timeout * 1000u;
	out->max_bytes = a->cfg.aur_max_size < (16u << 20) ? a->cfg.aur_max_size : 16u << 20;
	out->cancel = &a->cancel;
	out->ca_file = getenv("OMG_TEST_CA_FILE"); /* the tests' TLS servers; NULL normally */
}

const int *aur_svc_cancel_flag(const struct aur_svc *a)
{
	return &a->cancel;
}

struct aur_reviews *aur_svc_reviews(struct aur_svc *a, pthread_mutex_t **lock)
{
	*lock = &a->review_mu;
	pthread_mutex_lock(&a->review_mu);
	if (!a->reviews && !a->reviews_tried && a->data_dir) {
		a->reviews_tried = 1;
		char *dir = xasprintf("%s/aur", a->data_dir);
		a->reviews = aur_reviews_open(dir, a->reviews_err, sizeof(a->reviews_err));
		if (!a->reviews && !a->quiet)
			fprintf(stderr, "omgd: AUR approvals: %s\n", a->reviews_err);
		free(dir);
	}
	pthread_mutex_unlock(&a->review_mu);
	return a->reviews;
}

int aur_svc_base_dir(const struct aur_svc *a, const char *base, char *out, size_t outlen)
{
	if (!a->build_dir || strlen(base) > 200 || !aur_name_ok(base))
		return -1;
	int n = snprintf(out, outlen, "%s/%s", a->build_dir, base);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* ---- the cache ---- */

static char *cache_key(const struct msg_aur *q)
{
	struct buf b = {0};
	buf_printf(&b, "%u\x1f%s", q->op, q->op == AUR_REQ_SEARCH && q->by[0] ? q->by : "");
	for (uint32_t i = 0; i < q->args.n; i++)
		buf_printf(&b, "\x1f%s", q->args.v[i]);
	return b.p ? b.p : xstrdup("");
}

/* Copies src's packages into dst (dst's own pool). */
static void list_copy(struct aur_list *dst, const struct aur_list *src)
{
	aur_list_init(dst);
	for (size_t i = 0; i < src->n; i++) {
		if (dst->n == dst->cap) {
			dst->cap = dst->cap ? dst->cap * 2 : 16;
			dst->v = xrealloc(dst->v, dst->cap * sizeof(*dst->v));
		}
		struct aur_pkg *d = &dst->v[dst->n++];
		const struct aur_pkg *s = &src->v[i];
		*d = *s;
		const char **strs[] = {&d->name, &d->base, &d->version, &d->desc, &d->url,
				       &d->url_path, &d->maintainer, &d->submitter};
		for (size_t k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
			*strs[k] = strpool_str(dst->pool, *strs[k]);
		struct strlist *lists[] = {&d->depends, &d->makedepends, &d->checkdepends,
					   &d->optdepends, &d->conflicts, &d->provides, &d->replaces,
					   &d->groups, &d->licenses, &d->keywords, &d->comaintainers};
		for (size_t k = 0; k < sizeof(lists) / sizeof(lists[0]); k++) {
			if (!lists[k]->n)
				continue;
			const char **v = strpool_alloc(dst->pool, lists[k]->n * sizeof(*v));
			for (uint32_t j = 0; j < lists[k]->n; j++)
				v[j] = strpool_str(dst->pool, lists[k]->v[j]);
			lists[k]->v = v;
		}
	}
}

/* The cached answer to key, copied into out: 1, or 0. */
static int cache_lookup(struct aur_svc *a, const char *key, struct aur_list *out)
{
	int hit = 0;
	double t = now_s();
	pthread_mutex_lock(&a->mu);
	for (size_t i = 0; i < a->ncache; i++)
		if (!strcmp(a->cache[i].key, key) && t - a->cache[i].at < a->cfg.aur_cache) {
			if (out)
				list_copy(out, &a->cache[i].list);
			hit = 1;
			break;
		}
	pthread_mutex_unlock(&a->mu);
	return hit;
}

static void cache_store(struct aur_svc *a, const char *key, const struct aur_list *l)
{
	if (!a->cfg.aur_cache)
		return;
	pthread_mutex_lock(&a->mu);
	size_t slot = a->ncache;
	for (size_t i = 0; i < a->ncache; i++)
		if (!strcmp(a->cache[i].key, key))
			slot = i;
	if (slot == a->ncache && a->ncache == CACHE_MAX) {
		slot = 0; /* the oldest goes */
		for (size_t i = 1; i < a->ncache; i++)
			if (a->cache[i].at < a->cache[slot].at)
				slot = i;
	}
	if (slot < a->ncache) {
		free(a->cache[slot].key);
		aur_list_free(&a->cache[slot].list);
	} else {
		a->ncache++;
	}
	a->cache[slot].key = xstrdup(key);
	a->cache[slot].at = now_s();
	list_copy(&a->cache[slot].list, l);
	pthread_mutex_unlock(&a->mu);
}

int aur_svc_cached(struct aur_svc *a, const struct msg *req)
{
	const struct msg_aur *q = &req->u.aur;
	if (q->op != AUR_REQ_SEARCH && q->op != AUR_REQ_INFO)
		return 0;
	char *key = cache_key(q);
	int hit = cache_lookup(a, key, NULL);
	free(key);
	return hit;
}

void aur_answer_free(struct aur_answer *ans)
{
	aur_list_free(&ans->list);
	buf_free(&ans->text);
}

/* ---- search and info ---- */

/* Whether every term is in p's name (or description, unless names_only), case-insensitive. */
static int matches_all(const struct aur_pkg *p, const struct strlist *terms, int names_only)
{
	for (uint32_t i = 0; i < terms->n; i++)
		if (!strcasestr(p->name, terms->v[i]) &&
		    (names_only || !strcasestr(p->desc, terms->v[i])))
			return 0;
	return 1;
}

static void run_search(struct aur_svc *a, const struct msg_aur *q, struct aur_answer *ans)
{
	struct aur_conf c;
	aur_svc_conf(a, &c);
	/* A search waits for the AUR [aur] search_deadline at most: the whole fetch, a
	 * reply still trickling in included. */
	if (a->cfg.aur_deadline && a->cfg.aur_deadline * 1000u < c.timeout_ms)
		c.timeout_ms = a->cfg.aur_deadline * 1000u;
	const char *by = q->by[0] ? q->by : "name-desc";
	if (!aur_by_valid(by)) {
		snprintf(ans->warning, sizeof(ans->warning),
			 "AUR: '%s' is not a search field the AUR knows", by);
		return;
	}
	/* The longest term goes to the AUR (the fewest results); the others filter. */
	const char *longest = "";
	for (uint32_t i = 0; i < q->args.n; i++)
		if (strlen(q->args.v[i]) > strlen(longest))
			longest = q->args.v[i];
	struct aur_list got;
	aur_list_init(&got);
	char err[480];
	enum aur_status st = aur_search(&c, by, longest, &got, err, sizeof(err));
	if (st != AUR_OK) {
		snprintf(ans->warning, sizeof(ans->warning), "AUR: %s", err);
		aur_list_free(&got);
		return;
	}
	/* Only the name fields filter by text; other fields (depends, maintainer...) were
	 * matched by the AUR itself. */
	int text = !strcmp(by, "name-desc") || !strcmp(by, "name");
	struct aur_list one = got;
	one.n = 0;
	for (size_t i = 0; i < got.n; i++) {
		if (text && !matches_all(&got.v[i], &q->args, !strcmp(by, "name")))
			continue;
		got.v[one.n++] = got.v[i];
	}
	aur_list_free(&ans->list);
	list_copy(&ans->list, &one); /* its own pool (list_copy makes it) */
	aur_list_free(&got);
}

static void run_info(struct aur_svc *a, const struct msg_aur *q, struct aur_answer *ans)
{
	struct aur_conf c;
	aur_svc_conf(a, &c);
	char err[480];
	if (aur_info(&c, q->args.v, q->args.n, &ans->list, err, sizeof(err)) != AUR_OK) {
		snprintf(ans->warning, sizeof(ans->warning), "AUR: %s", err);
		aur_list_free(&ans->list);
		aur_list_init(&ans->list);
	}
}

/* ---- review and approve ---- */

int aur_unpack_fresh(const void *data, size_t len, const char *base, const char *dest, char *err,
		     size_t errlen)
{
	struct aur_snapshot_limits lim = {0, 0, 0};
	if (aur_rmtree(dest) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove %s: %s", dest, strerror(errno));
		return -1;
	}
	if (mkdir(dest, 0755) != 0) {
		snprintf(err, errlen, "cannot create %s: %s", dest, strerror(errno));
		return -1;
	}
	return aur_snapshot_unpack(data, len, base, dest, &lim, err, errlen);
}

int aur_svc_unpack(struct aur_svc *a, const struct aur_user *u, const char *base,
		   const struct buf *tgz, const char *dest, char *err, size_t errlen)
{
	(void)a;
	/* A new process, as the build user: omg __aur-unpack (the engine's own
	 * program) reads the tarball on its standard input. Not a fork that runs
	 * libarchive: the engine's threads may hold locks the copy would need. */
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		snprintf(err, errlen, "cannot find the omg program: %s", strerror(errno));
		return -1;
	}
	exe[n] = '\0';
	char *argv[] = {exe, (char *)"__aur-unpack", (char *)base, (char *)dest, NULL};
	return aur_exec_as(u, argv, tgz->p, tgz->len, err, errlen);
}

int aur_svc_fetch_base(struct aur_svc *a, const struct aur_pkg *p, uint32_t uid, char *dir,
		       size_t dirlen, struct buf *tgz, char *err, size_t errlen)
{
	char base_dir[4096];
	if (aur_svc_base_dir(a, p->base, base_dir, sizeof(base_dir)) != 0) {
		snprintf(err, errlen, a->build_dir ? "'%s' is not a package base name omg builds" :
			 "no build directory (the engine keeps nothing on disk)", p->base);
		return -1;
	}
	struct aur_user u;
	if (aur_user_resolve(a->cfg.aur_build_user, (uid_t)uid, &u, err, errlen) != 0)
		return -1;
	if (xdg_mkdirs_mode(a->build_dir, 0755) != 0) { /* the build user walks it */
		snprintf(err, errlen, "cannot create %s: %s", a->build_dir, strerror(errno));
		return -1;
	}
	if (aur_give_dir(&u, base_dir, err, errlen) != 0)
		return -1;
	struct aur_conf c;
	aur_svc_conf(a, &c);
	if (aur_fetch_snapshot(&c, p, a->cfg.aur_max_size, tgz, err, errlen) != AUR_OK)
		return -1;
	int n = snprintf(dir, dirlen, "%s/snapshot", base_dir);
	if (n < 0 || (size_t)n >= dirlen) {
		snprintf(err, errlen, "the build directory's path is too long");
		return -1;
	}
	if (aur_svc_unpack(a, &u, p->base, tgz, dir, err, errlen) != 0)
		return -1;
	return 0;
}

/* The package (by name, else by base) the request names, fetched with info. */
static int find_pkg(struct aur_svc *a, const char *name, struct aur_list *l,
		    const struct aur_pkg **out, char *err, size_t errlen)
{
	struct aur_conf c;
	aur_svc_conf(a, &c);
	const char *names[] = {name};
	if (aur_info(&c, names, 1, l, err, errlen) != AUR_OK)
		return -1;
	*out = aur_list_find(l, name);
	if (!*out) {
		snprintf(err, errlen, "not in the AUR: %s", name);
		return -1;
	}
	return 0;
}

static void run_review(struct aur_svc *a, const struct msg_aur *q, uint32_t uid, int32_t pid,
		       struct aur_answer *ans)
{
	if (q->args.n != 1) {
		ans->error_code = ERR_USAGE;
		snprintf(ans->error, sizeof(ans->error), "a review names one package");
		return;
	}
	const struct aur_pkg *p;
	struct aur_list l;
	aur_list_init(&l);
	char dir[4096];
	struct buf tgz = {0};
	pthread_mutex_t *lock;
	struct aur_reviews *r = aur_svc_reviews(a, &lock);
	if (!r) {
		ans->error_code = ERR_BACKEND;
		snprintf(ans->error, sizeof(ans->error), "approvals cannot be kept: %s",
			 a->reviews_err[0] ? a->reviews_err : "the engine keeps nothing on disk");
		goto out;
	}
	if (find_pkg(a, q->args.v[0], &l, &p, ans->error, sizeof(ans->error)) != 0) {
		ans->error_code = ERR_TRANS;
		goto out;
	}
	snprintf(ans->base, sizeof(ans->base), "%s", p->base);
	if (q->op == AUR_REQ_DECLINE) {
		char detail[512];
		snprintf(detail, sizeof(detail), "%s: review declined (files %.64s)", p->base,
			 q->hash);
		audit_line(a, uid, pid, "aur-declined", detail);
		ans->kind = AUR_SHOWN_SAME;
		goto out;
	}
	if (q->op == AUR_REQ_REVIEW) {
		if (aur_svc_fetch_base(a, p, uid, dir, sizeof(dir), &tgz, ans->error,
				       sizeof(ans->error)) != 0) {
			ans->error_code = ERR_TRANS;
			goto out;
		}
	} else {
		/* An approval names what the last review showed: the files unpacked then. */
		char base_dir[4000];
		if (aur_svc_base_dir(a, p->base, base_dir, sizeof(base_dir)) != 0) {
			ans->error_code = ERR_TRANS;
			snprintf(ans->error, sizeof(ans->error), "no build directory for %s", p->base);
			goto out;
		}
		snprintf(dir, sizeof(dir), "%s/snapshot", base_dir);
		struct stat st;
		if (stat(dir, &st) != 0) {
			ans->error_code = ERR_STATE;
			snprintf(ans->error, sizeof(ans->error),
				 "%s has not been reviewed: run omg aur review %s", p->base, p->base);
			goto out;
		}
	}
	enum aur_review_kind kind;
	pthread_mutex_lock(lock);
	int rc = 0;
	if (q->op == AUR_REQ_APPROVE) {
		rc = aur_review_approve(r, p->base, dir, q->hash, uid, ans->error,
					sizeof(ans->error));
		if (rc == 1) {
			ans->error_code = ERR_DENIED;
			snprintf(ans->error, sizeof(ans->error),
				 "%s's files changed since that review: review them again", p->base);
		} else if (rc < 0) {
			ans->error_code = ERR_BACKEND;
		} else {
			char detail[512];
			snprintf(detail, sizeof(detail), "%s %s: approved (files %.64s)", p->base,
				 p->version, q->hash);
			audit_line(a, uid, pid, "aur-approved", detail);
		}
	}
	if (!ans->error_code &&
	    aur_review_text(r, p->base, dir, &ans->text, &kind, ans->hash, ans->error,
			    sizeof(ans->error)) != 0)
		ans->error_code = ERR_BACKEND;
	pthread_mutex_unlock(lock);
	if (!ans->error_code) {
		ans->kind = kind == AUR_REVIEW_FIRST ? AUR_SHOWN_FIRST :
			    kind == AUR_REVIEW_DIFF ? AUR_SHOWN_DIFF : AUR_SHOWN_SAME;
		ans->approved = kind == AUR_REVIEW_SAME;
	}
out:
	buf_free(&tgz);
	aur_list_free(&l);
}

void aur_svc_run(struct aur_svc *a, const struct msg *req, uint32_t uid, int32_t pid,
		 struct aur_answer *ans)
{
	const struct msg_aur *q = &req->u.aur;
	memset(ans, 0, sizeof(*ans));
	ans->op = q->op;
	aur_list_init(&ans->list);
	if (q->op == AUR_REQ_REVIEW || q->op == AUR_REQ_APPROVE || q->op == AUR_REQ_DECLINE) {
		run_review(a, q, uid, pid, ans);
		return;
	}
	char *key = cache_key(q);
	struct aur_list hit;
	if (cache_lookup(a, key, &hit)) {
		aur_list_free(&ans->list); /* the copy has a pool of its own */
		ans->list = hit;
	} else {
		if (q->op == AUR_REQ_SEARCH)
			run_search(a, q, ans);
		else
			run_info(a, q, ans);
		if (!ans->warning[0])
			cache_store(a, key, &ans->list);
	}
	free(key);
}

/* ---- the foreign packages ---- */

struct aur_foreign {
	struct aur_list list;
	char **asked;     /* sorted */
	size_t nasked;
	uint64_t fetched;
	char error[512];
};

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

struct aur_foreign *aur_foreign_fetch(struct aur_svc *a, const char *const *names, size_t n)
{
	struct aur_foreign *f = xcalloc(1, sizeof(*f));
	aur_list_init(&f->list);
	f->asked = xmalloc((n ? n : 1) * sizeof(*f->asked));
	for (size_t i = 0; i < n; i++)
		f->asked[i] = xstrdup(names[i]);
	f->nasked = n;
	qsort(f->asked, n, sizeof(*f->asked), cmp_str);
	f->fetched = (uint64_t)time(NULL);
	if (n) {
		struct aur_conf c;
		aur_svc_conf(a, &c);
		char err[480];
		if (aur_info(&c, names, n, &f->list, err, sizeof(err)) != AUR_OK)
			snprintf(f->error, sizeof(f->error), "AUR: %s", err);
	}
	return f;
}

void aur_foreign_free(struct aur_foreign *f)
{
	if (!f)
		return;
	aur_list_free(&f->list);
	for (size_t i = 0; i < f->nasked; i++)
		free(f->asked[i]);
	free(f->asked);
	free(f);
}

const struct aur_pkg *aur_foreign_find(const struct aur_foreign *f, const char *name)
{
	return f ? aur_list_find(&f->list, name) : NULL;
}

int aur_foreign_missing(const struct aur_foreign *f, const char *name)
{
	if (!f || f->error[0])
		return 0;
	const char *key = name;
	return bsearch(&key, f->asked, f->nasked, sizeof(*f->asked), cmp_str) &&
	       !aur_list_find(&f->list, name);
}

const char *aur_foreign_error(const struct aur_foreign *f)
{
	return f ? f->error : "";
}

uint64_t aur_foreign_time(const struct aur_foreign *f)
{
	return f ? f->fetched : 0;
}

int aur_foreign_same(const struct aur_foreign *f, const char *const *names, size_t n)
{
	if (!f || f->nasked != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const char *key = names[i];
		if (!bsearch(&key, f->asked, f->nasked, sizeof(*f->asked), cmp_str))
			return 0;
	}
	return 1;
}

void aur_pkg_aur(const struct aur_svc *a, const struct aur_pkg *p, struct pkg_aur *out,
		 char *url, size_t urllen)
{
	memset(out, 0, sizeof(*out));
	out->state = PKG_AUR_FOUND;
	out->pending_requests = p->pending_requests > 0 ? (uint32_t)p->pending_requests : 0;
	out->votes = p->votes > 0 ? (uint64_t)p->votes : 0;
	out->popularity_micro = p->popularity > 0 ? (uint64_t)(p->popularity * 1e6 + 0.5) : 0;
	out->out_of_date = p->out_of_date;
	out->first_submitted = p->first_submitted;
	out->last_modified = p->last_modified;
	out->version = p->version;
	out->maintainer = p->maintainer;
	out->submitter = p->submitter;
	snprintf(url, urllen, "%s%s", a ? a->cfg.aur_url : "", p->url_path);
	out->snapshot = p->url_path[0] ? url : "";
	out->makedepends = p->makedepends;
	out->checkdepends = p->checkdepends;
	out->keywords = p->keywords;
	out->comaintainers = p->comaintainers;
}
