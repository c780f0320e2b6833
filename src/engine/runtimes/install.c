/* SPDX-License-Identifier: MIT */
/* A runtime install: download beside the destination, verify, unpack into a temporary
 * directory, rename into place; any failure removes what it made. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/net/net.h"
#include "engine/runtimes/rt-int.h"
#include "engine/unpack.h"
#include "util/fdio.h"
#include "util/fmt.h"
#include "util/xalloc.h"
#include "util/xdg.h"

#define DEF_MAX_BYTES ((uint64_t)1 << 30)
#define DEF_TIMEOUT_MS (30u * 60 * 1000)
#define DEF_MAX_UNPACKED ((uint64_t)4 << 30)
#define DEF_MAX_ENTRIES 200000u
#define MAX_SUMS ((size_t)4 << 20) /* a checksum list: node's is ~10 KiB */
#define MAX_SIG ((size_t)1 << 20)
#define SUMS_TIMEOUT_MS 60000u

/* The download as it arrives: into the temporary file and the digest. */
struct sink {
	int fd;
	EVP_MD_CTX *md;
	uint64_t done;
	int64_t total;
	int werrno; /* why a write failed */
	const struct rt_install_req *req;
};

static int on_piece(const void *p, size_t n, void *arg)
{
	struct sink *s = arg;
	if (fd_write_all(s->fd, p, n) != 0) {
		s->werrno = errno;
		return -1;
	}
	if (!EVP_DigestUpdate(s->md, p, n)) {
		s->werrno = EIO;
		return -1;
	}
	s->done += n;
	if (s->req->progress)
		s->req->progress(s->done, s->total, s->req->progress_ctx);
	return 0;
}

