/* SPDX-License-Identifier: MIT */
/* libFuzzer target: python-build-standalone's latest-release.json and SHA256SUMS. The first
 * byte picks: even, the bytes are read as latest-release.json then (whatever it said) as
 * SHA256SUMS of the known latest; odd, as SHA256SUMS alone (no tag known). */
#include "fuzz_rt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char latest[] = "{\"version\":1,\"tag\":\"20240415\",\"asset_url_prefix\":"
			     "\"https://example.org/download/20240415\"}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	char *copy = fuzz_copy(data + 1, size - 1);
	struct rt_index idx;
	rt_index_init(&idx, RT_PYTHON);
	char err[512] = "";
	if (data[0] % 2 == 0) {
		int rc = rt_python_parse_latest(&idx, copy, size - 1, err, sizeof(err));
		if (rc != 0 && (!err[0] || strchr(err, '\n') || idx.python_tag))
			abort();
		if (rc == 0 && (!idx.python_tag || !rt_url_ok(idx.python_url_prefix)))
			abort();
		if (rc != 0 && rt_python_parse_latest(&idx, latest, sizeof(latest) - 1, err,
						      sizeof(err)) != 0)
			abort();
	}
	err[0] = '\0';
	int rc = rt_python_parse_sums(&idx, copy, size - 1, "x86_64-unknown-linux-gnu", err,
				      sizeof(err));
	fuzz_check_index(rc, err, &idx, 0);
	rt_index_free(&idx);
	free(copy);
	return 0;
}
