/* SPDX-License-Identifier: MIT */
/* libFuzzer target: Adoptium's v3 replies. The first byte picks: even, the bytes are an assets
 * reply (either shape); odd, available_releases then a fixed assets reply. */
#include "fuzz_rt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char assets[] =
	"[{\"release_name\":\"jdk-21.0.2+13\",\"binaries\":[],\"version_data\":{\"semver\":"
	"\"21.0.2+13.0.LTS\",\"openjdk_version\":\"21.0.2+13-LTS\"}}]";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	char *copy = fuzz_copy(data + 1, size - 1);
	struct rt_index idx;
	rt_index_init(&idx, RT_JAVA);
	char err[512] = "";
	int rc;
	if (data[0] % 2 == 0) {
		rc = rt_java_parse(&idx, copy, size - 1, err, sizeof(err));
	} else {
		rc = rt_java_parse_available(&idx, copy, size - 1, err, sizeof(err));
		if (rc != 0 && (!err[0] || strchr(err, '\n') || idx.java_lts))
			abort();
		err[0] = '\0';
		rc = rt_java_parse(&idx, assets, sizeof(assets) - 1, err, sizeof(err));
		if (rc != 0)
			abort();
	}
	fuzz_check_index(rc, err, &idx, 0);
	rt_index_free(&idx);
	free(copy);
	return 0;
}
