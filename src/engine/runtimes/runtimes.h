/* SPDX-License-Identifier: MIT */
/* Language runtimes (issue 17): each upstream's release index parsed strictly, a version chosen
 * from it, and a verified download unpacked into $XDG_DATA_HOME/omg/versions/RT/VERSION. */
#ifndef OMG_ENGINE_RUNTIMES_RUNTIMES_H
#define OMG_ENGINE_RUNTIMES_RUNTIMES_H

/*
 * The pieces, in the order a caller uses them (FORMATS.md §4 for every format):
 *
 *   1. fetch an index with net_fetch and parse it into a struct rt_index:
 *        node    index.json                           rt_node_parse
 *        go      ?mode=json&include=all               rt_go_parse
 *        python  latest-release.json, then SHA256SUMS rt_python_parse_latest, rt_python_parse_sums
 *        rust    channel-rust-<channel>.toml          rt_rust_parse
 *        java    Adoptium v3 assets (+ available_releases) rt_java_parse, rt_java_parse_available
 *        bun     (no index: versions come from the caller) rt_index_add
 *        ruby    index.txt                            rt_ruby_parse
 *      Checksum lists (node's and bun's SHASUMS256.txt, python's SHA256SUMS, rust's .sha256
 *      sidecars) are read by rt_sums_parse.
 *   2. sort it (rt_index_sort) and choose a release: rt_select("latest" | "lts" | "20" |
 *      "20.11" | "20.11.1"); a refusal names the closest versions.
 *   3. rt_plan: the release's archive for this machine (URL, sha256, size, format, and the
 *      signed checksum list it must be found in for node and bun).
 *   4. rt_install: download to a temporary file beside the destination, verify size,
 *      sha256 and signature BEFORE unpacking, unpack with the hardened unpacker
 *      (engine/unpack.h), rename into place. A failure leaves nothing behind.
 *
 * Everything here is free of global state and safe on any thread (each call owns what it
 * creates); the one process-wide step is gpgme's initialisation, done once inside.
 * Errors are one line, no newline, in the caller's buffer; a parser that refuses a
 * document leaves the index as it was before the call (strings it interned stay in the
 * pool until rt_index_free).
 */

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct strpool;

/* ------------------------------------------------------------------ runtimes */

/* The runtimes omg installs itself. Any other name is mise's (not handled here). */
enum rt_kind {
	RT_NODE,
	RT_PYTHON,
	RT_GO,
	RT_RUST,
	RT_RUBY,
	RT_JAVA,
	RT_BUN,
};
#define RT_KINDS 7

/* "node", "python", ...: the name users type and the directory under versions/. */
const char *rt_kind_name(enum rt_kind k);
/* The kind called name; 0, or -1 when omg does not install it itself. */
int rt_kind_from_name(const char *name, enum rt_kind *out);

/*
 * The keyring files omg ships for the signed checksum lists. PLACEHOLDERS: no key is
 * shipped yet (the Node.js release keys and bun's key must be added to packaging and
 * installed here by `make install`); callers pass these unless [runtimes] node_keyring /
 * bun_keyring say otherwise, and rt_install refuses to install node or bun while the file
 * is missing.
 */
#ifndef OMG_KEYRING_DIR
#define OMG_KEYRING_DIR "/usr/local/share/omg/keyrings"
#endif
#define RT_NODE_KEYRING_PLACEHOLDER OMG_KEYRING_DIR "/nodejs-release-keys.gpg"
#define RT_BUN_KEYRING_PLACEHOLDER OMG_KEYRING_DIR "/bun-release-keys.gpg"

/* ------------------------------------------------------------------ versions */

/* The longest version string taken anywhere (index or user). */
#define RT_VERSION_MAX 64

/*
 * Whether s may be a version: 1 to RT_VERSION_MAX bytes of letters, digits and
 * ". + - _", starting with a letter or a digit, with no ".." anywhere. So never a '/',
 * a control character or a blank: a version is a directory name under versions/RT/.
 * Non-zero when it may.
 */
int rt_version_ok(const char *s);

