/* SPDX-License-Identifier: MIT */
/* OpenPGP signatures of checksum lists, verified with gpgme against one keyring file in a
 * GNUPGHOME of our own that lives for one call: the user's keys and trust never count. */
#include <errno.h>
#include <fcntl.h>
#include <gpgme.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/runtimes/rt-int.h"
#include "engine/unpack.h"
#include "util/fdio.h"
#include "util/xalloc.h"

/* A keyring is a few public keys: the Node.js release keys are ~30 KiB. */
#define MAX_KEYRING ((size_t)16 << 20)
#define MAX_KEYS 256

/* gpgme_check_version initialises the library, once for the process. */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_ok;

static void init_gpgme(void)
{
	init_ok = gpgme_check_version(NULL) != NULL &&
		  gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP) == GPG_ERR_NO_ERROR;
}

/* Reads the whole file at path (at most MAX_KEYRING bytes) into b. 0, or -1 with errno. */
static int slurp(const char *path, struct buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char chunk[65536];
	for (;;) {
		ssize_t k = read(fd, chunk, sizeof(chunk));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (k == 0)
			break;
		if (b->len + (size_t)k > MAX_KEYRING) {
			close(fd);
			errno = EFBIG;
			return -1;
		}
		buf_append(b, chunk, (size_t)k);
	}
	close(fd);
	return 0;
}

/* Writes name in dir with text. 0 or -1. */
static int write_conf(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	int rc = fd_replace_buf(path, 0600, text, strlen(text));
	free(path);
	return rc;
}

/* Why a signature with status st is not good, in words. */
static const char *sig_words(gpgme_error_t st)
{
	switch (gpgme_err_code(st)) {
	case GPG_ERR_BAD_SIGNATURE: return "a bad signature (the signed text was changed)";
	case GPG_ERR_NO_PUBKEY: return "signed by a key that is not in the keyring";
	case GPG_ERR_KEY_EXPIRED: return "signed by an expired key";
	case GPG_ERR_SIG_EXPIRED: return "an expired signature";
	case GPG_ERR_CERT_REVOKED: return "signed by a revoked key";
	default: return NULL;
	}
}

