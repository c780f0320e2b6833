// SPDX-License-Identifier: MIT
/* What the parts of the apt backend (apt*.cc, the module omg-apt.so) share; no other file includes it. */
#ifndef OMG_ENGINE_BACKEND_APT_INT_H
#define OMG_ENGINE_BACKEND_APT_INT_H

#ifndef __cplusplus
#error "apt-int.h is private to the libapt-pkg shim (C++)"
#endif

/*
 * The parts, each exporting symbols with its name as prefix:
 *   apt.cc          the module entry: the C ABI wrappers, the ops table, the
 *                   error helpers every part uses (apt_*)
 *   apt-open.cc     configuration, opening the read-only cache, load() (apt_open_*)
 *   apt-lock.cc     who holds dpkg's and apt's lock files (apt_lock_*)
 *   apt-plan.cc     marks, the resolver, the plan's items (apt_plan_*)
 *   apt-commit.cc   download, dpkg and what a commit reports after (apt_commit_*)
 *   apt-progress.cc acquire and dpkg progress as transaction events (apt_progress_*)
 *   apt-capture.cc  what child processes write, captured during a commit (apt_capture)
 *
 * Invariants (the whole module):
 * - libapt-pkg keeps its state in process-wide globals (_config, _system, the
 *   thread-local _error): at most one apt backend instance may be open per
 *   process (open() refuses a second one), and every call on it must come from
 *   the thread that opened it. open() also sets APT_CONFIG aside for a sandbox
 *   root (setenv/unsetenv): no other thread may read the environment meanwhile.
 *   vercmp() is pure and may be called from anywhere.
 * - open() and load() use a read-only cache without the dpkg/apt lock; nothing
 *   is written except apt's binary cache file (see apt-open.cc).
 *   Only a transaction (plan .. release) takes the dpkg lock and writes; see
 *   "Transactions" below.
 * - No C++ exception crosses the C ABI: every exported operation catches (apt.cc).
 */

#include <apt-pkg/acquire.h>
#include <apt-pkg/cachefile.h>
#include <apt-pkg/install-progress.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* The util headers are C without extern "C" guards; backend.h includes
 * util/buf.h itself, so they come first. */
extern "C" {
#include "util/buf.h"
#include "util/hash.h"
#include "util/thread.h"
#include "util/utf8.h"
#include "util/xdg.h"
}

#include "engine/backend/backend.h"

struct apt_txn;

/* One open backend instance. Owns the cache file; strings are its own copies. */
struct apt_handle {
	pkgCacheFile *cf = nullptr;        /* read-only, for load() */
	bool cf_stale = false;             /* a commit or sync changed the system: reopen cf */
	apt_txn *tx = nullptr;             /* the planned transaction, if any */
	std::string root;                  /* realpath of the root, "/" for the real system */
	std::string dpkg_info;             /* ".../var/lib/dpkg/info/" */
	std::vector<std::string> warnings; /* from open(), handed to the first load() */
	std::vector<std::string> private_cache; /* our pkgcache/srcpkgcache files, if used */
};