/*
 * Compares two versions as the runtimes number them: runs of digits numerically, runs
 * of letters by bytes, separators (". + - _") only separating; a run of digits is newer
 * than a run of letters ("1.21.0" > "1.21rc2"), and a version that stops where the other
 * goes on with letters is newer ("3.13.0" > "3.13.0a5", "1.22" > "1.22rc1"), except
 * for ruby's "-pN" patch levels ("1.9.3-p551" > "1.9.3"). Negative, 0 or positive.
 */
int rt_vercmp(const char *a, const char *b);

/* ------------------------------------------------------------------ indexes */

/* One downloadable file of a release, as its index describes it. Strings borrowed from
 * the index's pool, never NULL ("" when the index does not say). */
struct rt_file {
	const char *name;   /* node: the platform id ("linux-x64"); the others: the file's
			     * name ("go1.22.1.linux-amd64.tar.gz") */
	const char *url;    /* absolute http(s) URL, "" when the index gives none (node) */
	const char *os;     /* go, java: "linux", "darwin", ... */
	const char *arch;   /* go: "amd64"; java: "x64"; python, rust: the target triple */
	const char *kind;   /* go: "archive" | "installer" | "source"; java: the image type
			     * ("jdk"); rust: the package ("rust", "rustc", "cargo",
			     * "rust-std"); ruby: the archive's ending ("tar.gz") */
	const char *sha256; /* 64 lower-case hex digits, "" when the index gives none */
	int64_t size;       /* bytes, -1 when the index does not say */
};

/* One release. */
struct rt_release {
	const char *version; /* normalised, rt_version_ok: "20.11.1" (node "v20.11.1"),
			      * "1.22.1" (go "go1.22.1"), "3.12.3", "1.77.0", "3.3.0",
			      * "21.0.2+13" (java semver up to the build number), "1.1.8" */
	const char *raw;     /* as the index names it: "v20.11.1", "go1.22.1", "jdk-21.0.2+13",
			      * "ruby-3.3.0", "1.77.0 (aedd173a2 2024-03-17)" */
	const char *lts;     /* node: the LTS codename ("Iron"); java: "LTS"; NULL: not LTS */
	const char *date;    /* node: "2024-02-14"; rust: the manifest's date; python: the
			      * release tag; "" */
	int stable;          /* not a beta, rc, preview, nightly (go: the index's own flag) */
	int security;        /* node: the index marks it a security release */
	int major;           /* the leading number ("21" of "21.0.2+13"); -1 if none */
	struct rt_file *files;
	uint32_t nfiles;
};

/* Releases of one runtime. The caller owns it: rt_index_init, then parsers append,
 * rt_index_free. Fields are read-only outside this module. */
struct rt_index {
	enum rt_kind kind;
	struct strpool *pool;    /* every string of the index */
	struct rt_release *v;    /* newest first once rt_index_sort ran */
	size_t n, cap;
	/* java, from available_releases (rt_java_parse_available): 0 and NULL when not read */
	int java_most_recent_lts;
	int *java_lts;           /* available_lts_releases */
	size_t njava_lts;
	/* python, from latest-release.json (rt_python_parse_latest): NULL when not read */
	const char *python_tag;        /* "20240415" */
	const char *python_url_prefix; /* asset_url_prefix, no trailing '/' */
};

void rt_index_init(struct rt_index *idx, enum rt_kind kind);
void rt_index_free(struct rt_index *idx);
/* Sorts newest first (rt_vercmp); releases of equal versions keep their order. */
void rt_index_sort(struct rt_index *idx);
/* The release whose version is exactly version, or NULL. Borrowed from idx. */
const struct rt_release *rt_index_find(const struct rt_index *idx, const char *version);
/*
 * Adds a release known from elsewhere (bun's versions, from its release tags): version
 * as the user sees it ("1.1.8"; a leading "v" or "bun-v" is taken off), no files.
 * stable is worked out from the version. 0, or -1 with err for a bad version or one
 * already there.
 */
int rt_index_add(struct rt_index *idx, const char *version, char *err, size_t errlen);

