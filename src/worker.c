/*
 * worker.c
 *		The background worker: stage 1 of the pipeline on a schedule.  Each
 *		cycle fetches the feed (and the transceivers feed) with no
 *		transaction open, then stores everything in one short transaction
 *		through the same path as vatsim.ingest(), and logs the cycle.
 *
 * Schedule: fixed rate (next start = previous start + interval; a late
 * cycle skips to the next free slot).  After a failed cycle the wait doubles
 * from the interval up to vatsim_ingest.backoff_max; a success resets it.
 * vatsim.run_now() wakes the worker for a cycle at once.
 *
 * Nothing the worker knows lives only in its memory: flights, sessions and
 * snapshots are tables, so a restart loses nothing.  What is in memory per
 * cycle lives in cycle_cxt, reset after every cycle, on success and error.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
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
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "columns.h"
#include "fetch.h"
#include "ingest.h"
#include "search_path.h"
#include "store.h"
#include "transceivers.h"
#include "vatsim_ingest.h"
#include "worker_status.h"

/* How often a worker whose extension is missing looks again. */
#define EXTENSION_RECHECK_MS 10000

static Fetcher *feed_fetcher;
static Fetcher *transceivers_fetcher;
static MemoryContext cycle_cxt;
static SPIPlanPtr runlog_plan;
static SPIPlanPtr trim_plan;

void
vatsim_worker_register(void)
{
	BackgroundWorker worker;

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = 10;
	strlcpy(worker.bgw_library_name, "vatsim_ingest", BGW_MAXLEN);
	strlcpy(worker.bgw_function_name, "vatsim_worker_main", BGW_MAXLEN);
	strlcpy(worker.bgw_name, "vatsim_ingest worker", BGW_MAXLEN);
	strlcpy(worker.bgw_type, "vatsim_ingest worker", BGW_MAXLEN);
	RegisterBackgroundWorker(&worker);
}

/*
 * Called by libcurl's transfer loop at least every 100 ms.  It must not
 * throw (we are inside libcurl), so it only absorbs procsignal barriers,
 * which is what lets DROP DATABASE of another database finish while we
 * fetch, and asks to stop when the process is told to die or cancel; the
 * caller then runs CHECK_FOR_INTERRUPTS() outside libcurl.
 */
static bool
worker_should_abort(void *arg)
{
	if (ProcSignalBarrierPending)
		ProcessProcSignalBarrier();
	return ProcDiePending || QueryCancelPending;
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
	store_prepare(&runlog_plan,
				  "INSERT INTO vatsim.runs (started_at, finished_at, result, http_status, "
				  "bytes, rows, update_timestamp, duration_ms, error) "
				  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
				  lengthof(types), types);
	memset(nulls, ' ', sizeof(nulls));
	values[0] = TimestampTzGetDatum(o->started);
	values[1] = TimestampTzGetDatum(o->finished);
	values[2] = CStringGetTextDatum(cycle_result_name(o->result));
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
		elog(ERROR, "vatsim_ingest: could not log the cycle: %s",
			 SPI_result_code_string(rc));

	store_prepare(&trim_plan,
				  "DELETE FROM vatsim.runs WHERE run_id OPERATOR(pg_catalog.=) ANY (ARRAY("
				  "SELECT run_id FROM vatsim.runs "
				  "WHERE started_at OPERATOR(pg_catalog.<) $1 ORDER BY run_id LIMIT 1000))",
				  1, trim_types);
	values[0] = TimestampTzGetDatum(TimestampTzPlusMilliseconds(o->started,
																-(int64) vi_run_log_retention_s * 1000));
	store_execute(trim_plan, values, SPI_OK_DELETE);
	SPI_finish();
}

/*
 * In a PG_CATCH of a transaction the worker started: keep the error, clear
 * it, and roll the transaction back, so the loop goes on.
 */
static ErrorData *
catch_and_abort(MemoryContext cxt)
{
	ErrorData  *edata;

	MemoryContextSwitchTo(cxt);
	edata = CopyErrorData();
	FlushErrorState();
	AbortCurrentTransaction();
	return edata;
}

