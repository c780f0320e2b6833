/* SPDX-License-Identifier: MIT */
/* libFuzzer target: checksum lists (bun's and node's SHASUMS256.txt, python's SHA256SUMS):
 * refused with one line, or every entry a relative name with a 64-hex digest that
 * rt_sums_find gives back; each name is then tried as a bun version. */
#include "fuzz_rt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether name has a ".." or "." component, or an empty one. */
static int climbs(const char *name)
{
	for (const char *p = name;;) {
		size_t k = strcspn(p, "/");
		if (k == 0 || (k == 2 && p[0] == '.' && p[1] == '.') || (k == 1 && p[0] == '.'))
			return 1;
		if (!p[k])
			return 0;
		p += k + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = fuzz_copy(data, size);
	struct rt_sums s = {0};
	char err[512] = "";
	if (rt_sums_parse(&s, "SHASUMS256.txt", copy, size, err, sizeof(err)) != 0) {
		if (!err[0] || strchr(err, '\n') || s.n)
			abort();
	} else {
		struct rt_index idx;
		rt_index_init(&idx, RT_BUN);
		for (size_t i = 0; i < s.n; i++) {
			const char *n = s.v[i].name;
			if (!*n || n[0] == '/' || climbs(n) || !rt_hex64(s.v[i].sha256))
				abort();
			if (strcmp(rt_sums_find(&s, n), s.v[i].sha256) != 0)
				abort();
			size_t n0 = idx.n;
			if (rt_index_add(&idx, n, err, sizeof(err)) != 0 &&
			    (idx.n != n0 || strchr(err, '\n')))
				abort();
		}
		fuzz_check_index(0, err, &idx, 0);
		rt_index_free(&idx);
	}
	rt_sums_free(&s);
	free(copy);
	return 0;
}
