/* SPDX-License-Identifier: MIT */
/* What every runtime index fuzz target checks: a refusal is one line and appends nothing; what
 * is accepted keeps the index's promises, and choosing and planning take any of it. */
#ifndef OMG_TESTS_FUZZ_RT_H
#define OMG_TESTS_FUZZ_RT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/runtimes/rt-int.h"
#include "engine/runtimes/runtimes.h"

/* A private copy of data with no NUL after it: parsers must keep to len. Caller frees. */
static inline char *fuzz_copy(const uint8_t *data, size_t size)
{
	char *c = malloc(size ? size : 1);
	memcpy(c, data, size);
	return c;
}

/* Checks a parser's outcome: rc, its error, and the index it filled. */
static inline void fuzz_check_index(int rc, const char *err, struct rt_index *idx, size_t n0)
{
	if (rc != 0) {
		if (rc != -1 || !err[0] || strchr(err, '\n') || idx->n != n0)
			abort();
		return;
	}
	for (size_t i = 0; i < idx->n; i++) {
		const struct rt_release *r = &idx->v[i];
		/* Versions become directory names: never a '/', "..", or a control byte. */
		if (!rt_version_ok(r->version) || strchr(r->version, '/') || !r->raw || !r->date)
			abort();
		if (rt_index_find(idx, r->version) != r)
			abort(); /* listed once */
		for (uint32_t k = 0; k < r->nfiles; k++) {
			const struct rt_file *f = &r->files[k];
			if (!f->name || !f->url || !f->os || !f->arch || !f->kind || !f->sha256)
				abort();
			if (*f->sha256 && !rt_hex64(f->sha256))
				abort();
			if (*f->url && !rt_url_ok(f->url))
				abort();
		}
	}
	rt_index_sort(idx);
	for (size_t i = 1; i < idx->n; i++)
		if (rt_vercmp(idx->v[i - 1].version, idx->v[i].version) < 0)
			abort();
	static const char *const wants[] = {"latest", "lts", "lts/iron", "1", "20.1", "3.12"};
	struct rt_host hosts[] = {{RT_X86_64}, {RT_AARCH64}};
	for (size_t w = 0; w < sizeof(wants) / sizeof(wants[0]); w++) {
		const struct rt_release *r = NULL;
		char e[512] = "";
		if (rt_select(idx, wants[w], &r, e, sizeof(e)) != 0) {
			if (r || !e[0] || strchr(e, '\n'))
				abort();
			continue;
		}
		if (!r)
			abort();
		for (size_t h = 0; h < 2; h++) {
			struct rt_source s;
			e[0] = '\0';
			if (rt_plan(idx, r, &hosts[h], "https://example.org/dist/", &s, e, sizeof(e)) == 0) {
				if (!rt_url_ok(s.url) || (s.sig == RT_SIG_NONE && !rt_hex64(s.sha256)))
					abort();
			} else if (!e[0] || strchr(e, '\n')) {
				abort();
			}
		}
	}
}

#endif
