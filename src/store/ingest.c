/*
 * ingest.c
 *		vatsim.ingest(text) and vatsim.ingest_file(text): parse one document,
 *		check it against what is stored, and store it in one transaction.
 *
 * The order of a snapshot: isolation and size checks -> parse (pure C,
 * feed_parse.c) -> not too far in the future -> lock and dedupe on
 * update_timestamp -> store (store_*.c) -> occupancy, then analytics (each a
 * subtransaction) -> snapshot row.  Any ERROR on the way aborts the caller's transaction, so a
 * document that fails changes no row.
 */
#include "postgres.h"

#include <sys/stat.h>

#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "storage/fd.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"

#include "analytics.h"
#include "columns.h"
#include "feed.h"
#include "ingest.h"
#include "occupancy.h"
#include "search_path.h"
#include "standby.h"
#include "store.h"
#include "transceivers.h"
#include "vatsim_ingest.h"

PG_FUNCTION_INFO_V1(vatsim_ingest_text);
PG_FUNCTION_INFO_V1(vatsim_ingest_file);

static SPIPlanPtr newest_plan;
static SPIPlanPtr snapshot_plan;

static int
feed_errcode(FeedErrorCode code)
{
	switch (code)
	{
		case FEED_ERR_TOO_LARGE:
		case FEED_ERR_TOO_DEEP:
			return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
		case FEED_ERR_ENCODING:
			return ERRCODE_CHARACTER_NOT_IN_REPERTOIRE;
		case FEED_ERR_EMPTY:
		case FEED_ERR_SYNTAX:
			return ERRCODE_INVALID_JSON_TEXT;
		case FEED_ERR_NOT_OBJECT:
			return ERRCODE_SQL_JSON_OBJECT_NOT_FOUND;
		case FEED_ERR_MISSING:
			return ERRCODE_SQL_JSON_MEMBER_NOT_FOUND;
		case FEED_ERR_WRONG_TYPE:
			return ERRCODE_INVALID_PARAMETER_VALUE;
		case FEED_ERR_BAD_TIMESTAMP:
			return ERRCODE_INVALID_DATETIME_FORMAT;
		case FEED_ERR_NO_MEMORY:
			return ERRCODE_OUT_OF_MEMORY;
		case FEED_OK:
			break;
	}
	return ERRCODE_INTERNAL_ERROR;
}

/*
 * The parser's messages start lower-case, often with the member they concern
 * ("pilots is a string, not an array"); a detail is a sentence, so it starts
 * with "Member" or a capital.
 */
static void
report_feed_error(const FeedError *err, bool transceivers)
{
	char		detail[sizeof(err->message) + 16];
	size_t		pathlen = strlen(err->path);

	if (pathlen > 0 && strncmp(err->message, err->path, pathlen) == 0)
		snprintf(detail, sizeof(detail), "Member %s", err->message);
	else
	{
		strlcpy(detail, err->message, sizeof(detail));
		if (detail[0] >= 'a' && detail[0] <= 'z')
			detail[0] += 'A' - 'a';
	}
	ereport(ERROR,
			errcode(feed_errcode(err->code)),
			transceivers ? errmsg("invalid VATSIM transceivers document") :
			errmsg("invalid VATSIM feed document"),
			errdetail("%s.", detail),
			err->code == FEED_ERR_TOO_LARGE ?
			errhint("Raise vatsim_ingest.max_feed_bytes if documents this large are expected.") :
			errhint("Nothing was stored; the previous snapshot stays current."));
}

static void
report_too_large(size_t len, bool transceivers)
{
	ereport(ERROR,
			errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			transceivers ? errmsg("invalid VATSIM transceivers document") :
			errmsg("invalid VATSIM feed document"),
			errdetail("The document has %zu bytes, more than vatsim_ingest.max_feed_bytes (%d).",
					  len, vi_max_feed_bytes),
			errhint("Raise vatsim_ingest.max_feed_bytes if documents this large are expected."));
}

