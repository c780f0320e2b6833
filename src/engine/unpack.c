/* SPDX-License-Identifier: MIT */
/* Untrusted archives: a checking pass over the archive, then a writing pass that creates each
 * file itself, relative to directory fds it opened without following any link. AUR snapshots
 * (aur/snapshot.c) and runtime installs (runtimes/install.c) both unpack through it. */
#include "engine/unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "util/fdio.h"
#include "util/hash.h"
#include "util/xalloc.h"

#define DEF_TOTAL ((uint64_t)64 << 20)
#define DEF_FILE ((uint64_t)32 << 20)
#define DEF_ENTRIES 4096u
/* An entry's path and depth: far beyond any package's, and small enough that
 * dest plus the path always fits PATH_MAX. */
#define MAX_PATH 1024
#define MAX_DEPTH 64
#define MAX_NAME 255 /* NAME_MAX: a longer component would fail only when written */
#define CHUNK 65536

/* What a path below base/ is, as the entries so far made it. */
enum kind { K_NONE, K_DIR, K_FILE, K_LINK };

/* Every path below base/ that an entry made or implied: an open-addressing set. */
struct seen {
	char **key;
	unsigned char *kind;
	size_t n, cap;
};

/* One pass over an archive: checking only (dest < 0) or writing into dest. */
struct walk {
	struct archive *a;
	const char *base;         /* the top directory's name: opts.top, or the one found */
	const char *label;
	enum unpack_format format;
	char found[MAX_NAME + 1]; /* with opts.top NULL: the first entry's top directory */
	uint64_t max_total, max_file;
	uint32_t max_entries;
	int dest;
	char *err;
	size_t errlen;
	struct seen seen;
	uint64_t total;
	uint32_t entries;
	char name[MAX_PATH + 1]; /* the current entry's path, as the archive has it */
	char *buf;               /* CHUNK bytes */
};

/* The slot of key in s: where it is, or the empty one where it would go. */
static size_t seen_slot(const struct seen *s, const char *key)
{
	size_t i = hash_fnv1a(key, strlen(key)) & (s->cap - 1);
	while (s->key[i] && strcmp(s->key[i], key) != 0)
		i = (i + 1) & (s->cap - 1);
	return i;
}

/* What key is so far (K_NONE: nothing yet). */
static enum kind seen_get(const struct seen *s, const char *key)
{
	return s->cap ? (enum kind)s->kind[seen_slot(s, key)] : K_NONE;
}

/* Records key (copied) as kind k, or changes what it is. */
static void seen_put(struct seen *s, const char *key, enum kind k)
{
	if (2 * (s->n + 1) > s->cap) {
		struct seen g = {.cap = s->cap ? 2 * s->cap : 64};
		g.key = xcalloc(g.cap, sizeof(*g.key));
		g.kind = xcalloc(g.cap, 1);
		for (size_t i = 0; i < s->cap; i++)
			if (s->key[i]) {
				size_t j = seen_slot(&g, s->key[i]);
				g.key[j] = s->key[i];
				g.kind[j] = s->kind[i];
			}
		g.n = s->n;
		free(s->key);
		free(s->kind);
		*s = g;
	}
	size_t i = seen_slot(s, key);
	if (!s->key[i]) {
		s->key[i] = xstrdup(key);
		s->n++;
	}
	s->kind[i] = (unsigned char)k;
}

static void seen_free(struct seen *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->key[i]);
	free(s->key);
	free(s->kind);
}

/* Refuses the current entry: err gets its name (control bytes shown as '?')
 * and why. Returns -1. */