/* node: index.json (an array, newest first): version, date, files, lts (false or the
 * codename), security; npm, v8, uv, zlib, openssl, modules may be absent but are
 * strings when present. Appends every release. 0, or -1 with err naming the entry and
 * the field ("index.json: entry 3 (v20.11.1): 'lts' is neither false nor a string"). */
int rt_node_parse(struct rt_index *idx, const char *body, size_t len, char *err, size_t errlen);

/* go: the ?mode=json&include=all array: version ("go1.22.1"), stable, files (filename,
 * os, arch, version, sha256, size, kind). Appends every release with its files. 0 or -1. */
int rt_go_parse(struct rt_index *idx, const char *body, size_t len, char *err, size_t errlen);

/* python: latest-release.json ({"version":1,"tag","release_url","asset_url_prefix"}),
 * into idx->python_tag and idx->python_url_prefix. 0 or -1. */
int rt_python_parse_latest(struct rt_index *idx, const char *body, size_t len, char *err,
			   size_t errlen);
/*
 * python: a release's SHA256SUMS (every line checked, as rt_sums_parse). Each
 * "cpython-<version>+<tag>-<triple>-install_only.tar.gz" becomes a release of that
 * version with that one file (url: idx->python_url_prefix + "/" + the name with '+'
 * as %2B; sha256 from the line). The tag must be idx->python_tag when that was read.
 * Other assets (stripped, freethreaded, full builds, other triples) are skipped. 0 or -1.
 */
int rt_python_parse_sums(struct rt_index *idx, const char *body, size_t len,
			 const char *triple, char *err, size_t errlen);

/*
 * rust: a channel manifest (channel-rust-<channel>.toml), read with a strict reader of
 * the TOML it uses (tables, arrays of tables, strings, booleans, integers, arrays,
 * inline tables; anything else is refused by line). manifest-version must be "2".
 * Appends one release: pkg.rust's version ("1.77.0 (aedd173a2 2024-03-17)" -> "1.77.0",
 * "1.79.0-nightly (...)" -> "1.79.0-nightly"), date the manifest's, and for the packages
 * rust, rustc, cargo and rust-std on triple (when available = true): the url/hash file
 * and the xz_url/xz_hash file, kind the package. A package not built for triple adds no
 * file. 0 or -1.
 */
int rt_rust_parse(struct rt_index *idx, const char *body, size_t len, const char *triple,
		  char *err, size_t errlen);

/*
 * java: an Adoptium v3 assets reply, either shape: /v3/assets/feature_releases (an array
 * of releases: release_name, version_data{semver, openjdk_version}, binaries[]) or
 * /v3/assets/latest (an array of {release_name, version{...}, binary}). Each binary:
 * os, architecture, image_type, package{name, link, checksum, size}. Binaries of one
 * release are merged into one rt_release (lts "LTS" when openjdk_version ends in
 * "-LTS" or the feature is in idx->java_lts). 0 or -1.
 */
int rt_java_parse(struct rt_index *idx, const char *body, size_t len, char *err, size_t errlen);
/* java: /v3/info/available_releases: available_lts_releases and most_recent_lts (the
 * rest is not needed). 0 or -1. */
int rt_java_parse_available(struct rt_index *idx, const char *body, size_t len, char *err,
			    size_t errlen);

/*
 * ruby: cache.ruby-lang.org's index.txt: the header "name url sha1 sha256 sha512", then
 * one TAB-separated line per archive; names "ruby-<version>". A version's archives are
 * one release (files named by the URL's last component, kind the ending). These are
 * SOURCE tarballs: rt_plan refuses to install them (see there). 0 or -1.
 */
int rt_ruby_parse(struct rt_index *idx, const char *body, size_t len, char *err, size_t errlen);

/* ------------------------------------------------------------------ checksum lists */

/* One line of a checksum list. */
struct rt_sum {
	const char *name;   /* the file's name as listed ("win-x64/node.exe" has a '/') */
	char sha256[65];    /* lower-case hex */
};

/* A parsed checksum list; rt_sums_free releases it. */
struct rt_sums {
	struct rt_sum *v;
	size_t n, cap;
	struct strpool *pool;
};

