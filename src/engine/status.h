/* SPDX-License-Identifier: MIT */
/* The status snapshot: witnesses, building it from the status reply, writing it atomically. */
#ifndef OMG_ENGINE_STATUS_H
#define OMG_ENGINE_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/backend/backend.h"
#include "fast/snapshot.h"
#include "ipc/protocol.h"

/* The witnesses' state at one moment (owns its paths). */
struct witnesses {
	uint32_t n;
	struct snap_witness w[SNAP_WITNESS_MAX];
};

/* Stats b's witnesses under root into *ws (freed with witnesses_free). Take
 * it before reading the databases: a change after it shows as a mismatch. */
void witnesses_take(const struct backend *b, const char *root, struct witnesses *ws);
void witnesses_free(struct witnesses *ws);
/* Moves *from into *to (freeing what *to held). */
void witnesses_move(struct witnesses *to, struct witnesses *from);

/* Fills *s from a status reply, the witnesses and the flags the server knows
 * (SNAP_TRANSACTION, SNAP_SYSTEM, SNAP_STOPPED); strings are borrowed. */
void status_snap(const struct msg_status_reply *st, const struct witnesses *ws, uint32_t flags,
		 uint32_t interval, struct snap *s);
/*
 * Writes s to path atomically: a temporary file in the same directory,
 * written, fsync'd, renamed over path, then the directory fsync'd. A reader
 * sees the old file or the new one, never a mix. shared: mode 0644 (the
 * system engine's file, for every user), else 0600. 0, or -1 with err.
 */
int status_write(const char *path, const struct snap *s, int shared, char *err, size_t errlen);

#endif
