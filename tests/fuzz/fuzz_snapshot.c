/* SPDX-License-Identifier: MIT */
/* libFuzzer target: any bytes through the snapshot decoder omg-fast uses; whatever it
 * accepts must encode back to a file that decodes to the same figures and strings. */
#include <stdint.h>
#include <string.h>

#include "fast/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char out[SNAP_FILE_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snap s, t;
	if (snap_decode(data, size, &s) != SNAP_OK)
		return 0;
	/* Touch every string: each must be terminated inside the input. */
	size_t total = 0;
	for (int i = 0; i < SNAP_S_COUNT; i++)
		total += strlen(s.str[i]);
	for (uint32_t i = 0; i < s.nwitness; i++)
		total += strlen(s.witness[i].path);
	if (total > size)
		__builtin_trap();
	size_t n = snap_encode(&s, out);
	if (!n || snap_decode(out, n, &t) != SNAP_OK)
		__builtin_trap();
	if (t.upgradable != s.upgradable || t.flags != s.flags || t.written != s.written ||
	    t.nwitness != s.nwitness || strcmp(t.str[SNAP_S_ROOT], s.str[SNAP_S_ROOT]) != 0)
		__builtin_trap();
	return 0;
}