/*
 * Transactions. plan() resolves the request on a cache of its own, opened
 * WITH the dpkg lock (ADMINDIR/lock-frontend, then lock; it fails fast and the
 * engine retries), and keeps that cache, its marks and the lock until
 * release(). A dry run (TRANS_DRY_RUN) opens its cache without the lock, as
 * apt-get -s does, and commit() refuses it. commit() downloads with pkgAcquire (apt checks every hash and,
 * as configured, signature), releases dpkg's inner lock (the frontend lock
 * stays ours and dpkg runs with DPKG_FRONTEND_LOCKED, as in apt-get) and runs
 * dpkg through pkgPackageManager. A sync takes no dpkg lock: ListUpdate takes
 * the lists lock itself during commit.
 * - POSIX record locks belong to the process, and closing ANY descriptor of
 *   the file drops them: nothing here opens a lock file while this process
 *   holds the lock (apt_lock_owner answers from memory then).
 * - commit() sets DEBIAN_FRONTEND, DEBCONF_NONINTERACTIVE_SEEN and
 *   APT_LISTCHANGES_FRONTEND for dpkg and points fds 0-2 of the whole process
 *   elsewhere while it runs (apt_capture): the same rule as APT_CONFIG in
 *   open() applies. dpkg gets --force-confdef --force-confold, no pty and
 *   /dev/null as stdin, so nothing can prompt.
 * - What dpkg, maintainer scripts, hooks and apt's methods write becomes
 *   TEV_LOG lines (dpkg's status-fd reports become TEV_PACKAGE events and
 *   Error() lines TLOG_ERROR). Not captured, or captured too much: (1) what a
 *   child writes after the commit returned (a daemon a script started and
 *   that kept its stdout: its writes then fail, as with apt's own pty once
 *   apt exits); (2) other threads' writes to stdout/stderr during a commit
 *   land in this transaction's log instead of the process's log; (3) a line
 *   redrawn with \r (a progress bar) arrives as its last state only.
 * - The read-only cache of load() is kept; after a commit or sync the next
 *   load() reopens it.
 */

/* The transaction being planned or committed. */
struct apt_txn {
	uint32_t kind = 0;
	uint32_t flags = 0;
	pkgCacheFile *cf = nullptr;       /* locked cache with the marks (not for a sync) */
	std::vector<bool> named;          /* by package ID: named by the user */
	std::vector<bool> orphan;         /* by package ID: removed as a new orphan */
	std::vector<std::string> changed; /* full names of the packages dpkg will touch */
	std::vector<std::string> rehold;  /* held packages the plan installs again: on hold
					   * again after dpkg (which makes them "install") */
	bool marks_only = false;          /* no package changes, only manual marks */
	bool committed = false;

	apt_txn() = default;
	apt_txn(const apt_txn &) = delete;
	apt_txn &operator=(const apt_txn &) = delete;
	/* Deleting the cache file drops the marks and, with it, the dpkg lock. */
	~apt_txn() { delete cf; }
};

/* ---------------------------------------------------------------- apt.cc */

/* Writes msg into err (truncated, always terminated) when there is room. */
void apt_set_err(char *err, size_t errlen, const std::string &msg);
/* Empties libapt's error stack completely. Returns the first error ("" if
 * none); warnings are appended to warns when it is non-NULL, notices and
 * debug lines are dropped. */
std::string apt_drain_errors(std::vector<std::string> *warns);
/* Reports an error from a plan or commit: msg, else apt's first error (the
 * stack is emptied). Sets *status to code; returns -1. */
int apt_fail(char *err, size_t errlen, int *status, int code, const std::string &msg);
/* Replaces every invalid UTF-8 sequence in s with U+FFFD, in place. */
void apt_utf8_clean(std::string &s);
/* Joins names with ", ". */
std::string apt_join(const std::vector<std::string> &v);
/* The first line of s. */
std::string apt_first_line(const std::string &s);

/* ---------------------------------------------------------------- apt-open.cc */

/* Opens the package system under opts->root (see backend.h): a handle the
 * caller frees with apt_open_free, or NULL with err and *status set. */
apt_handle *apt_open_handle(const struct backend_opts *opts, char *err, size_t errlen,
			    int *status);
/* Emits every real package once through sink (see backend.h). 0 or -1 with err. */
int apt_open_load(apt_handle *h, const struct pkg_sink *sink, char *err, size_t errlen);
/* Frees h (its transaction released already) and resets libapt's global
 * configuration, so a later open starts clean. */
void apt_open_free(apt_handle *h);
/* See backend_ops.accepts_unsigned: libapt's configuration as apt_open_handle
 * loaded it, and the sources files it names. 1 with why, or 0. */
int apt_open_accepts_unsigned(char *why, size_t whylen);

