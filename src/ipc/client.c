/* SPDX-License-Identifier: MIT */
/* Blocking protocol client over a Unix socket. */
#include "ipc/client.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ipc/codec.h"
#include "util/buf.h"

#define HELLO_TIMEOUT_MS 5000

int client_open(struct client *cl, const char *path, const char *name, char *err, size_t errlen)
{
	memset(cl, 0, sizeof(*cl));
	cl->fd = -1;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	cl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cl->fd < 0 || connect(cl->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;
		snprintf(err, errlen, "no engine at %s: %s", path, strerror(e));
		client_close(cl);
		return e == ENOENT || e == ECONNREFUSED ? -2 : -1;
	}
	frame_reader_init(&cl->in, (size_t)1 << 30);
	cl->arena = strpool_new();
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_HELLO;
	m.u.hello = (struct msg_hello){OMG_PROTO_MIN_VERSION, OMG_PROTO_VERSION, name};
	if (client_send(cl, &m, err, errlen) != 0 ||
	    client_recv(cl, &m, cl->arena, HELLO_TIMEOUT_MS, err, errlen) != 0) {
		/* An engine killed as we connected: the kernel queued us on its
		 * listening socket and closed it with the rest. Same as no engine. */
		int gone = cl->gone;
		client_close(cl);
		return gone ? -2 : -1;
	}
	if (m.h.type == MSG_ERROR) {
		snprintf(err, errlen, "the engine refused us: %s", m.u.error.message);
		client_close(cl);
		return -1;
	}
	if (m.h.type != MSG_HELLO_OK) {
		snprintf(err, errlen, "the engine answered hello with %s", codec_type_name(m.h.type));
		client_close(cl);
		return -1;
	}
	cl->engine = m.u.hello_ok;
	return 0;
}

void client_close(struct client *cl)
{
	if (cl->fd >= 0)
		close(cl->fd);
	frame_reader_free(&cl->in);
	strpool_free(cl->arena);
	memset(cl, 0, sizeof(*cl));
	cl->fd = -1;
}

int client_send(struct client *cl, struct msg *m, char *err, size_t errlen)
{
	struct buf b = {0};
	m->h.id = ++cl->next_id;
	codec_encode(&b, m);
	size_t off = 0;
	while (off < b.len) {
		ssize_t n = send(cl->fd, b.p + off, b.len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cl->gone = errno == EPIPE || errno == ECONNRESET;
			snprintf(err, errlen, "cannot send to the engine: %s", strerror(errno));
			buf_free(&b);
			return -1;
		}
		off += (size_t)n;
	}
	buf_free(&b);
	return 0;
}

int client_next(struct client *cl, struct msg *m, struct strpool *arena, char *err,
		size_t errlen)
{
	const uint8_t *p;
	size_t len;
	enum frame_result fr = frame_next(&cl->in, &p, &len);
	if (fr == FRAME_TOO_BIG) {
		snprintf(err, errlen, "the engine sent a frame larger than %zu bytes", cl->in.max);
		return -1;
	}
	if (fr != FRAME_READY)
		return 0;
	char why[256];
	enum codec_result rc = codec_decode(p, len, m, arena, why, sizeof(why));
	frame_consume(&cl->in);
	if (rc != CODEC_OK) {
		snprintf(err, errlen, "bad reply from the engine: %s", why);
		return -1;
	}
	return 1;
}

/* Reads once from the socket into the frame reader: 1 read, 0 nothing there,
 * -1 closed or broken. */
static int read_once(struct client *cl, char *err, size_t errlen)
{
	char tmp[65536];
	ssize_t n = recv(cl->fd, tmp, sizeof(tmp), MSG_DONTWAIT);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		cl->gone = n == 0 || errno == ECONNRESET;
		snprintf(err, errlen, "the engine closed the connection");
		return -1;
	}
	frame_feed(&cl->in, tmp, (size_t)n);
	return 1;
}

int client_read_ready(struct client *cl, char *err, size_t errlen)
{
	/* A bounded number of reads: the UI's keys must not wait for a flood. */
	for (int i = 0; i < 64; i++) {
		int r = read_once(cl, err, errlen);
		if (r <= 0)
			return r;
	}
	return 0;
}

int client_recv(struct client *cl, struct msg *m, struct strpool *arena, int timeout_ms,
		char *err, size_t errlen)
{
	for (;;) {
		int r = client_next(cl, m, arena, err, errlen);
		if (r)
			return r > 0 ? 0 : -1;
		struct pollfd pfd = {cl->fd, POLLIN, 0};
		int pr = poll(&pfd, 1, timeout_ms);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr == 0) {
			snprintf(err, errlen, "the engine did not answer within %d ms", timeout_ms);
			return -1;
		}
		if (read_once(cl, err, errlen) < 0)
			return -1;
	}
}