/* Feed times are UTC; say them in UTC whatever the session's TimeZone. */
const char *
vi_utc_str(TimestampTz ts)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		return "(out of range)";
	return psprintf("%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
					tm.tm_year, tm.tm_mon, tm.tm_mday,
					tm.tm_hour, tm.tm_min, tm.tm_sec, (int) fsec);
}

/* The reasons kept, a line each, and how many more there were. */
static char *
rejects_detail(const FeedRejects *rejects)
{
	StringInfoData detail;
	int			i;

	initStringInfo(&detail);
	for (i = 0; i < rejects->n_reasons; i++)
		appendStringInfo(&detail, "%s%s", i ? "\n" : "", rejects->reasons[i]);
	if (rejects->count > rejects->n_reasons)
		appendStringInfo(&detail, "\n... and %d more",
						 rejects->count - rejects->n_reasons);
	return detail.data;
}

static void
warn_rejects(const FeedRejects *rejects, TimestampTz ts)
{
	if (rejects->count == 0)
		return;
	ereport(WARNING,
			errcode(ERRCODE_DATA_EXCEPTION),
			errmsg_plural("%d record of VATSIM snapshot %s rejected",
						  "%d records of VATSIM snapshot %s rejected",
						  rejects->count, rejects->count, vi_utc_str(ts)),
			errdetail("%s", rejects_detail(rejects)),
			errhint("The rest of the snapshot was stored; rejected records are counted in vatsim.snapshots.rejected."));
}

/*
 * The installed SQL objects must be the ones this library was built for:
 * after installing new binaries, ALTER EXTENSION ... UPDATE comes first.
 * Returns the installed version (NULL: not installed); needs SPI.
 */
char *
vi_installed_extension_version(void)
{
	if (SPI_execute("SELECT extversion FROM pg_catalog.pg_extension "
					"WHERE extname OPERATOR(pg_catalog.=) 'vatsim_ingest'",
					true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_extension");
	if (SPI_processed == 0)
		return NULL;
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

static void
check_extension_version(void)
{
	char	   *installed = vi_installed_extension_version();

	if (installed == NULL || strcmp(installed, VATSIM_INGEST_VERSION) != 0)
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("extension vatsim_ingest is at version %s, its library at %s",
					   installed ? installed : "(none)", VATSIM_INGEST_VERSION),
				errhint("Run ALTER EXTENSION vatsim_ingest UPDATE."));
}

/*
 * The order check below reads what is stored after taking its lock; under
 * REPEATABLE READ or SERIALIZABLE every statement would read the
 * transaction's older snapshot instead, miss a newer snapshot stored
 * meanwhile by another session, and store an older one on top of it (and
 * the current-state tables would mix both).  So ingest refuses to run
 * there; a per-statement snapshot is what it needs.
 */
static void
check_isolation(void)
{
	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("VATSIM snapshots cannot be ingested in a %s transaction",
					   IsolationIsSerializable() ? "SERIALIZABLE" : "REPEATABLE READ"),
				errdetail("The time-order check must see snapshots stored by other sessions after this transaction began."),
				errhint("Run vatsim.ingest in a READ COMMITTED transaction (the default)."));
}

/*
 * A document dated after now() + vatsim_ingest.max_future is refused: once
 * stored, every real snapshot after it would be refused as older.  "Now" is
 * the clock when the check runs (not the transaction's start), so a long
 * transaction does not shrink the margin.
 */
static void
check_not_future(TimestampTz ts)
{
	TimestampTz now = GetCurrentTimestamp();
	TimestampTz latest = now + (TimestampTz) vi_max_future_s * USECS_PER_SEC;

	if (ts > latest)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("invalid VATSIM feed document"),
				errdetail("Member general.update_timestamp %s is more than vatsim_ingest.max_future (%d s) after the current time %s.",
						  vi_utc_str(ts), vi_max_future_s, vi_utc_str(now)),
				errhint("Check the clocks of the feed and of this server; nothing was stored."));
}

