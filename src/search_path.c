/*
 * search_path.c
 *		Pinning search_path for C code that runs SQL without going through a
 *		function with a SET search_path clause: the background worker (for
 *		its whole life), the ingest path (whoever calls it) and the
 *		rebuild of the sector index (sectors_at has no SET clause).
 *
 * Every statement of the extension names its tables and functions with
 * their schema and its operators with OPERATOR(pg_catalog.x), but a few
 * constructs cannot be qualified: IS [NOT] DISTINCT FROM (also on rows),
 * IN (...), CASE x WHEN.  They resolve "=" through search_path, where an
 * exact-type operator in a schema ahead of pg_catalog (say
 * public.=(text[], text[]), against pg_catalog's anyarray = anyarray) would
 * win.  Under the pinned path pg_catalog is searched first and no other
 * schema at all, so they are safe.  Kept plans are re-analysed when the path
 * differs from the one they were planned under, so the pin must hold
 * whenever they run, not only when they were prepared.
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/guc.h"

#include "search_path.h"

void
vi_pin_search_path_for_process(void)
{
	/* PGC_S_OVERRIDE: neither postgresql.conf (SIGHUP) nor ALTER ... SET win */
	SetConfigOption("search_path", VI_PINNED_SEARCH_PATH, PGC_SUSET,
					PGC_S_OVERRIDE);
}

int
vi_pin_search_path(void)
{
	int			level = NewGUCNestLevel();

	/* as a function's SET clause does it (fmgr_security_definer) */
	(void) set_config_option("search_path", VI_PINNED_SEARCH_PATH,
							 superuser() ? PGC_SUSET : PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	return level;
}

void
vi_unpin_search_path(int level)
{
	AtEOXact_GUC(true, level);
}
