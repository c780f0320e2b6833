/* SPDX-License-Identifier: MIT */
/* Engine set-up: root resolution, backend choice, index build. */
#include "engine/engine.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/backend/backend.h"
#include "engine/store.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/xalloc.h"

/*
 * The index is replaced only by engine_apply, on the thread that serves
 * requests; engine_refresh builds the next one on another thread from the
 * fields that never change after engine_open (b, root, store, key) and fp,
 * which only engine_apply writes while no refresh runs.
 */
struct engine {
	const struct backend *b;
	char *root;
	struct index *index;
	struct store *store;
	char *key;           /* store key, NULL without a store */
	char *fp;            /* the fingerprint the index was built from */
	uint64_t generation; /* 1 for the first index, +1 for each swap */
	int serve;           /* engine_opts.serve */
	struct engine_timing timing;
};

struct engine_update {
	struct index *index;
	char *fp;
};

/* Resolves the root to a real directory and chooses the backend. */
static int choose(struct engine *e, const struct engine_opts *o, char *err, size_t errlen,
		  int *status)
{
	const char *root = o->root && *o->root ? o->root : "/";
	char real[PATH_MAX];
	struct stat st;
	*status = BACKEND_ERR_ROOT;
	if (!realpath(root, real) || stat(real, &st) != 0) {
		snprintf(err, errlen, "cannot use root '%s': %s", root, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || access(real, R_OK | X_OK) != 0) {
		snprintf(err, errlen, "cannot use root '%s': %s", root,
			 S_ISDIR(st.st_mode) ? strerror(EACCES) : strerror(ENOTDIR));
		return -1;
	}
	e->root = xstrdup(real);
	if (o->backend) {
		e->b = backend_by_name(o->backend);
		if (!e->b) {
			snprintf(err, errlen, "unknown backend '%s' (use alpm or apt)", o->backend);
			*status = BACKEND_ERR_USAGE;
			return -1;
		}
	} else if (!(e->b = backend_detect(e->root))) {
		snprintf(err, errlen,
			 "no package system found under '%s' (no pacman.conf with a local "
			 "database, no dpkg status)", e->root);
		return -1;
	}
	return 0;
}

/* Opens the store and takes the fingerprint; sets e->index on a hit. On
 * return *key is the store key (caller frees), or NULL when there is no store. */
static void lookup(struct engine *e, const struct engine_opts *o)
{
	char *dir = o->store_dir ? xstrdup(o->store_dir) : store_default_dir();
	char why[512];
	if (dir)
		e->store = store_open(dir, why, sizeof(why));
	free(dir);
	if (!e->store)
		return;
	e->key = xasprintf("%s:%s", e->b->name, e->root);
	if (e->fp)
		e->index = store_get(e->store, e->key, e->fp);
}

/* The fingerprint of the backend's files now (caller frees), or NULL. */
static char *take_fingerprint(const struct engine *e)
{
	struct buf fp = {0};
	buf_printf(&fp, "%s;", e->b->name);
	if (e->b->fingerprint(e->root, &fp) != 0) {
		buf_free(&fp);
		return NULL;
	}
	return fp.p;
}

/*
 * Loads the backend module, opens it, builds an index, closes the backend,
 * and stores the index under e->key (when there is a store) with fp, the
 * fingerprint taken before the load: a change during the load makes the next
 * lookup miss, never use stale data. Returns the index (caller frees) or
 * NULL with err and *status. Writes only *t; safe off the serving thread.
 */
static struct index *build(const struct engine *e, const char *fp, struct engine_timing *t,
			   char *err, size_t errlen, int *status)
{
	double t0 = clock_ms();
	struct backend_opts bo = {e->root, strcmp(e->root, "/") != 0};
	const struct backend_ops *ops = backend_module(e->b, err, errlen);
	if (!ops) {
		*status = BACKEND_ERR_MODULE;
		return NULL;
	}
	void *be = ops->open(&bo, err, errlen, status);
	if (!be)
		return NULL;
	double t1 = clock_ms();
	struct index_builder *b = index_builder_new();
	struct pkg_sink sink = index_builder_sink(b);
	int rc = ops->load(be, &sink, err, errlen);
	ops->close(be); /* the index keeps copies; the backend's memory goes back now */
	if (rc != 0) {
		index_builder_free(b);
		*status = BACKEND_ERR_DB;
		return NULL;
	}
	double t2 = clock_ms();
	struct index *ix = index_builder_finish(b);
	double t3 = clock_ms();
	char why[512];
	if (e->key && fp && store_put(e->store, e->key, fp, ix, why, sizeof(why)) != 0)
		t->store = STORE_FAILED;
	t->open_ms += t1 - t0;
	t->load_ms = t2 - t1;
	t->index_ms = t3 - t2;
	t->store_ms = clock_ms() - t3;
	return ix;
}

struct engine *engine_open(const struct engine_opts *o, char *err, size_t errlen, int *status)
{
	struct engine *e = xcalloc(1, sizeof(*e));
	double t0 = clock_ms();

	if (choose(e, o, err, errlen, status) != 0)
		goto fail;
	/* The store looks entries up by it and a serving engine compares it to
	 * see changes; a one-shot call without the store needs no fingerprint. */
	if (o->use_store || o->serve)
		e->fp = take_fingerprint(e);
	if (o->use_store)
		lookup(e, o);
	e->timing.open_ms = clock_ms() - t0;
	e->timing.store = e->index ? STORE_HIT : e->key ? STORE_MISS : STORE_OFF;
	if (!e->index && !(e->index = build(e, e->fp, &e->timing, err, errlen, status)))
		goto fail;
	e->generation = 1;
	e->serve = o->serve;
	if (e->serve)
		index_prepare_search(e->index);
	*status = BACKEND_OK;
	return e;
fail:
	engine_close(e);
	return NULL;
}

void engine_close(struct engine *e)
{
	if (!e)
		return;
	index_free(e->index); /* before the store: a stored index maps it */
	store_close(e->store);
	free(e->key);
	free(e->fp);
	free(e->root);
	free(e);
}

const struct index *engine_index(const struct engine *e)
{
	return e->index;
}

const struct backend *engine_backend(const struct engine *e)
{
	return e->b;
}

const char *engine_backend_name(const struct engine *e)
{
	return e->b->name;
}

const char *engine_root(const struct engine *e)
{
	return e->root;
}

enum search_style engine_search_style(const struct engine *e)
{
	return strcmp(e->b->name, "apt") == 0 ? SEARCH_STYLE_APT : SEARCH_STYLE_PACMAN;
}

const struct engine_timing *engine_timing(const struct engine *e)
{
	return &e->timing;
}

uint64_t engine_generation(const struct engine *e)
{
	return e->generation;
}

int engine_refresh(const struct engine *e, int force, struct engine_update **out, char *err,
		   size_t errlen)
{
	*out = NULL;
	char *fp = take_fingerprint(e);
	if (!force && fp && e->fp && strcmp(fp, e->fp) == 0) {
		free(fp);
		return 0;
	}
	struct index *ix = e->key && fp ? store_get(e->store, e->key, fp) : NULL;
	if (!ix) {
		struct engine_timing t = {0};
		int status;
		ix = build(e, fp, &t, err, errlen, &status);
	}
	if (!ix) {
		free(fp);
		return -1;
	}
	if (e->serve)
		index_prepare_search(ix);
	*out = xmalloc(sizeof(**out));
	(*out)->index = ix;
	(*out)->fp = fp;
	return 1;
}

void engine_apply(struct engine *e, struct engine_update *u)
{
	index_free(e->index);
	free(e->fp);
	e->index = u->index;
	e->fp = u->fp;
	e->generation++;
	free(u);
}

void engine_update_free(struct engine_update *u)
{
	if (!u)
		return;
	index_free(u->index);
	free(u->fp);
	free(u);
}

void engine_watch_dirs(const struct engine *e, void (*add)(void *ctx, const char *dir),
		       void *ctx)
{
	e->b->watch(e->root, add, ctx);
}
