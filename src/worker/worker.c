/*
 * worker.c
 *		The background worker: fetch, store and log on a schedule.  Each
 *		cycle fetches the feed (and the transceivers feed) with no
 *		transaction open, then stores everything in one short transaction
 *		through the same path as vatsim.ingest(), tells the listeners of
 *		vatsim_snapshot about a new snapshot (at commit), and logs the cycle.
 *
 * Schedule: fixed rate (next start = previous start + interval; a late
 * cycle skips to the next free slot).  After a failed cycle the wait doubles
 * from the interval up to vatsim_ingest.backoff_max; a success resets it.
 * vatsim.run_now() wakes the worker for a cycle at once.  A reload that
 * shortens the schedule or changes the feed URL during backoff takes effect
 * at once (apply_reload).
 *
 * Nothing the worker knows lives only in its memory: flights, sessions and
 * snapshots are tables, so a restart loses nothing.  What is in memory per
 * cycle lives in cycle_cxt, reset after every cycle, on success and error.
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/dbcommands.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/procsignal.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "columns.h"
#include "fetch.h"
#include "ingest.h"
#include "packing.h"
#include "search_path.h"
#include "store.h"
#include "transceivers.h"
#include "vatsim_ingest.h"
#include "worker_notify.h"
#include "worker_status.h"

/* How often a worker whose extension or database is missing looks again. */
#define RECHECK_MS 10000
/* How often a worker on a standby looks whether it was promoted (cheap). */
#define STANDBY_RECHECK_MS 1000

static Fetcher *feed_fetcher;
static Fetcher *transceivers_fetcher;
static MemoryContext cycle_cxt;
static SPIPlanPtr runlog_plan;
static SPIPlanPtr trim_plan;

/* An ERROR raised absorbing a barrier inside libcurl, rethrown after it. */
static ErrorData *barrier_error;

void
vatsim_worker_register(void)
{
	BackgroundWorker worker;

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	/* on a hot standby too, to say in vatsim.status that it waits there */
	worker.bgw_start_time = BgWorkerStart_ConsistentState;
	worker.bgw_restart_time = 10;
	strlcpy(worker.bgw_library_name, "vatsim_ingest", BGW_MAXLEN);
	strlcpy(worker.bgw_function_name, "vatsim_worker_main", BGW_MAXLEN);
	strlcpy(worker.bgw_name, "vatsim_ingest worker", BGW_MAXLEN);
	strlcpy(worker.bgw_type, "vatsim_ingest worker", BGW_MAXLEN);
	RegisterBackgroundWorker(&worker);
}

/*
 * Called by libcurl's transfer loop at least every 100 ms.  It must not
 * throw: a longjmp through libcurl would leave its handles in the middle of
 * a transfer.  It absorbs procsignal barriers, which is what lets DROP
 * DATABASE of another database finish while we fetch; should that raise an
 * ERROR, the error is kept and the transfer aborted, and after_fetch()
 * throws it outside libcurl.  It also asks to stop when the process is told
 * to die or cancel; after_fetch() then runs CHECK_FOR_INTERRUPTS().
 */
static bool
worker_should_abort(void *arg)
{
	MemoryContext cxt = CurrentMemoryContext;

	if (ProcSignalBarrierPending && barrier_error == NULL)
	{
		PG_TRY();
		{
			ProcessProcSignalBarrier();
		}
		PG_CATCH();
		{
			MemoryContextSwitchTo(cxt);
			barrier_error = CopyErrorData();
			FlushErrorState();
		}
		PG_END_TRY();
	}
	return barrier_error != NULL || ProcDiePending || QueryCancelPending;
}

/* Outside libcurl again: act on what made worker_should_abort() stop it. */
static void
after_fetch(const FetchResponse *resp)
{
	if (resp->result != FETCH_ABORTED)
		return;
	if (barrier_error != NULL)
	{
		ErrorData  *edata = barrier_error;

		barrier_error = NULL;
		ReThrowError(edata);
	}
	CHECK_FOR_INTERRUPTS();
}

static int64
elapsed_ms(TimestampTz since)
{
	return TimestampDifferenceMilliseconds(since, GetCurrentTimestamp());
}

