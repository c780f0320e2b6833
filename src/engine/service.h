/* SPDX-License-Identifier: MIT */
/* The engine's request handler: one protocol request in, its reply messages out. */
#ifndef OMG_ENGINE_SERVICE_H
#define OMG_ENGINE_SERVICE_H

#include <stddef.h>

#include "engine/engine.h"
#include "ipc/protocol.h"

/* Receives each reply; the message and everything it points to are borrowed
 * for the call only. */
typedef void (*service_emit)(void *ctx, const struct msg *reply);

/*
 * Answers req from the engine's index: search, info and list with pkgs
 * replies (split so that each stays under frame_max bytes, MSG_FLAG_MORE on
 * all but the last), status with a status reply, anything else with an
 * error. Every reply carries req's id. The same code serves the daemon and
 * the in-process CLI, so both print the same.
 */
void service_request(struct engine *e, const struct msg *req, size_t frame_max,
		     service_emit emit, void *ctx);

#endif