__attribute__((format(printf, 2, 3))) static int refuse(struct walk *w, const char *fmt, ...)
{
	char name[128];
	size_t i = 0;
	for (; w->name[i] && i < sizeof(name) - 1; i++) {
		unsigned char c = (unsigned char)w->name[i];
		name[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	name[i] = '\0';
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(w->err, w->errlen, "%s: \"%s%s\" %s", w->label, name, w->name[i] ? "..." : "",
		 why);
	return -1;
}

/* Non-zero when s has a control byte: a name that could forge lines of a review. */
static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/*
 * Non-zero when a link's target stays inside base/, the link being depth
 * directories below it. Only leading ".." may climb: after a name, a ".."
 * could climb out through another link of the tree ("a/l/.." with a/l -> ..),
 * so a target like that is refused too. With that rule, and no entry ever
 * written below a link, every link of the tree resolves inside it.
 */
static int link_stays(const char *t, int depth)
{
	if (!*t || *t == '/')
		return 0;
	int named = 0;
	while (*t) {
		size_t n = strcspn(t, "/");
		if (n == 2 && t[0] == '.' && t[1] == '.') {
			if (named || --depth < 0)
				return 0;
		} else if (n && !(n == 1 && t[0] == '.')) {
			named = 1;
		}
		t += n + (t[n] == '/');
	}
	return 1;
}

/*
 * Splits path into its components below base/ (into rel, '/'-joined, and
 * comp[], pointers into rel), dropping empty and "." ones. *n: how many (0:
 * the top directory itself). 0, or -1 refused.
 */
static int split(struct walk *w, char *rel, char **comp, int *n)
{
	const char *p = w->name;
	if (*p == '/')
		return refuse(w, "is an absolute path");
	int first = 1;
	char *o = rel;
	*n = 0;
	while (*p) {
		size_t len = strcspn(p, "/");
		const char *c = p;
		p += len + (p[len] == '/');
		if (len == 0 || (len == 1 && c[0] == '.'))
			continue;
		if (len == 2 && c[0] == '.' && c[1] == '.')
			return refuse(w, "has a \"..\" component");
		if (len > MAX_NAME)
			return refuse(w, "has a name over %d bytes", MAX_NAME);
		if (first) {
			if (!w->base) {
				/* The first entry names the top directory for all. */
				memcpy(w->found, c, len);
				w->found[len] = '\0';
				w->base = w->found;
			}
			if (len != strlen(w->base) || memcmp(c, w->base, len) != 0)
				return refuse(w, "is outside %s/", w->base);
			first = 0;
			continue;
		}
		if (*n == MAX_DEPTH)
			return refuse(w, "is over %d levels deep", MAX_DEPTH);
		if (o != rel)
			*o++ = '/';
		comp[(*n)++] = o;
		memcpy(o, c, len);
		o += len;
		*o = '\0';
	}
	if (first)
		return refuse(w, "is outside %s/", w->base ? w->base : "the top directory");
	*o = '\0';
	return 0;
}

/*
 * Checks the entry's place against the ones before: its directories must be
 * directories (implied ones are recorded as such), and it must not repeat a
 * path unless both are directories. 0, or -1 refused.
 */
static int place(struct walk *w, char *rel, char **comp, int n, enum kind k)
{
	for (int i = 1; i < n; i++) {
		char save = comp[i][-1];
		comp[i][-1] = '\0';
		enum kind was = seen_get(&w->seen, rel);
		if (was == K_NONE)
			seen_put(&w->seen, rel, K_DIR);
		comp[i][-1] = save;
		if (was == K_FILE || was == K_LINK)
			return refuse(w, "is below a %s", was == K_LINK ? "symlink" : "file");
	}
	enum kind was = seen_get(&w->seen, rel);
	if (was != K_NONE && !(was == K_DIR && k == K_DIR))
		return refuse(w, "appears twice");
	seen_put(&w->seen, rel, k);
	return 0;
}

/*
 * Opens the directory holding comp[n - 1] below dest, creating missing ones
 * (0755) and following no link. The fd, or -1 with err set.
 */
static int open_parent(struct walk *w, char **comp, int n)
{
	int fd = dup(w->dest);
	for (int i = 0; fd >= 0 && i < n - 1; i++) {
		char *c = comp[i];
		size_t len = strcspn(c, "/");
		char save = c[len];
		int sub = -1;
		c[len] = '\0';
		if (mkdirat(fd, c, 0700) == 0) {
			sub = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0 && fchmod(sub, 0755) < 0) {
				close(sub);
				sub = -1;
			}
		} else if (errno == EEXIST) {
			sub = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		c[len] = save;
		int e = errno;
		close(fd);
		errno = e;
		fd = sub;
	}
	if (fd < 0)
		refuse(w, "cannot be written: %s", strerror(errno));
	return fd;
}

/* Reads the entry's data, counting it against the caps, into fd (or nowhere
 * when fd < 0). 0, or -1 refused. */
static int copy_data(struct walk *w, int fd, int64_t size)
{
	uint64_t got = 0;
	for (;;) {
		la_ssize_t k = archive_read_data(w->a, w->buf, CHUNK);
		if (k == 0)
			return 0;
		if (k < 0)
			return refuse(w, "is damaged: %s", archive_error_string(w->a));
		got += (uint64_t)k;
		if (got > (uint64_t)size)
			return refuse(w, "has more data than its size");
		if (fd >= 0 && fd_write_all(fd, w->buf, (size_t)k) < 0)
			return refuse(w, "cannot be written: %s", strerror(errno));
	}
}

/* Writes a checked entry below dest. 0, or -1 refused. */
static int write_entry(struct walk *w, char **comp, int n, enum kind k, mode_t perm,
		       const char *target, int64_t size)
{
	int dir = open_parent(w, comp, n);
	if (dir < 0)
		return -1;
	const char *leaf = comp[n - 1];
	int fd = -1, rc = -1, refused = 0;
	if (k == K_FILE) {
		fd = openat(dir, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 && copy_data(w, fd, size) < 0)
			refused = 1;
		/* Readable by its owner whatever the archive says: reviews read it. */
		else if (fd >= 0 && fchmod(fd, (perm & 0755) | 0400) == 0)
			rc = 0;
	} else if (k == K_LINK) {
		rc = symlinkat(target, dir, leaf);
	} else {
		if (mkdirat(dir, leaf, 0700) == 0 || errno == EEXIST)
			fd = openat(dir, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		/* Writable by its owner: later entries go in, and it must be removable. */
		if (fd >= 0 && fchmod(fd, (perm & 0755) | 0700) == 0)
			rc = 0;
	}
	int e = errno;
	if (fd >= 0)
		close(fd);
	close(dir);
	if (rc < 0 && !refused)
		refuse(w, "cannot be written: %s", strerror(e));
	return rc;
}

/* Checks one entry and, when writing, writes it. 0, or -1 refused. */
static int one_entry(struct walk *w, struct archive_entry *e)
{
	const char *path = archive_entry_pathname(e);
	if (!path)
		path = "";
	snprintf(w->name, sizeof(w->name), "%s", path);
	if (++w->entries > w->max_entries)
		return refuse(w, "is over the cap of %u entries", w->max_entries);
	if (!*path)
		return refuse(w, "has no name");
	if (strlen(path) > MAX_PATH)
		return refuse(w, "has a path over %d bytes", MAX_PATH);
	if (has_control(path))
		return refuse(w, "has a control character in its name");

	char rel[MAX_PATH + 1], *comp[MAX_DEPTH];
	int n = 0;
	if (split(w, rel, comp, &n) < 0)
		return -1;

	if (archive_entry_hardlink(e))
		return refuse(w, "is a hard link");
	mode_t type = archive_entry_filetype(e);
	enum kind k;
	switch (type) {
	case AE_IFREG: k = K_FILE; break;
	case AE_IFDIR: k = K_DIR; break;
	case AE_IFLNK: k = K_LINK; break;
	case AE_IFCHR:
	case AE_IFBLK: return refuse(w, "is a device");
	case AE_IFIFO: return refuse(w, "is a FIFO");
	case AE_IFSOCK: return refuse(w, "is a socket");
	default: return refuse(w, "has an unknown type");
	}
	if (n == 0) {
		if (k != K_DIR)
			return refuse(w, "is not a directory");
		return copy_data(w, -1, 0); /* the top directory: dest itself */
	}

	const char *target = NULL;
	if (k == K_LINK) {
		target = archive_entry_symlink(e);
		if (!target || strlen(target) > MAX_PATH || has_control(target))
			return refuse(w, "is a symlink with a bad target");
		if (!link_stays(target, n - 1))
			return refuse(w, "is a symlink to %s, outside %s/", target, w->base);
	}
	int64_t size = k == K_FILE && archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
	if (size < 0)
		return refuse(w, "has a negative size");
	if ((uint64_t)size > w->max_file)
		return refuse(w, "is over the cap of %llu bytes for one file",
			      (unsigned long long)w->max_file);
	w->total += (uint64_t)size;
	if (w->total > w->max_total)
		return refuse(w, "passes the cap of %llu bytes in all",
			      (unsigned long long)w->max_total);
	if (place(w, rel, comp, n, k) < 0)
		return -1;
	if (w->dest < 0)
		return copy_data(w, -1, size);
	return write_entry(w, comp, n, k, archive_entry_perm(e), target, size);
}

/*
 * Inflates the gzip members at data[0..len) to nowhere, for zlib to check
 * each member's CRC and length: libarchive's gzip reader does not, so a
 * damaged byte could otherwise reach a file unnoticed. At most cap bytes come
 * out. 0, or -1 with why.
 */
static int gzip_verify(const void *data, size_t len, uint64_t cap, char *scratch,
		       const char **why)
{
	z_stream z = {0};
	if (inflateInit2(&z, 15 + 16) != Z_OK) {
		*why = "zlib cannot start";
		return -1;
	}
	const unsigned char *p = data;
	uint64_t out = 0;
	int rc = -1;
	*why = "not gzip-compressed";
	if (len < 2 || p[0] != 0x1f || p[1] != 0x8b)
		goto fail;
	*why = "damaged gzip data";
	while (len) {
		uInt in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
		z.next_in = (unsigned char *)p;
		z.avail_in = in;
		z.next_out = (unsigned char *)scratch;
		z.avail_out = CHUNK;
		int r = inflate(&z, Z_NO_FLUSH);
		size_t used = in - z.avail_in;
		p += used;
		len -= used;
		out += CHUNK - z.avail_out;
		if (out > cap) {
			*why = "more gzip data than the caps allow";
			goto fail;
		}
		if (r == Z_STREAM_END) {
			if (inflateReset(&z) != Z_OK)
				goto fail;
		} else if (r != Z_OK) {
			goto fail; /* damaged, or (Z_BUF_ERROR) no progress */
		}
	}
	/* The last member must have ended (and reset the counts): else cut short. */
	if (z.total_in == 0 && z.total_out == 0)
		rc = 0;
fail:
	inflateEnd(&z);
	return rc;
}

/* The archive's kind in words, for "not a gzip'd tar". */
static const char *format_words(enum unpack_format f)
{
	switch (f) {
	case UNPACK_TAR_XZ: return "an xz'd tar";
	case UNPACK_ZIP: return "a zip archive";
	case UNPACK_TAR_GZ: break;
	}
	return "a gzip'd tar";
}

/* Whether the reader found what w->format says: the one filter it names (none for
 * zip); the container is the only one the reader was given. */
static int format_matches(struct walk *w)
{
	switch (w->format) {
	case UNPACK_TAR_GZ:
		return archive_filter_count(w->a) == 2 &&
		       archive_filter_code(w->a, 0) == ARCHIVE_FILTER_GZIP;
	case UNPACK_TAR_XZ:
		return archive_filter_count(w->a) == 2 &&
		       archive_filter_code(w->a, 0) == ARCHIVE_FILTER_XZ;
	case UNPACK_ZIP:
		return archive_filter_count(w->a) == 1;
	}
	return 0;
}

/* Reads the whole archive, checking (and writing when w->dest >= 0) each entry. 0 or -1. */
static int walk(struct walk *w, const void *data, size_t len)
{
	int rc = -1;
	w->a = archive_read_new();
	w->buf = xmalloc(CHUNK);
	w->name[0] = '\0';
	/* First the gzip stream, bounded: each entry's data is capped, and the
	 * headers around it take a few KiB at most, so what passes here is all
	 * libarchive can ever be made to read (no bomb of headers it skips). An xz
	 * stream carries its own check, which liblzma verifies; a zip entry its CRC. */
	const char *why;
	uint64_t cap = w->max_total + (uint64_t)w->max_entries * 16384 + (1 << 20);
	if (w->format == UNPACK_TAR_GZ && w->dest < 0 &&
	    gzip_verify(data, len, cap, w->buf, &why) < 0) {
		snprintf(w->err, w->errlen, "%s: %s", w->label, why);
		goto fail;
	}
	switch (w->format) {
	case UNPACK_TAR_GZ:
		archive_read_support_filter_gzip(w->a);
		archive_read_support_format_tar(w->a);
		break;
	case UNPACK_TAR_XZ:
		archive_read_support_filter_xz(w->a);
		archive_read_support_format_tar(w->a);
		break;
	case UNPACK_ZIP:
		archive_read_support_format_zip(w->a);
		break;
	}
	if (archive_read_open_memory(w->a, data, len) != ARCHIVE_OK) {
		snprintf(w->err, w->errlen, "%s: not %s: %s", w->label, format_words(w->format),
			 archive_error_string(w->a));
		goto fail;
	}
	for (;;) {
		struct archive_entry *e;
		int r = archive_read_next_header(w->a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			if (w->entries)
				refuse(w, "is followed by damage: %s", archive_error_string(w->a));
			else
				snprintf(w->err, w->errlen, "%s: not %s: %s", w->label,
					 format_words(w->format), archive_error_string(w->a));
			goto fail;
		}
		if (!format_matches(w)) {
			snprintf(w->err, w->errlen, "%s: not %s", w->label,
				 w->format == UNPACK_TAR_XZ ? "xz-compressed"
				 : w->format == UNPACK_ZIP ? "a plain zip archive"
							   : "gzip-compressed");
			goto fail;
		}
		if (one_entry(w, e) < 0)
			goto fail;
	}
	if (!w->entries) {
		snprintf(w->err, w->errlen, "%s: the archive is empty", w->label);
		goto fail;
	}
	rc = 0;
fail:
	archive_read_free(w->a);
	free(w->buf);
	seen_free(&w->seen);
	return rc;
}

/* Sets up w for the options (defaults for 0). 0, or -1 for a bad top name. */
static int walk_init(struct walk *w, const struct unpack_opts *o, char *err, size_t errlen)
{
	memset(w, 0, sizeof(*w));
	w->base = o->top;
	w->label = o->label ? o->label : "archive";
	w->format = o->format;
	w->err = err;
	w->errlen = errlen;
	w->dest = -1;
	w->max_total = o->max_total ? o->max_total : DEF_TOTAL;
	w->max_file = o->max_file ? o->max_file : DEF_FILE;
	w->max_entries = o->max_entries ? o->max_entries : DEF_ENTRIES;
	if (errlen)
		err[0] = '\0';
	const char *t = o->top;
	if (t && (!*t || strchr(t, '/') || !strcmp(t, ".") || !strcmp(t, "..") ||
		  strlen(t) > MAX_NAME || has_control(t))) {
		snprintf(err, errlen, "%s: bad top directory name", w->label);
		return -1;
	}
	if (o->format != UNPACK_TAR_GZ && o->format != UNPACK_TAR_XZ && o->format != UNPACK_ZIP) {
		snprintf(err, errlen, "%s: unknown archive format", w->label);
		return -1;
	}
	return 0;
}

int unpack_check(const void *data, size_t len, const struct unpack_opts *o, char *err,
		 size_t errlen)
{
	struct walk w;
	if (walk_init(&w, o, err, errlen) < 0)
		return -1;
	return walk(&w, data, len);
}
/* The names in the directory fd (caller frees each and the array), or NULL
 * with errno; *n: how many. */
static char **list_dir(int fd, size_t *n)
{
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return NULL;
	}
	char **v = xmalloc(sizeof(*v));
	size_t cap = 1;
	struct dirent *de;
	*n = 0;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			v = xgrow(v, &cap, *n + 1, sizeof(*v));
			v[(*n)++] = xstrdup(de->d_name);
		}
	closedir(d);
	return v;
}

/*
 * Removes everything in the directory fd, never following a link and never
 * entering a directory of another file system than dev (EXDEV). 0, or -1
 * with errno (the first error; the rest is removed all the same).
 */
static int rm_children(int fd, dev_t dev)
{
	size_t n;
	char **names = list_dir(fd, &n);
	if (!names)
		return -1;
	int rc = 0, first = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		const char *c = names[i];
		int r = fstatat(fd, c, &st, AT_SYMLINK_NOFOLLOW);
		if (r == 0 && S_ISDIR(st.st_mode)) {
			if (st.st_dev != dev) {
				errno = EXDEV;
				r = -1;
			} else {
				/* A directory we may not read or write (makepkg's, a
				 * tarball's): ours, so we may open it up. */
				if ((st.st_mode & 0700) != 0700)
					fchmodat(fd, c, (st.st_mode & 07777) | 0700,
						 AT_SYMLINK_NOFOLLOW);
				int sub = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
							O_CLOEXEC);
				r = sub < 0 ? -1 : rm_children(sub, dev);
				if (sub >= 0) {
					int e = errno;
					close(sub);
					errno = e;
				}
				if (r == 0)
					r = unlinkat(fd, c, AT_REMOVEDIR);
			}
		} else if (r == 0) {
			r = unlinkat(fd, c, 0);
		} else if (errno == ENOENT) {
			r = 0;
		}
		if (r < 0 && rc == 0) {
			rc = -1;
			first = errno;
		}
		free(names[i]);
	}
	free(names);
	if (rc < 0)
		errno = first;
	return rc;
}

