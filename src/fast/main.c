/* SPDX-License-Identifier: MIT */
/* omg-fast: prints pending updates from the engine's snapshot file, for shell prompts. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fast/snapshot.h"

/*
 * Invariants: libc only; no allocation (one file buffer, one output buffer,
 * both static); no socket, no locale set-up; the only system calls are
 * open/read/close of one or two files, stat of the snapshot's witnesses,
 * time, kill(pid, 0) and one write. Nothing here can block on another
 * process. Any doubt about the file prints nothing and exits 10 + why.
 */

#ifndef OMG_VERSION
#define OMG_VERSION "0.1"
#endif

#define EXIT_USAGE 2
#define DEFAULT_MAX_AGE 86400L

enum mode { M_DEFAULT, M_FORMAT, M_JSON, M_SHELL, M_PROM };

static unsigned char file[SNAP_FILE_MAX + 1];
static char out[4 * SNAP_FILE_MAX];
static size_t outlen;
static int overflow;

static const char usage[] =
	"usage: omg-fast [--format FMT | --json | --shell | --prometheus] [--max-age SECONDS]\n"
	"                [--root DIR | --snapshot PATH]\n"
	"Prints pending updates from the omg engine's status snapshot, for a shell prompt.\n"
	"Nothing is printed when there is nothing to show, or when the snapshot is missing\n"
	"(exit 11), corrupt (12), from a newer omg (13) or out of date (14).\n"
	"FMT placeholders: {upgradable} {security} {vulnerable} {severity} {held}\n"
	"{installed} {explicit} {orphans} {packages} {reboot} {transaction} {backend} {root}\n"
	"{age} {last_sync} {checked} {generation}; {{ and }} for braces, \\n and \\t.\n"
	"See omg-fast(1).\n";

/* Appends n bytes to the output; too much output is an error, not a cut. */
static void put(const char *s, size_t n)
{
	if (n > sizeof(out) - outlen) {
		overflow = 1;
		return;
	}
	memcpy(out + outlen, s, n);
	outlen += n;
}

static void puts_(const char *s)
{
	put(s, strlen(s));
}

static void putu(unsigned long long v)
{
	char b[24];
	int n = snprintf(b, sizeof(b), "%llu", v);
	put(b, (size_t)n);
}

static void puti(long long v)
{
	char b[24];
	int n = snprintf(b, sizeof(b), "%lld", v);
	put(b, (size_t)n);
}

/* s as a JSON string. */
static void put_json(const char *s)
{
	put("\"", 1);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\') {
			put("\\", 1);
			put((const char *)&ch, 1);
		} else if (ch < 0x20) {
			char b[8];
			snprintf(b, sizeof(b), "\\u%04x", ch);
			put(b, 6);
		} else {
			put((const char *)&ch, 1);
		}
	}
	put("\"", 1);
}

/* s single-quoted for a POSIX shell. */
static void put_shq(const char *s)
{
	put("'", 1);
	for (; *s; s++) {
		if (*s == '\'')
			puts_("'\\''");
		else
			put(s, 1);
	}
	put("'", 1);
}

/* s as a Prometheus label value. */
static void put_label(const char *s)
{
	put("\"", 1);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			put("\\", 1);
		if (*s == '\n')
			puts_("\\n");
		else
			put(s, 1);
	}
	put("\"", 1);
}

/* Non-zero when the locale's variables name UTF-8 (read, never set up). */
static int utf8_locale(void)
{
	const char *vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
	for (size_t i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strcasestr(v, "utf-8") || strcasestr(v, "utf8");
	}
	return 0;
}

/* Reads path into file[]: its size, or -1 (missing, unreadable, not a
 * regular file, or too big to be a snapshot: then -2). */
static long read_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -2;
	}
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, file + n, sizeof(file) - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == sizeof(file))
			break; /* larger than any snapshot: snap_decode refuses it */
	}
	close(fd);
	return (long)n;
}

