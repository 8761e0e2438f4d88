/*
 * worker_status.c
 *		Shared-memory status of the background worker, and the SQL functions
 *		that read it (vatsim.worker_status) or poke the worker
 *		(vatsim.run_now).
 *
 * Everything is guarded by one LWLock of our own tranche (a reader copies
 * about 3 kB, too much for a spinlock).
 *
 * A run_now caller takes a ticket; the worker serves every ticket handed out
 * before a cycle starts when that cycle ends, and broadcasts a condition
 * variable, so a waiting caller needs no polling and no sleep.
 */
#include "postgres.h"

#include "access/xlog.h"
#include "catalog/pg_authid_d.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/ipc.h"
#include "storage/proc.h"
#include "storage/shmem.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "fetch.h"
#include "vatsim_ingest.h"
#include "worker_status.h"

VatsimShared *vatsim_shared = NULL;

PG_FUNCTION_INFO_V1(vatsim_worker_status);
PG_FUNCTION_INFO_V1(vatsim_run_now);

static const char *const cycle_result_names[] = {
	[CYCLE_OK] = "ok",
	[CYCLE_UNCHANGED] = "unchanged",
	[CYCLE_HTTP_ERROR] = "http_error",
	[CYCLE_TIMEOUT] = "timeout",
	[CYCLE_TOO_LARGE] = "too_large",
	[CYCLE_PARSE_ERROR] = "parse_error",
	[CYCLE_DB_ERROR] = "db_error",
	[CYCLE_DISABLED] = "disabled",
};

const char *
vi_cycle_result_name(CycleResult result)
{
	return cycle_result_names[result];
}

void
vatsim_shmem_request(void)
{
	RequestAddinShmemSpace(MAXALIGN(sizeof(VatsimShared)));
	RequestNamedLWLockTranche("vatsim_ingest", 1);
}

void
vatsim_shmem_startup(void)
{
	bool		found;

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	vatsim_shared = ShmemInitStruct("vatsim_ingest", sizeof(VatsimShared), &found);
	if (!found)
	{
		memset(vatsim_shared, 0, sizeof(VatsimShared));
		vatsim_shared->lock = &(GetNamedLWLockTranche("vatsim_ingest"))->lock;
		ConditionVariableInit(&vatsim_shared->cycle_done);
		strlcpy(vatsim_shared->state, "starting", sizeof(vatsim_shared->state));
	}
	LWLockRelease(AddinShmemInitLock);
}

static void
require_shared(void)
{
	if (vatsim_shared == NULL)
		ereport(ERROR,
				errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				errmsg("the vatsim_ingest background worker is not available"),
				errdetail("The library was not loaded through shared_preload_libraries."),
				errhint("Add vatsim_ingest to shared_preload_libraries in postgresql.conf and restart the server; vatsim.ingest() works without it."));
}

/* The worker is leaving: say so, and wake anyone waiting for it. */
static void
status_detach_worker(int code, Datum arg)
{
	LWLockAcquire(vatsim_shared->lock, LW_EXCLUSIVE);
	vatsim_shared->pid = 0;
	vatsim_shared->latch = NULL;
	strlcpy(vatsim_shared->state, "stopped", sizeof(vatsim_shared->state));
	LWLockRelease(vatsim_shared->lock);
	ConditionVariableBroadcast(&vatsim_shared->cycle_done);
}

void
vi_status_attach_worker(void)
{
	LWLockAcquire(vatsim_shared->lock, LW_EXCLUSIVE);
	vatsim_shared->pid = MyProcPid;
	vatsim_shared->latch = MyLatch;
	vatsim_shared->consecutive_failures = 0;
	strlcpy(vatsim_shared->state, "starting", sizeof(vatsim_shared->state));
	LWLockRelease(vatsim_shared->lock);
	before_shmem_exit(status_detach_worker, (Datum) 0);
}

void
vi_status_set_state(const char *state)
{
	char		url[sizeof(vatsim_shared->feed_url)];

	/* never user info or a query string (an API key, say) in shared memory */
	fetch_redact_url(vi_feed_url, url, sizeof(url));
	LWLockAcquire(vatsim_shared->lock, LW_EXCLUSIVE);
	strlcpy(vatsim_shared->state, state, sizeof(vatsim_shared->state));
	vatsim_shared->enabled = vi_enabled;
	strlcpy(vatsim_shared->feed_url, url, sizeof(vatsim_shared->feed_url));
	LWLockRelease(vatsim_shared->lock);
	pgstat_report_activity(STATE_RUNNING, state);
}