int unpack_rmtree(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOTDIR || errno == ELOOP)
			return unlink(dir); /* a file or a link: itself only */
		return -1;
	}
	struct stat st;
	int rc = fstat(fd, &st) == 0 ? rm_children(fd, st.st_dev) : -1;
	int e = errno;
	close(fd);
	if (rc == 0)
		return rmdir(dir);
	errno = e;
	return -1;
}

int unpack_into(const void *data, size_t len, const struct unpack_opts *o, const char *dest,
		char *err, size_t errlen)
{
	if (unpack_check(data, len, o, err, errlen) < 0)
		return -1;
	struct walk w;
	walk_init(&w, o, err, errlen);
	w.dest = open(dest, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (w.dest < 0) {
		snprintf(err, errlen, "%s: cannot open %s: %s", w.label, dest, strerror(errno));
		return -1;
	}
	size_t n = 0;
	char **names = list_dir(w.dest, &n);
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	if (!names || n) {
		snprintf(err, errlen, "%s: %s %s", w.label, dest,
			 names ? "is not empty" : strerror(errno));
		close(w.dest);
		return -1;
	}
	int rc = walk(&w, data, len);
	if (rc < 0) {
		struct stat st;
		if (fstat(w.dest, &st) == 0)
			rm_children(w.dest, st.st_dev);
	}
	close(w.dest);
	return rc;
}
