/* SPDX-License-Identifier: MIT */
/* The status snapshot: witnesses, building it from the status reply, writing it atomically. */
#include "engine/status.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/fdio.h"
#include "util/xalloc.h"

/* witness callback: stats one path. */
static void add_witness(void *ctx, const char *path)
{
	struct witnesses *ws = ctx;
	if (ws->n >= SNAP_WITNESS_MAX || path[0] != '/')
		return;
	struct snap_witness *w = &ws->w[ws->n++];
	memset(w, 0, sizeof(*w));
	w->path = xstrdup(path);
	struct stat st;
	if (stat(path, &st) == 0) {
		w->exists = 1;
		w->ino = (uint64_t)st.st_ino;
		w->mtime = (int64_t)st.st_mtim.tv_sec;
		w->mtime_nsec = (uint32_t)st.st_mtim.tv_nsec;
	}
}

void witnesses_take(const struct backend *b, const char *root, struct witnesses *ws)
{
	memset(ws, 0, sizeof(*ws));
	b->witness(root, add_witness, ws);
}

void witnesses_free(struct witnesses *ws)
{
	for (uint32_t i = 0; i < ws->n; i++)
		free((void *)ws->w[i].path);
	memset(ws, 0, sizeof(*ws));
}

void witnesses_move(struct witnesses *to, struct witnesses *from)
{
	witnesses_free(to);
	*to = *from;
	memset(from, 0, sizeof(*from));
}

/* At most UINT32_MAX: the file's counters are 32 bits. */
static uint32_t u32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

void status_snap(const struct msg_status_reply *st, const struct witnesses *ws, uint32_t flags,
		 uint32_t interval, struct snap *s)
{
	memset(s, 0, sizeof(*s));
	s->major = SNAP_MAJOR;
	s->minor = SNAP_MINOR;
	s->flags = flags;
	if (st->security_known)
		s->flags |= SNAP_SECURITY_KNOWN;
	if (st->reboot_required)
		s->flags |= SNAP_REBOOT;
	if (st->check_error && st->check_error[0])
		s->flags |= SNAP_CHECK_FAILED;
	s->written = (uint64_t)time(NULL);
	s->generation = st->generation;
	s->last_sync = st->last_sync;
	s->checked = st->checked;
	s->installed = u32(st->installed);
	s->explicit_ = u32(st->explicit_);
	s->orphans = u32(st->orphans);
	s->upgradable = u32(st->upgradable);
	s->security = u32(st->security);
	s->held = u32(st->held);
	s->packages = u32(st->packages);
	s->pid = (uint32_t)getpid();
	s->interval = interval;
	if (st->vuln_state == VULNS_OK || st->vuln_state == VULNS_STALE) {
		s->flags |= SNAP_VULNS_KNOWN | (st->vuln_state == VULNS_STALE ? SNAP_VULNS_STALE : 0);
		s->vulnerable = u32(st->vulnerable);
		s->vuln_severity = st->vuln_severity;
		s->vuln_fetched = st->vuln_fetched;
	}
	s->str[SNAP_S_BACKEND] = st->backend ? st->backend : "";
	s->str[SNAP_S_ROOT] = st->root ? st->root : "";
	s->str[SNAP_S_TRANSACTION] = st->transaction ? st->transaction : "";
	s->nwitness = ws->n;
	memcpy(s->witness, ws->w, sizeof(s->witness));
}

int status_write(const char *path, const struct snap *s, int shared, char *err, size_t errlen)
{
	unsigned char *b = xmalloc(SNAP_FILE_MAX);
	size_t n = snap_encode(s, b);
	if (!n) {
		free(b);
		snprintf(err, errlen, "the snapshot's strings are too long");
		return -1;
	}
	int rc = fd_replace_buf(path, shared ? 0644 : 0600, b, n);
	if (rc != 0)
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	free(b);
	return rc;
}
