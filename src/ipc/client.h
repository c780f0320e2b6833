/* SPDX-License-Identifier: MIT */
/* The client end of the protocol: connect, handshake, send, receive (blocking, with timeouts). */
#ifndef OMG_IPC_CLIENT_H
#define OMG_IPC_CLIENT_H

#include <stddef.h>

#include "ipc/frame.h"
#include "ipc/protocol.h"
#include "util/strpool.h"

struct client {
	int fd;
	struct frame_reader in;
	uint32_t next_id;
	struct msg_hello_ok engine; /* from the handshake; strings in arena */
	struct strpool *arena;
	int gone;                   /* the engine closed the connection (EOF or reset) */
};

/* Connects to path and does the handshake. 0; -2 when nothing listens there
 * (no socket, or one left by a dead engine, or one that died during the
 * handshake); -1 for any other failure. The reason is in err. */
int client_open(struct client *cl, const char *path, const char *name, char *err,
		size_t errlen);
void client_close(struct client *cl);
/* Sends m with a new request id (returned in m->h.id). 0 or -1. */
int client_send(struct client *cl, struct msg *m, char *err, size_t errlen);
/* Receives the next message, decoded into arena, waiting up to timeout_ms.
 * 0, or -1 with a reason (timeout, closed, malformed). */
int client_recv(struct client *cl, struct msg *m, struct strpool *arena, int timeout_ms,
		char *err, size_t errlen);

/* For an event loop that polls cl->fd itself: reads what has arrived without
 * waiting. 0, or -1 when the engine closed the connection or it broke (gone
 * is then set) or sent a frame too big, with why in err. */
int client_read_ready(struct client *cl, char *err, size_t errlen);
/* The next whole message already read, decoded into arena: 1 with *m set, 0
 * when none is complete yet, -1 when it does not decode (why in err). */
int client_next(struct client *cl, struct msg *m, struct strpool *arena, char *err,
		size_t errlen);

#endif