/* ---------------------------------------------------------------- apt-lock.cc */

/* dpkg's admin directory ("ROOT/var/lib/dpkg/"), from the configuration. */
std::string apt_lock_admindir();
/* Who holds a write lock on path: "" if nobody or the file is missing. Opens
 * and closes path: never call it for a file this process has locked. */
std::string apt_lock_file_holder(const std::string &path);
/* Who holds dpkg's frontend lock, else its database lock; "" when free. */
std::string apt_lock_dpkg_holder();
/* Who holds the dpkg lock, this process included (h may be NULL); "" when free. */
std::string apt_lock_owner(const apt_handle *h);

/* ---------------------------------------------------------------- apt-plan.cc */

/* Resolves req into h->tx (see backend.h); on failure nothing stays planned. 0 or -1. */
int apt_plan_run(apt_handle *h, const struct trans_request *req, const struct trans_cb *cb,
		 char *err, size_t errlen, int *status);
/* Drops the transaction (marks, cache, lock). Safe without one. */
void apt_plan_release(apt_handle *h);

/* ---------------------------------------------------------------- apt-commit.cc */

/* Runs the planned transaction h->tx (see backend.h). 0 or -1 with err. */
int apt_commit_run(apt_handle *h, const struct trans_cb *cb, char *err, size_t errlen,
		   int *status);

/* ---------------------------------------------------------------- apt-capture.cc */

/*
 * Captures what child processes (dpkg, maintainer scripts, apt's methods and
 * hooks) write: while active, fds 1 and 2 of the process are a pipe and fd 0
 * is /dev/null (nobody may prompt). A thread drains the pipe into a buffer so
 * a chatty child never blocks on a full pipe; lines are handed out on the
 * caller's thread (take). libapt-pkg forks its children itself (ExecFork) and
 * gives no hook to redirect only theirs, hence the process-wide swap;
 * suspend()/resume() put the real fds back around every callback, so what a
 * callback prints is not captured (a child already running keeps the pipe).
 */
class apt_capture {
public:
	apt_capture() = default;
	apt_capture(const apt_capture &) = delete;
	apt_capture &operator=(const apt_capture &) = delete;
	/* Stops capturing if still started (finish). */
	~apt_capture() { finish(); }

	/* Starts capturing; false (nothing changed) if the fds cannot be set up. */
	bool start();
	/* Puts the process's own fds 0-2 back (until resume). */
	void suspend();
	/* Redirects fds 0-2 again. */
	void resume();
	/* Whether fds 0-2 are redirected now. */
	bool redirected() const { return redirected_; }
	/* Stops: restores the fds, collects what is left and ends the thread
	 * (without waiting for a daemon a script started that keeps the pipe). */
	void finish();
	/* Moves every complete line (and with partial, the rest) into out. */
	void take(std::vector<std::string> &out, bool partial);

private:
	static void flush_streams();
	void close_all();
	static void *reader_main(void *self);
	void run();

	int saved_[3] = {-1, -1, -1};
	int rd_ = -1, wr_ = -1, null_ = -1;
	bool started_ = false, redirected_ = false;
	bool reading_ = false; /* reader_ is running and not joined yet */
	pthread_t reader_{};
	std::mutex mu_;
	std::string buf_; /* guarded by mu_ */
	std::atomic<bool> stop_{false};
};

/* ---------------------------------------------------------------- apt-progress.cc */

/* Sends transaction events to the caller: captured output first, as TEV_LOG
 * lines, and every callback with the real fds back in place. cb and cap are
 * borrowed for the emitter's lifetime. */
struct apt_progress_emitter {
	const struct trans_cb *cb = nullptr;
	apt_capture *cap = nullptr;
	std::string first_error; /* the first dpkg error reported through Error() */

