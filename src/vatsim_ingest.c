/*
 * vatsim_ingest.c
 *		Module entry point: settings (GUCs), shared memory hooks and the
 *		background worker's registration.
 *
 * The library also works without shared_preload_libraries: every SQL
 * function loads it on first use, and ingest from SQL needs nothing else.
 * Only when preloaded does it reserve shared memory and register the worker
 * (and define the one postmaster-only setting, vatsim_ingest.database).
 * The vatsim_ingest.* prefix is reserved so a misspelt setting is reported.
 */
#include "postgres.h"

#include <limits.h>

#include <cjson/cJSON.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "contacts.h"
#include "fetch.h"
#include "packing.h"
#include "sectors.h"
#include "vatsim_ingest.h"

PG_MODULE_MAGIC;

int			vi_max_feed_bytes = 64 * 1024 * 1024;
int			vi_reconnect_grace = 600;
int			vi_controller_reconnect_grace = 300;
int			vi_max_future_s = 300;
char	   *vi_database = NULL;
bool		vi_enabled = true;
int			vi_interval_ms = 15000;
char	   *vi_feed_url = NULL;
char	   *vi_transceivers_url = NULL;
int			vi_connect_timeout_ms = 5000;
int			vi_timeout_ms = 10000;
int			vi_backoff_max_ms = 300000;
int			vi_run_log_retention_s = 7 * 24 * 3600;
int			vi_retention_s = 0;
int			vi_partitions_ahead_s = 2 * 24 * 3600;
bool		vi_allow_file_urls = false;
char	   *vi_region = NULL;
char	   *vi_occupancy_sets = NULL;
int			vi_exit_speed_kt = 30;
int			vi_exit_polls = 2;
int			vi_enter_speed_kt = 60;
int			vi_airborne_speed_kt = 60;
double		vi_movement_radius_nm = 5.0;
int			vi_movement_max_climb_ft = 3000;
bool		vi_require_flight_plan = false;
int			vi_stale_after_s = 300;

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

void		_PG_init(void);

/*
 * cJSON allocates through palloc so that a parse interrupted by an ERROR is
 * released with the memory context it ran in: nothing can leak.
 */
static void *
vi_cjson_malloc(size_t size)
{
	return palloc(size);
}

static void
vi_cjson_free(void *ptr)
{
	if (ptr != NULL)
		pfree(ptr);
}

/*
 * A feed URL must be http, https or file (file:// is refused at fetch time
 * unless vatsim_ingest.allow_file_urls is on, so the order in which the two
 * settings are read does not matter).  Empty means "off" where allowed.
 */
static bool
check_url(char **newval, void **extra, GucSource source, bool empty_ok)
{
	const char *reason;

	if (*newval == NULL || (*newval)[0] == '\0')
	{
		if (empty_ok)
			return true;
		GUC_check_errdetail("The feed URL must not be empty.");
		return false;
	}
	if (!fetch_url_scheme_allowed(*newval, true, &reason))
	{
		GUC_check_errdetail("%s", reason);
		GUC_check_errhint("Use an http:// or https:// URL (file:// only for replaying files, with vatsim_ingest.allow_file_urls).");
		return false;
	}
	return true;
}

static bool
check_feed_url(char **newval, void **extra, GucSource source)
{
	return check_url(newval, extra, source, false);
}

static bool
check_transceivers_url(char **newval, void **extra, GucSource source)
{
	return check_url(newval, extra, source, true);
}

static void
vi_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	vatsim_shmem_request();
}

static void
vi_shmem_startup(void)
{
	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	vatsim_shmem_startup();
}

