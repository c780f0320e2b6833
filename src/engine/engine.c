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

struct engine *engine_open(const struct engine_opts *o, char *err, size_t errlen, int *status)
{
	struct engine *e = xcalloc(1, sizeof(*e));
	const char *root = o->root && *o->root ? o->root : "/";
	char real[PATH_MAX];
	struct stat st;
	double t0 = engine_now_ms();

	*status = BACKEND_ERR_ROOT;
	if (!realpath(root, real) || stat(real, &st) != 0) {
		snprintf(err, errlen, "cannot use root '%s': %s", root, strerror(errno));
		goto fail;
	}
	if (!S_ISDIR(st.st_mode) || access(real, R_OK | X_OK) != 0) {
		snprintf(err, errlen, "cannot use root '%s': %s", root,
			 S_ISDIR(st.st_mode) ? strerror(EACCES) : strerror(ENOTDIR));
		goto fail;
	}
	e->root = xstrdup(real);
	if (o->backend) {
		e->b = backend_by_name(o->backend);
		if (!e->b) {
			snprintf(err, errlen, "unknown backend '%s' (use alpm or apt)", o->backend);
			*status = 2;
			goto fail;
		}
	} else {
		e->b = backend_detect(e->root);
		if (!e->b) {
			snprintf(err, errlen,
				 "no package system found under '%s' (no pacman.conf with a local "
				 "database, no dpkg status)", e->root);
			goto fail;
		}
	}
	struct buf fp = {0};
	char *key = NULL;
	if (o->use_store) {
		char *dir = o->store_dir ? xstrdup(o->store_dir) : store_default_dir();
		char why[512];
		if (dir)
			e->store = store_open(dir, why, sizeof(why));
		free(dir);
		if (e->store) {
			buf_printf(&fp, "%s;", e->b->name);
			if (e->b->fingerprint(e->root, &fp) == 0) {
				key = xasprintf("%s:%s", e->b->name, e->root);
				e->index = store_get(e->store, key, buf_str(&fp));
			}
		}
	}
	if (e->index) {
		e->timing.store = STORE_HIT;
		e->timing.open_ms = engine_now_ms() - t0;
		free(key);
		buf_free(&fp);
		*status = BACKEND_OK;
		return e;
	}
	e->timing.store = e->store && key ? STORE_MISS : STORE_OFF;
	struct backend_opts bo = {e->root, strcmp(e->root, "/") != 0};
	e->ops = backend_module(e->b, err, errlen);
	if (!e->ops) {
		free(key);
		buf_free(&fp);
		*status = BACKEND_ERR_MODULE;
		goto fail;
	}
	e->backend = e->ops->open(&bo, err, errlen, status);
	if (!e->backend) {
		free(key);
		buf_free(&fp);
		goto fail;
	}
	double t1 = engine_now_ms();
	struct index_builder *b = index_builder_new();
	struct pkg_sink sink = index_builder_sink(b);
	if (e->ops->load(e->backend, &sink, err, errlen) != 0) {
		index_builder_free(b);
		free(key);
		buf_free(&fp);
		*status = BACKEND_ERR_DB;
		goto fail;
	}
	double t2 = engine_now_ms();
	e->index = index_builder_finish(b);
	double t3 = engine_now_ms();
	if (key) {
		char why[512];
		/* The fingerprint was taken before loading: a change during the
		 * load makes the next call miss and rebuild, never use stale data. */
		if (store_put(e->store, key, buf_str(&fp), e->index, why, sizeof(why)) != 0)
			e->timing.store = STORE_FAILED;
	}
	free(key);
	buf_free(&fp);
	e->timing.open_ms = t1 - t0;
	e->timing.load_ms = t2 - t1;
	e->timing.index_ms = t3 - t2;
	e->timing.store_ms = engine_now_ms() - t3;
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
