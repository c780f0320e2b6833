// SPDX-License-Identifier: MIT
/* Planning a transaction: the dpkg lock, marks, apt's resolver, the rule on removals and the plan's items. */

#include <apt-pkg/acquire-item.h>
#include <apt-pkg/acquire.h>
#include <apt-pkg/algorithms.h>
#include <apt-pkg/cachefile.h>
#include <apt-pkg/configuration.h>
#include <apt-pkg/depcache.h>
#include <apt-pkg/error.h>
#include <apt-pkg/fileutl.h>
#include <apt-pkg/metaindex.h>
#include <apt-pkg/packagemanager.h>
#include <apt-pkg/pkgcache.h>
#include <apt-pkg/pkgrecords.h>
#include <apt-pkg/pkgsystem.h>
#include <apt-pkg/policy.h>
#include <apt-pkg/sourcelist.h>
#include <apt-pkg/strutl.h>
#include <apt-pkg/upgrade.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>

#include "engine/backend/apt-int.h"

namespace {

/* The suite (else codename, label, origin) of V's best-pinned repository, "" if none. */
std::string ver_repo(pkgPolicy &policy, pkgCache::VerIterator const &V)
{
	std::string best;
	int prio = INT_MIN;
	for (pkgCache::VerFileIterator VF = V.FileList(); !VF.end(); ++VF) {
		pkgCache::PkgFileIterator F = VF.File();
		if (F.Flagged(pkgCache::Flag::NotSource))
			continue;
		int p = policy.GetPriority(F);
		if (!best.empty() && p <= prio)
			continue;
		for (const char *n : {F.Archive(), F.Codename(), F.Label(), F.Origin()})
			if (n != nullptr && n[0] != '\0' && strcmp(n, "now") != 0) {
				best = n;
				prio = p;
				break;
			}
	}
	return best;
}

/* How one target of a broken dependency stands, as apt-get's ShowBroken words it. */
std::string target_state(pkgDepCache &dep, pkgCache::DepIterator const &D)
{
	pkgCache &cache = dep.GetCache();
	pkgCache::PkgIterator T = D.TargetPkg();
	std::string s = T.FullName(true);
	if (D.TargetVer() != nullptr)
		s += std::string(" (") + D.CompType() + " " + D.TargetVer() + ")";
	if (T->ProvidesList != 0)
		return s; /* virtual: apt says no more */
	pkgCache::VerIterator V = dep[T].InstVerIter(cache);
	if (!V.end())
		s += std::string(" but ") + V.VerStr() +
		     (V == T.CurrentVer() ? " is installed" : " is to be installed");
	else if (dep[T].CandidateVerIter(cache).end())
		s += " but it is not installable";
	else
		s += " but it is not going to be installed";
	return s;
}

/* apt-get's line for the first broken dependency of P:
 * "omg-missingdep : Depends: omg-nonexistent but it is not installable". */
std::string broken_reason(pkgDepCache &dep, pkgCache::PkgIterator const &P)
{
	pkgCache &cache = dep.GetCache();
	pkgCache::VerIterator V = dep[P].InstVerIter(cache);
	if (V.end())
		V = P.CurrentVer();
	if (V.end())
		return "";
	for (pkgCache::DepIterator D = V.DependsList(); !D.end();) {
		pkgCache::DepIterator Start, End;
		D.GlobOr(Start, End);
		if (!dep.IsImportantDep(End))
			continue;
		if ((dep[End] & pkgDepCache::DepGInstall) == pkgDepCache::DepGInstall)
			continue;
		std::string out = P.FullName(true) + " : " + End.DepType() + ": ";
		for (pkgCache::DepIterator I = Start;; ++I) {
			out += target_state(dep, I);
			if (I == End)
				break;
			out += " or ";
		}
		return out;
	}
	return "";
}

/* Why the marks in dep are broken: the first named package's broken
 * dependency, else any broken package's; "" if none is found. */
std::string broken_summary(pkgDepCache &dep, const apt_txn &tx)
{
	pkgCache &cache = dep.GetCache();
	std::string any;
	for (pkgCache::PkgIterator P = cache.PkgBegin(); !P.end(); ++P) {
		if (!dep[P].InstBroken())
			continue;
		std::string r = broken_reason(dep, P);
		if (r.empty())
			continue;
		if (tx.named[P->ID])
			return r;
		if (any.empty())
			any = r;
	}
	return any;
}

/* Whether installed package R needs (Depends/Pre-Depends) package T or
 * something T's installed version provides. */
bool needs(pkgCache::PkgIterator const &R, pkgCache::PkgIterator const &T)
{
	pkgCache::VerIterator RV = R.CurrentVer(), TV = T.CurrentVer();
	if (RV.end())
		return false;
	for (pkgCache::DepIterator D = RV.DependsList(); !D.end(); ++D) {
		if (D->Type != pkgCache::Dep::Depends && D->Type != pkgCache::Dep::PreDepends)
			continue;
		pkgCache::PkgIterator Tg = D.TargetPkg();
		if (Tg == T)
			return true;
		if (!TV.end())
			for (pkgCache::PrvIterator Prv = TV.ProvidesList(); !Prv.end(); ++Prv)
				if (Prv.ParentPkg() == Tg)
					return true;
	}
	return false;
}

/* Whether the installed R and the to-be-installed I conflict (either way). */
bool conflicts(pkgDepCache &dep, pkgCache::PkgIterator const &R, pkgCache::PkgIterator const &I)
{
	pkgCache &cache = dep.GetCache();
	pkgCache::VerIterator IV = dep[I].InstVerIter(cache), RV = R.CurrentVer();
	auto hits = [](pkgCache::VerIterator const &A, pkgCache::VerIterator const &B) {
		for (pkgCache::DepIterator D = A.DependsList(); !D.end(); ++D) {
			if (!D.IsNegative())
				continue;
			if (D.TargetPkg() == B.ParentPkg())
				return true;
			for (pkgCache::PrvIterator Prv = B.ProvidesList(); !Prv.end(); ++Prv)
				if (Prv.ParentPkg() == D.TargetPkg())
					return true;
		}
		return false;
	};
	return !IV.end() && !RV.end() && (hits(IV, RV) || hits(RV, IV));
}

/*
 * The rule every plan ends with: nothing is removed that the user did not
 * name (or, with --recursive, that this removal orphaned), and nothing
 * essential or protected is removed at all. Returns "" or the reason.
 */
std::string check_removals(pkgDepCache &dep, const apt_txn &tx)
{
	pkgCache &cache = dep.GetCache();
	std::vector<pkgCache::PkgIterator> extra, named, installs;
	for (pkgCache::PkgIterator P = cache.PkgBegin(); !P.end(); ++P) {
		pkgDepCache::StateCache &st = dep[P];
		if (st.Install() && tx.named[P->ID])
			installs.push_back(P);
		if (!st.Delete() || P->CurrentVer == 0)
			continue;
		if ((P->Flags & pkgCache::Flag::Essential) != 0)
			return "'" + P.FullName(true) + "' is an essential package: it is not removed";
		if ((P->Flags & pkgCache::Flag::Important) != 0)
			return "'" + P.FullName(true) + "' is a protected package: it is not removed";
		/* An apply's named package that goes is one of its '-' or '_' marks:
		 * the '+' and '=' ones are protected from the resolver. */
		if ((tx.kind == TRANS_REMOVE || tx.kind == TRANS_APPLY) && tx.named[P->ID])
			named.push_back(P);
		else if (!tx.orphan[P->ID])
			extra.push_back(P);
	}
	if (extra.empty())
		return "";

	/* An apply says it as a removal when what else goes needs what it removes,
	 * and as an install otherwise. */
	bool needs_named = false;
	for (auto &R : extra)
		for (auto &N : named)
			needs_named = needs_named || needs(R, N);
	std::vector<std::string> what, why;
	if (tx.kind == TRANS_REMOVE || (tx.kind == TRANS_APPLY && needs_named)) {
		for (auto &N : named)
			what.push_back(N.FullName(true));
		for (auto &R : extra) {
			std::vector<std::string> needed;
			for (auto &N : named)
				if (needs(R, N))
					needed.push_back(N.FullName(true));
			why.push_back(R.FullName(true) +
				      (needed.empty() ? "" : " (needs " + apt_join(needed) + ")"));
		}
		if (extra.size() == 1 && named.size() == 1 && needs(extra[0], named[0]))
			return "removing " + what[0] + " would also remove " +
			       extra[0].FullName(true) + ", which needs it; name it too";
		return "removing " + apt_join(what) + " would also remove " + apt_join(why) +
		       "; name " + (extra.size() == 1 ? "it" : "them") + " too";
	}
	std::string verb = tx.kind == TRANS_UPGRADE ? "upgrading" : "installing";
	for (auto &N : installs)
		what.push_back(N.FullName(true));
	for (auto &R : extra) {
		std::vector<std::string> with;
		for (pkgCache::PkgIterator I = cache.PkgBegin(); !I.end(); ++I)
			if (dep[I].Install() && conflicts(dep, R, I))
				with.push_back(I.FullName(true));
		why.push_back(R.FullName(true) +
			      (with.empty() ? "" : ", which conflicts with " + apt_join(with)));
	}
	std::string subject = what.empty() ? verb : verb + " " + apt_join(what);
	if (subject == "upgrading")
		subject = "the upgrade";
	if (tx.kind == TRANS_APPLY && what.empty())
		subject = "the changes";
	if (tx.kind == TRANS_APPLY)
		return subject + " would remove " + apt_join(why) + "; mark " +
		       (extra.size() == 1 ? "it" : "them") + " for removal too if that is what you want";
	return subject + " would remove " + apt_join(why) + "; remove " +
	       (extra.size() == 1 ? "it" : "them") + " first if that is what you want";
}

/* Bytes each package's archive still needs to download, by package full name,
 * as apt-get's "Need to get": 0 when a matching file is in the archives cache. */
std::map<std::string, int64_t> download_sizes(pkgCacheFile &cf)
{
	std::map<std::string, int64_t> out;
	pkgAcquire fetcher;
	pkgRecords recs(cf);
	std::unique_ptr<pkgPackageManager> pm(_system->CreatePM(cf.GetDepCache()));
	if (!pm->GetArchives(&fetcher, cf.GetSourceList(), &recs))
		return out;
	for (auto it = fetcher.ItemsBegin(); it != fetcher.ItemsEnd(); ++it)
		out[(*it)->ShortDesc()] = (*it)->Local ? 0 : static_cast<int64_t>((*it)->FileSize);
	return out;
}

/* Reports every changed package through cb->item (by name) and records them in tx. */
void report_items(apt_txn &tx, const struct trans_cb *cb)
{
	pkgCacheFile &cf = *tx.cf;
	pkgDepCache &dep = *cf.GetDepCache();
	pkgCache &cache = *cf.GetPkgCache();
	pkgPolicy &policy = *cf.GetPolicy();
	pkgRecords recs(cf);
	struct row {
		std::string name, old_v, new_v, repo, src, src_v;
		uint32_t action, reason;
		int64_t download, size_change;
		bool held;
	};
	std::vector<row> rows;
	std::map<std::string, int64_t> dl;
	bool need_dl = dep.InstCount() > 0;
	if (need_dl)
		dl = download_sizes(cf);
	for (pkgCache::PkgIterator P = cache.PkgBegin(); !P.end(); ++P) {
		pkgDepCache::StateCache &st = dep[P];
		pkgCache::VerIterator cur = P.CurrentVer(), inst = st.InstVerIter(cache);
		uint32_t action;
		if (st.NewInstall())
			action = ACT_INSTALL;
		else if (st.Upgrade())
			action = ACT_UPGRADE;
		else if (st.Downgrade())
			action = ACT_DOWNGRADE;
		else if (st.ReInstall() && !cur.end())
			action = ACT_REINSTALL;
		else if (st.Delete() && !cur.end())
			action = st.Purge() ? ACT_PURGE : ACT_REMOVE;
		else
			continue;
		row r;
		r.name = P.FullName(true);
		r.action = action;
		r.held = P->SelectedState == pkgCache::State::Hold;
		r.old_v = cur.end() ? "" : cur.VerStr();
		int64_t before = cur.end() ? 0 : static_cast<int64_t>(cur->InstalledSize);
		if (action == ACT_REMOVE || action == ACT_PURGE) {
			r.reason = tx.orphan[P->ID] ? PKG_REASON_DEPEND : PKG_REASON_EXPLICIT;
			r.download = 0;
			r.size_change = -before;
		} else {
			if (inst.end())
				inst = cur;
			r.new_v = inst.VerStr();
			r.repo = ver_repo(policy, inst);
			if (!inst.FileList().end()) {
				pkgRecords::Parser &p = recs.Lookup(inst.FileList());
				r.src = p.SourcePkg();
				r.src_v = p.SourceVer();
			}
			if (r.src.empty())
				r.src = P.Name();
			if (r.src_v.empty())
				r.src_v = r.new_v;
			r.reason = tx.named[P->ID] || !(st.Flags & pkgCache::Flag::Auto)
					   ? PKG_REASON_EXPLICIT : PKG_REASON_DEPEND;
			auto d = dl.find(P.FullName(true));
			r.download = d != dl.end() ? d->second : static_cast<int64_t>(inst->Size);
			r.size_change = static_cast<int64_t>(inst->InstalledSize) - before;
		}
		rows.push_back(std::move(r));
	}
	std::sort(rows.begin(), rows.end(), [](const row &a, const row &b) { return a.name < b.name; });
	tx.changed.clear();
	tx.rehold.clear();
	for (const row &r : rows) {
		tx.changed.push_back(r.name);
		if (r.held && r.action != ACT_REMOVE && r.action != ACT_PURGE)
			tx.rehold.push_back(r.name);
		if (r.held && cb != nullptr && cb->held != nullptr)
			cb->held(cb->ctx, r.name.c_str(), "dpkg hold");
		if (cb == nullptr || cb->item == nullptr)
			continue;
		struct trans_item it;
		memset(&it, 0, sizeof it);
		it.action = r.action;
		it.reason = r.reason;
		it.name = r.name.c_str();
		it.old_version = r.old_v.c_str();
		it.new_version = r.new_v.c_str();
		it.repo = r.repo.c_str();
		it.download = r.download;
		it.size_change = r.size_change;
		it.source = r.src.empty() ? nullptr : r.src.c_str();
		it.source_version = r.src_v.empty() ? nullptr : r.src_v.c_str();
		cb->item(cb->ctx, &it);
	}
}
/* Opens the transaction's cache with the dpkg lock, or for a dry run
 * without it (apt-get -s: any user may, nothing is written). 0, or -1
 * (LOCKED when another process holds it). */
int open_cache(apt_txn &tx, char *err, size_t errlen, int *status)
{
	bool lock = !(tx.flags & TRANS_DRY_RUN);
	/* Fail fast with the holder; apt's own message names it too, but only
	 * for the lock it tried first. */
	std::string who = lock ? apt_lock_dpkg_holder() : "";
	if (!who.empty()) {
		_error->Discard();
		return apt_fail(err, errlen, status, BACKEND_ERR_LOCKED,
				"the package database is locked by " + who);
	}
	tx.cf = new pkgCacheFile;
	if (!tx.cf->Open(nullptr, lock) || _error->PendingError()) {
		std::string e = apt_drain_errors(nullptr);
		delete tx.cf; /* drops a lock taken half-way */
		tx.cf = nullptr;
		who = apt_lock_dpkg_holder();
		if (!who.empty())
			return apt_fail(err, errlen, status, BACKEND_ERR_LOCKED,
					"the package database is locked by " + who);
		return apt_fail(err, errlen, status, BACKEND_ERR_TXN,
				e.empty() ? "cannot lock and open the package database" : e);
	}
	apt_drain_errors(nullptr); /* warnings were given at open() already */
	pkgCache &cache = *tx.cf->GetPkgCache();
	tx.named.assign(cache.HeaderP->PackageCount, false);
	tx.orphan.assign(cache.HeaderP->PackageCount, false);
	return 0;
}

/* The package a user's name means for an install: the package itself, or the
 * only provider of a virtual one. NULL-iterator and msg set when there is none. */
pkgCache::PkgIterator install_target(pkgDepCache &dep, const std::string &name, std::string &msg)
{
	pkgCache &cache = dep.GetCache();
	pkgCache::PkgIterator P = cache.FindPkg(name);
	if (!P.end() && P->VersionList != 0)
		return P;
	std::vector<pkgCache::PkgIterator> providers;
	if (!P.end())
		for (pkgCache::PrvIterator Prv = P.ProvidesList(); !Prv.end(); ++Prv) {
			pkgCache::PkgIterator O = Prv.OwnerPkg();
			if (dep[O].CandidateVerIter(cache) == Prv.OwnerVer() &&
			    std::find(providers.begin(), providers.end(), O) == providers.end())
				providers.push_back(O);
		}
	if (providers.size() == 1)
		return providers[0];
	if (providers.empty()) {
		msg = "package '" + name + "' was not found";
	} else {
		std::vector<std::string> names;
		for (auto &O : providers)
			names.push_back(O.FullName(true));
		std::sort(names.begin(), names.end());
		msg = "package '" + name + "' is virtual, provided by " + apt_join(names) + ": name one";
	}
	return pkgCache::PkgIterator();
}

/* As apt-get: marks every target first without its dependencies, so one
 * whose dependencies cannot be met stays marked (and broken) for the resolver
 * to report, then the dependencies of those still broken. A target already
 * at its newest version is only marked manual. Call inside an ActionGroup. */
void mark_installs(apt_txn &tx, pkgDepCache &dep, pkgCache &cache, pkgProblemResolver &fix,
			  const std::vector<pkgCache::PkgIterator> &targets)
{
	std::vector<pkgCache::PkgIterator> marked;
	for (auto P : targets) {
		if (dep[P].CandidateVerIter(cache) == P.CurrentVer()) {
			if (dep[P].Flags & pkgCache::Flag::Auto) {
				dep.MarkAuto(P, false);
				tx.marks_only = true;
			}
			continue;
		}
		fix.Clear(P);
		fix.Protect(P);
		dep.MarkInstall(P, false, 0, true);
		marked.push_back(P);
	}
	for (auto &P : marked)
		if (dep[P].InstBroken() || dep[P].InstPolicyBroken())
			dep.MarkInstall(P, true, 0, true);
}

/* Lets apt's resolver mend what the marks broke (remove and apply). 0, or -1
 * with why: a removal the user did not name first, else what stays broken. */
int resolve(apt_txn &tx, pkgDepCache &dep, pkgProblemResolver &fix, char *err,
		   size_t errlen, int *status)
{
	if (dep.BrokenCount() == 0)
		return 0;
	bool ok = fix.Resolve(true);
	if (ok && dep.BrokenCount() == 0)
		return 0;
	std::string why = check_removals(dep, tx);
	if (why.empty())
		why = broken_summary(dep, tx);
	return apt_fail(err, errlen, status, BACKEND_ERR_TXN, why);
}

/* Marks an install of req->targets. 0 or -1. */
int plan_install(apt_txn &tx, const struct trans_request *req, char *err, size_t errlen, int *status)
{
	pkgDepCache &dep = *tx.cf->GetDepCache();
	pkgCache &cache = *tx.cf->GetPkgCache();
	pkgProblemResolver fix(&dep);
	std::vector<pkgCache::PkgIterator> targets;
	for (uint32_t i = 0; i < req->targets.n; i++) {
		std::string name = req->targets.v[i] != nullptr ? req->targets.v[i] : "";
		std::string msg;
		pkgCache::PkgIterator P = install_target(dep, name, msg);
		if (P.end())
			return apt_fail(err, errlen, status, BACKEND_ERR_TXN, msg);
		if (dep[P].CandidateVerIter(cache).end())
			return apt_fail(err, errlen, status, BACKEND_ERR_TXN,
					"package '" + name + "' has no installation candidate");
		targets.push_back(P);
		tx.named[P->ID] = true;
	}
	{
		pkgDepCache::ActionGroup group(dep);
		mark_installs(tx, dep, cache, fix, targets);
	}
	if (dep.BrokenCount() != 0) {
		bool ok = fix.Resolve(true);
		if (!ok || dep.BrokenCount() != 0) {
			std::string why = broken_summary(dep, tx);
			return apt_fail(err, errlen, status, BACKEND_ERR_TXN, why);
		}
	}
	return 0;
}

/* TRANS_RECURSIVE: also removes the auto-installed packages the marked
 * removal orphans (garbage now that was not before), except those a kept
 * package still needs. 0 or -1. */
int remove_orphans(apt_txn &tx, pkgDepCache &dep, pkgCache &cache,
		   const std::vector<bool> &garbage_before, char *err, size_t errlen, int *status)
{
	dep.MarkAndSweep(); /* garbage as if the removal were done */
	std::vector<pkgCache::PkgIterator> orphans;
	for (pkgCache::PkgIterator P = cache.PkgBegin(); !P.end(); ++P) {
		pkgDepCache::StateCache &st = dep[P];
		if (P->CurrentVer == 0 || st.Delete() || !st.Garbage || garbage_before[P->ID] ||
		    !(st.Flags & pkgCache::Flag::Auto))
			continue;
		orphans.push_back(P);
	}
	{
		pkgDepCache::ActionGroup group(dep);
		for (auto &P : orphans) {
			dep.MarkDelete(P, false, 0, false);
			tx.orphan[P->ID] = true;
		}
	}
	/* An orphan that an older orphan (kept) still needs is kept too. */
	for (int round = 0; dep.BrokenCount() != 0 && round < 100; round++) {
		bool changed = false;
		for (pkgCache::PkgIterator P = cache.PkgBegin(); !P.end(); ++P) {
			if (!dep[P].InstBroken() || dep[P].Delete())
				continue;
			for (auto &O : orphans)
				if (tx.orphan[O->ID] && needs(P, O)) {
					dep.MarkKeep(O, false, false);
					tx.orphan[O->ID] = false;
					changed = true;
				}
		}
		if (!changed)
			break;
	}
	if (dep.BrokenCount() != 0)
		return apt_fail(err, errlen, status, BACKEND_ERR_TXN, broken_summary(dep, tx));
	return 0;
}

/* Marks the removal of req->targets (and with TRANS_RECURSIVE the dependencies
 * that only they kept: auto-installed packages that become garbage). 0 or -1. */
int plan_remove(apt_txn &tx, const struct trans_request *req, char *err, size_t errlen, int *status)
{
	pkgDepCache &dep = *tx.cf->GetDepCache();
	pkgCache &cache = *tx.cf->GetPkgCache();
	pkgProblemResolver fix(&dep);
	std::vector<pkgCache::PkgIterator> targets;
	for (uint32_t i = 0; i < req->targets.n; i++) {
		std::string name = req->targets.v[i] != nullptr ? req->targets.v[i] : "";
		pkgCache::PkgIterator P = cache.FindPkg(name);
		if (P.end() || P->CurrentVer == 0 || P->CurrentState == pkgCache::State::ConfigFiles)
			return apt_fail(err, errlen, status, BACKEND_ERR_TXN,
					"package '" + name + "' is not installed");
		targets.push_back(P);
		tx.named[P->ID] = true;
	}

	/* Garbage before: orphans this removal did not make are left alone. */
	dep.MarkAndSweep();
	std::vector<bool> garbage_before(cache.HeaderP->PackageCount, false);
	for (pkgCache::PkgIterator P = cache.PkgBegin(); !P.end(); ++P)
		garbage_before[P->ID] = dep[P].Garbage;

	{
		pkgDepCache::ActionGroup group(dep);
		for (auto &P : targets) {
			dep.MarkDelete(P, false, 0, true);
			fix.Clear(P);
			fix.Protect(P);
			fix.Remove(P);
		}
	}
	if (resolve(tx, dep, fix, err, errlen, status) != 0)
		return -1;
	std::string why = check_removals(dep, tx);
	if (!why.empty())
		return apt_fail(err, errlen, status, BACKEND_ERR_TXN, why);

	if ((req->flags & TRANS_RECURSIVE) &&
	    remove_orphans(tx, dep, cache, garbage_before, err, errlen, status) != 0)
		return -1;
	return 0;
}

/*
 * Marks a TRANS_APPLY's targets as aptitude commits its marks: '=' kept and
 * protected first (no dependency may then upgrade or remove them), then '-'
 * removed and '_' purged (MarkDelete with purge: dpkg --purge drops the
 * conffiles), then '+' installed or upgraded as plan_install does (an
 * up-to-date one is left), then the resolver, which may change none of them.
 * 0 or -1.
 */
int plan_apply(apt_txn &tx, const struct trans_request *req, char *err, size_t errlen, int *status)
{
	pkgDepCache &dep = *tx.cf->GetDepCache();
	pkgCache &cache = *tx.cf->GetPkgCache();
	pkgProblemResolver fix(&dep);
	std::vector<std::pair<char, pkgCache::PkgIterator>> marks;
	for (uint32_t i = 0; i < req->targets.n; i++) {
		char op = req->targets.v[i][0];
		std::string name = req->targets.v[i] + 1;
		pkgCache::PkgIterator P;
		if (op == APPLY_INSTALL) {
			std::string msg;
			P = install_target(dep, name, msg);
			if (P.end())
				return apt_fail(err, errlen, status, BACKEND_ERR_TXN, msg);
			if (dep[P].CandidateVerIter(cache).end())
				return apt_fail(err, errlen, status, BACKEND_ERR_TXN,
						"package '" + name + "' has no installation candidate");
		} else {
			P = cache.FindPkg(name);
			if (P.end() || P->CurrentVer == 0 ||
			    P->CurrentState == pkgCache::State::ConfigFiles)
				return apt_fail(err, errlen, status, BACKEND_ERR_TXN,
						"package '" + name + "' is not installed" +
						(op == APPLY_KEEP ? ": there is no version to keep" : ""));
		}
		marks.emplace_back(op, P);
		tx.named[P->ID] = true;
	}
	{
		pkgDepCache::ActionGroup group(dep);
		for (auto &m : marks)
			if (m.first == APPLY_KEEP) {
				dep.MarkKeep(m.second, false, true);
				fix.Protect(m.second); /* and the depcache's own Protected mark */
			}
		for (auto &m : marks)
			if (m.first == APPLY_REMOVE || m.first == APPLY_PURGE) {
				dep.MarkDelete(m.second, m.first == APPLY_PURGE, 0, true);
				fix.Clear(m.second);
				fix.Protect(m.second);
				fix.Remove(m.second);
			}
		std::vector<pkgCache::PkgIterator> installs;
		for (auto &m : marks)
			if (m.first == APPLY_INSTALL)
				installs.push_back(m.second);
		mark_installs(tx, dep, cache, fix, installs);
	}
	if (resolve(tx, dep, fix, err, errlen, status) != 0)
		return -1;
	/* Protected marks hold in apt's resolver; say so if one ever did not. */
	for (auto &m : marks) {
		pkgDepCache::StateCache &st = dep[m.second];
		std::string name = m.second.FullName(true);
		if ((m.first == APPLY_REMOVE || m.first == APPLY_PURGE) && !st.Delete())
			return apt_fail(err, errlen, status, BACKEND_ERR_TXN,
					"apply: " + name + " is to be removed, but the plan keeps it");
		if (m.first == APPLY_KEEP && (st.Delete() || st.Install()))
			return apt_fail(err, errlen, status, BACKEND_ERR_TXN,
					"apply: " + name + " is to be kept, but the plan would " +
					(st.Delete() ? "remove" : "upgrade") + " it");
	}
	return 0;
}

/* Marks every upgrade apt-get upgrade --with-new-pkgs would do: new
 * dependencies may be installed, nothing is removed, held packages stay. */
int plan_upgrade(apt_txn &tx, char *err, size_t errlen, int *status)
{
	pkgDepCache &dep = *tx.cf->GetDepCache();
	if (!APT::Upgrade::Upgrade(dep, APT::Upgrade::FORBID_REMOVE_PACKAGES) ||
	    dep.BrokenCount() != 0) {
		std::string why = broken_summary(dep, tx);
		return apt_fail(err, errlen, status, BACKEND_ERR_TXN, why);
	}
	return 0;
}

/* The suite a source's Release file names, else its dist. */
std::string source_suite(metaIndex *m)
{
	std::string uri = m->GetURI(), dist = m->GetDist();
	std::string base = dist == "/" ? uri
			 : (!dist.empty() && dist.back() == '/') ? uri + dist
			 : uri + "dists/" + dist + "/";
	std::string lists = _config->FindDir("Dir::State::lists");
	for (const char *f : {"InRelease", "Release"}) {
		std::string path = lists + URItoFileName(base + f);
		std::string e;
		if (!RealFileExists(path) || !m->Load(path, &e))
			continue;
		std::string s = m->GetSuite();
		if (s.empty())
			s = m->GetCodename();
		if (!s.empty())
			return s;
	}
	_error->Discard();
	return dist;
}

/* One item per source to refresh. */
int plan_sync(const struct trans_cb *cb, char *err, size_t errlen, int *status)
{
	pkgSourceList list;
	if (!list.ReadMainList())
		return apt_fail(err, errlen, status, BACKEND_ERR_DB, "");
	for (metaIndex *m : list) {
		/* One word: the repository's URI (flat) or its suite's. */
		std::string uri = m->GetURI(), dist = m->GetDist();
		std::string name = dist == "./" || dist == "/" ? uri
				   : dist.back() == '/' ? uri + dist
				   : uri + "dists/" + dist;
		std::string repo = source_suite(m);
		if (cb == nullptr || cb->item == nullptr)
			continue;
		struct trans_item it;
		memset(&it, 0, sizeof it);
		it.action = ACT_REFRESH;
		it.reason = PKG_REASON_NONE;
		it.name = name.c_str();
		it.old_version = "";
		it.new_version = "";
		it.repo = repo.c_str();
		cb->item(cb->ctx, &it);
	}
	apt_drain_errors(nullptr);
	return 0;
}

} // namespace

