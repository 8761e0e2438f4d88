/*-------------------------------------------------------------------------
 *
 * transceivers_parse.c
 *		One VATSIM v3 transceivers document (bytes) into a
 *		TransceiversDocument: one row per (station callsign, transceiver
 *		id), see transceivers.h and docs/feed-format.md B.11.
 *
 * The document checks (size limit, empty input, UTF-8, NUL bytes, depth,
 * JSON syntax, trailing data) are feed_json.c's (feed_parse_start, asked
 * for a top-level array), so both feeds refuse the same bytes with the
 * same messages; so are the helpers that word the rejection reasons.  A
 * callsign holding a \u0000 or unpaired surrogate escape rejects its
 * station, as a string of the data feed rejects its record.  Each
 * station and each transceiver is mapped with per-record rejection, as in
 * the data feed: a bad record is skipped and counted in doc->rejects, the
 * document goes on.
 *
 * Duplicates: within a station a repeated transceiver id keeps the later
 * transceiver; a repeated station callsign keeps the later station (with
 * its transceivers).  The rows stay in document order.  Reasons are kept
 * in this order: per station, its rejected transceivers, then its
 * duplicate ids; after all stations, the duplicate stations.
 *
 * Pure C11 + cJSON, no Postgres headers.  Every allocation goes through
 * cJSON (the parser, or cJSON_malloc), i.e. through whatever
 * cJSON_InitHooks() installed: the rows are one block, and one scratch
 * block (freed before returning) serves the duplicate checks.
 *
 *-------------------------------------------------------------------------
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json_util.h"
#include "transceivers.h"

/* Duplicate callsigns are quoted whole (feed_quote_text, never cut). */
_Static_assert(FEED_CALLSIGN_MAX <= FEED_QUOTE_MAX,
			   "a callsign fits a quote");

/* Members of a transceiver, in feed order. */
enum
{
	TK_ID,
	TK_FREQUENCY,
	TK_LAT,
	TK_LON,
	TK_MSL,
	TK_AGL,
	TK_N
};

static const char *const trx_keys[TK_N] = {
	"id", "frequency", "latDeg", "lonDeg", "heightMslM", "heightAglM"
};

/* One kept station while mapping: its rows are rows[first .. first+n). */
typedef struct Station
{
	const char *callsign;
	int			index;			/* position in the top-level array */
	int			first;
	int			n;
	int			dup_of;			/* -1, or index of the station kept instead */
} Station;

/* Sort entries: stations by callsign, transceivers by id; ties by slot. */
typedef struct StationKey
{
	const char *callsign;
	int			slot;
} StationKey;

typedef struct IdKey
{
	int32_t		id;
	int			slot;
} IdKey;

/* Scratch for one parse: sized by counting before mapping. */
typedef struct Scratch
{
	Station    *stations;		/* n_elements */
	StationKey *skeys;			/* n_elements */
	IdKey	   *ikeys;			/* max_per_station */
	int		   *trx_index;		/* max_per_station: position in its array */
	int		   *trx_dup_of;		/* max_per_station: -1 or kept position */
} Scratch;


/* ------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------
 */

static bool reject(FeedRejects *r, int station, int trx, const char *key,
				   const char *fmt,...)
			__attribute__((format(printf, 5, 6)));

/*
 * Count one rejected record and keep its reason if there is room (see
 * feed_reject_va).  The path is [station][.transceivers[trx]][.key]; trx < 0
 * or key NULL leave that part out.  Always returns false.
 */
static bool
reject(FeedRejects *r, int station, int trx, const char *key,
	   const char *fmt,...)
{
	char		path[FEED_REASON_LEN];
	size_t		n;
	va_list		ap;

	if (trx >= 0)
		n = (size_t) snprintf(path, sizeof(path), "[%d].transceivers[%d]",
							  station, trx);
	else
		n = (size_t) snprintf(path, sizeof(path), "[%d]", station);
	if (n < sizeof(path))
		snprintf(path + n, sizeof(path) - n, "%s%s",
				 key ? "." : "", key ? key : "");
	va_start(ap, fmt);
	feed_reject_va(r, path, fmt, ap);
	va_end(ap);
	return false;
}

/*
 * A required integer member v (NULL when absent): false (the transceiver
 * counted) when it is missing, null or not a number.
 */
static bool
required_number(FeedRejects *r, int station, int trx, const char *key,
				const cJSON *v)
{
	if (v == NULL)
		return reject(r, station, trx, key, "missing");
	if (J_IS_NULL(v))
		return reject(r, station, trx, key, "null");
	if (!J_IS_NUMBER(v))
		return reject(r, station, trx, key, "not an integer (%s)",
					  feed_json_type_name(v));
	return true;
}


/* ------------------------------------------------------------------------
 * Records
 * ------------------------------------------------------------------------
 */