/* Non-zero when a witness no longer matches what the engine saw. */
static int witness_changed(const struct snap *s)
{
	for (uint32_t i = 0; i < s->nwitness; i++) {
		const struct snap_witness *w = &s->witness[i];
		struct stat st;
		int exists = stat(w->path, &st) == 0;
		if (exists != (int)w->exists)
			return 1;
		if (exists && ((uint64_t)st.st_ino != w->ino || (int64_t)st.st_mtim.tv_sec != w->mtime ||
			       (uint32_t)st.st_mtim.tv_nsec != w->mtime_nsec))
			return 1;
	}
	return 0;
}

/* Is a transaction still running? The flag, unless its engine is gone. */
static int txn_running(const struct snap *s)
{
	if (!(s->flags & SNAP_TRANSACTION) || (s->flags & SNAP_STOPPED))
		return 0;
	return !(s->pid && kill((pid_t)s->pid, 0) != 0 && errno == ESRCH);
}

/* Reads, decodes and checks the snapshot at path. */
static enum snap_result load(const char *path, long max_age, struct snap *s)
{
	long n = read_file(path);
	if (n == -1)
		return SNAP_MISSING;
	if (n < 0)
		return SNAP_CORRUPT;
	enum snap_result r = snap_decode(file, (size_t)n, s);
	if (r != SNAP_OK)
		return r;
	time_t now = time(NULL);
	/* From the future (beyond a clock's small step): not to be trusted either. */
	if ((long long)s->written > (long long)now + 300 ||
	    (long long)now - (long long)s->written > max_age)
		return SNAP_STALE;
	/* While a transaction runs the databases change under it: the figures
	 * are those from before it, and the output says one runs. */
	if (!txn_running(s) && witness_changed(s))
		return SNAP_STALE;
	return SNAP_OK;
}

/* The name of an advisory severity (the snapshot's number; ipc/vuln.h's order). */
static const char *severity(uint32_t v)
{
	static const char *const names[] = {"unknown", "low", "medium", "high", "critical"};
	return v < 5 ? names[v] : names[0];
}

/* The compact segment: "⬆12 !3", nothing when nothing is pending. */
static void out_default(const struct snap *s)
{
	int u = utf8_locale(), any = 0;
	if (s->upgradable) {
		puts_(u ? "\u2b06" : "^");
		putu(s->upgradable);
		any = 1;
	}
	if ((s->flags & SNAP_SECURITY_KNOWN) && s->security) {
		puts_(any ? " !" : "!");
		putu(s->security);
		any = 1;
	}
	if ((s->flags & SNAP_VULNS_KNOWN) && s->vulnerable) {
		puts_(any ? " " : "");
		puts_(u ? "\u26a0" : "V");
		putu(s->vulnerable);
		any = 1;
	}
	if (s->flags & SNAP_REBOOT) {
		puts_(any ? " " : "");
		puts_(u ? "\u21bb" : "R");
		any = 1;
	}
	if (txn_running(s)) {
		puts_(any ? " " : "");
		puts_(u ? "\u2699" : "*");
		any = 1;
	}
	if (any)
		put("\n", 1);
}

/* The value of placeholder name (n bytes); -1 if there is no such placeholder. */
static int placeholder(const struct snap *s, const char *name, size_t n, long long now)
{
#define IS(lit) (n == sizeof(lit) - 1 && memcmp(name, lit, n) == 0)
	if (IS("upgradable"))
		putu(s->upgradable);
	else if (IS("security")) {
		if (s->flags & SNAP_SECURITY_KNOWN)
			putu(s->security);
		else
			put("?", 1);
	} else if (IS("vulnerable")) {
		if (s->flags & SNAP_VULNS_KNOWN)
			putu(s->vulnerable);
		else
			put("?", 1);
	} else if (IS("severity")) {
		if ((s->flags & SNAP_VULNS_KNOWN) && s->vulnerable)
			puts_(severity(s->vuln_severity));
	} else if (IS("held"))
		putu(s->held);
	else if (IS("installed"))
		putu(s->installed);
	else if (IS("explicit"))
		putu(s->explicit_);
	else if (IS("orphans"))
		putu(s->orphans);
	else if (IS("packages"))
		putu(s->packages);
	else if (IS("reboot"))
		putu((s->flags & SNAP_REBOOT) != 0);
	else if (IS("transaction"))
		puts_(txn_running(s) ? s->str[SNAP_S_TRANSACTION] : "");
	else if (IS("backend"))
		puts_(s->str[SNAP_S_BACKEND]);
	else if (IS("root"))
		puts_(s->str[SNAP_S_ROOT]);
	else if (IS("age"))
		puti(now - (long long)s->written);
	else if (IS("last_sync"))
		putu(s->last_sync);
	else if (IS("checked"))
		putu(s->checked);
	else if (IS("generation"))
		putu(s->generation);
	else
		return -1;
	return 0;
#undef IS
}

