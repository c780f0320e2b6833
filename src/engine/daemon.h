/* SPDX-License-Identifier: MIT */
/* omg daemon run: the engine in the foreground (omgd, the systemd units, autostart). */
#ifndef OMG_ENGINE_DAEMON_H
#define OMG_ENGINE_DAEMON_H

#include "engine/server.h"
#include "ipc/embed.h"
#include "util/config.h"

/*
 * Reads the configuration, opens the engine for a's root, and serves it on
 * its socket until SIGTERM, SIGINT or the idle timeout; SIGHUP reads the
 * configuration again. A failure to start is reported on stderr and to
 * a->ready_fd. Returns an exit status (omg(1)).
 */
int daemon_run(const struct embed_daemon_args *a);
/* Copies the configuration's [daemon], [cache], [system], [transaction] and
 * [status] keys into server options. */
void daemon_apply_config(const struct config *c, struct server_opts *o);

#endif