/* An optional double member v (NULL when absent) into *out; NaN if null. */
static bool
map_double(FeedRejects *r, int station, int trx, int k, const cJSON *v,
		   double limit, double *out)
{
	double		d;

	if (v == NULL || J_IS_NULL(v))
	{
		*out = NAN;
		return true;
	}
	if (!J_IS_NUMBER(v))
		return reject(r, station, trx, trx_keys[k], "not a number (%s)",
					  feed_json_type_name(v));
	d = v->valuedouble;
	if (!isfinite(d))
		return reject(r, station, trx, trx_keys[k],
					  "%g is not a finite number", d);
	if (limit > 0 && (d < -limit || d > limit))
		return reject(r, station, trx, trx_keys[k],
					  "%.15g is outside %.0f..%.0f", d, -limit, limit);
	*out = d;
	return true;
}

/*
 * Map transceiver el (position trx of station) into *row; false (and the
 * transceiver counted) when it is bad.
 */
static bool
map_transceiver(FeedRejects *r, int station, int trx, const cJSON *el,
				FeedTransceiver *row)
{
	const cJSON *v[TK_N] = {NULL};
	const cJSON *m;
	double		d;
	int			k;

	if (!J_IS_OBJECT(el))
		return reject(r, station, trx, NULL, "not an object (%s)",
					  feed_json_type_name(el));
	/* the last occurrence of a key wins */
	for (m = el->child; m != NULL; m = m->next)
	{
		if (m->string == NULL)
			continue;
		for (k = 0; k < TK_N; k++)
		{
			if (strcmp(m->string, trx_keys[k]) == 0)
			{
				v[k] = m;
				break;
			}
		}
	}

	/* id: required, any int32 */
	if (!required_number(r, station, trx, "id", v[TK_ID]))
		return false;
	d = v[TK_ID]->valuedouble;
	switch (feed_check_int32(d))
	{
		case FEED_INT32_NOT_INTEGER:
			return reject(r, station, trx, "id", "%.15g is not an integer", d);
		case FEED_INT32_OUT_OF_RANGE:
			return reject(r, station, trx, "id", "%.15g does not fit int32", d);
		case FEED_INT32_OK:
			break;
	}
	row->id = (int32_t) d;

	/* frequency: required, integral Hz, 0..TRANSCEIVER_FREQUENCY_MAX */
	if (!required_number(r, station, trx, "frequency", v[TK_FREQUENCY]))
		return false;
	d = v[TK_FREQUENCY]->valuedouble;
	if (!feed_is_integer(d))
		return reject(r, station, trx, "frequency", "%.15g is not an integer",
					  d);
	if (d < 0 || d > (double) TRANSCEIVER_FREQUENCY_MAX)
		return reject(r, station, trx, "frequency",
					  "%.15g is outside 0..%lld", d,
					  (long long) TRANSCEIVER_FREQUENCY_MAX);
	row->frequency_hz = (int64_t) d;

	/* position: optional (NaN), finite, latitude/longitude in range */
	return map_double(r, station, trx, TK_LAT, v[TK_LAT], 90.0,
					  &row->latitude) &&
		map_double(r, station, trx, TK_LON, v[TK_LON], 180.0,
				   &row->longitude) &&
		map_double(r, station, trx, TK_MSL, v[TK_MSL], 0,
				   &row->height_msl_m) &&
		map_double(r, station, trx, TK_AGL, v[TK_AGL], 0,
				   &row->height_agl_m);
}

static int
cmp_id(const void *a, const void *b)
{
	const IdKey *x = a;
	const IdKey *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->slot > y->slot) - (x->slot < y->slot);
}

/*
 * Of the n rows just mapped for station (rows[0..n), positions in their
 * array trx_index[]), keep the later of each repeated id and count the
 * others.  Returns the number of rows kept, moved together in order.
 */
static int
dedup_ids(FeedRejects *r, int station, FeedTransceiver *rows, int n,
		  Scratch *s)
{
	int			a;
	int			b;
	int			i;
	int			out;
	bool		any = false;

	for (i = 0; i < n; i++)
	{
		s->ikeys[i].id = rows[i].id;
		s->ikeys[i].slot = i;
		s->trx_dup_of[i] = -1;
	}
	qsort(s->ikeys, (size_t) n, sizeof(IdKey), cmp_id);
	for (a = 0; a < n; a = b)
	{
		for (b = a + 1; b < n && s->ikeys[b].id == s->ikeys[a].id; b++)
			;
		if (b - a < 2)
			continue;
		any = true;
		/* ties are sorted by slot: the last one is the latest */
		for (i = a; i < b - 1; i++)
			s->trx_dup_of[s->ikeys[i].slot] =
				s->trx_index[s->ikeys[b - 1].slot];
	}
	if (!any)
		return n;

	out = 0;
	for (i = 0; i < n; i++)
	{
		if (s->trx_dup_of[i] >= 0)
		{
			reject(r, station, s->trx_index[i], "id",
				   "%d duplicate of [%d].transceivers[%d], kept the later one",
				   (int) rows[i].id, station, s->trx_dup_of[i]);
			continue;
		}
		if (out != i)
			rows[out] = rows[i];
		out++;
	}
	return out;
}