/* Expands fmt with s; with s NULL only checks it. 0, or -1 with a message. */
static int out_format(const char *fmt, const struct snap *s)
{
	static struct snap none; /* checking only: every figure 0, every string "" */
	for (int i = 0; i < SNAP_S_COUNT; i++)
		none.str[i] = "";
	long long now = (long long)time(NULL);
	for (const char *p = fmt; *p; p++) {
		if (p[0] == '{' && p[1] == '{') {
			put("{", 1);
			p++;
		} else if (p[0] == '}' && p[1] == '}') {
			put("}", 1);
			p++;
		} else if (*p == '{') {
			const char *end = strchr(p, '}');
			if (!end || placeholder(s ? s : &none, p + 1, (size_t)(end - p - 1), now) != 0) {
				int len = end ? (int)(end - p + 1) : (int)strlen(p);
				dprintf(2, "omg-fast: unknown placeholder %.*s in --format (see --help)\n",
					len, p);
				return -1;
			}
			p = end;
		} else if (p[0] == '\\' && (p[1] == 'n' || p[1] == 't' || p[1] == '\\')) {
			put(p[1] == 'n' ? "\n" : p[1] == 't' ? "\t" : "\\", 1);
			p++;
		} else {
			put(p, 1);
		}
	}
	return 0;
}

static void out_json(const struct snap *s)
{
	long long now = (long long)time(NULL);
#define NUM(key, v) (puts_(",\"" key "\":"), putu(v))
	puts_("{\"upgradable\":");
	putu(s->upgradable);
	puts_(",\"security\":");
	if (s->flags & SNAP_SECURITY_KNOWN)
		putu(s->security);
	else
		puts_("null");
	puts_(",\"vulnerable\":");
	if (s->flags & SNAP_VULNS_KNOWN)
		putu(s->vulnerable);
	else
		puts_("null");
	puts_(",\"vuln_severity\":");
	if ((s->flags & SNAP_VULNS_KNOWN) && s->vulnerable)
		put_json(severity(s->vuln_severity));
	else
		puts_("null");
	puts_(",\"vulns_stale\":");
	puts_(s->flags & SNAP_VULNS_STALE ? "true" : "false");
	NUM("vulns_fetched", s->vuln_fetched);
	NUM("held", s->held);
	NUM("installed", s->installed);
	NUM("explicit", s->explicit_);
	NUM("orphans", s->orphans);
	NUM("packages", s->packages);
	puts_(",\"reboot_required\":");
	puts_(s->flags & SNAP_REBOOT ? "true" : "false");
	puts_(",\"transaction\":");
	put_json(txn_running(s) ? s->str[SNAP_S_TRANSACTION] : "");
	puts_(",\"backend\":");
	put_json(s->str[SNAP_S_BACKEND]);
	puts_(",\"root\":");
	put_json(s->str[SNAP_S_ROOT]);
	NUM("last_sync", s->last_sync);
	NUM("checked", s->checked);
	puts_(",\"check_failed\":");
	puts_(s->flags & SNAP_CHECK_FAILED ? "true" : "false");
	NUM("written", s->written);
	puts_(",\"age\":");
	puti(now - (long long)s->written);
	NUM("generation", s->generation);
	NUM("engine_pid", s->pid);
	puts_(",\"engine_running\":");
	puts_(s->flags & SNAP_STOPPED ? "false" : "true");
	puts_(",\"system\":");
	puts_(s->flags & SNAP_SYSTEM ? "true" : "false");
	puts_("}\n");
#undef NUM
}

