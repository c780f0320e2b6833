/* SPDX-License-Identifier: MIT */
/* The transaction history: one LMDB record per transaction, per root, newest last. */
#ifndef OMG_ENGINE_HISTORY_H
#define OMG_ENGINE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/protocol.h"
#include "util/strpool.h"

struct history;

/* Opens (creating) the history environment in dir for the root named by key
 * ("alpm:/real/root"). History is a record, not a cache: a database that
 * cannot be opened is an error, never removed. NULL with a reason. */
struct history *history_open(const char *dir, const char *key, char *err, size_t errlen);
void history_close(struct history *h);
/* Stores r as a new entry: sets r->history to its id (1, 2, ...). 0 or -1. */
int history_add(struct history *h, struct msg_trans_result *r, char *err, size_t errlen);
/* Replaces the entry r->history with r. 0 or -1. */
int history_put(struct history *h, const struct msg_trans_result *r, char *err, size_t errlen);
/* Entry id, or the newest when id is 0, decoded into arena (strings live as
 * long as it). 0, 1 when there is none, -1 when it cannot be read. */
int history_get(struct history *h, uint64_t id, struct msg_trans_result *out,
		struct strpool *arena);
/* Calls each for the entries newest first, at most limit (0: all); each
 * returns non-zero to stop. The entry is borrowed for the call. 0 or -1. */
int history_list(struct history *h, uint32_t limit,
		 int (*each)(void *ctx, const struct msg_trans_result *r), void *ctx);
/* Marks every entry that never ended (ended == 0) as interrupted, with why
 * as its message; calls each for every one marked. Returns how many. */
int history_mark_interrupted(struct history *h, const char *why,
			     void (*each)(void *ctx, const struct msg_trans_result *r), void *ctx);

#endif