/*
 * "<64 hex>  <name>" (or "<hex> *<name>", binary mode) lines, as sha256sum writes them
 * and node, bun and python-build-standalone publish them; a final line break optional.
 * Every line is checked: a wrong digest, an empty or absolute name, a ".." component,
 * a control character, a name listed twice with two digests, a blank line. what names
 * the document in errors ("SHASUMS256.txt"). out must be zeroed or freed; it is
 * replaced. 0, or -1 with err naming the line.
 */
int rt_sums_parse(struct rt_sums *out, const char *what, const char *body, size_t len,
		  char *err, size_t errlen);
/* The digest listed for name, or NULL. Borrowed from s. */
const char *rt_sums_find(const struct rt_sums *s, const char *name);
void rt_sums_free(struct rt_sums *s);

/* ------------------------------------------------------------------ choosing */

/*
 * The release want names in idx (sorted newest first):
 *   "latest"                 the newest stable release (the newest of all if none is);
 *   "lts" or "lts/ *"        node: the newest with an LTS codename; java: the newest of
 *                            idx->java_most_recent_lts when read, else of the highest
 *                            feature that is LTS; others: refused;
 *   "lts/<codename>"         node: the newest of that LTS line (any case);
 *   a version                exactly that one if listed; else the newest whose version
 *                            starts with want at a component boundary ("20" -> 20.x.y,
 *                            "20.11" -> 20.11.y, never 201.0.0), stable ones first.
 * A leading "v" (node, bun), "go" (go), "ruby-" (ruby), "jdk-" (java) is taken off want.
 * *out is borrowed from idx. 0, or -1 with err: a want that is not a version ('/', "..",
 * control characters: "not a version"), or one that matches nothing, naming the closest
 * versions ("node: no release matches 19.99; closest: 19.9.0, 20.11.1").
 */
int rt_select(const struct rt_index *idx, const char *want, const struct rt_release **out,
	      char *err, size_t errlen);

/* ------------------------------------------------------------------ plans */

/* The machine a runtime is installed for. */
enum rt_arch { RT_X86_64, RT_AARCH64 };
struct rt_host {
	enum rt_arch arch;
};
/* This machine (uname). 0, or -1 with err when omg has no builds for it. */
int rt_host_detect(struct rt_host *out, char *err, size_t errlen);
/* The target triple of a host: "x86_64-unknown-linux-gnu". */
const char *rt_host_triple(const struct rt_host *h);

/* The archive formats rt_install unpacks. */
enum rt_archive { RT_TAR_GZ, RT_TAR_XZ, RT_ZIP };

/* How a signed checksum list is signed. */
enum rt_sig {
	RT_SIG_NONE,       /* the sha256 comes from the index itself */
	RT_SIG_DETACHED,   /* sums_url and sig_url: a binary or armored detached signature */
	RT_SIG_CLEARSIGNED /* sums_url is a clearsigned document (bun's SHASUMS256.txt.asc) */
};

/* What to download and how to check it: what rt_plan works out, and rt_install takes.
 * Plain value struct (no pointers), so a caller can keep or copy it. */
struct rt_source {
	char url[1024];      /* the archive */
	char file[256];      /* its name in the checksum list ("node-v20.11.1-linux-x64.tar.xz") */
	char sha256[65];     /* from the index; "" when only the signed list gives it */
	int64_t size;        /* from the index, -1 when unknown */
	enum rt_archive format;
	enum rt_sig sig;
	char sums_url[1024]; /* RT_SIG_*: the checksum list (clearsigned for RT_SIG_CLEARSIGNED) */
	char sig_url[1024];  /* RT_SIG_DETACHED: its signature */
};

/*
 * The source of release r of idx for host. base_url is the runtime's configured
 * upstream ([runtimes] <rt>_url, a trailing '/' optional), needed where the index gives
 * no absolute URL: node ("https://nodejs.org/dist/": vV/node-vV-linux-x64.tar.xz, signed
 * vV/SHASUMS256.txt + .sig), go ("https://go.dev/dl/": the file's name), bun (the
 * releases/download URL: bun-vV/bun-linux-x64.zip, signed bun-vV/SHASUMS256.txt.asc).
 * python, rust and java take the index's URLs (base_url unused). ruby is refused: only
 * source tarballs are published with a checksum, and building them is not done here.
 * 0, or -1 with err ("node 20.11.1 has no build for linux-arm64").
 */
