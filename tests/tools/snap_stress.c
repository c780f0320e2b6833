/* SPDX-License-Identifier: MIT */
/* snap-stress PATH N: rewrites the snapshot at PATH N times through the engine's writer,
 * each time with upgradable == installed == the round, for a reader racing it (tests). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/status.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: snap-stress PATH N\n");
		return 2;
	}
	long n = atol(argv[2]);
	struct snap s;
	memset(&s, 0, sizeof(s));
	s.str[SNAP_S_BACKEND] = "apt";
	s.str[SNAP_S_ROOT] = "/stress";
	s.str[SNAP_S_TRANSACTION] = "";
	s.interval = 300;
	char err[512];
	for (long i = 1; i <= n; i++) {
		s.written = (uint64_t)time(NULL);
		s.upgradable = s.installed = (uint32_t)i;
		/* Vary the length too, so a torn file could not line up by luck. */
		s.str[SNAP_S_TRANSACTION] = i % 2 ? "install (committing)" : "";
		if (status_write(argv[1], &s, 0, err, sizeof(err)) != 0) {
			fprintf(stderr, "snap-stress: %s\n", err);
			return 1;
		}
	}
	return 0;
}