/* SQLSTATEs that mean "the document was unusable", not "the database failed". */
static bool
is_feed_error(int sqlerrcode)
{
	return sqlerrcode == ERRCODE_INVALID_JSON_TEXT ||
		sqlerrcode == ERRCODE_SQL_JSON_OBJECT_NOT_FOUND ||
		sqlerrcode == ERRCODE_SQL_JSON_MEMBER_NOT_FOUND ||
		sqlerrcode == ERRCODE_INVALID_PARAMETER_VALUE ||
		sqlerrcode == ERRCODE_INVALID_DATETIME_FORMAT ||
		sqlerrcode == ERRCODE_PROGRAM_LIMIT_EXCEEDED ||
		sqlerrcode == ERRCODE_CHARACTER_NOT_IN_REPERTOIRE ||
		sqlerrcode == ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE;
}

/* One row of vatsim.runs, plus trimming to run_log_retention (small batches). */
static void
runlog_write(const CycleOutcome *o)
{
	static const Oid types[] = {
		TIMESTAMPTZOID, TIMESTAMPTZOID, TEXTOID, INT4OID, INT8OID, INT8OID,
		TIMESTAMPTZOID, FLOAT8OID, TEXTOID
	};
	static const Oid trim_types[] = {TIMESTAMPTZOID};
	Datum		values[9];
	char		nulls[9];
	int			rc;

	SPI_connect();
	vi_store_prepare(&runlog_plan,
				  "INSERT INTO vatsim.runs (started_at, finished_at, result, http_status, "
				  "bytes, rows, update_timestamp, duration_ms, error) "
				  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
				  lengthof(types), types);
	memset(nulls, ' ', sizeof(nulls));
	values[0] = TimestampTzGetDatum(o->started);
	values[1] = TimestampTzGetDatum(o->finished);
	values[2] = CStringGetTextDatum(vi_cycle_result_name(o->result));
	values[3] = Int32GetDatum(o->http_status);
	nulls[3] = o->http_status == 0 ? 'n' : ' ';
	values[4] = Int64GetDatum(o->bytes);
	values[5] = Int64GetDatum(o->rows);
	values[6] = TimestampTzGetDatum(o->update_timestamp);
	nulls[6] = o->has_update_timestamp ? ' ' : 'n';
	values[7] = Float8GetDatum(o->duration_ms);
	values[8] = CStringGetTextDatum(o->error);
	nulls[8] = o->error[0] ? ' ' : 'n';
	rc = SPI_execute_plan(runlog_plan, values, nulls, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "could not insert into vatsim.runs: %s",
			 SPI_result_code_string(rc));

	vi_store_prepare(&trim_plan,
				  "DELETE FROM vatsim.runs WHERE run_id OPERATOR(pg_catalog.=) ANY (ARRAY("
				  "SELECT run_id FROM vatsim.runs "
				  "WHERE started_at OPERATOR(pg_catalog.<) $1 ORDER BY run_id LIMIT 1000))",
				  1, trim_types);
	values[0] = TimestampTzGetDatum(TimestampTzPlusMilliseconds(o->started,
																-(int64) vi_run_log_retention_s * 1000));
	vi_store_execute(trim_plan, values, SPI_OK_DELETE);
	SPI_finish();
}

/*
 * A transaction of the worker's own, with a snapshot for its statements.
 * now() is the statement start time, which only the backend's main loop
 * advances: without setting it here, now() in every transaction of the
 * worker would stay at the time it connected, and so would
 * snapshots.ingested_at, the retention cutoff and the days created ahead.
 */
static void
begin_worker_transaction(void)
{
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
}

/*
 * Commit it.  Ending a transaction leaves TopMemoryContext current: cxt is
 * made current again, or whatever the caller allocates next would never be
 * freed.
 */
static void
commit_worker_transaction(MemoryContext cxt)
{
	PopActiveSnapshot();
	CommitTransactionCommand();
	MemoryContextSwitchTo(cxt);
}

/*
 * In a PG_CATCH of a transaction the worker started: keep the error (in
 * cxt, which the caller frees or resets), clear it, and roll the
 * transaction back, so the loop goes on.  Ending a transaction leaves
 * TopMemoryContext current; the caller's cxt is made current again, or
 * whatever it allocates next would never be freed.
 */
static ErrorData *
catch_and_abort(MemoryContext cxt)
{
	ErrorData  *edata;

	MemoryContextSwitchTo(cxt);
	edata = CopyErrorData();
	FlushErrorState();
	AbortCurrentTransaction();
	MemoryContextSwitchTo(cxt);
	return edata;
}