	/* Hands ev to cb->event with the real fds in place. */
	void send(const struct trans_event &ev);
	/* One event; fields not given are 0 or "". */
	void event(uint32_t kind, const std::string &name, const std::string &text,
		   uint32_t index = 0, uint32_t count = 0, uint64_t done = 0, uint64_t total = 0,
		   uint32_t percent = 0);
	/* One TEV_LOG line at level (trailing newlines cut; nothing if empty). */
	void log(uint32_t level, const std::string &text);
	/* Captured output so far, one TEV_LOG line each. */
	void flush_log(bool partial);
	/* apt's warnings (and errors, at level) as log lines; empties _error. */
	void log_apt_messages();
};

/* pkgAcquire's progress as TEV_DOWNLOAD events (em borrowed for its lifetime). */
class apt_progress_acquire : public pkgAcquireStatus {
public:
	/* count: the number of files (0: the items the fetcher holds at the time). */
	apt_progress_acquire(apt_progress_emitter &em, uint32_t count) : em_(em), count_(count) {}
	/* Sets the number of files, once the fetch's items are known. */
	void set_count(uint32_t count) { count_ = count; }

	/* No media changes: a CD-ROM source fails the fetch. */
	bool MediaChange(std::string, std::string) override { return false; }
	void Fetch(pkgAcquire::ItemDesc &desc) override;
	void IMSHit(pkgAcquire::ItemDesc &desc) override;
	void Done(pkgAcquire::ItemDesc &desc) override;
	void Fail(pkgAcquire::ItemDesc &desc) override;
	bool Pulse(pkgAcquire *owner) override;

private:
	uint32_t index(const pkgAcquire::ItemDesc &desc);
	uint32_t count(const pkgAcquire::ItemDesc &desc);
	void finished(pkgAcquire::ItemDesc &desc, const std::string &text);

	apt_progress_emitter &em_;
	uint32_t count_;
	std::map<const pkgAcquire::Item *, uint32_t> index_;
	std::set<const pkgAcquire::Item *> started_, ended_, failed_;
	std::map<const pkgAcquire::Item *, unsigned long long> shown_; /* bytes last reported */
};

/* What dpkg is to do with one package: how many reports apt gives for it
 * (apt_progress_dpkg::STEPS_*) and the verb its events carry ("installing",
 * "upgrading", "downgrading", "reinstalling", "removing", "purging"). */
struct apt_dpkg_expect {
	uint32_t steps;
	const char *verb;
};

/* dpkg's progress (apt's pmstatus lines) as TEV_PACKAGE events (em borrowed):
 * name the package, text the verb of what happens to it, index/count the
 * packages finished so far (the running one counts as the next), so the
 * numbers a client prints only go up. */
class apt_progress_dpkg : public APT::Progress::PackageManager {
public:
	/* How many times apt reports a package: to install, preparing, unpacking,
	 * installing, preparing to configure, configuring, installed; to remove,
	 * preparing for removal, removing twice; to purge, preparing for removal,
	 * removing twice, completely removing, preparing to completely remove,
	 * completely removed. */
	static constexpr uint32_t STEPS_INSTALL = 6, STEPS_REMOVE = 3, STEPS_PURGE = 6;

	/* expect: each package's steps and verb, by full name. */
	apt_progress_dpkg(apt_progress_emitter &em, std::map<std::string, apt_dpkg_expect> expect);

	bool StatusChanged(std::string pkg, unsigned int, unsigned int, std::string action) override;
	void Error(std::string pkg, unsigned int, unsigned int, std::string msg) override;
	void ConffilePrompt(std::string pkg, unsigned int, unsigned int, std::string msg) override;
	void Pulse() override;

private:
	std::string short_name(const std::string &pkg) const;

	apt_progress_emitter &em_;
	std::map<std::string, apt_dpkg_expect> expect_;
	std::map<std::string, uint32_t> seen_; /* name -> reports so far */
	std::set<std::string> finished_;       /* packages whose last report came */
	std::string native_;
};

#endif
