/* SPDX-License-Identifier: MIT */
/* Encoding and decoding of protocol messages, driven by one schema table per type. */
#ifndef OMG_IPC_CODEC_H
#define OMG_IPC_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/protocol.h"
#include "util/buf.h"
#include "util/strpool.h"

/* Appends one whole frame (length prefix, header, fields) for m to out.
 * Returns 0, or -1 if m->h.type has no schema. */
int codec_encode(struct buf *out, const struct msg *m);

enum codec_result {
	CODEC_OK = 0,
	CODEC_MALFORMED = -1,    /* bad lengths, counts, UTF-8, trailing bytes */
	CODEC_UNKNOWN_TYPE = -2, /* a well-formed header with a type we do not know */
};

/*
 * Decodes one message (the bytes after the length prefix) into *m. Strings
 * and arrays are allocated in arena and live as long as it. Every length and
 * count is checked against what is left before anything is allocated, so a
 * peer cannot make the decoder allocate more than the frame's size allows.
 * On error, err holds one line.
 */
enum codec_result codec_decode(const uint8_t *p, size_t n, struct msg *m, struct strpool *arena,
			       char *err, size_t errlen);

/* An error reply for request id into *m (text borrowed). */
void codec_error(struct msg *m, uint32_t id, uint32_t code, const char *text);
/* The name of a message type ("search"), or "unknown". */
const char *codec_type_name(uint16_t type);
/* The header of a message (the bytes after the length prefix) without its
 * body: for routing a frame (a cache lookup, a reply count) without decoding
 * it. 0, or -1 when n is shorter than a header. */
int codec_peek_header(const uint8_t *p, size_t n, struct msg_header *h);
/* Rewrites the request id in the header of the message at p. */
void codec_set_id(uint8_t *p, uint32_t id);

#endif