/* Log a failed cycle in a transaction of its own. */
static void
runlog_write_alone(const CycleOutcome *o)
{
	MemoryContext cxt = CurrentMemoryContext;

	PG_TRY();
	{
		begin_worker_transaction();
		runlog_write(o);
		commit_worker_transaction(cxt);
	}
	PG_CATCH();
	{
		ErrorData  *edata = catch_and_abort(cxt);

		ereport(WARNING,
				errcode(edata->sqlerrcode),
				errmsg("could not record a cycle of the background worker in vatsim.runs"),
				errdetail_internal("%s", edata->message));
		FreeErrorData(edata);
	}
	PG_END_TRY();
}

static void
classify_fetch(const FetchResponse *resp, CycleOutcome *o)
{
	switch (resp->result)
	{
		case FETCH_OK:
			o->result = CYCLE_OK;
			break;
		case FETCH_NOT_MODIFIED:
			o->result = CYCLE_UNCHANGED;
			break;
		case FETCH_TIMEOUT:
			o->result = CYCLE_TIMEOUT;
			break;
		case FETCH_TOO_LARGE:
			o->result = CYCLE_TOO_LARGE;
			break;
		case FETCH_HTTP_ERROR:
		case FETCH_ABORTED:
		case FETCH_ERROR:
			o->result = CYCLE_HTTP_ERROR;
			break;
	}
	o->http_status = (int) resp->http_status;
	strlcpy(o->error, resp->error, sizeof(o->error));
}

static void
fetch_options(FetchOptions *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->connect_timeout_ms = vi_connect_timeout_ms;
	opt->timeout_ms = vi_timeout_ms;
	opt->max_bytes = (size_t) vi_max_feed_bytes;
	opt->allow_file = vi_allow_file_urls;
	opt->user_agent = "vatsim_ingest/" VATSIM_INGEST_VERSION " (PostgreSQL extension)";
	opt->should_abort = worker_should_abort;
}

/*
 * Store the fetched documents in one transaction.  On any ERROR the
 * transaction is rolled back (nothing stored) and the cycle is classified
 * from the SQLSTATE.
 */
static void
store_cycle(const FetchResponse *feed, const TransceiversDocument *trx,
			CycleOutcome *o)
{
	MemoryContext cxt = CurrentMemoryContext;

	PG_TRY();
	{
		IngestResult ir;

		begin_worker_transaction();
		pgstat_report_activity(STATE_RUNNING, "storing snapshot");
		vi_ingest_document(feed->body, feed->body_len, trx, &ir);
		o->update_timestamp = ir.update_timestamp;
		o->has_update_timestamp = true;
		o->rows = ir.pilots + ir.controllers + ir.atis + ir.prefiles;
		if (ir.sector_error[0] != '\0')
			snprintf(o->error, sizeof(o->error), "sector processing failed: %s",
					 ir.sector_error);
		else if (ir.analytics_error[0] != '\0')
			snprintf(o->error, sizeof(o->error), "analytics failed: %s",
					 ir.analytics_error);
		if (ir.duplicate)
			o->result = CYCLE_UNCHANGED;
		else
		{
			/* vi_ingest_document stored the transceivers (ir.transceivers) */
			if (ir.transceivers > 0)
				o->rows += ir.transceivers;
			/* delivered at commit, dropped if anything below fails */
			vi_notify_snapshot(&ir, ir.transceivers);
		}
		/* move closed hours of position history into packs (packing.h) */
		vi_worker_pack_step(ir.update_timestamp, o->error, sizeof(o->error));
		o->finished = GetCurrentTimestamp();
		o->duration_ms = (double) elapsed_ms(o->started);
		runlog_write(o);
		commit_worker_transaction(cxt);
	}
	PG_CATCH();
	{
		ErrorData  *edata = catch_and_abort(cxt);

		o->result = is_feed_error(edata->sqlerrcode) ? CYCLE_PARSE_ERROR : CYCLE_DB_ERROR;
		o->rows = 0;
		snprintf(o->error, sizeof(o->error), "%s%s%s", edata->message,
				 edata->detail ? ": " : "", edata->detail ? edata->detail : "");
		FreeErrorData(edata);
		/* offer the documents again next time instead of a 304 */
		fetcher_forget_validators(feed_fetcher);
		fetcher_forget_validators(transceivers_fetcher);
		o->finished = GetCurrentTimestamp();
		o->duration_ms = (double) elapsed_ms(o->started);
		runlog_write_alone(o);
	}
	PG_END_TRY();
}

