/*
 * standby.c
 *		Writers on a hot standby.  The server refuses any write there with
 *		SQLSTATE 25006 anyway, but in its own words about the first statement
 *		that writes ("cannot execute LOCK TABLE during recovery"); a writer of
 *		ours says instead, before it reads its input, that the server is a
 *		standby and where to run it.  Same SQLSTATE, so callers that test
 *		for read-only errors see no difference.
 */
#include "postgres.h"

#include "access/xlog.h"

#include "standby.h"

void
vi_refuse_on_standby(const char *function)
{
	if (RecoveryInProgress())
		ereport(ERROR,
				errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				errmsg("cannot run %s on a standby", function),
				errdetail("The server is in recovery: it is read-only and receives its data from the primary by replication."),
				errhint("Run %s on the primary; what it writes reaches this standby by replication.", function));
}