static void out_shell(const struct snap *s)
{
#define VAR(name, v) (puts_("OMG_" name "="), putu(v), put("\n", 1))
	VAR("UPGRADABLE", s->upgradable);
	puts_("OMG_SECURITY=");
	if (s->flags & SNAP_SECURITY_KNOWN)
		putu(s->security);
	put("\n", 1);
	puts_("OMG_VULNERABLE=");
	if (s->flags & SNAP_VULNS_KNOWN)
		putu(s->vulnerable);
	puts_("\nOMG_VULN_SEVERITY=");
	if ((s->flags & SNAP_VULNS_KNOWN) && s->vulnerable)
		puts_(severity(s->vuln_severity));
	put("\n", 1);
	VAR("HELD", s->held);
	VAR("INSTALLED", s->installed);
	VAR("EXPLICIT", s->explicit_);
	VAR("ORPHANS", s->orphans);
	VAR("REBOOT", (s->flags & SNAP_REBOOT) != 0);
	puts_("OMG_TRANSACTION=");
	put_shq(txn_running(s) ? s->str[SNAP_S_TRANSACTION] : "");
	puts_("\nOMG_BACKEND=");
	put_shq(s->str[SNAP_S_BACKEND]);
	put("\n", 1);
	VAR("LAST_SYNC", s->last_sync);
	VAR("WRITTEN", s->written);
#undef VAR
}

/* One gauge in node_exporter's textfile format. */
static void gauge(const struct snap *s, const char *name, const char *help, unsigned long long v)
{
	puts_("# HELP ");
	puts_(name);
	put(" ", 1);
	puts_(help);
	puts_("\n# TYPE ");
	puts_(name);
	puts_(" gauge\n");
	puts_(name);
	puts_("{backend=");
	put_label(s->str[SNAP_S_BACKEND]);
	puts_(",root=");
	put_label(s->str[SNAP_S_ROOT]);
	puts_("} ");
	putu(v);
	put("\n", 1);
}

static void out_prometheus(const struct snap *s)
{
	gauge(s, "omg_upgradable_packages", "Installed packages with an upgrade, held ones aside.",
	      s->upgradable);
	if (s->flags & SNAP_SECURITY_KNOWN)
		gauge(s, "omg_security_upgrades", "Upgrades from a security origin.", s->security);
	if (s->flags & SNAP_VULNS_KNOWN) {
		/* FORMATS.md 6: the highest severity as a label, as node_exporter
		 * dashboards for arch-audit/debsecan show it. */
		puts_("# HELP omg_vulnerable_packages Installed packages with a known "
		      "vulnerability.\n# TYPE omg_vulnerable_packages gauge\n"
		      "omg_vulnerable_packages{backend=");
		put_label(s->str[SNAP_S_BACKEND]);
		puts_(",root=");
		put_label(s->str[SNAP_S_ROOT]);
		puts_(",severity=");
		put_label(s->vulnerable ? severity(s->vuln_severity) : "none");
		puts_("} ");
		putu(s->vulnerable);
		put("\n", 1);
		gauge(s, "omg_advisories_timestamp_seconds",
		      "When the advisory data was downloaded.", s->vuln_fetched);
	}
	gauge(s, "omg_held_upgrades", "Upgrades held (apt) or ignored (pacman).", s->held);
	gauge(s, "omg_installed_packages", "Installed packages.", s->installed);
	gauge(s, "omg_explicit_packages", "Packages installed explicitly.", s->explicit_);
	gauge(s, "omg_orphan_packages", "Dependencies nothing needs any more.", s->orphans);
	gauge(s, "omg_reboot_required", "1 when a reboot is needed.", (s->flags & SNAP_REBOOT) != 0);
	gauge(s, "omg_transaction_running", "1 while a transaction runs.", (unsigned)txn_running(s));
	gauge(s, "omg_last_sync_timestamp_seconds", "When the package databases were refreshed.",
	      s->last_sync);
	gauge(s, "omg_snapshot_timestamp_seconds", "When the engine wrote these figures.",
	      s->written);
}

