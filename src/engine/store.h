/* SPDX-License-Identifier: MIT */
/* The persistent index store (L2): precomputed indexes in LMDB, keyed by root and fingerprint. */
#ifndef OMG_ENGINE_STORE_H
#define OMG_ENGINE_STORE_H

#include <stddef.h>

#include "engine/index.h"

struct store;

/* Opens (creating) the store in dir. A store LMDB cannot open (corrupt,
 * foreign) is removed and created again. NULL with a reason on failure. */
struct store *store_open(const char *dir, char *err, size_t errlen);
/* Closes the store; every index it returned must be freed first. */
void store_close(struct store *st);
/*
 * The index stored for key if its fingerprint equals fp, or NULL (a miss,
 * a stale entry, or a damaged one, which is deleted). The index reads the
 * store's map in place and holds a read transaction until index_free.
 */
struct index *store_get(struct store *st, const char *key, const char *fp);
/* Stores ix for key with fingerprint fp, replacing any older entry. 0 or -1. */
int store_put(struct store *st, const char *key, const char *fp, const struct index *ix,
	      char *err, size_t errlen);
/* The default directory: $XDG_DATA_HOME/omg, else ~/.local/share/omg.
 * Caller frees; NULL when neither is set. */
char *store_default_dir(void);

#endif
