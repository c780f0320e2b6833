// SPDX-License-Identifier: MIT
/* Captures what dpkg and apt's children write during a commit: fds 0-2 swapped for a pipe and a reader thread. */

#include <cerrno>
#include <cstdio>
#include <iostream>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "engine/backend/apt-int.h"

/* Starts capturing; false (nothing changed) if the fds cannot be set up. */
bool apt_capture::start()
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return false;
	rd_ = p[0];
	wr_ = p[1];
	(void)fcntl(wr_, F_SETPIPE_SZ, 1 << 20); /* best effort */
	(void)fcntl(rd_, F_SETFL, O_NONBLOCK);
	null_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
	bool ok = null_ >= 0;
	for (int i = 0; i < 3 && ok; i++) {
		saved_[i] = fcntl(i, F_DUPFD_CLOEXEC, 3);
		if (saved_[i] < 0 && errno != EBADF)
			ok = false;
	}
	/* thread_start: the reader leaves every signal to the engine's threads. */
	int rc = ok ? thread_start(&reader_, &apt_capture::reader_main, this) : -1;
	if (rc != 0) {
		if (rc > 0)
			errno = rc;
		close_all();
		return false;
	}
	reading_ = true;
	started_ = true;
	resume();
	return true;
}

/* Puts the process's own fds 0-2 back (until resume). */
void apt_capture::suspend()
{
	if (!redirected_)
		return;
	flush_streams();
	for (int i = 0; i < 3; i++) {
		if (saved_[i] >= 0)
			dup2(saved_[i], i);
		else
			close(i);
	}
	redirected_ = false;
}

/* Redirects fds 0-2 again: stdin from /dev/null, stdout and stderr into the pipe. */
void apt_capture::resume()
{
	if (!started_ || redirected_)
		return;
	flush_streams();
	dup2(null_, 0);
	dup2(wr_, 1);
	dup2(wr_, 2);
	redirected_ = true;
}

/* Stops: restores the fds, collects what is left and ends the thread
 * (without waiting for a daemon a script started that keeps the pipe). */
void apt_capture::finish()
{
	if (!started_)
		return;
	suspend();
	close(wr_);
	wr_ = -1;
	stop_ = true;
	if (reading_)
		pthread_join(reader_, nullptr);
	reading_ = false;
	started_ = false;
	close_all();
}

/* Moves every complete line (and with partial, the rest) into out. */
void apt_capture::take(std::vector<std::string> &out, bool partial)
{
	std::lock_guard<std::mutex> g(mu_);
	size_t start = 0, nl;
	while ((nl = buf_.find('\n', start)) != std::string::npos) {
		out.push_back(buf_.substr(start, nl - start));
		start = nl + 1;
	}
	buf_.erase(0, start);
	if (partial && !buf_.empty()) {
		out.push_back(buf_);
		buf_.clear();
	}
}

/* Flushes what this process buffered for stdout and stderr before the fds change. */
void apt_capture::flush_streams()
{
	std::cout.flush();
	std::cerr.flush();
	fflush(nullptr);
}

/* Closes every descriptor the capture owns. */
void apt_capture::close_all()
{
	for (int *fd : {&rd_, &wr_, &null_, &saved_[0], &saved_[1], &saved_[2]}) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
}

/* The reader thread's entry: self is the apt_capture. */
void *apt_capture::reader_main(void *self)
{
	static_cast<apt_capture *>(self)->run();
	return nullptr;
}

/* The reader thread: reads until EOF, or until stopped and idle. */
void apt_capture::run()
{
	char b[4096];
	size_t after_stop = 0;
	for (;;) {
		struct pollfd pfd = {rd_, POLLIN, 0};
		int n = poll(&pfd, 1, stop_ ? 0 : 100);
		if (n < 0 && errno != EINTR)
			break;
		if (n <= 0) {
			if (stop_)
				break;
			continue;
		}
		ssize_t r = read(rd_, b, sizeof b);
		if (r == 0)
			break; /* every writer is gone */
		if (r < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			break;
		}
		std::lock_guard<std::mutex> g(mu_);
		buf_.append(b, static_cast<size_t>(r));
		if (stop_ && (after_stop += static_cast<size_t>(r)) > (1u << 20))
			break; /* a child that never stops writing */
	}
}
