/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the TOML-subset reader and rust's channel manifest on top of it. Every
 * value it keeps has a path; refusals are one line; the manifest keeps the index's promises. */
#include "fuzz_rt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = fuzz_copy(data, size);
	char err[512] = "";
	struct rt_toml *d = rt_toml_parse("m", copy, size, err, sizeof(err));
	if (!d && (!err[0] || strchr(err, '\n')))
		abort();
	if (d) {
		const struct rt_toml_val *v = rt_toml_get(d, "manifest-version");
		if (v && (!v->path || strcmp(v->path, "manifest-version") != 0))
			abort();
		rt_toml_free(d);
	}
	struct rt_index idx;
	rt_index_init(&idx, RT_RUST);
	err[0] = '\0';
	int rc = rt_rust_parse(&idx, copy, size, "x86_64-unknown-linux-gnu", err, sizeof(err));
	fuzz_check_index(rc, err, &idx, 0);
	rt_index_free(&idx);
	free(copy);
	return 0;
}
