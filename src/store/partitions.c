/*
 * partitions.c
 *		The ingest side of daily partitions: before a snapshot writes its
 *		history, the UTC day of its update_timestamp has a partition in
 *		every table of vatsim.partitioned_tables (a backfill of an old or
 *		future day creates it), and the trigger that tells every backend
 *		the registry changed.
 *
 * The normal path (the day is known) runs no statement and no DDL: a
 * process-local cache remembers the registered tables and the days already
 * checked.  It is a cache only: a relcache invalidation of a registered
 * table (ATTACH or DETACH of a partition, in any backend) or of the
 * registry (its trigger) empties it, and the next snapshot asks the
 * catalogue again through vatsim.ensure_partitions(), run as the tables'
 * owner (so a loader role needs no rights beyond writing them).  Each
 * snapshot first takes ROW EXCLUSIVE on the registered tables, which it
 * would take to write them anyway: taking a lock reads the pending
 * invalidations, and while it is held no partition can be detached
 * (retention needs ACCESS EXCLUSIVE), so a day found present stays present
 * until commit.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/inval.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "columns.h"
#include "store.h"

/* More registered tables than this is a mistake worth an error. */
#define MAX_PARTITIONED 16
/* Days remembered: today, yesterday and a few backfilled ones. */
#define KNOWN_DAYS 8

static bool callback_registered = false;
static bool registry_valid = false;
static Oid	registry_oid = InvalidOid;
static int	nparents = 0;
static Oid	parents[MAX_PARTITIONED];
static Oid	owner = InvalidOid;	/* of the registered tables: creates days */
static int	nknown = 0;
static int	next_known = 0;
static int64 known_days[KNOWN_DAYS];

static SPIPlanPtr registry_plan;
static SPIPlanPtr ensure_plan;

PG_FUNCTION_INFO_V1(vatsim_partitioned_tables_changed);

static void
forget_all(void)
{
	registry_valid = false;
	nknown = 0;
	next_known = 0;
}

static void
partitions_relcache_callback(Datum arg, Oid relid)
{
	int			i;

	if (!registry_valid && nknown == 0)
		return;
	if (relid == InvalidOid || relid == registry_oid)
	{
		forget_all();
		return;
	}
	for (i = 0; i < nparents; i++)
		if (parents[i] == relid)
		{
			forget_all();
			return;
		}
}

static void
load_registry(void)
{
	uint64		row;

	vi_store_prepare(&registry_plan,
					 "SELECT r.oid, p.relation::pg_catalog.oid, c.relowner "
					 "FROM (SELECT 'vatsim.partitioned_tables'::pg_catalog.regclass::pg_catalog.oid) AS r(oid) "
					 "LEFT JOIN vatsim.partitioned_tables p ON true "
					 "LEFT JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) p.relation",
					 0, NULL);
	vi_store_execute(registry_plan, NULL, SPI_OK_SELECT);
	if (SPI_processed > MAX_PARTITIONED)
		ereport(ERROR,
				errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				errmsg("too many tables in vatsim.partitioned_tables"),
				errdetail("It has %llu rows; the ingest handles at most %d.",
						  (unsigned long long) SPI_processed, MAX_PARTITIONED),
				errhint("Only the extension's history tables belong there."));
	nparents = 0;
	for (row = 0; row < SPI_processed; row++)
	{
		bool		isnull;

		Datum		parent;

		registry_oid = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[row],
													  SPI_tuptable->tupdesc, 1, &isnull));
		parent = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, 2, &isnull);
		if (isnull)				/* an empty registry gives one row of NULL */
			continue;
		parents[nparents++] = DatumGetObjectId(parent);
		owner = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[row],
											   SPI_tuptable->tupdesc, 3, &isnull));
	}
	registry_valid = true;
}

static bool
day_known(int64 day)
{
	int			i;

	for (i = 0; i < nknown; i++)
		if (known_days[i] == day)
			return true;
	return false;
}

static void
remember_day(int64 day)
{
	known_days[next_known] = day;
	next_known = (next_known + 1) % KNOWN_DAYS;
	if (nknown < KNOWN_DAYS)
		nknown++;
}

void
vi_partitions_ready(TimestampTz ts)
{
	static const Oid types[] = {TIMESTAMPTZOID};
	int64		day = ts / USECS_PER_DAY - (ts % USECS_PER_DAY < 0 ? 1 : 0);
	Datum		values[1];
	Oid			save_userid;
	int			save_sec_context;
	int			i;

	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(partitions_relcache_callback, (Datum) 0);
		callback_registered = true;
	}
	for (;;)
	{
		AcceptInvalidationMessages();
		if (!registry_valid)
			load_registry();
		for (i = 0; i < nparents; i++)
			LockRelationOid(parents[i], RowExclusiveLock);
		/* a lock may have brought an invalidation: then look again */
		if (registry_valid)
			break;
	}
	if (nparents == 0 || day_known(day))
		return;

	/*
	 * The catalogue is the truth: create the day where it is missing, as the
	 * owner of the tables (a loader role that may write positions need not
	 * own them; REFRESH MATERIALIZED VIEW switches the same way).  An error
	 * restores the caller's identity with the transaction.
	 */
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(owner, save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	vi_store_prepare(&ensure_plan,
					 "SELECT vatsim.ensure_partitions('0'::pg_catalog.interval, $1)",
					 lengthof(types), types);
	values[0] = TimestampTzGetDatum(ts);
	vi_store_execute(ensure_plan, values, SPI_OK_SELECT);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	remember_day(day);
}

/*
 * AFTER ... FOR EACH STATEMENT trigger of vatsim.partitioned_tables: a
 * relcache invalidation of the registry, which empties the cache above in
 * every backend (at commit; in this one at once).
 */
Datum
vatsim_partitioned_tables_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				errmsg("vatsim.partitioned_tables_changed() must be called as a trigger"));
	CacheInvalidateRelcache(trigdata->tg_relation);
	return PointerGetDatum(NULL);
}
