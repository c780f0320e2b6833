/* SPDX-License-Identifier: MIT */
/* libFuzzer target: debsecan's feed through both entries: the bytes as text, and the bytes as
 * zlib data under a small cap. Either accepts or refuses without misbehaving, and what the text
 * entry accepts, deflated, the zlib entry accepts the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../unit/feed_equal.h"
#include "engine/security/feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checks what a parser accepted: sorted, each record found by lookup. */
static void check(const struct feed *f)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct advisory *a = &f->v[i], *first;
		if (!*a->package || !*a->id || a->severity > SEV_HIGH || a->status != ADV_STATUS_NONE)
			abort();
		if ((a->flags & ADV_REMOTE) && (a->flags & ADV_LOCAL))
			abort();
		for (uint32_t k = 0; k < a->other_versions.n; k++)
			if (!*a->other_versions.v[k] || strchr(a->other_versions.v[k], ' '))
				abort();
		if (i && strcmp(f->v[i - 1].package, a->package) > 0)
			abort();
		if (!feed_lookup(f, a->package, &first) || strcmp(first->package, a->package))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	char err[256];
	struct feed *t = feed_parse_debian_text(copy, size, err, sizeof(err));
	if (t) {
		check(t);
		uLongf zn = compressBound(size);
		unsigned char *z = malloc(zn);
		if (compress(z, &zn, data, size) != Z_OK)
			abort();
		struct feed *f = feed_parse_debian(z, zn, size, err, sizeof(err));
		if (!f || !feed_equal(f, t))
			abort();
		feed_free(f);
		free(z);
		feed_free(t);
	}
	/* The same bytes as zlib data (a cap of 1 MiB keeps runs fast). */
	struct feed *f = feed_parse_debian(copy, size, 1u << 20, err, sizeof(err));
	if (f) {
		check(f);
		feed_free(f);
	}
	free(copy);
	return 0;
}
