/* SPDX-License-Identifier: MIT */
/* Opening an LMDB environment with one named database. */
#include "engine/dbenv.h"

int dbenv_open(const char *dir, size_t map_size, const char *name, MDB_env **env,
	       MDB_dbi *dbi)
{
	MDB_txn *txn = NULL;
	*env = NULL;
	int rc = mdb_env_create(env);
	if (rc == 0)
		rc = mdb_env_set_mapsize(*env, map_size);
	if (rc == 0)
		rc = mdb_env_set_maxdbs(*env, 4);
	if (rc == 0)
		rc = mdb_env_open(*env, dir, MDB_NOTLS, 0600);
	if (rc == 0)
		rc = mdb_txn_begin(*env, NULL, 0, &txn);
	if (rc == 0)
		rc = mdb_dbi_open(txn, name, MDB_CREATE, dbi);
	if (rc == 0) {
		rc = mdb_txn_commit(txn);
		txn = NULL;
	}
	if (txn)
		mdb_txn_abort(txn);
	if (rc != 0 && *env) {
		mdb_env_close(*env);
		*env = NULL;
	}
	return rc;
}