/* Drops the transaction (marks, cache, lock). Safe without one. */
void apt_plan_release(apt_handle *h)
{
	delete h->tx;
	h->tx = nullptr;
	_error->Discard();
}

/* Resolves req into h->tx; see apt-int.h and backend.h. */
int apt_plan_run(apt_handle *h, const struct trans_request *req, const struct trans_cb *cb,
		 char *err, size_t errlen, int *status)
{
	apt_plan_release(h);
	_error->Discard();
	h->tx = new apt_txn;
	apt_txn &tx = *h->tx;
	tx.kind = req->kind;
	tx.flags = req->flags;
	int rc;
	if (req->kind == TRANS_SYNC) {
		rc = plan_sync(cb, err, errlen, status);
		if (rc != 0)
			apt_plan_release(h);
		else
			*status = BACKEND_OK;
		return rc;
	}
	if (req->kind != TRANS_INSTALL && req->kind != TRANS_REMOVE && req->kind != TRANS_UPGRADE &&
	    req->kind != TRANS_APPLY) {
		apt_plan_release(h);
		return apt_fail(err, errlen, status, BACKEND_ERR_USAGE,
				"unknown transaction kind " + std::to_string(req->kind));
	}
	if ((req->kind == TRANS_INSTALL || req->kind == TRANS_REMOVE) && req->targets.n == 0) {
		apt_plan_release(h);
		return apt_fail(err, errlen, status, BACKEND_ERR_USAGE, "no packages named");
	}
	/* pacman -U and --asdeps have no apt counterpart here: said before any lock. */
	for (uint32_t i = 0; req->kind == TRANS_INSTALL && i < req->targets.n; i++)
		if (req->targets.v[i][0] == '/') {
			apt_plan_release(h);
			return apt_fail(err, errlen, status, BACKEND_ERR_TXN,
					std::string(req->targets.v[i]) +
						": installing package files is supported on "
						"alpm roots only");
		}
	if (req->kind == TRANS_INSTALL && (req->flags & TRANS_AS_DEPS)) {
		apt_plan_release(h);
		return apt_fail(err, errlen, status, BACKEND_ERR_TXN,
				"installing as dependencies (--asdeps) is supported on alpm "
				"roots only");
	}
	rc = open_cache(tx, err, errlen, status);
	if (rc == 0) {
		if (req->kind == TRANS_INSTALL)
			rc = plan_install(tx, req, err, errlen, status);
		else if (req->kind == TRANS_REMOVE)
			rc = plan_remove(tx, req, err, errlen, status);
		else if (req->kind == TRANS_APPLY)
			rc = plan_apply(tx, req, err, errlen, status);
		else
			rc = plan_upgrade(tx, err, errlen, status);
	}
	if (rc == 0) {
		std::string why = check_removals(*tx.cf->GetDepCache(), tx);
		if (!why.empty())
			rc = apt_fail(err, errlen, status, BACKEND_ERR_TXN, why);
	}
	if (rc == 0) {
		report_items(tx, cb);
		if (_error->PendingError())
			rc = apt_fail(err, errlen, status, BACKEND_ERR_TXN, "");
	}
	if (rc != 0) {
		apt_plan_release(h); /* the system is unchanged and the lock released */
		return -1;
	}
	_error->Discard();
	*status = BACKEND_OK;
	return 0;
}
