// SPDX-License-Identifier: MIT
/* Committing a plan: refreshing the lists, downloading the archives, running dpkg, and what it decided. */

#include <apt-pkg/acquire-item.h>
#include <apt-pkg/acquire.h>
#include <apt-pkg/cachefile.h>
#include <apt-pkg/configuration.h>
#include <apt-pkg/depcache.h>
#include <apt-pkg/error.h>
#include <apt-pkg/fileutl.h>
#include <apt-pkg/packagemanager.h>
#include <apt-pkg/pkgcache.h>
#include <apt-pkg/pkgrecords.h>
#include <apt-pkg/pkgsystem.h>
#include <apt-pkg/sourcelist.h>
#include <apt-pkg/update.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>

#include <sys/stat.h>
#include <unistd.h>

#include "engine/backend/apt-int.h"

namespace {

/* Sets environment variables for the lifetime of the object, then restores them. */
struct env_set {
	std::vector<std::pair<std::string, std::pair<bool, std::string>>> saved;
	/* Sets name to value, keeping the old value (or its absence). */
	void set(const char *name, const char *value)
	{
		const char *old = getenv(name);
		saved.push_back({name, {old != nullptr, old != nullptr ? old : ""}});
		setenv(name, value, 1);
	}
	/* Restores every variable set, last first. */
	~env_set()
	{
		for (auto it = saved.rbegin(); it != saved.rend(); ++it) {
			if (it->second.first)
				setenv(it->first.c_str(), it->second.second.c_str(), 1);
			else
				unsetenv(it->first.c_str());
		}
	}
};

/* The conffiles dpkg lists for the installed package name ("" arch-qualified too). */
std::vector<std::string> conffiles_of(const std::string &name)
{
	std::vector<std::string> out;
	std::string info = apt_lock_admindir() + "info/";
	std::string arch = _config->Find("APT::Architecture");
	std::string bare = name.substr(0, name.find(':'));
	for (const std::string &f : {info + name + ".conffiles", info + bare + ":" + arch + ".conffiles",
				    info + bare + ".conffiles"}) {
		std::ifstream in(f);
		if (!in)
			continue;
		std::string line;
		while (std::getline(in, line)) {
			/* "PATH", or "remove-on-upgrade PATH" (dpkg >= 1.20.6) */
			std::string::size_type slash = line.find('/');
			if (slash != std::string::npos)
				out.push_back(line.substr(slash));
		}
		break;
	}
	return out;
}

/* After a commit: one TEV_DECISION per conffile dpkg kept (--force-confold)
 * while the package shipped a new version, which it left as FILE.dpkg-dist. */
void report_conffile_decisions(const apt_handle *h, const apt_txn &tx, apt_progress_emitter &em,
			       const struct timespec &start)
{
	std::string base = h->root == "/" ? "" : h->root;
	for (const std::string &name : tx.changed) {
		for (const std::string &cf : conffiles_of(name)) {
			struct stat st;
			std::string dist = base + cf + ".dpkg-dist";
			if (lstat(dist.c_str(), &st) != 0)
				continue;
			/* ctime: dpkg gives the file the package's mtime, but the rename
			 * into place is now. */
			if (st.st_ctim.tv_sec < start.tv_sec ||
			    (st.st_ctim.tv_sec == start.tv_sec && st.st_ctim.tv_nsec < start.tv_nsec))
				continue;
			em.event(TEV_DECISION, name,
				 "kept your " + cf + "; the package's version is " + cf + ".dpkg-dist");
		}
	}
}

/* Refreshes the package lists (apt-get update). */
int commit_sync(apt_handle *h, apt_progress_emitter &em, char *err, size_t errlen, int *status)
{
	pkgSourceList list;
	if (!list.ReadMainList())
		return apt_fail(err, errlen, status, BACKEND_ERR_DB, "");
	std::string lists_lock = _config->FindDir("Dir::State::lists") + "lock";
	std::string who = apt_lock_file_holder(lists_lock);
	if (!who.empty())
		return apt_fail(err, errlen, status, BACKEND_ERR_LOCKED,
				"the package lists are locked by " + who);
	em.event(TEV_PHASE, "", "refreshing databases", 0,
		 static_cast<uint32_t>(list.end() - list.begin()));
	apt_progress_acquire progress(em, 0);
	bool ok = ListUpdate(progress, list);
	em.flush_log(true);
	h->cf_stale = true;
	/* The binary cache is rebuilt by the next open or load. */
	pkgCacheFile::RemoveCaches();
	std::vector<std::string> warns;
	std::string e = apt_drain_errors(&warns);
	for (const std::string &w : warns)
		em.log(TLOG_WARNING, w);
	if (!ok || !e.empty()) {
		who = apt_lock_file_holder(lists_lock);
		if (!who.empty())
			return apt_fail(err, errlen, status, BACKEND_ERR_LOCKED,
					"the package lists are locked by " + who);
		/* A bad signature is only a warning to apt ("the previous index
		 * files will be used"); it is what failed, so it is the message. */
		if (e.empty() && !warns.empty())
			e = warns[0];
		return apt_fail(err, errlen, status, BACKEND_ERR_TXN,
				e.empty() ? "refreshing the package lists failed" : e);
	}
	*status = BACKEND_OK;
	return 0;
}

/* Queues the archives pm needs in fetcher (taking the archives cache's lock)
 * and refuses unauthenticated ones unless configured, as apt-get does. *need
 * is set to the number of files a fetch runs for. 0 or -1. */
int queue_archives(pkgCacheFile &cf, pkgPackageManager &pm, pkgAcquire &fetcher, pkgRecords &recs,
		   apt_progress_emitter &em, uint32_t *need, char *err, size_t errlen, int *status)
{
	if (!fetcher.GetLock(_config->FindDir("Dir::Cache::Archives")))
		return apt_fail(err, errlen, status, BACKEND_ERR_TXN, "");
	if (!pm.GetArchives(&fetcher, cf.GetSourceList(), &recs) || _error->PendingError())
		return apt_fail(err, errlen, status, BACKEND_ERR_TXN, "");
	/* Files a fetch runs for: not those already in the archives cache. A
	 * file: repository's are "Local" (used in place) but still fetched, for
	 * the hash check. */
	*need = 0;
	for (auto it = fetcher.ItemsBegin(); it != fetcher.ItemsEnd(); ++it)
		if (!(*it)->Complete)
			(*need)++;

	/* apt-get's CheckAuth: no unauthenticated package unless configured so. */
	std::vector<std::string> untrusted;
	for (auto it = fetcher.ItemsBegin(); it != fetcher.ItemsEnd(); ++it)
		if (!(*it)->IsTrusted())
			untrusted.push_back((*it)->ShortDesc());
	if (!untrusted.empty()) {
		if (!_config->FindB("APT::Get::AllowUnauthenticated", false))
			return apt_fail(err, errlen, status, BACKEND_ERR_TXN,
					"these packages cannot be authenticated: " + apt_join(untrusted));
		em.log(TLOG_WARNING, "installing unauthenticated packages (APT::Get::AllowUnauthenticated): " +
			      apt_join(untrusted));
	}
	return 0;
}

/* Runs the queued fetch. 0, or -1 naming the first file that did not arrive. */
int fetch_archives(pkgAcquire &fetcher, apt_progress_emitter &em, uint32_t need, char *err,
		   size_t errlen, int *status)
{
	pkgAcquire::RunResult res = pkgAcquire::Continue;
	if (fetcher.ItemsBegin() != fetcher.ItemsEnd()) {
		em.event(TEV_PHASE, "", "downloading", 0, need);
		res = fetcher.Run();
	}
	em.flush_log(false);
	std::string failed;
	for (auto it = fetcher.ItemsBegin(); it != fetcher.ItemsEnd(); ++it) {
		pkgAcquire::Item *i = *it;
		if (i->Status == pkgAcquire::Item::StatDone && i->Complete)
			continue;
		if (failed.empty())
			failed = "Failed to fetch " + i->DescURI() + "  " + apt_first_line(i->ErrorText);
	}
	if (res != pkgAcquire::Continue || !failed.empty())
		return apt_fail(err, errlen, status, BACKEND_ERR_TXN,
				failed.empty() ? "downloading the packages failed" : failed);
	return 0;
}

/* dpkg's steps and verb per package (by full name), for TEV_PACKAGE events;
 * *installs tells whether anything is installed (else only removed). */
std::map<std::string, apt_dpkg_expect> dpkg_steps(pkgCacheFile &cf, bool *installs)
{
	pkgDepCache &dep = *cf.GetDepCache();
	std::map<std::string, apt_dpkg_expect> expect;
	*installs = false;
	for (pkgCache::PkgIterator P = cf.GetPkgCache()->PkgBegin(); !P.end(); ++P) {
		pkgDepCache::StateCache &st = dep[P];
		if (st.Delete() && P->CurrentVer != 0) {
			expect[P.FullName(true)] = st.Purge()
				? apt_dpkg_expect{apt_progress_dpkg::STEPS_PURGE, "purging"}
				: apt_dpkg_expect{apt_progress_dpkg::STEPS_REMOVE, "removing"};
		} else if (st.Install() || st.ReInstall()) {
			const char *verb = st.NewInstall() ? "installing" : st.Upgrade() ? "upgrading"
					   : st.Downgrade() ? "downgrading" : "reinstalling";
			expect[P.FullName(true)] = {apt_progress_dpkg::STEPS_INSTALL, verb};
			*installs = true;
		}
	}
	return expect;
}

/* The dpkg command apt runs (Dir::Bin::dpkg and DPkg::Options: --root and
 * --log in a sandbox), then args. */
std::vector<std::string> dpkg_command(const std::vector<std::string> &args)
{
	std::vector<std::string> argv = {_config->Find("Dir::Bin::dpkg", "dpkg")};
	const Configuration::Item *opts = _config->Tree("DPkg::Options");
	for (opts = opts != nullptr ? opts->Child : nullptr; opts != nullptr; opts = opts->Next)
		if (!opts->Value.empty())
			argv.push_back(opts->Value);
	argv.insert(argv.end(), args.begin(), args.end());
	return argv;
}

/*
 * Puts the hold back on the held packages the commit installed again: dpkg's
 * unpack made their selection "install" (apt-get --allow-change-held-packages
 * leaves them so), but the user agreed to this one change, not to dropping
 * the hold. dpkg --set-selections, as apt-mark hold runs it, while dpkg's
 * database lock is not ours; one decision per package, or a warning when
 * dpkg fails.
 */
void rehold(const apt_txn &tx, apt_progress_emitter &em)
{
	if (tx.rehold.empty())
		return;
	std::vector<std::string> argv = dpkg_command({"--set-selections"});
	std::vector<const char *> cargv;
	for (const std::string &a : argv)
		cargv.push_back(a.c_str());
	cargv.push_back(nullptr);
	int fds[2];
	if (pipe(fds) != 0) {
		em.log(TLOG_WARNING, std::string("cannot put the holds back: ") + strerror(errno));
		return;
	}
	pid_t pid = ExecFork({fds[0]});
	if (pid == 0) {
		/* The frontend lock is ours, as for apt's own dpkg runs. */
		setenv("DPKG_FRONTEND_LOCKED", "true", 1);
		dup2(fds[0], STDIN_FILENO);
		close(fds[1]);
		execvp(cargv[0], const_cast<char *const *>(cargv.data()));
		_exit(100);
	}
	close(fds[0]);
	std::string input;
	for (const std::string &name : tx.rehold)
		input += name + " hold\n";
	bool wrote = FileFd::Write(fds[1], input.data(), input.size());
	close(fds[1]);
	bool ok = ExecWait(pid, "dpkg --set-selections", false) && wrote;
	em.flush_log(false);
	if (!ok) {
		em.log(TLOG_WARNING, "could not put the hold back on " + apt_join(tx.rehold) +
					     ": " + apt_drain_errors(nullptr));
		return;
	}
	for (const std::string &name : tx.rehold)
		em.event(TEV_DECISION, name, name + " stays held (dpkg hold), as before the change");
}

/* Runs dpkg through pm with nothing able to prompt, puts holds back (rehold),
 * then takes dpkg's inner lock back. */
pkgPackageManager::OrderResult run_dpkg(const apt_txn &tx, pkgPackageManager &pm,
					apt_progress_emitter &em,
					const std::map<std::string, apt_dpkg_expect> &expect)
{
	env_set env;
	env.set("DEBIAN_FRONTEND", "noninteractive");
	env.set("DEBCONF_NONINTERACTIVE_SEEN", "true");
	env.set("APT_LISTCHANGES_FRONTEND", "none");
	apt_progress_dpkg prog(em, expect);
	_system->UnLockInner();
	pkgPackageManager::OrderResult done = pm.DoInstall(&prog);
	if (done == pkgPackageManager::Completed)
		rehold(tx, em);
	/*
	 * dpkg is done with its lock: take it back, as apt-get does between
	 * rounds. Not only for symmetry: UnLockInner closes the lock's fd but
	 * keeps its number, and the UnLock that ends the transaction closes
	 * that number again. In apt-get that is harmless; in the engine the
	 * number may by then be a client's socket, accepted during the commit.
	 * LockInner replaces the number (with -1 if it fails).
	 */
	if (!_system->LockInner())
		em.log(TLOG_WARNING, "could not take dpkg's lock back after the "
				     "commit: " + apt_drain_errors(nullptr));
	return done;
}

/* Downloads and installs/removes the planned packages. */
int commit_packages(apt_handle *h, apt_progress_emitter &em, char *err, size_t errlen, int *status)
{
	apt_txn &tx = *h->tx;
	pkgCacheFile &cf = *tx.cf;
	pkgDepCache &dep = *cf.GetDepCache();
	struct timespec start;
	clock_gettime(CLOCK_REALTIME, &start);

	if (tx.changed.empty()) {
		/* Nothing to install or remove; apt-get still records manual marks. */
		if (tx.marks_only && !dep.writeStateFile(nullptr))
			return apt_fail(err, errlen, status, BACKEND_ERR_TXN, "");
		*status = BACKEND_OK;
		return 0;
	}

	pkgRecords recs(cf);
	if (_error->PendingError())
		return apt_fail(err, errlen, status, BACKEND_ERR_DB, "");
	std::unique_ptr<pkgPackageManager> pm(_system->CreatePM(&dep));
	/* The fetcher (and its lock on the archives cache) lives until dpkg is done, as in apt-get. */
	apt_progress_acquire progress(em, 0);
	pkgAcquire fetcher(&progress);
	uint32_t need = 0;
	if (queue_archives(cf, *pm, fetcher, recs, em, &need, err, errlen, status) != 0)
		return -1;
	progress.set_count(need);
	if (fetch_archives(fetcher, em, need, err, errlen, status) != 0)
		return -1;

	bool installs;
	std::map<std::string, apt_dpkg_expect> expect = dpkg_steps(cf, &installs);
	em.event(TEV_PHASE, "", installs ? "installing" : "removing", 0,
		 static_cast<uint32_t>(expect.size()));
	pkgPackageManager::OrderResult done = run_dpkg(tx, *pm, em, expect);
	em.flush_log(true);
	tx.committed = true;
	h->cf_stale = true;
	if (done != pkgPackageManager::Completed || _error->PendingError()) {
		std::vector<std::string> warns;
		std::string e = apt_drain_errors(&warns);
		for (const std::string &w : warns)
			em.log(TLOG_WARNING, w);
		std::string msg = !em.first_error.empty() ? em.first_error : e;
		if (done == pkgPackageManager::Incomplete && msg.empty())
			msg = "dpkg did not finish (a media change is not supported)";
		return apt_fail(err, errlen, status, BACKEND_ERR_TXN, msg.empty() ? "dpkg failed" : msg);
	}
	em.log_apt_messages();
	report_conffile_decisions(h, tx, em, start);
	*status = BACKEND_OK;
	return 0;
}

} // namespace