/*
 * Serialise ingests and place this snapshot in time: returns true when it
 * is already stored; raises an ERROR when it is older than the newest.
 */
static bool
check_snapshot_order(TimestampTz ts)
{
	static const Oid types[] = {TIMESTAMPTZOID};
	Datum		values[1];
	bool		isnull;
	bool		exists;
	Datum		newest;

	if (SPI_execute("LOCK TABLE vatsim.snapshots IN SHARE ROW EXCLUSIVE MODE",
					false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "could not lock vatsim.snapshots");

	vi_store_prepare(&newest_plan,
				  "SELECT EXISTS (SELECT 1 FROM vatsim.snapshots "
				  "WHERE update_timestamp OPERATOR(pg_catalog.=) $1), "
				  "(SELECT pg_catalog.max(update_timestamp) FROM vatsim.snapshots)",
				  1, types);
	values[0] = TimestampTzGetDatum(ts);
	vi_store_execute(newest_plan, values, SPI_OK_SELECT);
	exists = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
										SPI_tuptable->tupdesc, 1, &isnull));
	newest = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2,
						   &isnull);
	if (exists)
		return true;
	if (!isnull && DatumGetTimestampTz(newest) > ts)
		ereport(ERROR,
				errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				errmsg("VATSIM snapshot %s is older than the newest stored snapshot",
					   vi_utc_str(ts)),
				errdetail("The newest stored snapshot is %s.",
						  vi_utc_str(DatumGetTimestampTz(newest))),
				errhint("History is built in time order: backfill archived snapshots oldest first, into an empty history."));
	return false;
}

static void
insert_snapshot_row(const FeedDocument *doc, TimestampTz ts, size_t len,
					double duration_ms, const IngestResult *result)
{
	static const Oid types[] = {
		TIMESTAMPTZOID, INT4OID, INT4OID, INT4OID, INT4OID, INT4OID, INT4OID,
		INT4OID, INT4OID, INT4OID, INT8OID, FLOAT8OID, INT4OID, TEXTOID, TEXTOID, FLOAT8OID
	};
	Datum		values[lengthof(types)];
	char		nulls[lengthof(types)];
	FeedInt		optional[3] = {doc->general.version,
		doc->general.connected_clients, doc->general.unique_users};
	int			slot[3] = {1, 7, 8};
	int			i;
	int			rc;

	vi_store_prepare(&snapshot_plan,
				  "INSERT INTO vatsim.snapshots (update_timestamp, feed_version, "
				  "pilots, controllers, atis, prefiles, servers, connected_clients, "
				  "unique_users, rejected, bytes, duration_ms, positions, sector_error, "
				  "analytics_error, analytics_ms) "
				  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
				  lengthof(types), types);
	memset(nulls, ' ', sizeof(nulls));
	values[0] = TimestampTzGetDatum(ts);
	values[2] = Int32GetDatum(doc->n_pilots);
	values[3] = Int32GetDatum(doc->n_controllers);
	values[4] = Int32GetDatum(doc->n_atis);
	values[5] = Int32GetDatum(doc->n_prefiles);
	values[6] = Int32GetDatum(doc->n_servers);
	values[9] = Int32GetDatum(doc->rejects.count);
	values[10] = Int64GetDatum((int64) len);
	values[11] = Float8GetDatum(duration_ms);
	values[12] = Int32GetDatum(result->positions);
	values[13] = CStringGetTextDatum(result->sector_error);
	if (result->sector_error[0] == '\0')
		nulls[13] = 'n';
	values[14] = CStringGetTextDatum(result->analytics_error);
	if (result->analytics_error[0] == '\0')
		nulls[14] = 'n';
	values[15] = Float8GetDatum(result->analytics_ms);
	for (i = 0; i < 3; i++)
	{
		values[slot[i]] = Int32GetDatum((int32) optional[i]);
		if (optional[i] == FEED_NULL_INT)
			nulls[slot[i]] = 'n';
	}
	rc = SPI_execute_plan(snapshot_plan, values, nulls, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "could not record snapshot: %s",
			 SPI_result_code_string(rc));
}