/* A runtime's directory name: 1 to 32 lower-case letters, digits and '-', a letter first. */
static int runtime_name_ok(const char *s)
{
	if (!s || !(*s >= 'a' && *s <= 'z') || strlen(s) > 32)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

/* Fetches url (at most cap bytes) into *out (caller frees). 0, or -1 with err. */
static int fetch_small(const struct rt_install_req *req, const char *url, size_t cap,
		       const char *what, struct buf *out, char *err, size_t errlen)
{
	struct net_request nr = {.url = url, .max_bytes = cap, .timeout_ms = SUMS_TIMEOUT_MS,
				 .ca_file = req->ca_file, .cancel = req->cancel};
	struct net_result res;
	int rc = net_fetch(&nr, &res);
	if (rc != 0) {
		rt_fail(err, errlen, "%s %s: the %s cannot be fetched: %s", req->runtime,
			req->version, what, res.error);
		net_result_free(&res);
		return -1;
	}
	*out = res.body;
	res.body = (struct buf){0};
	net_result_free(&res);
	return 0;
}

/* The sha256 of src->file from the signed checksum list, into sha (65 bytes). */
static int signed_sha(const struct rt_install_req *req, const char *dir, char *sha,
		      char *signer, char *err, size_t errlen)
{
	const struct rt_source *src = req->src;
	struct buf sums = {0}, sig = {0}, plain = {0};
	struct rt_sums list = {0};
	char why[512];
	int rc = -1;
	const char *listname = strrchr(src->sums_url, '/');
	listname = listname ? listname + 1 : src->sums_url;
	if (!rt_url_ok(src->sums_url) || (src->sig == RT_SIG_DETACHED && !rt_url_ok(src->sig_url))) {
		rt_fail(err, errlen, "%s %s: the checksum list's URL is not an http(s) URL",
			req->runtime, req->version);
		goto out;
	}
	if (fetch_small(req, src->sums_url, MAX_SUMS, "checksum list", &sums, err, errlen) != 0)
		goto out;
	if (src->sig == RT_SIG_DETACHED &&
	    fetch_small(req, src->sig_url, MAX_SIG, "signature", &sig, err, errlen) != 0)
		goto out;
	if (rt_pgp_verify(req->keyring, sums.p ? sums.p : "", sums.len,
			  src->sig == RT_SIG_DETACHED ? (sig.p ? sig.p : "") : NULL, sig.len,
			  &plain, dir, signer, why, sizeof(why)) != 0) {
		rt_fail(err, errlen, "%s %s: %s: %s", req->runtime, req->version, listname, why);
		goto out;
	}
	const struct buf *text = src->sig == RT_SIG_DETACHED ? &sums : &plain;
	if (rt_sums_parse(&list, listname, text->p, text->len, why, sizeof(why)) != 0) {
		rt_fail(err, errlen, "%s %s: %s", req->runtime, req->version, why);
		goto out;
	}
	const char *h = rt_sums_find(&list, src->file);
	if (!h) {
		rt_fail(err, errlen, "%s %s: %.200s is not in the signed %s", req->runtime,
			req->version, src->file, listname);
		goto out;
	}
	if (src->sha256[0] && strcasecmp(src->sha256, h) != 0) {
		rt_fail(err, errlen,
			"%s %s: the index's sha256 of %.200s is not the one in the signed %s",
			req->runtime, req->version, src->file, listname);
		goto out;
	}
	memcpy(sha, h, 65);
	rc = 0;
out:
	buf_free(&sums);
	buf_free(&sig);
	buf_free(&plain);
	rt_sums_free(&list);
	return rc;
}

/* The hex digest of md into out (65 bytes). */
static void digest_hex(EVP_MD_CTX *md, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (!EVP_DigestFinal_ex(md, d, &n) || n != 32) {
		out[0] = '\0'; /* never equals a real digest */
		return;
	}
	for (unsigned i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

int rt_install(const struct rt_install_req *req, struct rt_install_res *res, char *err,
	       size_t errlen)
{
	if (res)
		memset(res, 0, sizeof(*res));
	const struct rt_source *src = req->src;
	if (!runtime_name_ok(req->runtime))
		return rt_fail(err, errlen, "'%.40s' is not a runtime name",
			       req->runtime ? req->runtime : "");
	if (!rt_version_ok(req->version)) {
		char shown[80];
		size_t i = 0;
		const char *v = req->version ? req->version : "";
		for (; v[i] && i < 64; i++)
			shown[i] = (unsigned char)v[i] < 0x20 || v[i] == 0x7f ? '?' : v[i];
		shown[i] = '\0';
		return rt_fail(err, errlen,
			       "%s: '%s' is not a version (letters, digits and . + - _ only)",
			       req->runtime, shown);
	}
	const char *rt = req->runtime, *ver = req->version;
	if (!src || !rt_url_ok(src->url))
		return rt_fail(err, errlen, "%s %s: the archive's URL is not an http(s) URL", rt, ver);
	if (src->format != RT_TAR_GZ && src->format != RT_TAR_XZ && src->format != RT_ZIP)
		return rt_fail(err, errlen, "%s %s: unknown archive format", rt, ver);
	if (src->sig == RT_SIG_NONE && !rt_hex64(src->sha256))
		return rt_fail(err, errlen, "%s %s: no sha256 to check the download against", rt,
			       ver);
	if (src->sig != RT_SIG_NONE && (!src->file[0] || strchr(src->file, '/')))
		return rt_fail(err, errlen, "%s %s: the file's name in the checksum list is missing",
			       rt, ver);
	if (src->sig != RT_SIG_NONE && (!req->keyring || access(req->keyring, R_OK) != 0))
		return rt_fail(err, errlen,
			       "%s %s: the keyring %.300s to check the signature with cannot be read",
			       rt, ver, req->keyring ? req->keyring : "(none)");

	char *versions = req->versions_dir ? xstrdup(req->versions_dir) : NULL;
	if (!versions) {
		char *data = xdg_omg_dir(XDG_DATA);
		if (!data)
			return rt_fail(err, errlen,
				       "%s %s: no data directory (neither XDG_DATA_HOME nor HOME is "
				       "set)",
				       rt, ver);
		versions = xasprintf("%s/versions", data);
		free(data);
	}
	char *dir = xasprintf("%s/%s", versions, rt);
	char *dest = xasprintf("%s/%s", dir, ver);
	char *tmpfile = xasprintf("%s/.tmp-XXXXXX", dir);
	char *tmpdir = xasprintf("%s/.tmp-XXXXXX", dir);
	int fd = -1, made_dir = 0, rc = -1;
	void *map = MAP_FAILED;
	size_t maplen = 0;
	EVP_MD_CTX *md = NULL;
	struct stat st;
	char sha[65] = "", got[65], signer[41] = "", why[1024];

	if (xdg_mkdirs(dir) != 0) {
		rt_fail(err, errlen, "%s %s: cannot make %.300s: %s", rt, ver, dir, strerror(errno));
		goto out;
	}
	if (lstat(dest, &st) == 0) {
		rt_fail(err, errlen, "%s %s is already installed in %.300s", rt, ver, dest);
		goto out;
	}

	/* 1. The sha256 to expect: the signed list's, or the index's. */
	if (src->sig != RT_SIG_NONE) {
		if (signed_sha(req, dir, sha, signer, err, errlen) != 0)
			goto out;
	} else {
		rt_hex_lower(src->sha256, sha);
	}

	/* 2. The download, hashed as it arrives. */
	fd = mkostemp(tmpfile, O_CLOEXEC);
	if (fd < 0) {
		tmpfile[0] = '\0';
		rt_fail(err, errlen, "%s %s: cannot make a file in %.300s: %s", rt, ver, dir,
			strerror(errno));
		goto out;
	}
	md = EVP_MD_CTX_new();
	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		rt_fail(err, errlen, "%s %s: sha256 is not available", rt, ver);
		goto out;
	}
	struct sink sk = {.fd = fd, .md = md, .total = src->size, .req = req};
	uint64_t cap = src->size >= 0 ? (uint64_t)src->size
		       : req->max_bytes ? req->max_bytes : DEF_MAX_BYTES;
	struct net_request nr = {
		.url = src->url,
		/* One byte past a known size: a longer body is then refused as too big. */
		.max_bytes = (size_t)(src->size >= 0 ? cap + 1 : cap),
		.timeout_ms = req->timeout_ms ? req->timeout_ms : DEF_TIMEOUT_MS,
		.ca_file = req->ca_file,
		.cancel = req->cancel,
		.sink = on_piece,
		.sink_ctx = &sk,
	};
	struct net_result nres;
	int frc = net_fetch(&nr, &nres);
	if (frc != 0 || nres.status != NET_OK) {
		if (sk.werrno)
			rt_fail(err, errlen, "%s %s: cannot write the download to %.300s: %s", rt,
				ver, dir, strerror(sk.werrno));
		else
			rt_fail(err, errlen, "%s %s: the download failed: %s", rt, ver,
				nres.status == NET_OK ? "no body" : nres.error);
		net_result_free(&nres);
		goto out;
	}
	net_result_free(&nres);
	if (src->size >= 0 && sk.done != (uint64_t)src->size) {
		rt_fail(err, errlen, "%s %s: the download of %.200s was %llu bytes, the index says "
				     "%lld: truncated or replaced",
			rt, ver, src->file[0] ? src->file : src->url, (unsigned long long)sk.done,
			(long long)src->size);
		goto out;
	}
	if (!sk.done) {
		rt_fail(err, errlen, "%s %s: the download is empty", rt, ver);
		goto out;
	}
	digest_hex(md, got);
	if (strcmp(got, sha) != 0) {
		rt_fail(err, errlen,
			"%s %s: the sha256 of %.200s is %s, not the expected %s: refused (a damaged, "
			"truncated or tampered download)",
			rt, ver, src->file[0] ? src->file : src->url, got, sha);
		goto out;
	}

	/* 3. Unpacked, checked entry by entry, into a directory of our own. */
	maplen = (size_t)sk.done;
	map = mmap(NULL, maplen, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		rt_fail(err, errlen, "%s %s: cannot map the download: %s", rt, ver, strerror(errno));
		goto out;
	}
	if (!mkdtemp(tmpdir)) {
		rt_fail(err, errlen, "%s %s: cannot make a directory in %.300s: %s", rt, ver, dir,
			strerror(errno));
		goto out;
	}
	made_dir = 1;
	static const enum unpack_format formats[] = {
		[RT_TAR_GZ] = UNPACK_TAR_GZ, [RT_TAR_XZ] = UNPACK_TAR_XZ, [RT_ZIP] = UNPACK_ZIP};
	struct unpack_opts uo = {
		.format = formats[src->format],
		.top = NULL,
		.label = src->file[0] ? src->file : "the archive",
		.max_total = req->max_unpacked ? req->max_unpacked : DEF_MAX_UNPACKED,
		.max_file = req->max_unpacked ? req->max_unpacked : DEF_MAX_UNPACKED,
		.max_entries = req->max_entries ? req->max_entries : DEF_MAX_ENTRIES,
	};
	if (unpack_into(map, (size_t)sk.done, &uo, tmpdir, why, sizeof(why)) != 0) {
		rt_fail(err, errlen, "%s %s: %s", rt, ver, why);
		goto out;
	}

	/* 4. Into place, never over another install. */
	if (chmod(tmpdir, 0755) != 0 || renameat2(AT_FDCWD, tmpdir, AT_FDCWD, dest,
						  RENAME_NOREPLACE) != 0) {
		int e = errno;
		if (e == EEXIST)
			rt_fail(err, errlen, "%s %s is already installed in %.300s", rt, ver, dest);
		else
			rt_fail(err, errlen, "%s %s: cannot move it to %.300s: %s", rt, ver, dest,
				strerror(e));
		goto out;
	}
	made_dir = 0;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	if (res) {
		snprintf(res->dir, sizeof(res->dir), "%s", dest);
		memcpy(res->sha256, got, 65);
		res->bytes = sk.done;
		memcpy(res->signer, signer, 41);
	}
	rc = 0;
out:
	if (map != MAP_FAILED)
		munmap(map, maplen);
	if (fd >= 0) {
		close(fd);
		unlink(tmpfile);
	}
	if (made_dir)
		unpack_rmtree(tmpdir);
	EVP_MD_CTX_free(md);
	free(versions);
	free(dir);
	free(dest);
	free(tmpfile);
	free(tmpdir);
	return rc;
}
