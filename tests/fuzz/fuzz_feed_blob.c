/* SPDX-License-Identifier: MIT */
/* libFuzzer target: feed_from_blob must accept or refuse any bytes without misbehaving; what it
 * accepts must be usable and store back to the same feed; and a feed the parsers make of the
 * same bytes must come back from its blob equal. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/feed_equal.h"
#include "engine/security/feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* f through serialize and from_blob must come back equal. */
static void round_trip(const struct feed *f)
{
	char err[256];
	struct buf blob = {0};
	feed_serialize(f, &blob);
	struct feed *g = feed_from_blob(blob.p, blob.len, err, sizeof(err));
	if (!g || !feed_equal(f, g))
		abort();
	feed_free(g);
	buf_free(&blob);
}

/* The bytes as each parser's input: whatever parses must store and load back. */
static void parsed_round_trip(const uint8_t *data, size_t size)
{
	char err[256];
	struct feed *f = feed_parse_arch(data, size, err, sizeof(err));
	if (f) {
		feed_set_origin(f, size, "https://security.archlinux.org/all.json", "\"e\"", "", "");
		round_trip(f);
		feed_free(f);
	}
	f = feed_parse_debian_text((const char *)data, size, err, sizeof(err));
	if (f) {
		feed_set_origin(f, 0, "", "", "Tue, 03 Nov 2026 10:00:00 GMT", "trixie");
		round_trip(f);
		feed_free(f);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parsed_round_trip(data, size);
	/* A private, aligned copy, freed before the feed is used: the feed
	 * must have copied what it keeps. */
	void *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	char err[256];
	struct feed *f = feed_from_blob(copy, size, err, sizeof(err));
	free(copy);
	if (!f)
		return 0;
	for (size_t i = 0; i < f->n; i++) {
		const struct advisory *a = &f->v[i], *first;
		(void)strlen(a->id);
		(void)strlen(a->fixed);
		(void)strlen(a->affected);
		(void)strlen(a->type);
		for (uint32_t k = 0; k < a->issues.n; k++)
			(void)strlen(a->issues.v[k]);
		for (uint32_t k = 0; k < a->other_versions.n; k++)
			(void)strlen(a->other_versions.v[k]);
		if (!feed_lookup(f, a->package, &first) || strcmp(first->package, a->package))
			abort();
	}
	(void)strlen(f->url);
	(void)strlen(f->release);
	/* A round trip of an accepted blob gives the same feed. */
	round_trip(f);
	feed_free(f);
	return 0;
}
