/* SPDX-License-Identifier: MIT */
/* The engine: one backend on one root, and the index built from it. */
#ifndef OMG_ENGINE_ENGINE_H
#define OMG_ENGINE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/index.h"
#include "engine/query.h"

struct engine;
struct backend;

struct engine_opts {
	const char *root;      /* NULL or "/" for the real system */
	const char *backend;   /* "alpm", "apt", or NULL to detect */
	int use_store;         /* use the persistent index store (L2) */
	const char *store_dir; /* NULL: $XDG_DATA_HOME/omg */
	int serve;             /* many queries will follow (a daemon): prepare the index
				* for them (index_prepare_search) */
};

enum store_result { STORE_OFF, STORE_HIT, STORE_MISS, STORE_FAILED };

/* Where the time of engine_open went, in milliseconds. On a store hit,
 * open_ms covers the fingerprint and the lookup and nothing else runs. */
struct engine_timing {
	double open_ms, load_ms, index_ms, store_ms;
	enum store_result store;
};

/* Opens the backend for the root and builds the index. On failure returns
 * NULL with one line in err and an exit status (enum backend_status, or 2
 * for a bad --backend) in *status. Free with engine_close. */
struct engine *engine_open(const struct engine_opts *o, char *err, size_t errlen, int *status);
void engine_close(struct engine *e);
/* The current index; borrowed until engine_close. */
const struct index *engine_index(const struct engine *e);
/* The backend in use; static. */
const struct backend *engine_backend(const struct engine *e);
/* "alpm" or "apt". */
const char *engine_backend_name(const struct engine *e);
/* The real path of the root. */
const char *engine_root(const struct engine *e);
/* How --regex combines patterns on this backend. */
enum search_style engine_search_style(const struct engine *e);
const struct engine_timing *engine_timing(const struct engine *e);
/* Counts index swaps: 1 for the index engine_open built. */
uint64_t engine_generation(const struct engine *e);

/*
 * Reloading while serving. engine_refresh runs on any thread while the
 * serving thread keeps reading the current index: it takes the fingerprint
 * of the backend's files and, if it changed (or force is set), loads the
 * new index from the store or the backend. Returns 1 with *out set, 0 when
 * nothing changed, -1 with err (the current index stays). Only one refresh
 * may run at a time. engine_apply, on the serving thread, swaps *out in,
 * frees the old index and bumps the generation; or free it unused with
 * engine_update_free.
 */
struct engine_update;
int engine_refresh(const struct engine *e, int force, struct engine_update **out, char *err,
		   size_t errlen);
void engine_apply(struct engine *e, struct engine_update *u);
void engine_update_free(struct engine_update *u);
/* Calls add for each directory whose changes may change the index (the
 * backend's databases and configuration); for inotify. */
void engine_watch_dirs(const struct engine *e, void (*add)(void *ctx, const char *dir),
		       void *ctx);

#endif
