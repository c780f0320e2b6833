/* SPDX-License-Identifier: MIT */
/* Frame reassembly from a byte stream: a 4-byte big-endian length, then the message. */
#ifndef OMG_IPC_FRAME_H
#define OMG_IPC_FRAME_H

#include <stddef.h>
#include <stdint.h>

struct frame_reader {
	uint8_t *buf; /* owned */
	size_t len, cap;
	size_t max;   /* the largest message accepted */
};

enum frame_result {
	FRAME_NEED_MORE = 0,
	FRAME_READY = 1,
	FRAME_TOO_BIG = -1, /* the length exceeds max: framing is lost, close */
};

void frame_reader_init(struct frame_reader *r, size_t max);
void frame_reader_free(struct frame_reader *r);
/* Appends bytes read from the peer. Never grows past max plus the prefix. */
void frame_feed(struct frame_reader *r, const void *data, size_t n);
/*
 * The complete message at the head, if any: *msg and *len point into the
 * reader, valid until frame_consume or the next feed. FRAME_TOO_BIG is
 * reported as soon as the length prefix is seen, before the body is buffered.
 */
enum frame_result frame_next(const struct frame_reader *r, const uint8_t **msg, size_t *len);
/* Drops the message frame_next returned. */
void frame_consume(struct frame_reader *r);
/* Bytes a caller may read now without exceeding what the reader will hold. */
size_t frame_room(const struct frame_reader *r);

#endif