bool
vi_status_run_requested(void)
{
	bool		requested;

	LWLockAcquire(vatsim_shared->lock, LW_SHARED);
	requested = vatsim_shared->requests > vatsim_shared->served;
	LWLockRelease(vatsim_shared->lock);
	return requested;
}

/* Returns the newest ticket this cycle will answer. */
uint64
vi_status_cycle_starting(TimestampTz start)
{
	uint64		serving;

	LWLockAcquire(vatsim_shared->lock, LW_EXCLUSIVE);
	serving = vatsim_shared->requests;
	vatsim_shared->last_start = start;
	LWLockRelease(vatsim_shared->lock);
	return serving;
}

void
vi_status_cycle_finished(const CycleOutcome *outcome, uint64 serving,
					  int consecutive_failures, TimestampTz next_run)
{
	bool		success = (outcome->result == CYCLE_OK ||
						   outcome->result == CYCLE_UNCHANGED);
	int64		memory = (int64) MemoryContextMemAllocated(TopMemoryContext, true);

	LWLockAcquire(vatsim_shared->lock, LW_EXCLUSIVE);
	vatsim_shared->cycles++;
	vatsim_shared->memory_bytes = memory;
	vatsim_shared->last = *outcome;
	if (success)
		vatsim_shared->last_success = outcome->finished;
	if ((success && outcome->error[0] != '\0') ||
		(!success && outcome->result != CYCLE_DISABLED))
	{
		vatsim_shared->last_error_at = outcome->finished;
		strlcpy(vatsim_shared->last_error, outcome->error,
				sizeof(vatsim_shared->last_error));
	}
	if (outcome->result == CYCLE_OK && outcome->has_update_timestamp)
		vatsim_shared->last_update_timestamp = outcome->update_timestamp;
	vatsim_shared->consecutive_failures = consecutive_failures;
	vatsim_shared->next_run = next_run;
	if (serving > vatsim_shared->served)
		vatsim_shared->served = serving;
	LWLockRelease(vatsim_shared->lock);
	ConditionVariableBroadcast(&vatsim_shared->cycle_done);
}

void
vi_status_set_next_run(TimestampTz next_run)
{
	LWLockAcquire(vatsim_shared->lock, LW_EXCLUSIVE);
	vatsim_shared->next_run = next_run;
	LWLockRelease(vatsim_shared->lock);
}

/*
 * The flag a worker sets before it connects to vatsim_ingest.database and
 * clears once connected: a worker that finds it set knows that an earlier
 * attempt did not come back (the database did not exist, say).  Returns the
 * flag as it was.
 */
bool
vi_status_swap_database_missing(bool missing)
{
	bool		was;

	LWLockAcquire(vatsim_shared->lock, LW_EXCLUSIVE);
	was = vatsim_shared->database_missing;
	vatsim_shared->database_missing = missing;
	LWLockRelease(vatsim_shared->lock);
	return was;
}

/* May the caller read vatsim_ingest.feed_url (GUC_SUPERUSER_ONLY)? */
static bool
may_read_feed_url(void)
{
	return superuser() ||
		has_privs_of_role(GetUserId(), ROLE_PG_READ_ALL_SETTINGS);
}

static Datum
ts_or_null(TimestampTz ts, bool *isnull)
{
	*isnull = (ts == 0);
	return TimestampTzGetDatum(ts);
}

/*
 * vatsim.worker_status(): one row, copied under the lock so it is
 * consistent.  feed_url (already redacted) only for roles that may read
 * the setting.
 */
