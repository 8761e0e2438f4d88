/*
 * contacts_settings.c
 *		vatsim_ingest.ignored_frequencies: frequencies (MHz) on which no
 *		contact is ever made, besides 122.800 and 199.998 (the replaced
 *		system's EXCLUDED_FREQUENCIES_MHZ filter; empty, the default, is off).
 *
 * The check hook parses the list once, into an array of Hz kept as the
 * setting's "extra", so the contacts step reads numbers, not text.
 */
#include "postgres.h"

#include <math.h>

#include "utils/guc.h"
#include "utils/varlena.h"

#include "contacts.h"

/* Airband voice frequencies: the only ones a controller can work on */
#define IGNORED_MIN_MHZ 108.0
#define IGNORED_MAX_MHZ 137.0

typedef struct IgnoredList
{
	int			n;
	int64		hz[FLEXIBLE_ARRAY_MEMBER];
} IgnoredList;

static char *ignored_frequencies;
const int64 *vi_ignored_hz = NULL;
int			vi_n_ignored_hz = 0;

static bool
check_ignored_frequencies(char **newval, void **extra, GucSource source)
{
	char	   *raw = pstrdup(*newval ? *newval : "");
	List	   *elems;
	ListCell   *lc;
	IgnoredList *list;

	if (!SplitGUCList(raw, ',', &elems))
	{
		GUC_check_errdetail("List syntax is invalid.");
		GUC_check_errhint("List frequencies in MHz separated by commas, e.g. '121.500, 123.450'.");
		return false;
	}
	/* extra is free()d by the GUC machinery: malloc, as PostgreSQL 15 asks */
	list = malloc(offsetof(IgnoredList, hz) +
				  sizeof(int64) * Max(list_length(elems), 1));
	if (list == NULL)
	{
		GUC_check_errcode(ERRCODE_OUT_OF_MEMORY);
		return false;
	}
	list->n = 0;
	foreach(lc, elems)
	{
		const char *s = lfirst(lc);
		char	   *end;
		double		mhz = strtod(s, &end);

		if (end == s || *end != '\0' ||
			!(mhz >= IGNORED_MIN_MHZ && mhz <= IGNORED_MAX_MHZ))
		{
			GUC_check_errdetail("\"%s\" is not a frequency in MHz between 108 and 137.", s);
			GUC_check_errhint("List frequencies in MHz separated by commas, e.g. '121.500, 123.450'.");
			free(list);
			return false;
		}
		list->hz[list->n++] = (int64) llround(mhz * 1e6);
	}
	*extra = list;
	return true;
}

static void
assign_ignored_frequencies(const char *newval, void *extra)
{
	const IgnoredList *list = extra;

	vi_ignored_hz = list->hz;
	vi_n_ignored_hz = list->n;
}

void
vi_contacts_init(void)
{
	DefineCustomStringVariable("vatsim_ingest.ignored_frequencies",
							   "Comma-separated frequencies (MHz) on which no ATC contact is made; empty ignores none.",
							   "Besides 122.800 and 199.998, which never match.  A transceiver within 5 kHz of one of them matches nothing.",
							   &ignored_frequencies, "", PGC_SUSET, GUC_LIST_INPUT,
							   check_ignored_frequencies, assign_ignored_frequencies, NULL);
}
