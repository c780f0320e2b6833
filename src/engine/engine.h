/* SPDX-License-Identifier: MIT */
/* The engine: one backend on one root, and the index built from it. */
#ifndef OMG_ENGINE_ENGINE_H
#define OMG_ENGINE_ENGINE_H

#include <stddef.h>

#include "engine/index.h"
#include "engine/query.h"

struct engine;

struct engine_opts {
	const char *root;      /* NULL or "/" for the real system */
	const char *backend;   /* "alpm", "apt", or NULL to detect */
	int use_store;         /* use the persistent index store (L2) */
	const char *store_dir; /* NULL: $XDG_DATA_HOME/omg */
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
/* "alpm" or "apt". */
const char *engine_backend_name(const struct engine *e);
/* The real path of the root. */
const char *engine_root(const struct engine *e);
/* How --regex combines patterns on this backend. */
enum search_style engine_search_style(const struct engine *e);
const struct engine_timing *engine_timing(const struct engine *e);
/* Milliseconds on the monotonic clock. */
double engine_now_ms(void);

#endif