/*
 * Errors of sector processing that may be kept with the snapshot: data
 * exceptions (class 22) and integrity violations (class 23), which come from
 * the sector data or the state and would recur identically on a retry.
 * Everything else -- a cancel or statement_timeout (57014), shutdown
 * (57P01), out of memory (53200), lock or serialisation failures, internal
 * errors -- aborts the whole snapshot.
 */
static bool
is_sector_data_error(int sqlerrcode)
{
	int			class = ERRCODE_TO_CATEGORY(sqlerrcode);

	return class == ERRCODE_DATA_EXCEPTION ||
		class == ERRCODE_INTEGRITY_CONSTRAINT_VIOLATION;
}

/*
 * The derived steps (occupancy, then analytics) each run in a
 * subtransaction: if one fails with a data error, the snapshot's flights and
 * positions still commit, the error is kept with the snapshot, and the next
 * snapshot continues from the state stored before this one.  Any other
 * error is re-thrown after the subtransaction is gone.
 */
typedef void (*DerivedStep) (const AnalyticsInput *in);

static void
run_derived_step(DerivedStep step, const AnalyticsInput *in, const char *what,
				 char *errbuf, size_t errlen)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		step(in);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
		if (!is_sector_data_error(edata->sqlerrcode))
			ReThrowError(edata);
		snprintf(errbuf, errlen, "%s", edata->message);
		ereport(WARNING,
				errcode(edata->sqlerrcode),
				errmsg("%s failed for VATSIM snapshot %s: %s",
					   what, vi_utc_str(in->ts), edata->message),
				errhint("The snapshot's flights and positions were stored; this step continues with the next snapshot."));
		FreeErrorData(edata);
	}
	PG_END_TRY();
}

static void
occupancy_step(const AnalyticsInput *in)
{
	vi_occupancy_process(in->doc, in->flight_ids, in->ts);
}

/*
 * The feed is UTF-8.  In a database of another encoding one character it
 * cannot represent would abort the whole snapshot, so ingest refuses such a
 * database outright (CREATE EXTENSION does too since 0.4.0; this catches
 * installations made before).
 */
static void
check_database_encoding(void)
{
	if (GetDatabaseEncoding() != PG_UTF8)
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("cannot store VATSIM snapshots in a database with encoding %s",
					   GetDatabaseEncodingName()),
				errdetail("The feed is UTF-8, and vatsim_ingest stores it only in a UTF8 database, where no record can be lost to a character the encoding lacks."),
				errhint("Move the vatsim schema to a database created with ENCODING 'UTF8' (pg_dump, then restore there)."));
}