/*
 * Daily partitions, after a cycle that stored a snapshot or found the feed
 * unchanged (a failed one may be a database that refuses): create today's
 * and the next vatsim_ingest.partitions_ahead of them, then, when
 * vatsim_ingest.retention is set, drop at most one partition older than it.
 * Each is a transaction of its own whose locks wait at most
 * PARTITION_LOCK_TIMEOUT_MS: DETACH needs ACCESS EXCLUSIVE on the parent,
 * and while it waits behind a long reader every later reader and snapshot
 * would queue behind it.  A step that cannot get its lock gives up, says so
 * (vatsim.partition_log, action busy) and is tried again next cycle.
 */
#define PARTITION_LOCK_TIMEOUT_MS "200"

static void
partition_log_alone(const char *action, const char *detail)
{
	MemoryContext cxt = CurrentMemoryContext;

	PG_TRY();
	{
		Datum		values[2];
		Oid			types[2] = {TEXTOID, TEXTOID};

		begin_worker_transaction();
		SPI_connect();
		values[0] = CStringGetTextDatum(action);
		values[1] = CStringGetTextDatum(detail);
		if (SPI_execute_with_args("INSERT INTO vatsim.partition_log (action, detail) VALUES ($1, $2)",
								  2, types, values, NULL, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "could not insert into vatsim.partition_log");
		SPI_finish();
		commit_worker_transaction(cxt);
	}
	PG_CATCH();
	{
		FreeErrorData(catch_and_abort(cxt));
	}
	PG_END_TRY();
}

static void
partition_statement(const char *what, const char *sql, int seconds)
{
	MemoryContext cxt = CurrentMemoryContext;
	ErrorData  *edata;
	bool		busy;
	char		detail[CYCLE_ERROR_LEN];

	PG_TRY();
	{
		Oid			types[2] = {INT4OID, INT4OID};
		Datum		values[2];

		begin_worker_transaction();
		(void) set_config_option("lock_timeout", PARTITION_LOCK_TIMEOUT_MS,
								 PGC_SUSET, PGC_S_SESSION, GUC_ACTION_LOCAL,
								 true, 0, false);
		SPI_connect();
		values[0] = Int32GetDatum(seconds);
		values[1] = Int32GetDatum(vi_run_log_retention_s);
		if (SPI_execute_with_args(sql, 2, types, values, NULL, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not %s daily partitions", what);
		SPI_finish();
		commit_worker_transaction(cxt);
		return;
	}
	PG_CATCH();
	{
		edata = catch_and_abort(cxt);
	}
	PG_END_TRY();

	busy = edata->sqlerrcode == ERRCODE_LOCK_NOT_AVAILABLE;
	snprintf(detail, sizeof(detail), "%s daily partitions: %s", what, edata->message);
	ereport(busy ? LOG : WARNING,
			errcode(edata->sqlerrcode),
			busy ? errmsg("could not %s daily partitions: a lock on the table was not granted within " PARTITION_LOCK_TIMEOUT_MS " ms", what)
			: errmsg("could not %s daily partitions", what),
			errdetail_internal("%s", edata->message),
			busy ? errhint("A long query holds it; the worker tries again after the next cycle.") : 0);
	FreeErrorData(edata);
	partition_log_alone(busy ? "busy" : "failed", detail);
}

static void
partition_step(void)
{
	vi_status_set_state("partitions");
	/* $2: vatsim.partition_log is kept as long as vatsim.runs */
	partition_statement("create",
						"WITH trim AS (DELETE FROM vatsim.partition_log WHERE logged_at "
						"OPERATOR(pg_catalog.<) (pg_catalog.now() OPERATOR(pg_catalog.-) "
						"pg_catalog.make_interval(secs => $2))) "
						"SELECT vatsim.ensure_partitions(pg_catalog.make_interval(secs => $1))",
						vi_partitions_ahead_s);
	/* the packs of those days too (position_packs is not partitioned yet) */
	if (vi_retention_s > 0)
		partition_statement("drop",
							"SELECT vatsim.drop_partitions(pg_catalog.now() OPERATOR(pg_catalog.-) "
							"pg_catalog.make_interval(secs => $1)), "
							"vatsim.drop_old_packs(pg_catalog.now() OPERATOR(pg_catalog.-) "
							"pg_catalog.make_interval(secs => $1))",
							vi_retention_s);
}

/*
 * The transceivers feed is secondary: when it cannot be fetched or parsed
 * the cycle stores the main feed without it and says why in the server log.
 */
static bool
fetch_transceivers(const FetchOptions *opt, TransceiversDocument *doc)
{
	FetchResponse resp;
	FeedError	err;

	fetch_url(transceivers_fetcher, vi_transceivers_url, opt, &resp);
	after_fetch(&resp);
	if (resp.result == FETCH_NOT_MODIFIED)
		return false;
	if (resp.result != FETCH_OK)
	{
		/* resp.error is redacted: no user info or query string */
		ereport(LOG,
				errmsg("transceivers feed not stored"),
				errdetail("%s.", resp.error));
		return false;
	}
	if (!transceivers_parse(resp.body, resp.body_len, (size_t) vi_max_feed_bytes,
							doc, &err))
	{
		ereport(LOG,
				errmsg("transceivers feed not stored"),
				errdetail("%s%s%s.", err.path, err.path[0] ? ": " : "",
						  err.message));
		fetcher_forget_validators(transceivers_fetcher);
		return false;
	}
	return true;
}

/* One cycle: fetch with no transaction open, then store and log. */
static void
run_cycle(CycleOutcome *o)
{
	FetchOptions opt;
	FetchResponse feed;
	TransceiversDocument trx;
	bool		have_trx = false;

	fetch_options(&opt);
	vi_status_set_state("fetching");
	fetch_url(feed_fetcher, vi_feed_url, &opt, &feed);
	after_fetch(&feed);
	classify_fetch(&feed, o);
	o->bytes = (int64) feed.body_len;

	if (o->result == CYCLE_OK && vi_transceivers_url[0] != '\0')
		have_trx = fetch_transceivers(&opt, &trx);

	if (o->result != CYCLE_OK)
	{
		o->finished = GetCurrentTimestamp();
		o->duration_ms = (double) elapsed_ms(o->started);
		runlog_write_alone(o);
		return;
	}
	vi_status_set_state("storing");
	store_cycle(&feed, have_trx ? &trx : NULL, o);
}

/*
 * The extension must exist, at a version that has vatsim.runs, in the
 * worker's database.  Warn once while it does not.
 */
static bool
extension_ready(bool *warned)
{
	MemoryContext cxt = CurrentMemoryContext;
	char	   *installed;
	bool		ready;

	begin_worker_transaction();
	SPI_connect();
	installed = vi_installed_extension_version();
	ready = installed != NULL && strcmp(installed, VATSIM_INGEST_VERSION) == 0;
	if (!ready && !*warned && installed == NULL)
		ereport(WARNING,
				errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				errmsg("background worker waiting: extension vatsim_ingest is not installed in database \"%s\"",
					   vi_database),
				errhint("Run CREATE EXTENSION vatsim_ingest in database \"%s\", or set vatsim_ingest.database.",
						vi_database));
	else if (!ready && !*warned)
		ereport(WARNING,
				errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				errmsg("background worker waiting: extension vatsim_ingest is at version %s in database \"%s\", the library at %s",
					   installed, vi_database, VATSIM_INGEST_VERSION),
				errhint("Run ALTER EXTENSION vatsim_ingest UPDATE in database \"%s\".",
						vi_database));
	SPI_finish();
	commit_worker_transaction(cxt);
	*warned = !ready;
	return ready;
}

/*
 * When the next cycle starts.  The wait doubles by steps and stops at
 * backoff_max, so no shift or sum can overflow whatever the settings and
 * the count of failures; a start too far in the future for a timestamp
 * (it cannot be, with the settings' bounds) is clamped.
 */
static TimestampTz
next_start(TimestampTz start, TimestampTz now, int failures)
{
	int64		delay_ms = Max(vi_interval_ms, 1);
	int64		cap_ms = Max((int64) vi_backoff_max_ms, delay_ms);
	TimestampTz next;
	int			i;

	for (i = 0; i < failures && delay_ms < cap_ms; i++)
		delay_ms = Min(delay_ms * 2, cap_ms);
	if (start > DT_NOEND / 2 - delay_ms * 1000)
		return DT_NOEND / 2;
	next = TimestampTzPlusMilliseconds(start, delay_ms);
	if (failures > 0)
		return next;
	/* fixed rate: skip the slots already past, without a loop per slot */
	if (next <= now)
		next += ((now - next) / (delay_ms * 1000) + 1) * (delay_ms * 1000);
	return next;
}

/*
 * Re-read the settings (SIGHUP) and reschedule at once: a shorter interval
 * or backoff_max moves next_run forward, and a new feed URL during backoff
 * is a new source, tried at once with a fresh failure count.
 */
static void
apply_reload(TimestampTz last_start, int *failures, TimestampTz *next_run)
{
	int			old_interval = vi_interval_ms;
	int			old_backoff = vi_backoff_max_ms;
	char	   *old_url = pstrdup(vi_feed_url ? vi_feed_url : "");
	TimestampTz sooner;

	ProcessConfigFile(PGC_SIGHUP);
	if (*failures > 0 && strcmp(old_url, vi_feed_url ? vi_feed_url : "") != 0)
	{
		*failures = 0;
		*next_run = GetCurrentTimestamp();
	}
	else if (last_start != 0 &&
			 (vi_interval_ms != old_interval || vi_backoff_max_ms != old_backoff))
	{
		sooner = next_start(last_start, GetCurrentTimestamp(), *failures);
		*next_run = Min(*next_run, sooner);
	}
	pfree(old_url);
}

static void
wait_until(TimestampTz when)
{
	long		ms = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), when);

	pgstat_report_activity(STATE_IDLE, NULL);
	(void) WaitLatch(MyLatch,
					 WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
					 Max(ms, 0), PG_WAIT_EXTENSION);
	ResetLatch(MyLatch);
	CHECK_FOR_INTERRUPTS();
}

/* A run_now while paused is answered at once with "disabled". */
static void
answer_disabled(int failures, TimestampTz next_run)
{
	CycleOutcome o;
	uint64		serving;

	memset(&o, 0, sizeof(o));
	o.started = o.finished = GetCurrentTimestamp();
	o.result = CYCLE_DISABLED;
	strlcpy(o.error, "vatsim_ingest.enabled is off", sizeof(o.error));
	serving = vi_status_cycle_starting(o.started);
	runlog_write_alone(&o);
	vi_status_cycle_finished(&o, serving, failures, next_run);
}

/*
 * An earlier start could not connect to vatsim_ingest.database: it did not
 * exist, say, which is FATAL, and the postmaster would start us again every
 * 10 s.  Connect to no database instead (the shared catalogs can be read),
 * warn once, and look for the database every 10 s; once it is there, exit
 * so that the postmaster starts the worker again, which then connects.
 */
static void
wait_for_database(void)
{
	bool		warned = false;

	BackgroundWorkerInitializeConnection(NULL, NULL, 0);
	pgstat_report_appname("vatsim_ingest worker");
	for (;;)
	{
		Oid			dboid;

		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}
		StartTransactionCommand();
		dboid = get_database_oid(vi_database, true);
		CommitTransactionCommand();
		if (OidIsValid(dboid))
		{
			(void) vi_status_swap_database_missing(false);
			ereport(LOG,
					errmsg("database \"%s\" exists now: the background worker restarts to connect to it",
						   vi_database));
			proc_exit(1);
		}
		if (!warned)
			ereport(WARNING,
					errcode(ERRCODE_UNDEFINED_DATABASE),
					errmsg("background worker waiting: database \"%s\" does not exist",
						   vi_database),
					errhint("Create the database and the extension in it, or set vatsim_ingest.database and restart the server."));
		warned = true;
		vi_status_set_state("waiting for database");
		wait_until(TimestampTzPlusMilliseconds(GetCurrentTimestamp(), RECHECK_MS));
	}
}