static void
define_worker_settings(void)
{
	DefineCustomBoolVariable("vatsim_ingest.enabled",
							 "Whether the background worker fetches the feed.",
							 "Off pauses the worker; it keeps running and resumes when turned on.",
							 &vi_enabled, true, PGC_SIGHUP, 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable("vatsim_ingest.interval",
							"Time between the starts of two fetch cycles.",
							"Cycles run at fixed rate; a late cycle skips to the next slot.",
							&vi_interval_ms, 15000, 100, 24 * 3600 * 1000,
							PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomStringVariable("vatsim_ingest.feed_url",
							   "URL of the VATSIM v3 data feed.",
							   NULL,
							   &vi_feed_url,
							   "https://data.vatsim.net/v3/vatsim-data.json",
							   PGC_SIGHUP, GUC_SUPERUSER_ONLY,
							   check_feed_url, NULL, NULL);
	DefineCustomStringVariable("vatsim_ingest.transceivers_url",
							   "URL of the VATSIM transceivers feed; empty turns it off.",
							   NULL,
							   &vi_transceivers_url,
							   "https://data.vatsim.net/v3/transceivers-data.json",
							   PGC_SIGHUP, GUC_SUPERUSER_ONLY,
							   check_transceivers_url, NULL, NULL);
	DefineCustomIntVariable("vatsim_ingest.connect_timeout",
							"Longest wait for a connection to the feed server (DNS included).",
							NULL,
							&vi_connect_timeout_ms, 5000, 100, 600 * 1000,
							PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("vatsim_ingest.timeout",
							"Longest time one fetch may take in total.",
							NULL,
							&vi_timeout_ms, 10000, 100, 3600 * 1000,
							PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("vatsim_ingest.backoff_max",
							"Longest wait between cycles after consecutive failures.",
							"The wait doubles from the interval with each failure, up to this.",
							&vi_backoff_max_ms, 300000, 1000, 24 * 3600 * 1000,
							PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("vatsim_ingest.run_log_retention",
							"How long rows of vatsim.runs are kept.",
							NULL,
							&vi_run_log_retention_s, 7 * 24 * 3600, 60, INT_MAX,
							PGC_SIGHUP, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("vatsim_ingest.retention",
							"How long history is kept: the worker drops daily partitions older than this, one per cycle (0 keeps everything).",
							"Applies to the tables of vatsim.partitioned_tables (vatsim.positions); whole UTC days only, never today's.",
							&vi_retention_s, 0, 0, INT_MAX,
							PGC_SIGHUP, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("vatsim_ingest.partitions_ahead",
							"How far ahead the worker creates daily partitions after each cycle.",
							"Today's partition and those of the days up to now plus this.",
							&vi_partitions_ahead_s, 2 * 24 * 3600, 0, 366 * 24 * 3600,
							PGC_SIGHUP, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomBoolVariable("vatsim_ingest.allow_file_urls",
							 "Whether feed URLs may be file:// URLs (for replaying files).",
							 NULL,
							 &vi_allow_file_urls, false, PGC_SIGHUP, GUC_SUPERUSER_ONLY,
							 NULL, NULL, NULL);
}

static void
define_sector_settings(void)
{
	DefineCustomStringVariable("vatsim_ingest.region",
							   "Sector set whose union bounds the history kept; empty keeps the whole world.",
							   "Flights, positions and occupancy are kept only for pilots inside it; current-state tables keep the whole network.",
							   &vi_region, "", PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("vatsim_ingest.occupancy_sets",
							   "Comma-separated sector sets whose occupancy is tracked; empty tracks every set.",
							   NULL,
							   &vi_occupancy_sets, "", PGC_SUSET, GUC_LIST_INPUT, NULL, NULL, NULL);
	DefineCustomIntVariable("vatsim_ingest.exit_speed_kt",
							"Groundspeed below which a snapshot counts as slow (landed), knots.",
							NULL,
							&vi_exit_speed_kt, 30, 0, 2000, PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("vatsim_ingest.exit_polls",
							"Consecutive slow snapshots that close every open interval of a flight.",
							NULL,
							&vi_exit_polls, 2, 1, 1000, PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("vatsim_ingest.enter_speed_kt",
							"Groundspeed at or above which a flight enters a sector, knots.",
							NULL,
							&vi_enter_speed_kt, 60, 0, 2000, PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("vatsim_ingest.airborne_speed_kt",
							"Groundspeed at or above which a pilot counts as airborne, knots.",
							"Used by flight summaries (airborne time) and by departures and arrivals.",
							&vi_airborne_speed_kt, 60, 0, 2000, PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomRealVariable("vatsim_ingest.movement_radius_nm",
							 "Largest distance from a departure's or arrival's ground-side position to its airport, nautical miles.",
							 "Farther from every airport, the movement is stored with no airport.",
							 &vi_movement_radius_nm, 5.0, 0.0, 100.0, PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("vatsim_ingest.movement_max_climb_ft",
							"Largest altitude change between the two snapshots of a departure or arrival, feet.",
							"A larger change (e.g. parked, then seen again at cruise) is no movement.",
							&vi_movement_max_climb_ft, 3000, 0, 100000, PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomBoolVariable("vatsim_ingest.require_flight_plan",
							 "Keep flights only for pilots whose flight plan names a departure and an arrival.",
							 "Other pilots stay in vatsim.pilots with no flight, positions, occupancy or summaries.",
							 &vi_require_flight_plan, false, PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("vatsim_ingest.stale_after",
							"How long a flight may be absent from the feed before its intervals close as gone.",
							NULL,
							&vi_stale_after_s, 300, 0, 7 * 24 * 3600, PGC_SUSET, GUC_UNIT_S,
							NULL, NULL, NULL);
}

void
_PG_init(void)
{
	cJSON_Hooks hooks = {vi_cjson_malloc, vi_cjson_free};

	cJSON_InitHooks(&hooks);

	DefineCustomIntVariable("vatsim_ingest.max_feed_bytes",
							"Largest feed document accepted.",
							"A larger document is refused whole, before it is parsed.",
							&vi_max_feed_bytes,
							64 * 1024 * 1024,
							1024,
							MaxAllocSize / 2,
							PGC_SUSET,
							GUC_UNIT_BYTE,
							NULL, NULL, NULL);

	DefineCustomIntVariable("vatsim_ingest.reconnect_grace",
							"How long a vanished pilot may reconnect and continue the same flight.",
							"A pilot (same cid and callsign) that reappears with a new logon "
							"time continues its flight when departure and arrival are "
							"unchanged and it was last seen less than this long ago.",
							&vi_reconnect_grace,
							600,
							0,
							7 * 24 * 3600,
							PGC_SUSET,
							GUC_UNIT_S,
							NULL, NULL, NULL);

	DefineCustomIntVariable("vatsim_ingest.controller_reconnect_grace",
							"How long after a controller was last seen a reconnect continues the same session.",
							"A controller (same cid and callsign) whose new connection logged on "
							"at most this long after the session was last seen continues it; "
							"a session absent longer than this is closed.",
							&vi_controller_reconnect_grace,
							300,
							0,
							7 * 24 * 3600,
							PGC_SUSET,
							GUC_UNIT_S,
							NULL, NULL, NULL);

	/*
	 * Feed documents are stamped by VATSIM's servers a few seconds before
	 * they are fetched, so with clocks kept by NTP a real one is never ahead
	 * of now().  The margin only absorbs a badly set clock; it is also the
	 * longest a bad document that slips under it can hold ingestion off
	 * (every later real snapshot is older until the clock passes it).
	 */
	DefineCustomIntVariable("vatsim_ingest.max_future",
							"How far after the current time a document's update_timestamp may be.",
							"A document dated later is refused, so that it cannot stop every later snapshot as older.",
							&vi_max_future_s,
							300,
							0,
							7 * 24 * 3600,
							PGC_SUSET,
							GUC_UNIT_S,
							NULL, NULL, NULL);

	define_worker_settings();
	define_sector_settings();
	vi_sectors_init();
	vi_contacts_init();
	vi_packing_define_settings();

	if (process_shared_preload_libraries_in_progress)
	{
		DefineCustomStringVariable("vatsim_ingest.database",
								   "Database the background worker connects to.",
								   "The extension must be created there.",
								   &vi_database, "postgres",
								   PGC_POSTMASTER, 0, NULL, NULL, NULL);
		prev_shmem_request_hook = shmem_request_hook;
		shmem_request_hook = vi_shmem_request;
		prev_shmem_startup_hook = shmem_startup_hook;
		shmem_startup_hook = vi_shmem_startup;
		vatsim_worker_register();
	}

	MarkGUCPrefixReserved("vatsim_ingest");
}