int rt_pgp_verify(const char *keyring, const void *data, size_t len, const void *sig,
		  size_t siglen, struct buf *plain, const char *tmpdir, char *signer, char *err,
		  size_t errlen)
{
	if (signer)
		signer[0] = '\0';
	pthread_once(&init_once, init_gpgme);
	if (!init_ok)
		return rt_fail(err, errlen, "signature: gpgme or gpg cannot be used");
	if (!keyring || !*keyring)
		return rt_fail(err, errlen, "signature: no keyring was given");
	struct buf keys = {0};
	if (slurp(keyring, &keys) != 0) {
		int e = errno;
		buf_free(&keys);
		return rt_fail(err, errlen, "signature: cannot read the keyring %.300s: %s", keyring,
			       e == EFBIG ? "larger than 16 MiB" : strerror(e));
	}
	if (!keys.len) {
		buf_free(&keys);
		return rt_fail(err, errlen, "signature: the keyring %.300s is empty", keyring);
	}

	const char *t = tmpdir;
	if (!t)
		t = getenv("TMPDIR");
	if (!t || *t != '/')
		t = "/tmp";
	char home[4096];
	snprintf(home, sizeof(home), "%s/.tmp-gnupg-XXXXXX", t);
	if (!mkdtemp(home)) {
		int e = errno;
		buf_free(&keys);
		return rt_fail(err, errlen, "signature: cannot make a GNUPGHOME in %.300s: %s", t,
			       strerror(e));
	}
	int rc = -1;
	gpgme_ctx_t ctx = NULL;
	gpgme_data_t kd = NULL, sd = NULL, td = NULL, pd = NULL;
	char (*fprs)[41] = xcalloc(MAX_KEYS, sizeof(*fprs));
	size_t nfpr = 0;
	/* No keyboxd, agent or dirmngr: keys in files, nothing started, nothing fetched. */
	if (write_conf(home, "common.conf", "") != 0 ||
	    write_conf(home, "gpg.conf", "no-autostart\nno-auto-key-retrieve\nno-greeting\n") != 0) {
		rt_fail(err, errlen, "signature: cannot write to %.300s: %s", home, strerror(errno));
		goto out;
	}
	gpgme_error_t ge;
	if ((ge = gpgme_new(&ctx)) || (ge = gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP)) ||
	    (ge = gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP, NULL, home))) {
		rt_fail(err, errlen, "signature: gpgme: %s", gpgme_strerror(ge));
		goto out;
	}
	gpgme_set_offline(ctx, 1);

	/* The keyring, and the fingerprints it brought. */
	if ((ge = gpgme_data_new_from_mem(&kd, keys.p, keys.len, 0)) ||
	    (ge = gpgme_op_import(ctx, kd))) {
		rt_fail(err, errlen, "signature: the keyring %.300s cannot be imported: %s", keyring,
			gpgme_strerror(ge));
		goto out;
	}
	gpgme_import_result_t ir = gpgme_op_import_result(ctx);
	for (gpgme_import_status_t is = ir ? ir->imports : NULL; is; is = is->next)
		if (is->result == GPG_ERR_NO_ERROR && is->fpr && strlen(is->fpr) == 40 &&
		    nfpr < MAX_KEYS)
			memcpy(fprs[nfpr++], is->fpr, 41);
	if (!nfpr) {
		rt_fail(err, errlen, "signature: the keyring %.300s holds no OpenPGP public key",
			keyring);
		goto out;
	}

	/* The signature. */
	if (sig) {
		ge = gpgme_data_new_from_mem(&sd, sig, siglen, 0);
		if (!ge)
			ge = gpgme_data_new_from_mem(&td, data, len, 0);
		if (!ge)
			ge = gpgme_op_verify(ctx, sd, td, NULL);
	} else {
		ge = gpgme_data_new_from_mem(&sd, data, len, 0);
		if (!ge)
			ge = gpgme_data_new(&pd);
		if (!ge)
			ge = gpgme_op_verify(ctx, sd, NULL, pd);
	}
	if (ge) {
		rt_fail(err, errlen, "signature: not a valid OpenPGP signature: %s",
			gpgme_strerror(ge));
		goto out;
	}
	gpgme_verify_result_t vr = gpgme_op_verify_result(ctx);
	if (!vr || !vr->signatures) {
		rt_fail(err, errlen, "signature: no signature was found");
		goto out;
	}
	for (gpgme_signature_t s = vr->signatures; s; s = s->next) {
		const char *fpr = s->fpr ? s->fpr : "?";
		if (gpgme_err_code(s->status) != GPG_ERR_NO_ERROR) {
			const char *w = sig_words(s->status);
			rt_fail(err, errlen, "signature: %s (key %.40s)",
				w ? w : gpgme_strerror(s->status), fpr);
			goto out;
		}
		if (s->summary & (GPGME_SIGSUM_RED | GPGME_SIGSUM_KEY_REVOKED |
				  GPGME_SIGSUM_KEY_EXPIRED | GPGME_SIGSUM_SIG_EXPIRED |
				  GPGME_SIGSUM_KEY_MISSING)) {
			rt_fail(err, errlen, "signature: refused by gpg (summary 0x%x, key %.40s)",
				(unsigned)s->summary, fpr);
			goto out;
		}
		/* The signing (sub)key's primary key must be one the keyring brought. */
		gpgme_key_t key = NULL;
		if (!s->fpr || gpgme_get_key(ctx, s->fpr, &key, 0) || !key || !key->fpr) {
			if (key)
				gpgme_key_unref(key);
			rt_fail(err, errlen, "signature: signed by a key that is not in the keyring "
					     "(key %.40s)",
				fpr);
			goto out;
		}
		int known = 0;
		for (size_t i = 0; i < nfpr; i++)
			known |= strcasecmp(fprs[i], key->fpr) == 0;
		if (known && signer && !signer[0])
			snprintf(signer, 41, "%s", key->fpr);
		gpgme_key_unref(key);
		if (!known) {
			rt_fail(err, errlen, "signature: signed by a key that is not in the keyring "
					     "(key %.40s)",
				fpr);
			goto out;
		}
	}
	if (pd && plain) {
		size_t n = 0;
		char *p = gpgme_data_release_and_get_mem(pd, &n);
		pd = NULL;
		if (!p && n) {
			rt_fail(err, errlen, "signature: the signed text cannot be read");
			goto out;
		}
		buf_append(plain, p ? p : "", n);
		gpgme_free(p);
	}
	rc = 0;
out:
	if (signer && rc)
		signer[0] = '\0';
	gpgme_data_release(kd);
	gpgme_data_release(sd);
	gpgme_data_release(td);
	gpgme_data_release(pd);
	if (ctx)
		gpgme_release(ctx);
	free(fprs);
	buf_free(&keys);
	unpack_rmtree(home);
	return rc;
}
