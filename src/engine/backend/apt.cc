// SPDX-License-Identifier: MIT
/* The Debian backend module (omg-apt.so): the C ABI over the libapt-pkg shim, exporting omg_backend_apt. */

/*
 * The shim's parts and its invariants are described in apt-int.h. This file
 * holds the operations table, their wrappers (no C++ exception crosses the C
 * ABI: each one catches) and the error and text helpers every part uses.
 */

#include <apt-pkg/debversion.h>
#include <apt-pkg/error.h>
#include <apt-pkg/pkgsystem.h>
#include <apt-pkg/version.h>

#include <cstdio>
#include <new>
#include <sstream>

#include "engine/backend/apt-int.h"

/* Writes msg into err (truncated, always terminated) when there is room. */
void apt_set_err(char *err, size_t errlen, const std::string &msg)
{
	if (err == nullptr || errlen == 0)
		return;
	snprintf(err, errlen, "%s", msg.c_str());
}

/* Empties libapt's error stack completely. Returns the first error (or "" if
 * none); warnings are appended to warns when it is non-NULL, notices (such as
 * "Ignoring file ... invalid filename extension") and debug lines are dropped.
 * PopMessage() cannot tell a warning from a notice (it returns whether the
 * message was an error, not whether one was popped), so the stack is drained
 * with DumpErrors() at the lowest threshold and each "X: text" line is sorted
 * by its letter. APT::Color is forced off in apt_open_handle(), so there are
 * no escapes. */
std::string apt_drain_errors(std::vector<std::string> *warns)
{
	std::ostringstream out;
	_error->DumpErrors(out, GlobalError::DEBUG, true);
	_error->Discard();
	std::istringstream in(out.str());
	std::string line, first;
	while (std::getline(in, line)) {
		if (line.size() < 3 || line[1] != ':' || line[2] != ' ')
			continue; /* the continuation of a multi-line message */
		std::string msg = line.substr(3);
		if (line[0] == 'E' && first.empty())
			first = msg;
		else if (line[0] == 'W' && warns != nullptr)
			warns->push_back(msg);
	}
	return first;
}

/* Reports an error from a plan or commit: the message, else apt's first error. */
int apt_fail(char *err, size_t errlen, int *status, int code, const std::string &msg)
{
	std::string apt_first = apt_drain_errors(nullptr);
	apt_set_err(err, errlen, !msg.empty() ? msg
				 : !apt_first.empty() ? apt_first : "the transaction failed");
	*status = code;
	return -1;
}

/* Replaces every invalid UTF-8 sequence in s with U+FFFD, in place (util's utf8_sanitize). */
void apt_utf8_clean(std::string &s)
{
	if (utf8_valid(s.data(), s.size()))
		return; /* the common case */
	struct buf b = {nullptr, 0, 0};
	utf8_sanitize(&b, s.data(), s.size());
	s.assign(b.p != nullptr ? b.p : "", b.len);
	buf_free(&b);
}

/* Joins names with ", ". */
std::string apt_join(const std::vector<std::string> &v)
{
	std::string out;
	for (const std::string &s : v)
		out += (out.empty() ? "" : ", ") + s;
	return out;
}

/* The first line of s. */
std::string apt_first_line(const std::string &s)
{
	return s.substr(0, s.find('\n'));
}

