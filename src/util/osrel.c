/* SPDX-License-Identifier: MIT */
/* os-release(5) read the way its manual says: KEY=value lines, shell quoting. */
#include "util/osrel.h"

#include <stdio.h>
#include <string.h>

/* Unquotes v (a shell-style value: "...", '...' or bare, with backslash
 * escapes in double quotes) into out. -1 when it does not fit. */
static int unquote(const char *v, char *out, size_t len)
{
	size_t n = 0;
	char q = (*v == '"' || *v == '\'') ? *v++ : 0;
	for (; *v && *v != '\n'; v++) {
		if (q && *v == q)
			break;
		if (q == '"' && *v == '\\' && v[1] && v[1] != '\n')
			v++;
		if (n + 1 >= len)
			return -1;
		out[n++] = *v;
	}
	out[n] = '\0';
	return 0;
}

int osrel_get(const char *root, const char *key, char *out, size_t len)
{
	static const char *const files[] = {"etc/os-release", "usr/lib/os-release"};
	size_t klen = strlen(key);
	if (len)
		out[0] = '\0';
	for (size_t i = 0; i < 2; i++) {
		char path[4096], line[1024];
		snprintf(path, sizeof(path), "%s/%s", root && *root ? root : "", files[i]);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		int rc = -1;
		while (fgets(line, sizeof(line), f))
			if (strncmp(line, key, klen) == 0 && line[klen] == '=') {
				rc = unquote(line + klen + 1, out, len) == 0 && out[0] ? 0 : -1;
				break;
			}
		fclose(f);
		if (rc != 0 && len)
			out[0] = '\0';
		return rc; /* the first file that exists is the one (os-release(5)) */
	}
	return -1;
}
