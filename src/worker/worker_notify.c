/*
 * worker_notify.c
 *		NOTIFY vatsim_snapshot: after the worker stores a new snapshot it
 *		tells every session that listens, with the snapshot's
 *		update_timestamp and counts as a JSON object, so that a dashboard
 *		can LISTEN instead of polling.
 *
 * The notification is queued in the transaction that stores the snapshot
 * (Async_Notify), so it is delivered when that transaction commits and
 * never for a snapshot that was rolled back.  Only the worker notifies:
 * vatsim.ingest() and ingest_file() do not, so a backfill of archived
 * snapshots does not look like live traffic to a dashboard.
 */
#include "postgres.h"

#include "commands/async.h"

#include "worker_notify.h"

void
vi_notify_snapshot(const IngestResult *ir, int transceivers)
{
	char		trx[16];
	char	   *payload;

	if (transceivers < 0)
		strlcpy(trx, "null", sizeof(trx));
	else
		snprintf(trx, sizeof(trx), "%d", transceivers);

	/* numbers and a timestamp only: nothing to escape, far below 8000 bytes */
	payload = psprintf("{\"update_timestamp\": \"%s\", \"pilots\": %d, "
					   "\"controllers\": %d, \"atis\": %d, \"prefiles\": %d, "
					   "\"positions\": %d, \"rejected\": %d, \"transceivers\": %s}",
					   vi_utc_str(ir->update_timestamp), ir->pilots,
					   ir->controllers, ir->atis, ir->prefiles, ir->positions,
					   ir->rejected, trx);
	Async_Notify(VI_SNAPSHOT_CHANNEL, payload);
	pfree(payload);
}