Datum
vatsim_worker_status(PG_FUNCTION_ARGS)
{
	VatsimShared snap;
	TupleDesc	desc;
	Datum		values[18];
	bool		nulls[18] = {0};

	require_shared();
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	desc = BlessTupleDesc(desc);

	LWLockAcquire(vatsim_shared->lock, LW_SHARED);
	memcpy(&snap, vatsim_shared, sizeof(snap));
	LWLockRelease(vatsim_shared->lock);

	values[0] = Int32GetDatum(snap.pid);
	nulls[0] = (snap.pid == 0);
	values[1] = CStringGetTextDatum(snap.pid == 0 ? "stopped" : snap.state);
	values[2] = BoolGetDatum(snap.pid == 0 ? vi_enabled : snap.enabled);
	values[3] = Int64GetDatum(snap.cycles);
	values[4] = ts_or_null(snap.last_start, &nulls[4]);
	values[5] = ts_or_null(snap.last_success, &nulls[5]);
	values[6] = ts_or_null(snap.last_error_at, &nulls[6]);
	values[7] = CStringGetTextDatum(snap.last_error);
	nulls[7] = (snap.last_error[0] == '\0');
	values[8] = Int32GetDatum(snap.consecutive_failures);
	values[9] = ts_or_null(snap.next_run, &nulls[9]);
	values[10] = ts_or_null(snap.last_update_timestamp, &nulls[10]);
	values[11] = Int32GetDatum(snap.last.http_status);
	nulls[11] = (snap.last.http_status == 0);
	values[12] = Int64GetDatum(snap.last.bytes);
	values[13] = Float8GetDatum(snap.last.duration_ms);
	values[14] = Int64GetDatum(snap.last.rows);
	values[15] = CStringGetTextDatum(vi_cycle_result_name(snap.last.result));
	values[16] = CStringGetTextDatum(snap.feed_url);
	nulls[16] = (snap.pid == 0 || !may_read_feed_url());
	values[17] = Int64GetDatum(snap.memory_bytes);
	if (snap.cycles == 0)
		nulls[12] = nulls[13] = nulls[14] = nulls[15] = nulls[17] = true;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/*
 * vatsim.run_now(wait, timeout): wake the worker for a cycle now; when
 * waiting, return that cycle's outcome.
 */
Datum
vatsim_run_now(PG_FUNCTION_ARGS)
{
	bool		wait = PG_GETARG_BOOL(0);
	Interval   *timeout = PG_GETARG_INTERVAL_P(1);
	int64		timeout_us;
	TimestampTz deadline;
	uint64		ticket;
	Latch	   *latch;
	CycleOutcome outcome;
	TupleDesc	desc;
	Datum		values[5];
	bool		nulls[5] = {0};
	bool		done = false;

	require_shared();
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	desc = BlessTupleDesc(desc);

	timeout_us = timeout->time + (int64) timeout->day * USECS_PER_DAY +
		(int64) timeout->month * DAYS_PER_MONTH * USECS_PER_DAY;
	if (timeout_us < 0)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("timeout must not be negative"));

	/* the worker of a standby waits for promotion: no ticket it would keep */
	if (RecoveryInProgress())
		ereport(ERROR,
				errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				errmsg("cannot run a cycle of the vatsim_ingest worker on a standby"),
				errdetail("The server is in recovery: snapshots arrive by replication from the primary, and the worker here waits for promotion."),
				errhint("Call vatsim.run_now() on the primary."));

	LWLockAcquire(vatsim_shared->lock, LW_EXCLUSIVE);
	latch = vatsim_shared->latch;
	ticket = ++vatsim_shared->requests;
	LWLockRelease(vatsim_shared->lock);
	if (latch == NULL)
		ereport(ERROR,
				errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				errmsg("the vatsim_ingest background worker is not running"),
				errhint("The postmaster restarts it within 10 seconds after it exits; see vatsim.status and the server log."));
	SetLatch(latch);

	if (!wait)
	{
		values[0] = CStringGetTextDatum("requested");
		nulls[1] = nulls[2] = nulls[3] = nulls[4] = true;
		PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
	}

	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), timeout_us / 1000);
	ConditionVariablePrepareToSleep(&vatsim_shared->cycle_done);
	for (;;)
	{
		long		remaining;
		bool		running;

		LWLockAcquire(vatsim_shared->lock, LW_SHARED);
		done = vatsim_shared->served >= ticket;
		running = vatsim_shared->pid != 0;
		outcome = vatsim_shared->last;
		LWLockRelease(vatsim_shared->lock);
		if (done || !running)
			break;
		remaining = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), deadline);
		if (remaining <= 0)
			break;
		ConditionVariableTimedSleep(&vatsim_shared->cycle_done, remaining,
									PG_WAIT_EXTENSION);
	}
	ConditionVariableCancelSleep();

	if (!done)
		ereport(ERROR,
				errcode(ERRCODE_QUERY_CANCELED),
				errmsg("timed out waiting for a cycle of the vatsim_ingest worker"),
				errhint("See vatsim.status: the worker may be disabled, stopped, or inside a slow fetch; a longer timeout waits longer."));

	values[0] = CStringGetTextDatum(vi_cycle_result_name(outcome.result));
	values[1] = Int32GetDatum(outcome.http_status);
	nulls[1] = (outcome.http_status == 0);
	values[2] = TimestampTzGetDatum(outcome.update_timestamp);
	nulls[2] = !outcome.has_update_timestamp;
	values[3] = Float8GetDatum(outcome.duration_ms);
	values[4] = CStringGetTextDatum(outcome.error);
	nulls[4] = (outcome.error[0] == '\0');
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}
