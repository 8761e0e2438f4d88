/*
 * vatsim_ingest.c
 *		Module entry point: settings (GUCs) and process-wide set-up.
 *
 * The library works without shared_preload_libraries: every SQL function
 * loads it on first use.  Settings are defined on load either way, and the
 * vatsim_ingest.* prefix is reserved so a misspelt setting is reported.
 */
#include "postgres.h"

#include <cjson/cJSON.h>

#include "fmgr.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "vatsim_ingest.h"

PG_MODULE_MAGIC;

int			vi_max_feed_bytes = 64 * 1024 * 1024;
int			vi_reconnect_grace = 600;

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

	MarkGUCPrefixReserved("vatsim_ingest");
}
