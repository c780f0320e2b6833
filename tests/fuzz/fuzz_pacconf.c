/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the pacman.conf reader on arbitrary file contents. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/backend/pacconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char root[64];
	if (!root[0]) {
		/* One sandbox root for the whole run: ROOT/etc/pacman.conf is rewritten. */
		snprintf(root, sizeof(root), "/tmp/omg-fuzz-pacconf.XXXXXX");
		if (!mkdtemp(root))
			abort();
		char etc[96];
		snprintf(etc, sizeof(etc), "%s/etc", root);
		mkdir(etc, 0700);
	}
	char path[128];
	snprintf(path, sizeof(path), "%s/etc/pacman.conf", root);
	FILE *f = fopen(path, "we");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	struct pacconf c;
	char err[512];
	pacconf_load(&c, root, err, sizeof(err));
	pacconf_free(&c);
	return 0;
}