extern "C" {

/* See backend.h. The returned handle is freed with apt_close. */
static void *apt_open(const struct backend_opts *opts, char *err, size_t errlen, int *status)
{
	int dummy;
	if (status == nullptr)
		status = &dummy;
	try {
		return apt_open_handle(opts, err, errlen, status);
	} catch (const std::bad_alloc &) {
		apt_set_err(err, errlen, "out of memory opening the apt cache");
	} catch (...) {
		apt_set_err(err, errlen, "unexpected error opening the apt cache");
	}
	*status = BACKEND_ERR_DB;
	return nullptr;
}

/* See backend.h. Record strings are borrowed for the duration of sink->add only. */
static int apt_load(void *self, const struct pkg_sink *sink, char *err, size_t errlen)
{
	if (self == nullptr || sink == nullptr || sink->add == nullptr) {
		apt_set_err(err, errlen, "apt load: bad arguments");
		return -1;
	}
	try {
		return apt_open_load(static_cast<apt_handle *>(self), sink, err, errlen);
	} catch (const std::bad_alloc &) {
		apt_set_err(err, errlen, "out of memory loading the apt cache");
	} catch (...) {
		apt_set_err(err, errlen, "unexpected error loading the apt cache");
	}
	return -1;
}

/* dpkg version comparison: <0, 0, >0. Pure; safe from any thread. */
static int apt_vercmp(const char *a, const char *b)
{
	pkgVersioningSystem *vs = _system != nullptr ? _system->VS : &debVS;
	return vs->CmpVersion(a != nullptr ? a : "", b != nullptr ? b : "");
}

/* Frees everything open() made; a later open() starts from a clean configuration. */
static void apt_close(void *self)
{
	if (self == nullptr)
		return;
	try {
		apt_handle *h = static_cast<apt_handle *>(self);
		apt_plan_release(h);
		apt_open_free(h);
	} catch (...) {
	}
}

/* See backend.h. Callbacks run on this thread; no lock is waited for. */
static int apt_plan(void *self, const struct trans_request *req, const struct trans_cb *cb,
		    char *err, size_t errlen, int *status)
{
	int dummy;
	if (status == nullptr)
		status = &dummy;
	*status = BACKEND_ERR_USAGE;
	if (self == nullptr || req == nullptr) {
		apt_set_err(err, errlen, "apt plan: bad arguments");
		return -1;
	}
	apt_handle *h = static_cast<apt_handle *>(self);
	try {
		return apt_plan_run(h, req, cb, err, errlen, status);
	} catch (const std::bad_alloc &) {
		apt_set_err(err, errlen, "out of memory planning the transaction");
	} catch (...) {
		apt_set_err(err, errlen, "unexpected error planning the transaction");
	}
	try {
		apt_plan_release(h);
	} catch (...) {
	}
	*status = BACKEND_ERR_TXN;
	return -1;
}

/* See backend.h. */
static int apt_commit(void *self, const struct trans_cb *cb, char *err, size_t errlen, int *status)
{
	int dummy;
	if (status == nullptr)
		status = &dummy;
	*status = BACKEND_ERR_USAGE;
	if (self == nullptr) {
		apt_set_err(err, errlen, "apt commit: bad arguments");
		return -1;
	}
	try {
		return apt_commit_run(static_cast<apt_handle *>(self), cb, err, errlen, status);
	} catch (const std::bad_alloc &) {
		apt_set_err(err, errlen, "out of memory committing the transaction");
	} catch (...) {
		apt_set_err(err, errlen, "unexpected error committing the transaction");
	}
	*status = BACKEND_ERR_TXN;
	return -1;
}

/* See backend.h. Safe without a plan and after a commit. */
static void apt_release(void *self)
{
	if (self == nullptr)
		return;
	try {
		apt_plan_release(static_cast<apt_handle *>(self));
	} catch (...) {
	}
}

/* See backend.h. */
static void apt_lock_holder(void *self, char *out, size_t outlen)
{
	if (out == nullptr || outlen == 0)
		return;
	out[0] = '\0';
	try {
		apt_set_err(out, outlen, apt_lock_owner(static_cast<const apt_handle *>(self)));
	} catch (...) {
		out[0] = '\0';
	}
}

/* See backend.h. */
static int apt_accepts_unsigned(void *self, char *why, size_t whylen)
{
	if (self == nullptr || why == nullptr || whylen == 0)
		return 0;
	try {
		return apt_open_accepts_unsigned(why, whylen);
	} catch (...) {
		return 0;
	}
}

/* The module's one export, found by backend_module(). */
__attribute__((visibility("default"))) extern const struct backend_ops omg_backend_apt;
const struct backend_ops omg_backend_apt = {"apt",	     apt_open,	 apt_load,
					    apt_vercmp,	     apt_close,	 apt_plan,
					    apt_commit,	     apt_release, apt_lock_holder,
					    nullptr /* dpkg's locks go with the process */,
					    nullptr /* the lists are apt's own; no private copy */,
					    apt_accepts_unsigned};

} // extern "C"