/* Runs the planned transaction h->tx; see apt-int.h and backend.h. */
int apt_commit_run(apt_handle *h, const struct trans_cb *cb, char *err, size_t errlen, int *status)
{
	if (h->tx == nullptr)
		return apt_fail(err, errlen, status, BACKEND_ERR_USAGE, "nothing planned");
	if (h->tx->committed)
		return apt_fail(err, errlen, status, BACKEND_ERR_USAGE, "the transaction was committed already");
	if (h->tx->flags & TRANS_DRY_RUN)
		return apt_fail(err, errlen, status, BACKEND_ERR_USAGE,
				"a dry-run plan is never committed (it holds no lock)");
	_error->Discard();
	apt_capture cap;
	apt_progress_emitter em;
	em.cb = cb;
	if (cap.start())
		em.cap = &cap;
	else
		em.log(TLOG_WARNING, std::string("cannot capture dpkg's output: ") + strerror(errno));
	int rc;
	if (h->tx->kind == TRANS_SYNC) {
		rc = commit_sync(h, em, err, errlen, status);
		h->tx->committed = true;
	} else {
		rc = commit_packages(h, em, err, errlen, status);
	}
	cap.finish();
	em.flush_log(true);
	em.cap = nullptr;
	_error->Discard();
	return rc;
}

