/* SPDX-License-Identifier: MIT */
/* The snapshot's encoder and its checking decoder: libc only, no allocation. */
#include "fast/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fdio.h"
#include "util/hash.h"

/* The string that starts at *off within [0, len): NULL if it runs past len. */
static const char *next_string(const char *base, uint32_t len, uint32_t *off)
{
	if (*off >= len)
		return NULL;
	const char *s = base + *off;
	const char *nul = memchr(s, '\0', len - *off);
	if (!nul)
		return NULL;
	*off += (uint32_t)(nul - s) + 1;
	return s;
}

enum snap_result snap_decode(const unsigned char *p, size_t n, struct snap *s)
{
	memset(s, 0, sizeof(*s));
	if (n < SNAP_MAGIC_LEN + 4 || memcmp(p, SNAP_MAGIC, SNAP_MAGIC_LEN) != 0)
		return SNAP_CORRUPT;
	s->major = (uint16_t)(p[SNAP_O_MAJOR] | p[SNAP_O_MAJOR + 1] << 8);
	s->minor = (uint16_t)(p[SNAP_O_MINOR] | p[SNAP_O_MINOR + 1] << 8);
	if (s->major > SNAP_MAJOR)
		return SNAP_NEWER; /* its checksum and layout may differ too: say why first */
	if (s->major == 0 || n < SNAP_HEADER_SIZE + SNAP_TRAILER_SIZE || n > SNAP_FILE_MAX)
		return SNAP_CORRUPT;
	uint32_t hsize = snap_get32(p + SNAP_O_HEADER_SIZE), fsize = snap_get32(p + SNAP_O_FILE_SIZE);
	if (fsize != n || hsize < SNAP_HEADER_SIZE || hsize > n - SNAP_TRAILER_SIZE)
		return SNAP_CORRUPT;
	const unsigned char *tr = p + n - SNAP_TRAILER_SIZE;
	if (memcmp(tr + 4, "END\n", 4) != 0 || snap_get32(tr) != snap_crc32(0, p, n - SNAP_TRAILER_SIZE))
		return SNAP_CORRUPT;
	s->flags = snap_get32(p + SNAP_O_FLAGS);
	s->written = snap_get64(p + SNAP_O_WRITTEN);
	s->generation = snap_get64(p + SNAP_O_GENERATION);
	s->last_sync = snap_get64(p + SNAP_O_LAST_SYNC);
	s->checked = snap_get64(p + SNAP_O_CHECKED);
	s->installed = snap_get32(p + SNAP_O_INSTALLED);
	s->explicit_ = snap_get32(p + SNAP_O_EXPLICIT);
	s->orphans = snap_get32(p + SNAP_O_ORPHANS);
	s->upgradable = snap_get32(p + SNAP_O_UPGRADABLE);
	s->security = snap_get32(p + SNAP_O_SECURITY);
	s->held = snap_get32(p + SNAP_O_HELD);
	s->packages = snap_get32(p + SNAP_O_PACKAGES);
	s->pid = snap_get32(p + SNAP_O_PID);
	s->interval = snap_get32(p + SNAP_O_INTERVAL);
	s->vulnerable = snap_get32(p + SNAP_O_VULNERABLE);
	s->vuln_severity = snap_get32(p + SNAP_O_VULN_SEVERITY);
	s->vuln_fetched = snap_get64(p + SNAP_O_VULN_FETCHED);
	/* Both sections lie between the header and the trailer; sizes are
	 * checked before offsets are added, so nothing wraps. */
	uint32_t body_end = (uint32_t)n - SNAP_TRAILER_SIZE;
	uint32_t nw = snap_get32(p + SNAP_O_NWITNESS), woff = snap_get32(p + SNAP_O_WITNESS_OFF);
	uint32_t soff = snap_get32(p + SNAP_O_STRINGS_OFF), slen = snap_get32(p + SNAP_O_STRINGS_LEN);
	if (nw > SNAP_WITNESS_MAX || woff < hsize || woff > body_end ||
	    nw * SNAP_WITNESS_SIZE > body_end - woff)
		return SNAP_CORRUPT;
	if (soff < hsize || soff > body_end || slen > body_end - soff || slen > SNAP_STRINGS_MAX)
		return SNAP_CORRUPT;
	if (nw && soff < woff + nw * SNAP_WITNESS_SIZE && woff < soff + slen)
		return SNAP_CORRUPT; /* the sections overlap */
	const char *strs = (const char *)p + soff;
	uint32_t off = 0;
	for (int i = 0; i < SNAP_S_COUNT; i++)
		if (!(s->str[i] = next_string(strs, slen, &off)))
			return SNAP_CORRUPT;
	s->nwitness = nw;
	for (uint32_t i = 0; i < nw; i++) {
		const unsigned char *w = p + woff + i * SNAP_WITNESS_SIZE;
		struct snap_witness *sw = &s->witness[i];
		if (!(sw->path = next_string(strs, slen, &off)) || sw->path[0] != '/')
			return SNAP_CORRUPT;
		sw->ino = snap_get64(w + SNAP_W_INO);
		sw->mtime = (int64_t)snap_get64(w + SNAP_W_MTIME);
		sw->mtime_nsec = snap_get32(w + SNAP_W_MTIME_NSEC);
		sw->exists = snap_get32(w + SNAP_W_EXISTS);
		if (sw->mtime_nsec >= 1000000000u || sw->exists > 1)
			return SNAP_CORRUPT;
	}
	return SNAP_OK;
}

