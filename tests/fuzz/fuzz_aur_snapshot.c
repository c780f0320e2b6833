/* SPDX-License-Identifier: MIT */
/* libFuzzer target: aur_snapshot_check must accept or refuse any bytes with one line; what it
 * accepts must unpack, every link of the unpacked tree must resolve inside it, and a refused
 * unpack leaves the directory empty. Bytes that are not gzip are gzip'd first, so mutations
 * reach the tar reader rather than dying in the deflate stream. */
#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "engine/aur/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char top[PATH_MAX], dest[PATH_MAX], real_dest[PATH_MAX];

static void remove_top(void)
{
	aur_rmtree(top);
}

/* gzip of n bytes at p (caller frees), or NULL. */
static unsigned char *gzip_bytes(const uint8_t *p, size_t n, size_t *len)
{
	z_stream z = {0};
	if (deflateInit2(&z, 1, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	size_t cap = deflateBound(&z, n) + 64;
	unsigned char *out = malloc(cap);
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	*len = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

/* nftw: a link must resolve inside dest (or not at all: a dangling link made
 * of names only cannot leave). */
static int link_inside(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	char real[PATH_MAX];
	if (flag == FTW_SL && realpath(path, real)) {
		size_t n = strlen(real_dest);
		if (strncmp(real, real_dest, n) != 0 || (real[n] != '/' && real[n] != '\0'))
			abort();
	}
	return 0;
}

/* Non-zero when dest has no entries. */
static int dest_empty(void)
{
	DIR *d = opendir(dest);
	if (!d)
		abort();
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!top[0]) {
		const char *td = getenv("TMPDIR");
		snprintf(top, sizeof(top), "%s/omg-fuzz-snap-XXXXXX", td && *td ? td : "/tmp");
		if (!mkdtemp(top))
			abort();
		atexit(remove_top);
		snprintf(dest, sizeof(dest), "%s/d", top);
	}
	const uint8_t *p = data;
	size_t n = size;
	unsigned char *z = NULL;
	if (size < 2 || data[0] != 0x1f || data[1] != 0x8b)
		p = z = gzip_bytes(data, size, &n);

	struct aur_snapshot_limits lim = {
		.max_total = 1 << 20, .max_file = 256 << 10, .max_entries = 256};
	char err[256] = "";
	int rc = aur_snapshot_check(p, n, "zapp", &lim, err, sizeof(err));
	if (rc != 0 && (rc != -1 || !err[0] || strchr(err, '\n')))
		abort();
	if (mkdir(dest, 0700) < 0 || !realpath(dest, real_dest))
		abort();
	err[0] = '\0';
	int urc = aur_snapshot_unpack(p, n, "zapp", dest, &lim, err, sizeof(err));
	if (urc != rc || (urc < 0 && (!err[0] || !dest_empty())))
		abort();
	if (urc == 0)
		nftw(dest, link_inside, 16, FTW_PHYS);
	if (aur_rmtree(dest) < 0)
		abort();
	free(z);
	return 0;
}
