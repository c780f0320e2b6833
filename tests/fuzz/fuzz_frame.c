/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a byte stream through the frame reader and the message decoder,
 * as the engine will see it from a peer; anything decoded is re-encoded and must
 * decode to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/codec.h"
#include "ipc/frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame_reader r;
	frame_reader_init(&r, 4096);
	/* Feed in uneven pieces, the way reads arrive. */
	size_t at = 0, step = 1;
	while (at < size) {
		size_t n = size - at < step ? size - at : step;
		frame_feed(&r, data + at, n);
		at += n;
		step = step * 3 % 17 + 1;
		for (;;) {
			const uint8_t *msg;
			size_t len;
			enum frame_result fr = frame_next(&r, &msg, &len);
			if (fr == FRAME_TOO_BIG)
				goto out;
			if (fr == FRAME_NEED_MORE)
				break;
			struct strpool *arena = strpool_new();
			struct msg m;
			char err[256];
			if (codec_decode(msg, len, &m, arena, err, sizeof(err)) == CODEC_OK) {
				struct buf b = {0};
				if (codec_encode(&b, &m) != 0 || b.len != len + 4 ||
				    memcmp(b.p + 4 + 12, msg + 12, len - 12) != 0)
					abort(); /* a decoded message must encode to the same fields */
				buf_free(&b);
			}
			strpool_free(arena);
			frame_consume(&r);
		}
	}
out:
	frame_reader_free(&r);
	return 0;
}
