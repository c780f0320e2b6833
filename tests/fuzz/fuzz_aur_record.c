/* SPDX-License-Identifier: MIT */
/* libFuzzer target: aur_record_decode must accept or refuse any bytes with one line, and what it
 * accepts must encode back to the same bytes. The bytes are tried as they are and again with
 * their checksum set right, so mutations reach the body's decoder rather than the CRC. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "engine/aur/review-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes p[0..n); what is accepted must be usable and encode to the same bytes. */
static void decode(const uint8_t *p, size_t n)
{
	struct aur_record r;
	char err[256] = "";
	if (aur_record_decode(p, n, &r, err, sizeof(err)) != 0) {
		if (!err[0] || strchr(err, '\n'))
			abort();
		return;
	}
	for (size_t i = 0; i < r.files.n; i++) {
		const struct aur_file *f = &r.files.v[i];
		if (!f->path[0] || f->path[0] == '/' || strlen(f->data) > f->len)
			abort();
	}
	struct buf again = {0};
	aur_record_encode(&r, &again);
	if (again.len != n || memcmp(again.p, p, n) != 0)
		abort();
	buf_free(&again);
	aur_record_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy: the decoder must copy what it keeps. */
	uint8_t *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	decode(copy, size);
	if (size >= AUR_RECORD_HEADER) {
		uint32_t crc = (uint32_t)crc32(0, copy + AUR_RECORD_HEADER,
					       (uInt)(size - AUR_RECORD_HEADER));
		for (int i = 0; i < 4; i++)
			copy[8 + i] = (uint8_t)(crc >> (8 * i));
		decode(copy, size);
	}
	free(copy);
	return 0;
}
