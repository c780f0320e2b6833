/* SPDX-License-Identifier: MIT */
/* libFuzzer target: rt_node_parse must accept or refuse any bytes with one line; what it accepts keeps
 * the index's promises (fuzz_rt.h). */
#include "fuzz_rt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = fuzz_copy(data, size);
	struct rt_index idx;
	rt_index_init(&idx, RT_NODE);
	char err[512] = "";
	int rc = rt_node_parse(&idx, copy, size, err, sizeof(err));
	fuzz_check_index(rc, err, &idx, 0);
	rt_index_free(&idx);
	free(copy);
	return 0;
}
