/* SPDX-License-Identifier: MIT */
/* Transaction history in LMDB: key "ROOTKEY\0" + big-endian id, value an encoded trans-result message. */
#include "engine/history.h"
#include "engine/dbenv.h"

#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/codec.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/xdg.h"

#define MAP_SIZE ((size_t)1 << 30) /* address space only */

/*
 * Entries of one root share the key prefix "KEY\0", so they sort together
 * by id; the newest is the last key with the prefix. The value is the
 * message a commit replies with (without its frame length), so an entry
 * reads back with the protocol decoder and its checks. One writer at a time
 * (LMDB serialises write transactions); readers never block.
 */
struct history {
	MDB_env *env;
	MDB_dbi dbi;
	char *prefix; /* key and its NUL */
	size_t plen;
};

struct history *history_open(const char *dir, const char *key, char *err, size_t errlen)
{
	struct history *h = xcalloc(1, sizeof(*h));
	int rc;
	if (xdg_mkdirs(dir) != 0) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		free(h);
		return NULL;
	}
	h->plen = strlen(key) + 1;
	h->prefix = xmalloc(h->plen);
	memcpy(h->prefix, key, h->plen);
	rc = dbenv_open(dir, MAP_SIZE, "history", &h->env, &h->dbi);
	if (rc != 0) {
		snprintf(err, errlen, "cannot open the history in %s: %s", dir, mdb_strerror(rc));
		history_close(h);
		return NULL;
	}
	return h;
}

void history_close(struct history *h)
{
	if (!h)
		return;
	if (h->env)
		mdb_env_close(h->env);
	free(h->prefix);
	free(h);
}

/* The key of entry id into out (prefix + 8 bytes big-endian). */
static void make_key(const struct history *h, uint64_t id, struct buf *out)
{
	buf_reset(out);
	buf_append(out, h->prefix, h->plen);
	for (int i = 7; i >= 0; i--)
		buf_putc(out, (char)(id >> (8 * i)));
}

/* The id in a key of ours, or 0 when the key is not ours. */
static uint64_t key_id(const struct history *h, const MDB_val *k)
{
	if (k->mv_size != h->plen + 8 || memcmp(k->mv_data, h->prefix, h->plen) != 0)
		return 0;
	const unsigned char *p = (const unsigned char *)k->mv_data + h->plen;
	uint64_t id = 0;
	for (int i = 0; i < 8; i++)
		id = id << 8 | p[i];
	return id;
}

/* Positions c on our newest entry. 0, or MDB_NOTFOUND. */
static int seek_newest(const struct history *h, MDB_cursor *c, MDB_val *k, MDB_val *v)
{
	struct buf key = {0};
	make_key(h, UINT64_MAX, &key);
	MDB_val kk = {key.len, key.p};
	int rc = mdb_cursor_get(c, &kk, v, MDB_SET_RANGE);
	if (rc == 0)
		rc = mdb_cursor_get(c, k, v, MDB_PREV);
	else if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(c, k, v, MDB_LAST);
	buf_free(&key);
	if (rc == 0 && !key_id(h, k))
		rc = MDB_NOTFOUND;
	return rc;
}

/* Writes r under its id inside txn. */
static int put_entry(struct history *h, MDB_txn *txn, const struct msg_trans_result *r)
{
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_TRANS_RESULT;
	m.u.result = *r;
	struct buf val = {0}, key = {0};
	codec_encode(&val, &m);
	make_key(h, r->history, &key);
	MDB_val k = {key.len, key.p}, v = {val.len - OMG_FRAME_LEN_SIZE, val.p + OMG_FRAME_LEN_SIZE};
	int rc = mdb_put(txn, h->dbi, &k, &v, 0);
	buf_free(&val);
	buf_free(&key);
	return rc;
}

/* Writes r in one write transaction; with new_id, under the next id (set in r). */
static int write_entry(struct history *h, struct msg_trans_result *r, int new_id, char *err,
		       size_t errlen)
{
	MDB_txn *txn = NULL;
	int rc = mdb_txn_begin(h->env, NULL, 0, &txn);
	if (rc != 0)
		txn = NULL;
	if (rc == 0 && new_id) {
		MDB_cursor *c;
		MDB_val k, v;
		rc = mdb_cursor_open(txn, h->dbi, &c);
		if (rc == 0) {
			r->history = seek_newest(h, c, &k, &v) == 0 ? key_id(h, &k) + 1 : 1;
			mdb_cursor_close(c);
		}
	}
	if (rc == 0)
		rc = put_entry(h, txn, r);
	if (rc == 0)
		rc = mdb_txn_commit(txn);
	else if (txn)
		mdb_txn_abort(txn);
	if (rc == 0)
		return 0;
	snprintf(err, errlen, "cannot write the history: %s", mdb_strerror(rc));
	return -1;
}