/* A number of seconds, or -1. */
static long parse_seconds(const char *v)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 0)
		return -1;
	return n;
}

int main(int argc, char **argv)
{
	enum mode mode = M_DEFAULT;
	const char *fmt = NULL, *root = NULL, *snapshot = NULL;
	long max_age = DEFAULT_MAX_AGE;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = 1;
		if (strcmp(a, "--format") == 0 && v)
			mode = M_FORMAT, fmt = v;
		else if (strcmp(a, "--max-age") == 0 && v) {
			if ((max_age = parse_seconds(v)) < 0) {
				dprintf(2, "omg-fast: --max-age takes a number of seconds, not '%s'\n", v);
				return EXIT_USAGE;
			}
		} else if (strcmp(a, "--root") == 0 && v)
			root = v;
		else if (strcmp(a, "--snapshot") == 0 && v)
			snapshot = v;
		else {
			takes = 0;
			if (strcmp(a, "--json") == 0)
				mode = M_JSON;
			else if (strcmp(a, "--shell") == 0)
				mode = M_SHELL;
			else if (strcmp(a, "--prometheus") == 0)
				mode = M_PROM;
			else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
				ssize_t w = write(1, usage, sizeof(usage) - 1);
				return w < 0;
			} else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
				dprintf(1, "omg-fast %s (snapshot format %d.%d)\n", OMG_VERSION,
					SNAP_MAJOR, SNAP_MINOR);
				return 0;
			} else {
				dprintf(2, "omg-fast: unknown argument '%s'\n%s", a, usage);
				return EXIT_USAGE;
			}
		}
		i += takes;
	}
	if (root && snapshot) {
		dprintf(2, "omg-fast: --root and --snapshot pick the file two ways; give one\n");
		return EXIT_USAGE;
	}
	if (fmt && out_format(fmt, NULL) != 0)
		return EXIT_USAGE;
	outlen = 0;

	struct snap s;
	enum snap_result r;
	if (snapshot) {
		r = load(snapshot, max_age, &s);
	} else {
		char real[PATH_MAX], user[PATH_MAX + 64], sys[PATH_MAX + 64];
		if (!realpath(root ? root : "/", real)) {
			dprintf(2, "omg-fast: %s: %s\n", root, strerror(errno));
			return 10 + SNAP_MISSING;
		}
		/* The user's own engine first; then the system engine's file, which
		 * every user may read. The first usable one wins. */
		r = snap_path_user(real, user, sizeof(user)) == 0 ? load(user, max_age, &s)
								     : SNAP_MISSING;
		if (r != SNAP_OK && snap_path_system(real, sys, sizeof(sys)) == 0) {
			enum snap_result r2 = load(sys, max_age, &s);
			if (r2 == SNAP_OK || r == SNAP_MISSING)
				r = r2;
		}
	}
	if (r != SNAP_OK)
		return 10 + (int)r;
	switch (mode) {
	case M_DEFAULT:
		out_default(&s);
		break;
	case M_FORMAT:
		out_format(fmt, &s);
		break;
	case M_JSON:
		out_json(&s);
		break;
	case M_SHELL:
		out_shell(&s);
		break;
	case M_PROM:
		out_prometheus(&s);
		break;
	}
	if (overflow) {
		dprintf(2, "omg-fast: the output is larger than %zu bytes\n", sizeof(out));
		return EXIT_USAGE;
	}
	for (size_t off = 0; off < outlen;) {
		ssize_t w = write(1, out + off, outlen - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return 1;
		off += (size_t)w;
	}
	return 0;
}
