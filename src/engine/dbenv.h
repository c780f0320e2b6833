/* SPDX-License-Identifier: MIT */
/* Opening an LMDB environment with one named database: shared by the index store and the history. */
#ifndef OMG_ENGINE_DBENV_H
#define OMG_ENGINE_DBENV_H

#include <lmdb.h>
#include <stddef.h>

/* Opens the environment in dir (which must exist; files 0600, MDB_NOTLS so
 * read transactions may move between threads) with map_size bytes of address
 * space, and creates or opens the database named name in it. Returns 0, or
 * an LMDB error code (mdb_strerror) with *env left NULL. */
int dbenv_open(const char *dir, size_t map_size, const char *name, MDB_env **env,
	       MDB_dbi *dbi);

#endif