/* Log a failed cycle in a transaction of its own. */
static void
runlog_write_alone(const CycleOutcome *o)
{
	MemoryContext cxt = CurrentMemoryContext;

	PG_TRY();
	{
		StartTransactionCommand();
		PushActiveSnapshot(GetTransactionSnapshot());
		runlog_write(o);
		PopActiveSnapshot();
		CommitTransactionCommand();
	}
	PG_CATCH();
	{
		ErrorData  *edata = catch_and_abort(cxt);

		ereport(WARNING,
				errmsg("vatsim_ingest worker could not record a cycle in vatsim.runs: %s",
					   edata->message));
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

		StartTransactionCommand();
		PushActiveSnapshot(GetTransactionSnapshot());
		pgstat_report_activity(STATE_RUNNING, "storing snapshot");
		ingest_document(feed->body, feed->body_len, &ir);
		o->update_timestamp = ir.update_timestamp;
		o->has_update_timestamp = true;
		o->rows = ir.pilots + ir.controllers + ir.atis + ir.prefiles;
		if (ir.sector_error[0] != '\0')
			snprintf(o->error, sizeof(o->error), "sector processing failed: %s",
					 ir.sector_error);
		if (ir.duplicate)
			o->result = CYCLE_UNCHANGED;
		else if (trx != NULL)
		{
			SPI_connect();
			o->rows += store_transceivers(trx);
			SPI_finish();
		}
		o->finished = GetCurrentTimestamp();
		o->duration_ms = (double) elapsed_ms(o->started);
		runlog_write(o);
		PopActiveSnapshot();
		CommitTransactionCommand();
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
 * The transceivers feed is secondary: when it cannot be fetched or parsed
 * the cycle stores the main feed without it and says why in the server log.
 */
static bool
fetch_transceivers(const FetchOptions *opt, TransceiversDocument *doc)
{
	FetchResponse resp;
	FeedError	err;

	fetch_url(transceivers_fetcher, vi_transceivers_url, opt, &resp);
	if (resp.result == FETCH_ABORTED)
		CHECK_FOR_INTERRUPTS();
	if (resp.result == FETCH_NOT_MODIFIED)
		return false;
	if (resp.result != FETCH_OK)
	{
		ereport(LOG,
				errmsg("vatsim_ingest worker: transceivers feed not stored: %s",
					   resp.error));
		return false;
	}
	if (!transceivers_parse(resp.body, resp.body_len, (size_t) vi_max_feed_bytes,
							doc, &err))
	{
		ereport(LOG,
				errmsg("vatsim_ingest worker: transceivers feed not stored: %s%s%s",
					   err.path, err.path[0] ? ": " : "", err.message));
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
	status_set_state("fetching");
	fetch_url(feed_fetcher, vi_feed_url, &opt, &feed);
	if (feed.result == FETCH_ABORTED)
		CHECK_FOR_INTERRUPTS();
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
	status_set_state("storing");
	store_cycle(&feed, have_trx ? &trx : NULL, o);
}

/*
 * The extension must exist, at a version that has vatsim.runs, in the
 * worker's database.  Warn once while it does not.
 */
static bool
extension_ready(bool *warned)
{
	char	   *installed;
	bool		ready;

	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	SPI_connect();
	installed = installed_extension_version();
	ready = installed != NULL && strcmp(installed, VATSIM_INGEST_VERSION) == 0;
	if (!ready && !*warned)
		ereport(WARNING,
				errmsg("vatsim_ingest worker is waiting: extension vatsim_ingest %s in database \"%s\"",
					   installed ? psprintf("is at version %s, the library at " VATSIM_INGEST_VERSION, installed)
					   : "is not installed",
					   vi_database),
				errhint("Run CREATE EXTENSION vatsim_ingest (or ALTER EXTENSION vatsim_ingest UPDATE) in database \"%s\", or set vatsim_ingest.database.",
						vi_database));
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	*warned = !ready;
	return ready;
}

static TimestampTz
next_start(TimestampTz start, TimestampTz now, int failures)
{
	int64		delay_ms = vi_interval_ms;
	TimestampTz next;

	if (failures > 0)
	{
		int			shift = Min(failures, 30);

		delay_ms = Min((int64) vi_interval_ms << shift, (int64) vi_backoff_max_ms);
		delay_ms = Max(delay_ms, vi_interval_ms);
		return TimestampTzPlusMilliseconds(start, delay_ms);
	}
	next = TimestampTzPlusMilliseconds(start, delay_ms);
	while (next <= now)
		next = TimestampTzPlusMilliseconds(next, delay_ms);
	return next;
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
	serving = status_cycle_starting(o.started);
	runlog_write_alone(&o);
	status_cycle_finished(&o, serving, failures, next_run);
}

void
vatsim_worker_main(Datum main_arg)
{
	TimestampTz next_run;
	int			failures = 0;
	bool		warned = false;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();

	if (vatsim_shared == NULL)
		elog(FATAL, "vatsim_ingest worker started without shared memory");
	status_attach_worker();
	BackgroundWorkerInitializeConnection(vi_database, NULL, 0);
	/* the worker is a superuser: nothing planted in another schema may run */
	pin_search_path_for_process();
	pgstat_report_appname("vatsim_ingest worker");

	if (!fetch_global_init() ||
		(feed_fetcher = fetcher_create()) == NULL ||
		(transceivers_fetcher = fetcher_create()) == NULL)
		ereport(FATAL,
				errcode(ERRCODE_OUT_OF_MEMORY),
				errmsg("vatsim_ingest worker could not initialise libcurl"));
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
			ProcessConfigFile(PGC_SIGHUP);
		}
		now = GetCurrentTimestamp();
		requested = status_run_requested();

		if (!vi_enabled)
		{
			status_set_state("disabled");
			if (requested && extension_ready(&warned))
				answer_disabled(failures, next_run);
			wait_until(TimestampTzPlusMilliseconds(now, 3600 * 1000));
			next_run = GetCurrentTimestamp();
			continue;
		}
		if (!requested && now < next_run)
		{
			status_set_state("idle");
			status_set_next_run(next_run);
			wait_until(next_run);
			continue;
		}
		if (!extension_ready(&warned))
		{
			status_set_state("waiting for extension");
			wait_until(TimestampTzPlusMilliseconds(now, EXTENSION_RECHECK_MS));
			continue;
		}

		memset(&outcome, 0, sizeof(outcome));
		outcome.started = now;
		serving = status_cycle_starting(now);
		old = MemoryContextSwitchTo(cycle_cxt);
		run_cycle(&outcome);
		MemoryContextSwitchTo(old);
		MemoryContextReset(cycle_cxt);
		pgstat_report_stat(false);

		if (outcome.result == CYCLE_OK || outcome.result == CYCLE_UNCHANGED)
			failures = 0;
		else
			failures++;
		next_run = next_start(now, GetCurrentTimestamp(), failures);
		status_cycle_finished(&outcome, serving, failures, next_run);
	}
}
