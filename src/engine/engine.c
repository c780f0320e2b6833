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
#include "util/xalloc.h"

struct engine {
	const struct backend *b;
	const struct backend_ops *ops; /* NULL until needed: a stored index needs none */
	void *backend;
	char *root;
	struct index *index;
	struct store *store;
	struct engine_timing timing;
};

/* Milliseconds on the monotonic clock. */
double engine_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

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
static void lookup(struct engine *e, const struct engine_opts *o, struct buf *fp, char **key)
{
	char *dir = o->store_dir ? xstrdup(o->store_dir) : store_default_dir();
	char why[512];
	*key = NULL;
	if (dir)
		e->store = store_open(dir, why, sizeof(why));
	free(dir);
	if (!e->store)
		return;
	buf_printf(fp, "%s;", e->b->name);
	if (e->b->fingerprint(e->root, fp) != 0)
		return;
	*key = xasprintf("%s:%s", e->b->name, e->root);
	e->index = store_get(e->store, *key, buf_str(fp));
}

/* Loads the backend module, opens it, builds the index, and stores it under
 * key (when there is one) with the fingerprint taken before the load: a
 * change during the load makes the next call miss, never use stale data. */
static int build(struct engine *e, const char *key, const struct buf *fp, char *err,
		 size_t errlen, int *status)
{
	double t0 = engine_now_ms();
	struct backend_opts bo = {e->root, strcmp(e->root, "/") != 0};
	e->ops = backend_module(e->b, err, errlen);
	if (!e->ops) {
		*status = BACKEND_ERR_MODULE;
		return -1;
	}
	e->backend = e->ops->open(&bo, err, errlen, status);
	if (!e->backend)
		return -1;
	double t1 = engine_now_ms();
	struct index_builder *b = index_builder_new();
	struct pkg_sink sink = index_builder_sink(b);
	if (e->ops->load(e->backend, &sink, err, errlen) != 0) {
		index_builder_free(b);
		*status = BACKEND_ERR_DB;
		return -1;
	}
	double t2 = engine_now_ms();
	e->index = index_builder_finish(b);
	double t3 = engine_now_ms();
	char why[512];
	if (key && store_put(e->store, key, buf_str(fp), e->index, why, sizeof(why)) != 0)
		e->timing.store = STORE_FAILED;
	e->timing.open_ms += t1 - t0;
	e->timing.load_ms = t2 - t1;
	e->timing.index_ms = t3 - t2;
	e->timing.store_ms = engine_now_ms() - t3;
	return 0;
}

struct engine *engine_open(const struct engine_opts *o, char *err, size_t errlen, int *status)
{
	struct engine *e = xcalloc(1, sizeof(*e));
	struct buf fp = {0};
	char *key = NULL;
	double t0 = engine_now_ms();

	if (choose(e, o, err, errlen, status) != 0)
		goto fail;
	if (o->use_store)
		lookup(e, o, &fp, &key);
	e->timing.open_ms = engine_now_ms() - t0;
	e->timing.store = e->index ? STORE_HIT : key ? STORE_MISS : STORE_OFF;
	if (!e->index && build(e, key, &fp, err, errlen, status) != 0)
		goto fail;
	free(key);
	buf_free(&fp);
	*status = BACKEND_OK;
	return e;
fail:
	free(key);
	buf_free(&fp);
	engine_close(e);
	return NULL;
}

void engine_close(struct engine *e)
{
	if (!e)
		return;
	if (e->backend)
		e->ops->close(e->backend);
	index_free(e->index); /* before the store: a stored index maps it */
	store_close(e->store);
	free(e->root);
	free(e);
}

const struct index *engine_index(const struct engine *e)
{
	return e->index;
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