size_t snap_encode(const struct snap *s, unsigned char *out)
{
	uint32_t nw = s->nwitness > SNAP_WITNESS_MAX ? SNAP_WITNESS_MAX : s->nwitness;
	uint32_t woff = SNAP_HEADER_SIZE, soff = woff + nw * SNAP_WITNESS_SIZE, slen = 0;
	const char *all[SNAP_S_COUNT + SNAP_WITNESS_MAX];
	uint32_t nall = 0;
	for (int i = 0; i < SNAP_S_COUNT; i++)
		all[nall++] = s->str[i];
	for (uint32_t i = 0; i < nw; i++)
		all[nall++] = s->witness[i].path;
	for (uint32_t i = 0; i < nall; i++) {
		size_t l = strlen(all[i]) + 1;
		if (l > SNAP_STRINGS_MAX - slen)
			return 0;
		memcpy(out + soff + slen, all[i], l);
		slen += (uint32_t)l;
	}
	uint32_t n = soff + slen + SNAP_TRAILER_SIZE;
	memset(out, 0, SNAP_HEADER_SIZE);
	memcpy(out + SNAP_O_MAGIC, SNAP_MAGIC, SNAP_MAGIC_LEN);
	out[SNAP_O_MAJOR] = SNAP_MAJOR;
	out[SNAP_O_MINOR] = SNAP_MINOR;
	snap_put32(out + SNAP_O_HEADER_SIZE, SNAP_HEADER_SIZE);
	snap_put32(out + SNAP_O_FILE_SIZE, n);
	snap_put32(out + SNAP_O_FLAGS, s->flags);
	snap_put64(out + SNAP_O_WRITTEN, s->written);
	snap_put64(out + SNAP_O_GENERATION, s->generation);
	snap_put64(out + SNAP_O_LAST_SYNC, s->last_sync);
	snap_put64(out + SNAP_O_CHECKED, s->checked);
	snap_put32(out + SNAP_O_INSTALLED, s->installed);
	snap_put32(out + SNAP_O_EXPLICIT, s->explicit_);
	snap_put32(out + SNAP_O_ORPHANS, s->orphans);
	snap_put32(out + SNAP_O_UPGRADABLE, s->upgradable);
	snap_put32(out + SNAP_O_SECURITY, s->security);
	snap_put32(out + SNAP_O_HELD, s->held);
	snap_put32(out + SNAP_O_PACKAGES, s->packages);
	snap_put32(out + SNAP_O_PID, s->pid);
	snap_put32(out + SNAP_O_INTERVAL, s->interval);
	snap_put32(out + SNAP_O_VULNERABLE, s->vulnerable);
	snap_put32(out + SNAP_O_VULN_SEVERITY, s->vuln_severity);
	snap_put64(out + SNAP_O_VULN_FETCHED, s->vuln_fetched);
	snap_put32(out + SNAP_O_NWITNESS, nw);
	snap_put32(out + SNAP_O_WITNESS_OFF, woff);
	snap_put32(out + SNAP_O_STRINGS_OFF, soff);
	snap_put32(out + SNAP_O_STRINGS_LEN, slen);
	for (uint32_t i = 0; i < nw; i++) {
		unsigned char *w = out + woff + i * SNAP_WITNESS_SIZE;
		snap_put64(w + SNAP_W_INO, s->witness[i].ino);
		snap_put64(w + SNAP_W_MTIME, (uint64_t)s->witness[i].mtime);
		snap_put32(w + SNAP_W_MTIME_NSEC, s->witness[i].mtime_nsec);
		snap_put32(w + SNAP_W_EXISTS, s->witness[i].exists ? 1 : 0);
	}
	unsigned char *tr = out + n - SNAP_TRAILER_SIZE;
	snap_put32(tr, snap_crc32(0, out, n - SNAP_TRAILER_SIZE));
	memcpy(tr + 4, "END\n", 4);
	return n;
}

int snap_path_user(const char *root, char *out, size_t len)
{
	char base[4096];
	omg_runtime_dir(base, sizeof(base));
	int n;
	if (strcmp(root, "/") == 0)
		n = snprintf(out, len, "%s/status.bin", base);
	else
		n = snprintf(out, len, "%s/status-%016llx.bin", base,
			     (unsigned long long)hash_fnv1a(root, strlen(root)));
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int snap_path_system(const char *root, char *out, size_t len)
{
	int n;
	if (strcmp(root, "/") == 0)
		n = snprintf(out, len, "/var/lib/omg/status.bin");
	else
		n = snprintf(out, len, "%s/var/lib/omg/status.bin", root);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