void
vi_ingest_document(const char *data, size_t len,
				   const TransceiversDocument *trx, IngestResult *result)
{
	MemoryContext parse_cxt;
	MemoryContext old_cxt;
	FeedDocument doc;
	FeedError	err;
	TimestampTz ts;
	instr_time	start;
	instr_time	step_start;
	instr_time	elapsed;
	bool		ok;
	int			path_level;

	INSTR_TIME_SET_CURRENT(start);
	check_isolation();
	check_database_encoding();
	if (len > (size_t) vi_max_feed_bytes)
		report_too_large(len, false);

	/* cJSON allocates with palloc: the whole tree lives and dies here. */
	parse_cxt = AllocSetContextCreate(CurrentMemoryContext,
									  "vatsim_ingest parse",
									  ALLOCSET_DEFAULT_SIZES);
	old_cxt = MemoryContextSwitchTo(parse_cxt);
	ok = feed_parse(data, len, (size_t) vi_max_feed_bytes, &doc, &err);
	MemoryContextSwitchTo(old_cxt);
	if (!ok)
		report_feed_error(&err, false);

	ts = feed_time_to_timestamptz(doc.general.update_timestamp);
	check_not_future(ts);
	memset(result, 0, sizeof(*result));
	result->update_timestamp = ts;
	result->pilots = doc.n_pilots;
	result->controllers = doc.n_controllers;
	result->atis = doc.n_atis;
	result->prefiles = doc.n_prefiles;
	result->rejected = doc.rejects.count;
	result->transceivers = -1;

	/*
	 * vatsim.ingest() has SET search_path, but the worker calls this
	 * directly: every statement below runs under the pinned path whoever the
	 * caller is (see search_path.c).
	 */
	path_level = vi_pin_search_path();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	check_extension_version();
	result->duplicate = check_snapshot_order(ts);
	if (!result->duplicate)
	{
		AnalyticsInput in;
		PilotFlights flights;

		vi_partitions_ready(ts);
		vi_store_current_state(&doc, ts);
		if (trx != NULL)
			result->transceivers = vi_store_transceivers(trx);
		vi_store_controller_sessions(&doc, ts, vi_controller_reconnect_grace);
		in.doc = &doc;
		in.trx = trx;
		in.ts = ts;
		vi_store_pilots(&doc, ts, vi_reconnect_grace, &result->positions, &flights);
		in.flight_ids = flights.flight_ids;
		in.movement_candidates = flights.movement_candidates;
		in.was_in_contact = flights.was_in_contact;
		run_derived_step(occupancy_step, &in, "sector processing",
						 result->sector_error, sizeof(result->sector_error));
		INSTR_TIME_SET_CURRENT(step_start);
		run_derived_step(vi_analytics_process, &in, "analytics",
						 result->analytics_error, sizeof(result->analytics_error));
		INSTR_TIME_SET_CURRENT(elapsed);
		INSTR_TIME_SUBTRACT(elapsed, step_start);
		result->analytics_ms = INSTR_TIME_GET_MILLISEC(elapsed);
		INSTR_TIME_SET_CURRENT(elapsed);
		INSTR_TIME_SUBTRACT(elapsed, start);
		insert_snapshot_row(&doc, ts, len, INSTR_TIME_GET_MILLISEC(elapsed), result);
	}
	SPI_finish();
	vi_unpin_search_path(path_level);

	if (!result->duplicate)
		warn_rejects(&doc.rejects, ts);
	MemoryContextDelete(parse_cxt);

	INSTR_TIME_SET_CURRENT(elapsed);
	INSTR_TIME_SUBTRACT(elapsed, start);
	result->duration_ms = INSTR_TIME_GET_MILLISEC(elapsed);
}

static Datum
ingest_result_datum(FunctionCallInfo fcinfo, const IngestResult *r)
{
	TupleDesc	desc;
	Datum		values[8];
	bool		nulls[8] = {0};

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	desc = BlessTupleDesc(desc);
	values[0] = TimestampTzGetDatum(r->update_timestamp);
	values[1] = CStringGetTextDatum(r->duplicate ? "duplicate" : "ingested");
	values[2] = Int32GetDatum(r->pilots);
	values[3] = Int32GetDatum(r->controllers);
	values[4] = Int32GetDatum(r->atis);
	values[5] = Int32GetDatum(r->prefiles);
	values[6] = Int32GetDatum(r->rejected);
	values[7] = Float8GetDatum(r->duration_ms);
	return HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
}

/*
 * The optional transceivers document of vatsim.ingest/ingest_file: unlike
 * the worker, which goes on without one it cannot use, a caller that
 * passes a bad one gets an ERROR and nothing is stored.  Its size is
 * limited by max_feed_bytes too.
 */
static void
parse_transceivers(const char *data, size_t len, TransceiversDocument *trx)
{
	FeedError	err;

	if (len > (size_t) vi_max_feed_bytes)
		report_too_large(len, true);
	if (!transceivers_parse(data, len, (size_t) vi_max_feed_bytes, trx, &err))
		report_feed_error(&err, true);
	if (trx->rejects.count > 0)
		ereport(WARNING,
				errcode(ERRCODE_DATA_EXCEPTION),
				errmsg_plural("%d transceiver record rejected",
							  "%d transceiver records rejected",
							  trx->rejects.count, trx->rejects.count),
				errdetail("%s", rejects_detail(&trx->rejects)),
				errhint("The other transceivers were used."));
}

