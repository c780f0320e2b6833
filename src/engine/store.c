/* SPDX-License-Identifier: MIT */
/* The L2 store: one LMDB environment, one entry per root, validated before use. */
#include "engine/store.h"
#include "engine/dbenv.h"

#include <errno.h>
#include <lmdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/xalloc.h"
#include "util/xdg.h"

#define MAP_SIZE ((size_t)4 << 30) /* address space only; the file grows as used */
#define ENTRY_MAGIC 0x4f4d4753u    /* "OMGS" */

struct store {
	MDB_env *env;
	MDB_dbi dbi;
	char *dir;
};

/*
 * An entry: struct entry_hdr, the fingerprint (fplen bytes, zero-padded to
 * 8), then the index blob. The build id ties it to this omg's record layout.
 */
struct entry_hdr {
	uint32_t magic, fplen;
	uint64_t build;
};

/* Changes whenever the blob or record layout may change. */
static uint64_t build_id(void)
{
	return ((uint64_t)sizeof(struct pkg) << 32) | (uint64_t)(sizeof(struct entry_hdr) << 16) | 1u;
}

/* Opens the environment and the "index" database. */
static int open_env(struct store *st, char *err, size_t errlen)
{
	int rc = dbenv_open(st->dir, MAP_SIZE, "index", &st->env, &st->dbi);
	if (rc != 0) {
		snprintf(err, errlen, "cannot open the index store in %s: %s", st->dir,
			 mdb_strerror(rc));
		return -1;
	}
	return 0;
}

struct store *store_open(const char *dir, char *err, size_t errlen)
{
	struct store *st = xcalloc(1, sizeof(*st));
	st->dir = xstrdup(dir);
	if (xdg_mkdirs(dir) != 0) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		goto fail;
	}
	if (open_env(st, err, errlen) != 0) {
		/* A damaged or foreign store is a cache: remove it and start again. */
		char *data = xasprintf("%s/data.mdb", dir), *lock = xasprintf("%s/lock.mdb", dir);
		unlink(data);
		unlink(lock);
		free(data);
		free(lock);
		if (open_env(st, err, errlen) != 0)
			goto fail;
	}
	return st;
fail:
	free(st->dir);
	free(st);
	return NULL;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->env)
		mdb_env_close(st->env);
	free(st->dir);
	free(st);
}

/* index release callback: ends the read transaction that maps the blob. */
static void release_txn(void *ctx)
{
	mdb_txn_abort(ctx);
}

/* Deletes key (a damaged entry). */
static void drop(struct store *st, const char *key)
{
	MDB_txn *txn;
	if (mdb_txn_begin(st->env, NULL, 0, &txn) != 0)
		return;
	MDB_val k = {strlen(key), (void *)key};
	mdb_del(txn, st->dbi, &k, NULL);
	mdb_txn_commit(txn); /* best effort: a failed drop is retried on the next miss */
}

struct index *store_get(struct store *st, const char *key, const char *fp)
{
	MDB_txn *txn;
	if (mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn) != 0)
		return NULL;
	MDB_val k = {strlen(key), (void *)key}, v;
	if (mdb_get(txn, st->dbi, &k, &v) != 0)
		goto miss;
	struct entry_hdr h;
	size_t fplen = strlen(fp);
	if (v.mv_size < sizeof(h))
		goto damaged;
	memcpy(&h, v.mv_data, sizeof(h));
	if (h.magic != ENTRY_MAGIC)
		goto damaged;
	size_t padded = ((size_t)h.fplen + 7) & ~(size_t)7;
	if (h.build != build_id() || h.fplen != fplen || v.mv_size - sizeof(h) < padded ||
	    memcmp((char *)v.mv_data + sizeof(h), fp, fplen) != 0)
		goto miss; /* stale: the caller rebuilds and replaces it */
	xprefault(v.mv_data, v.mv_size);
	char why[256];
	struct index *ix = index_from_blob((char *)v.mv_data + sizeof(h) + padded,
					   v.mv_size - sizeof(h) - padded, release_txn, txn,
					   why, sizeof(why));
	if (!ix)
		goto damaged;
	return ix;
damaged:
	mdb_txn_abort(txn);
	drop(st, key);
	return NULL;
miss:
	mdb_txn_abort(txn);
	return NULL;
}

int store_put(struct store *st, const char *key, const char *fp, const struct index *ix,
	      char *err, size_t errlen)
{
	struct buf val = {0};
	struct entry_hdr h = {ENTRY_MAGIC, (uint32_t)strlen(fp), build_id()};
	static const char zeros[8];
	buf_append(&val, &h, sizeof(h));
	buf_append(&val, fp, h.fplen);
	buf_append(&val, zeros, ((h.fplen + 7) & ~7u) - h.fplen);
	index_serialize(ix, &val);
	MDB_txn *txn;
	int rc = mdb_txn_begin(st->env, NULL, 0, &txn);
	if (rc == 0) {
		MDB_val k = {strlen(key), (void *)key}, v = {val.len, val.p};
		rc = mdb_put(txn, st->dbi, &k, &v, 0);
		if (rc == 0)
			rc = mdb_txn_commit(txn);
		else
			mdb_txn_abort(txn);
	}
	buf_free(&val);
	if (rc != 0) {
		snprintf(err, errlen, "cannot write the index store: %s", mdb_strerror(rc));
		return -1;
	}
	return 0;
}

char *store_default_dir(void)
{
	return xdg_omg_dir(XDG_DATA);
}
