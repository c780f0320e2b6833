/* SPDX-License-Identifier: MIT */
/* Incremental frame reader with a hard size limit. */
#include "ipc/frame.h"

#include <stdlib.h>
#include <string.h>

#include "ipc/protocol.h"
#include "util/xalloc.h"

/* Invariant: buf[0..len) holds unread bytes and starts at a frame boundary. */

void frame_reader_init(struct frame_reader *r, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->max = max;
}

void frame_reader_free(struct frame_reader *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

size_t frame_room(const struct frame_reader *r)
{
	size_t limit = r->max + OMG_FRAME_LEN_SIZE;
	return r->len < limit ? limit - r->len : 0;
}

void frame_feed(struct frame_reader *r, const void *data, size_t n)
{
	r->buf = xgrow(r->buf, &r->cap, r->len + n, 1);
	memcpy(r->buf + r->len, data, n);
	r->len += n;
}

/* The length of the frame at the head of the buffer (prefix included), or 0. */
static size_t head_size(const struct frame_reader *r, uint32_t *body)
{
	if (r->len < OMG_FRAME_LEN_SIZE)
		return 0;
	*body = (uint32_t)r->buf[0] << 24 | (uint32_t)r->buf[1] << 16 |
		(uint32_t)r->buf[2] << 8 | r->buf[3];
	return OMG_FRAME_LEN_SIZE + (size_t)*body;
}

enum frame_result frame_next(const struct frame_reader *r, const uint8_t **msg, size_t *len)
{
	uint32_t body;
	size_t size = head_size(r, &body);
	if (!size)
		return FRAME_NEED_MORE;
	if (body > r->max)
		return FRAME_TOO_BIG;
	if (r->len < size)
		return FRAME_NEED_MORE;
	*msg = r->buf + OMG_FRAME_LEN_SIZE;
	*len = body;
	return FRAME_READY;
}

void frame_consume(struct frame_reader *r)
{
	uint32_t body;
	size_t size = head_size(r, &body);
	if (!size || r->len < size)
		return;
	memmove(r->buf, r->buf + size, r->len - size);
	r->len -= size;
}
