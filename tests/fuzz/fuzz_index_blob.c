/* SPDX-License-Identifier: MIT */
/* libFuzzer target: index_from_blob must reject or accept any bytes without misbehaving. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/index.h"
#include "engine/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private, aligned copy: the store hands out 8-aligned blobs. */
	void *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	char err[256];
	struct index *ix = index_from_blob(copy, size, NULL, NULL, err, sizeof(err));
	if (ix) {
		/* Whatever was accepted must be usable: touch every record. */
		for (size_t i = 0; i < index_count(ix); i++) {
			const struct pkg *p = index_get(ix, i);
			(void)strlen(p->name);
			for (uint32_t k = 0; k < p->depends.n; k++)
				(void)strlen(p->depends.v[k]);
			for (uint32_t k = 0; k < p->tags.n; k++)
				(void)strlen(p->tags.v[k]);
			(void)strlen(p->priority);
			for (uint32_t k = 0; k < p->nversions; k++) {
				(void)strlen(p->versions[k].version);
				for (uint32_t a = 0; a < p->versions[k].narchives; a++)
					(void)strlen(p->versions[k].archives[a].where);
			}
		}
		const char *term = "a";
		struct search_opts o = {.terms = &term, .nterms = 1};
		struct ids ids = {0};
		query_search(ix, &o, &ids, err, sizeof(err));
		if (index_count(ix)) {
			struct ids req = {0}, opt = {0};
			struct rdeps_more more;
			query_rdeps(ix, 0, &req, &opt, &more);
			ids_free(&req);
			ids_free(&opt);
		}
		ids_free(&ids);
		index_free(ix);
	}
	free(copy);
	return 0;
}
