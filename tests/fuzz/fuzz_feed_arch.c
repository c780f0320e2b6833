/* SPDX-License-Identifier: MIT */
/* libFuzzer target: feed_parse_arch must accept or refuse any bytes without misbehaving, and what
 * it accepts must be sorted, looked up and stored back unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/feed_equal.h"
#include "engine/security/feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy with no NUL after it: the parser must keep to len. */
	char *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	char err[256];
	err[0] = '\0';
	struct feed *f = feed_parse_arch(copy, size, err, sizeof(err));
	if (!f) {
		if (!err[0] || memchr(err, '\n', strlen(err)))
			abort(); /* a refusal is one line, never empty */
	} else {
		for (size_t i = 0; i < f->n; i++) {
			const struct advisory *a = &f->v[i], *first;
			if (!*a->package || !*a->id || a->severity > SEV_MAX ||
			    a->status == ADV_STATUS_NONE || a->status > ADV_STATUS_FIXED)
				abort();
			if (i && strcmp(f->v[i - 1].package, a->package) > 0)
				abort();
			if (!feed_lookup(f, a->package, &first) || strcmp(first->package, a->package))
				abort();
		}
		struct buf blob = {0};
		feed_serialize(f, &blob);
		struct feed *g = feed_from_blob(blob.p, blob.len, err, sizeof(err));
		if (!g || !feed_equal(f, g))
			abort();
		feed_free(g);
		buf_free(&blob);
		feed_free(f);
	}
	free(copy);
	return 0;
}