/*
 * A hot standby is read-only and may be promoted at any moment (nothing
 * wakes us then): while the server is in recovery the worker stores
 * nothing, shows it in vatsim.status, and looks again every
 * STANDBY_RECHECK_MS.  One LOG line when it starts waiting, one when it
 * resumes, never an error.  Returns true while it waits.
 */
static bool
standby_wait(bool *waiting, TimestampTz *next_run)
{
	if (!RecoveryInProgress())
	{
		if (*waiting)
		{
			ereport(LOG,
					errmsg("background worker resuming: the server was promoted and is no longer in recovery"));
			*waiting = false;
			/* a cycle at once: the new primary has missed snapshots */
			*next_run = GetCurrentTimestamp();
		}
		return false;
	}
	if (!*waiting)
		ereport(LOG,
				errmsg("background worker waiting: the server is a standby (in recovery) and stores no snapshots"),
				errdetail("The primary's worker stores them and they arrive here by replication."),
				errhint("The worker starts its cycles by itself once the server is promoted."));
	*waiting = true;
	vi_status_set_state("standby: waiting for promotion");
	wait_until(TimestampTzPlusMilliseconds(GetCurrentTimestamp(), STANDBY_RECHECK_MS));
	return true;
}

void
vatsim_worker_main(Datum main_arg)
{
	TimestampTz next_run;
	TimestampTz last_start = 0;
	int			failures = 0;
	bool		warned = false;
	bool		on_standby = false;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();

	if (vatsim_shared == NULL)
		elog(FATAL, "background worker started without its shared memory");
	vi_status_attach_worker();
	/* an earlier start that died connecting: the database may be missing */
	if (vi_status_swap_database_missing(true))
		wait_for_database();
	BackgroundWorkerInitializeConnection(vi_database, NULL, 0);
	/* the worker is a superuser: nothing planted in another schema may run */
	vi_pin_search_path_for_process();
	/* ingest refuses REPEATABLE READ; a server default must not stop it */
	SetConfigOption("default_transaction_isolation", "read committed",
					PGC_SUSET, PGC_S_OVERRIDE);
	(void) vi_status_swap_database_missing(false);
	pgstat_report_appname("vatsim_ingest worker");

	if (!fetch_global_init() ||
		(feed_fetcher = fetcher_create()) == NULL ||
		(transceivers_fetcher = fetcher_create()) == NULL)
		ereport(FATAL,
				errcode(ERRCODE_SYSTEM_ERROR),
				errmsg("could not initialise libcurl for the background worker"),
				errdetail("curl_global_init() or curl_easy_init() failed: libcurl or its TLS library could not start, or memory ran out."));
	cycle_cxt = AllocSetContextCreate(TopMemoryContext, "vatsim_ingest cycle",
									  ALLOCSET_DEFAULT_SIZES);
	next_run = GetCurrentTimestamp();

	for (;;)
	{
		TimestampTz now;
		bool		requested;
		CycleOutcome outcome;
		uint64		serving;
		MemoryContext old;

		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			apply_reload(last_start, &failures, &next_run);
		}
		if (standby_wait(&on_standby, &next_run))
			continue;
		now = GetCurrentTimestamp();
		requested = vi_status_run_requested();

		if (!vi_enabled)
		{
			vi_status_set_state("disabled");
			if (requested && extension_ready(&warned))
				answer_disabled(failures, next_run);
			wait_until(TimestampTzPlusMilliseconds(now, 3600 * 1000));
			next_run = GetCurrentTimestamp();
			continue;
		}
		if (!requested && now < next_run)
		{
			vi_status_set_state("idle");
			vi_status_set_next_run(next_run);
			wait_until(next_run);
			continue;
		}
		if (!extension_ready(&warned))
		{
			vi_status_set_state("waiting for extension");
			wait_until(TimestampTzPlusMilliseconds(now, RECHECK_MS));
			continue;
		}

		memset(&outcome, 0, sizeof(outcome));
		outcome.started = last_start = now;
		serving = vi_status_cycle_starting(now);
		old = MemoryContextSwitchTo(cycle_cxt);
		run_cycle(&outcome);
		/* a database that refused the snapshot would refuse this too */
		if (outcome.result == CYCLE_OK || outcome.result == CYCLE_UNCHANGED)
			partition_step();
		MemoryContextSwitchTo(old);
		MemoryContextReset(cycle_cxt);
		pgstat_report_stat(false);

		if (outcome.result == CYCLE_OK || outcome.result == CYCLE_UNCHANGED)
			failures = 0;
		else
			failures++;
		next_run = next_start(now, GetCurrentTimestamp(), failures);
		vi_status_cycle_finished(&outcome, serving, failures, next_run);
	}
}