/*
 * Map station el (position index) and its transceivers into rows[], which
 * has room for all of them.  Returns false (the station counted) when the
 * station itself is bad; else fills *st (its rows: st->first .. + st->n).
 */
static bool
map_station(FeedRejects *r, bool marked, int index, const cJSON *el,
			FeedTransceiver *rows, Scratch *s, Station *st)
{
	const cJSON *cs = NULL;
	const cJSON *list = NULL;
	const cJSON *m;
	size_t		len;
	int			n = 0;
	int			j;

	if (!J_IS_OBJECT(el))
		return reject(r, index, -1, NULL, "not an object (%s)",
					  feed_json_type_name(el));
	for (m = el->child; m != NULL; m = m->next)
	{
		if (m->string == NULL)
			continue;
		if (strcmp(m->string, "callsign") == 0)
			cs = m;
		else if (strcmp(m->string, "transceivers") == 0)
			list = m;
	}

	if (cs == NULL)
		return reject(r, index, -1, "callsign", "missing");
	if (J_IS_NULL(cs))
		return reject(r, index, -1, "callsign", "null");
	if (!J_IS_STRING(cs))
		return reject(r, index, -1, "callsign", "not a string (%s)",
					  feed_json_type_name(cs));
	if (cs->valuestring[0] == '\0')
		return reject(r, index, -1, "callsign", "empty");
	if (marked && feed_has_mark(cs->valuestring))
		return reject(r, index, -1, "callsign",
					  "contains \\u0000 or an unpaired UTF-16 surrogate");
	len = strlen(cs->valuestring);
	if (len > FEED_CALLSIGN_MAX)
		return reject(r, index, -1, "callsign", "%zu bytes, longer than %d",
					  len, FEED_CALLSIGN_MAX);
	/* missing or null: a station without transceivers */
	if (list != NULL && !J_IS_NULL(list) && !J_IS_ARRAY(list))
		return reject(r, index, -1, "transceivers", "not an array (%s)",
					  feed_json_type_name(list));

	if (list != NULL && J_IS_ARRAY(list))
	{
		for (m = list->child, j = 0; m != NULL; m = m->next, j++)
		{
			if (!map_transceiver(r, index, j, m, &rows[n]))
				continue;
			rows[n].callsign = cs->valuestring;
			s->trx_index[n] = j;
			n++;
		}
		if (n > 1)
			n = dedup_ids(r, index, rows, n, s);
	}
	st->callsign = cs->valuestring;
	st->index = index;
	st->n = n;
	st->dup_of = -1;
	return true;
}

static int
cmp_station(const void *a, const void *b)
{
	const StationKey *x = a;
	const StationKey *y = b;
	int			c = strcmp(x->callsign, y->callsign);

	if (c != 0)
		return c;
	return (x->slot > y->slot) - (x->slot < y->slot);
}

/*
 * Of the n kept stations, keep the later of each repeated callsign and
 * count the others; then move the rows of the survivors together.  Sets
 * doc->n_stations and doc->n_rows.
 */
static void
dedup_stations(TransceiversDocument *doc, Scratch *s, int n)
{
	Station    *st = s->stations;
	int			a;
	int			b;
	int			i;
	int			out_rows = 0;
	int			out_st = 0;

	for (i = 0; i < n; i++)
	{
		s->skeys[i].callsign = st[i].callsign;
		s->skeys[i].slot = i;
	}
	if (n > 1)
		qsort(s->skeys, (size_t) n, sizeof(StationKey), cmp_station);
	for (a = 0; a < n; a = b)
	{
		for (b = a + 1; b < n &&
			 strcmp(s->skeys[b].callsign, s->skeys[a].callsign) == 0; b++)
			;
		for (i = a; i < b - 1; i++)
			st[s->skeys[i].slot].dup_of = st[s->skeys[b - 1].slot].index;
	}

	for (i = 0; i < n; i++)
	{
		if (st[i].dup_of >= 0)
		{
			/* never cut: a callsign has at most FEED_CALLSIGN_MAX bytes */
			char		q[FEED_QUOTE_BUF];

			reject(&doc->rejects, st[i].index, -1, "callsign",
				   "\"%s\" duplicate of [%d], kept the later one",
				   feed_quote_text(st[i].callsign, q), st[i].dup_of);
			continue;
		}
		if (out_rows != st[i].first && st[i].n > 0)
			memmove(&doc->rows[out_rows], &doc->rows[st[i].first],
					(size_t) st[i].n * sizeof(FeedTransceiver));
		out_rows += st[i].n;
		out_st++;
	}
	doc->n_stations = out_st;
	doc->n_rows = out_rows;
}