int history_add(struct history *h, struct msg_trans_result *r, char *err, size_t errlen)
{
	return write_entry(h, r, 1, err, errlen);
}

int history_put(struct history *h, const struct msg_trans_result *r, char *err, size_t errlen)
{
	struct msg_trans_result copy = *r;
	return write_entry(h, &copy, 0, err, errlen);
}

/* Decodes a stored value into out. 0 or -1. */
static int decode(const MDB_val *v, struct msg_trans_result *out, struct strpool *arena)
{
	struct msg m;
	char why[128];
	if (codec_decode(v->mv_data, v->mv_size, &m, arena, why, sizeof(why)) != CODEC_OK ||
	    m.h.type != MSG_TRANS_RESULT)
		return -1;
	*out = m.u.result;
	return 0;
}

int history_get(struct history *h, uint64_t id, struct msg_trans_result *out,
		struct strpool *arena)
{
	MDB_txn *txn;
	MDB_val k, v;
	if (mdb_txn_begin(h->env, NULL, MDB_RDONLY, &txn) != 0)
		return -1;
	int rc;
	if (id) {
		struct buf key = {0};
		make_key(h, id, &key);
		k = (MDB_val){key.len, key.p};
		rc = mdb_get(txn, h->dbi, &k, &v);
		buf_free(&key);
	} else {
		MDB_cursor *c;
		rc = mdb_cursor_open(txn, h->dbi, &c);
		if (rc == 0) {
			rc = seek_newest(h, c, &k, &v);
			mdb_cursor_close(c);
		}
	}
	int ret = rc == MDB_NOTFOUND ? 1 : rc != 0 ? -1 : decode(&v, out, arena);
	mdb_txn_abort(txn);
	return ret;
}

int history_list(struct history *h, uint32_t limit,
		 int (*each)(void *ctx, const struct msg_trans_result *r), void *ctx)
{
	MDB_txn *txn;
	MDB_cursor *c;
	MDB_val k, v;
	if (mdb_txn_begin(h->env, NULL, MDB_RDONLY, &txn) != 0)
		return -1;
	if (mdb_cursor_open(txn, h->dbi, &c) != 0) {
		mdb_txn_abort(txn);
		return -1;
	}
	int rc = seek_newest(h, c, &k, &v);
	for (uint32_t n = 0; rc == 0 && key_id(h, &k) && (!limit || n < limit); n++) {
		struct strpool *arena = strpool_new();
		struct msg_trans_result r;
		int stop = decode(&v, &r, arena) == 0 && each(ctx, &r);
		strpool_free(arena);
		if (stop)
			break;
		rc = mdb_cursor_get(c, &k, &v, MDB_PREV);
	}
	mdb_cursor_close(c);
	mdb_txn_abort(txn);
	return 0;
}

int history_mark_interrupted(struct history *h, const char *why,
			     void (*each)(void *ctx, const struct msg_trans_result *r), void *ctx)
{
	MDB_txn *txn;
	MDB_cursor *c;
	MDB_val k, v;
	int marked = 0;
	if (mdb_txn_begin(h->env, NULL, 0, &txn) != 0)
		return 0;
	if (mdb_cursor_open(txn, h->dbi, &c) != 0) {
		mdb_txn_abort(txn);
		return 0;
	}
	/* Only the newest few can be unfinished: one transaction runs at a time. */
	int rc = seek_newest(h, c, &k, &v);
	struct strpool *arena = strpool_new();
	struct msg_trans_result *todo = NULL;
	size_t n = 0;
	for (int seen = 0; rc == 0 && key_id(h, &k) && seen < 16; seen++) {
		struct msg_trans_result r;
		if (decode(&v, &r, arena) == 0 && r.ended == 0) {
			todo = xrealloc(todo, (n + 1) * sizeof(*todo));
			todo[n++] = r;
		}
		rc = mdb_cursor_get(c, &k, &v, MDB_PREV);
	}
	mdb_cursor_close(c);
	for (size_t i = 0; i < n; i++) {
		todo[i].status = ERR_INTERRUPTED;
		todo[i].message = why;
		todo[i].ended = todo[i].started; /* unknown: it ended when the engine did */
		if (put_entry(h, txn, &todo[i]) == 0)
			marked++;
	}
	if (mdb_txn_commit(txn) != 0)
		marked = 0;
	for (size_t i = 0; marked && i < n; i++)
		if (each)
			each(ctx, &todo[i]);
	free(todo);
	strpool_free(arena);
	return marked;
}