/*
 * A server-side file, refusing one larger than max_feed_bytes before
 * reading it.  Same rights as COPY FROM a file: superuser or
 * pg_read_server_files (checked by the caller).
 */
static char *
read_feed_file(const char *path, size_t *len, bool transceivers)
{
	struct stat st;
	FILE	   *file;
	char	   *buf;

	file = AllocateFile(path, PG_BINARY_R);
	if (file == NULL)
		ereport(ERROR,
				errcode_for_file_access(),
				errmsg("could not open feed file \"%s\" for reading: %m", path));
	if (fstat(fileno(file), &st) < 0)
		ereport(ERROR,
				errcode_for_file_access(),
				errmsg("could not stat feed file \"%s\": %m", path));
	if (!S_ISREG(st.st_mode))
		ereport(ERROR,
				errcode(ERRCODE_WRONG_OBJECT_TYPE),
				errmsg("feed file \"%s\" is not a regular file", path));
	if ((uint64) st.st_size > (uint64) vi_max_feed_bytes)
		report_too_large((size_t) st.st_size, transceivers);

	buf = palloc((size_t) st.st_size + 1);
	*len = fread(buf, 1, (size_t) st.st_size, file);
	if (ferror(file))
		ereport(ERROR,
				errcode_for_file_access(),
				errmsg("could not read feed file \"%s\": %m", path));
	FreeFile(file);
	return buf;
}

/*
 * vatsim.ingest(feed text, transceivers text DEFAULT NULL): not STRICT, so
 * that a NULL transceivers document means "none"; a NULL feed still gives
 * NULL, as the STRICT one-argument form did.
 */
Datum
vatsim_ingest_text(PG_FUNCTION_ARGS)
{
	text	   *feed;
	IngestResult result;
	TransceiversDocument trx;
	bool		have_trx = PG_NARGS() > 1 && !PG_ARGISNULL(1);

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	vi_refuse_on_standby("vatsim.ingest()");
	feed = PG_GETARG_TEXT_PP(0);
	if (have_trx)
	{
		text	   *t = PG_GETARG_TEXT_PP(1);

		parse_transceivers(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &trx);
	}
	vi_ingest_document(VARDATA_ANY(feed), VARSIZE_ANY_EXHDR(feed),
					   have_trx ? &trx : NULL, &result);
	if (have_trx)
		transceivers_free(&trx);
	PG_RETURN_DATUM(ingest_result_datum(fcinfo, &result));
}

/* vatsim.ingest_file(path text, transceivers_path text DEFAULT NULL) */
Datum
vatsim_ingest_file(PG_FUNCTION_ARGS)
{
	char	   *path;
	IngestResult result;
	TransceiversDocument trx;
	bool		have_trx = PG_NARGS() > 1 && !PG_ARGISNULL(1);
	char	   *buf;
	size_t		len;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	vi_refuse_on_standby("vatsim.ingest_file()");
	path = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (!has_privs_of_role(GetUserId(), ROLE_PG_READ_SERVER_FILES))
		ereport(ERROR,
				errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				errmsg("permission denied to read feed file \"%s\"", path),
				errhint("Only superusers and members of pg_read_server_files may call vatsim.ingest_file; others can pass the document to vatsim.ingest."));

	if (have_trx)
	{
		char	   *trx_path = text_to_cstring(PG_GETARG_TEXT_PP(1));

		buf = read_feed_file(trx_path, &len, true);
		parse_transceivers(buf, len, &trx);
		pfree(buf);
	}
	buf = read_feed_file(path, &len, false);
	vi_ingest_document(buf, len, have_trx ? &trx : NULL, &result);
	pfree(buf);
	if (have_trx)
		transceivers_free(&trx);
	PG_RETURN_DATUM(ingest_result_datum(fcinfo, &result));
}