/* ------------------------------------------------------------------------
 * Public functions
 * ------------------------------------------------------------------------
 */

/*
 * The stations of root, and the transceivers in every "transceivers" array
 * (each occurrence of the key: an upper bound), for the sizes; *max_per:
 * the most in one array.
 */
static void
count_elements(const cJSON *root, size_t *n_el, size_t *n_trx,
			   size_t *max_per)
{
	const cJSON *el;
	const cJSON *m;
	const cJSON *t;

	*n_el = *n_trx = *max_per = 0;
	for (el = root->child; el != NULL; el = el->next)
	{
		(*n_el)++;
		if (!J_IS_OBJECT(el))
			continue;
		for (m = el->child; m != NULL; m = m->next)
		{
			size_t		per = 0;

			if (m->string == NULL || !J_IS_ARRAY(m) ||
				strcmp(m->string, "transceivers") != 0)
				continue;
			for (t = m->child; t != NULL; t = t->next)
				per++;
			*n_trx += per;
			if (per > *max_per)
				*max_per = per;
		}
	}
}

/*
 * One block for the scratch arrays of s: Station[n_el], StationKey[n_el],
 * IdKey[max_per], int[2 * max_per].  Returns the block (NULL: no memory).
 */
static char *
alloc_scratch(Scratch *s, size_t n_el, size_t max_per)
{
	char	   *scratch;

	scratch = cJSON_malloc(n_el * (sizeof(Station) + sizeof(StationKey)) +
						   max_per * (sizeof(IdKey) + 2 * sizeof(int)));
	if (scratch == NULL)
		return NULL;
	s->stations = (Station *) scratch;
	s->skeys = (StationKey *) (s->stations + n_el);
	s->ikeys = (IdKey *) (s->skeys + n_el);
	s->trx_index = (int *) (s->ikeys + max_per);
	s->trx_dup_of = s->trx_index + max_per;
	return scratch;
}

bool
transceivers_parse(const char *text, size_t len, size_t max_bytes,
				   TransceiversDocument *doc, FeedError *err)
{
	FeedError	dummy;
	cJSON	   *root;
	const cJSON *el;
	size_t		n_el;
	size_t		n_trx;
	size_t		max_per;
	char	   *scratch = NULL;
	Scratch		s;
	bool		marked;
	int			kept = 0;
	int			n_rows = 0;
	int			idx;

	err = err != NULL ? err : &dummy;
	root = feed_parse_start(text, len, max_bytes, true, doc, sizeof(*doc),
							&marked, err);
	if (root == NULL)
		return false;
	doc->json = root;

	count_elements(root, &n_el, &n_trx, &max_per);
	if (n_el == 0)
		return true;
	if (n_el > INT_MAX || n_trx > INT_MAX)
	{
		feed_error(err, FEED_ERR_TOO_LARGE, "", 0,
				   "document has too many elements (%zu stations, %zu transceivers)",
				   n_el, n_trx);
		goto fail;
	}

	if (n_trx > 0)
	{
		doc->rows = cJSON_malloc(n_trx * sizeof(FeedTransceiver));
		if (doc->rows == NULL)
			goto nomem;
	}
	scratch = alloc_scratch(&s, n_el, max_per);
	if (scratch == NULL)
		goto nomem;

	for (el = root->child, idx = 0; el != NULL; el = el->next, idx++)
	{
		Station    *st = &s.stations[kept];

		/* rows is NULL when there is no transceiver at all */
		if (!map_station(&doc->rejects, marked, idx, el,
						 doc->rows ? doc->rows + n_rows : NULL, &s, st))
			continue;
		st->first = n_rows;
		n_rows += st->n;
		kept++;
	}
	dedup_stations(doc, &s, kept);
	cJSON_free(scratch);
	if (doc->n_rows == 0 && doc->rows != NULL)
	{
		cJSON_free(doc->rows);
		doc->rows = NULL;
	}
	return true;

nomem:
	feed_error(err, FEED_ERR_NO_MEMORY, "", 0,
			   "out of memory mapping %zu stations, %zu transceivers",
			   n_el, n_trx);
fail:
	if (scratch != NULL)
		cJSON_free(scratch);
	transceivers_free(doc);
	return false;
}

void
transceivers_free(TransceiversDocument *doc)
{
	if (doc == NULL)
		return;
	/* cJSON_free(NULL) would reach pfree(NULL) under palloc hooks */
	if (doc->rows != NULL)
		cJSON_free(doc->rows);
	if (doc->json != NULL)
		cJSON_Delete((cJSON *) doc->json);
	memset(doc, 0, sizeof(*doc));
}