int rt_plan(const struct rt_index *idx, const struct rt_release *r, const struct rt_host *host,
	    const char *base_url, struct rt_source *out, char *err, size_t errlen);

/* ------------------------------------------------------------------ installing */

/* One install. Strings are borrowed for the call. */
struct rt_install_req {
	const char *runtime;      /* the directory under versions/: a runtime name
				   * (lower-case letters, digits and '-') */
	const char *version;      /* the directory under versions/RT/: rt_version_ok */
	const struct rt_source *src;
	const char *versions_dir; /* where runtimes live; NULL: $XDG_DATA_HOME/omg/versions */
	const char *keyring;      /* src->sig != RT_SIG_NONE: the keyring file (binary or
				   * armored public keys) a signature must come from */
	const char *ca_file;      /* net_request's ca_file (tests' TLS), or NULL */
	uint64_t max_bytes;       /* cap on the download when src->size is unknown; 0: 1 GiB */
	unsigned timeout_ms;      /* the whole download; 0: 30 min */
	uint64_t max_unpacked;    /* cap on the unpacked bytes; 0: 4 GiB */
	uint32_t max_entries;     /* cap on the archive's entries; 0: 200000 */
	const int *cancel;        /* stops the download once non-zero (another thread), or NULL */
	/* Called as the archive arrives: done bytes of total (-1 unknown). NULL: none. */
	void (*progress)(uint64_t done, int64_t total, void *ctx);
	void *progress_ctx;
};

/* What an install did. */
struct rt_install_res {
	char dir[4096];   /* the installed directory (versions/RT/VERSION) */
	char sha256[65];  /* the archive's verified digest */
	uint64_t bytes;   /* the archive's size */
	char signer[41];  /* RT_SIG_*: the fingerprint of the key that signed the list */
};

/*
 * Installs req->src as versions/RT/VERSION:
 *   1. refuses a bad runtime name or version, and a version already installed;
 *   2. signed sources: fetches the list and its signature, verifies it with gpgme in a
 *      temporary GNUPGHOME holding only req->keyring's keys (a good signature by one of
 *      them, none bad), and takes the file's sha256 from the signed text (it must agree
 *      with src->sha256 when that is set too);
 *   3. downloads into versions/RT/.tmp-XXXXXX (mode 0600), hashing as it arrives, and
 *      checks the size (when known) and the sha256 before anything is unpacked;
 *   4. unpacks into another versions/RT/.tmp-XXXXXX with engine/unpack.c's refusals
 *      (absolute paths, "..", links out, hard links, devices, caps), stripping the one
 *      top directory;
 *   5. renames it to versions/RT/VERSION (never over an existing one) and syncs the
 *      directory.
 * Any failure removes the temporary file, directory and GNUPGHOME: nothing is left.
 * Blocking; safe on any thread. 0, or -1 with one line in err ("node 20.11.1: ...").
 * res may be NULL.
 */
int rt_install(const struct rt_install_req *req, struct rt_install_res *res, char *err,
	       size_t errlen);

/*
 * Verifies an OpenPGP signature with gpgme against the keys of the file keyring, in a
 * temporary GNUPGHOME (tmpdir/.tmp-gnupg-XXXXXX; tmpdir NULL: $TMPDIR or /tmp) that no
 * agent, keyboxd or dirmngr is started for, removed before returning. sig, siglen: a detached signature over data[0..len); sig NULL: data is a
 * clearsigned document, and plain receives the text it signs (may be NULL otherwise).
 * Every signature must be good and at least one must be there; each must be made by a
 * key (or a subkey of a key) imported from keyring: a missing, unknown, revoked or
 * expired key, a bad or absent signature are refused. signer (41 bytes, may be NULL)
 * gets the primary fingerprint of the first signer. 0, or -1 with err.
 */
int rt_pgp_verify(const char *keyring, const void *data, size_t len, const void *sig,
		  size_t siglen, struct buf *plain, const char *tmpdir, char *signer, char *err,
		  size_t errlen);

#endif
