/*
 * columns.c
 *		Column buffers turned into array parameters, and the generic
 *		upsert / delete-absent statements of current-state tables.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "columns.h"

/* Offset between the Unix epoch and PostgreSQL's 2000-01-01 epoch. */
#define UNIX_TO_PG_USECS \
	((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY)

void
vi_col_init(ColumnBuf *c, ColType type, int cap)
{
	c->type = type;
	c->n = 0;
	c->cap = Max(cap, 1);
	c->values = palloc(sizeof(Datum) * c->cap);
	c->nulls = palloc(sizeof(bool) * c->cap);
	c->hasnull = false;
	c->tdata = NULL;
	c->tlen = 0;
	c->tcap = 0;
	if (type == COL_TEXT)
	{
		c->tcap = (Size) c->cap * 16;
		c->tdata = palloc(c->tcap);
	}
}

static inline void
col_push(ColumnBuf *c, Datum value, bool isnull)
{
	if (c->n >= c->cap)
	{
		c->cap *= 2;
		c->values = repalloc(c->values, sizeof(Datum) * c->cap);
		c->nulls = repalloc(c->nulls, sizeof(bool) * c->cap);
	}
	c->values[c->n] = value;
	c->nulls[c->n] = isnull;
	c->hasnull |= isnull;
	c->n++;
}

/*
 * Feed strings are UTF-8 (the parser checked), and ingest runs only in a
 * UTF8 database (ingest.c), so they are stored as they are: appended to the
 * column's array data area as a text element.
 */
void
vi_col_text(ColumnBuf *c, const char *s)
{
	Size		len;
	Size		start;

	Assert(c->type == COL_TEXT);	/* only text columns have a data area */
	if (s == NULL)
	{
		col_push(c, (Datum) 0, true);
		return;
	}
	len = strlen(s);
	if (len > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				errmsg("feed string of %zu bytes is too long", len));
	start = INTALIGN(c->tlen);
	if (start + VARHDRSZ + len > c->tcap)
	{
		c->tcap = Max(c->tcap * 2, start + VARHDRSZ + len);
		c->tdata = repalloc_huge(c->tdata, c->tcap);
	}
	memset(c->tdata + c->tlen, 0, start - c->tlen);
	SET_VARSIZE(c->tdata + start, VARHDRSZ + len);
	memcpy(c->tdata + start + VARHDRSZ, s, len);
	c->tlen = start + VARHDRSZ + len;
	col_push(c, (Datum) 0, false);
}

void
vi_col_int(ColumnBuf *c, FeedInt v)
{
	if (v == FEED_NULL_INT)
		col_push(c, (Datum) 0, true);
	else
		col_push(c, Int32GetDatum((int32) v), false);
}

void
vi_col_int8(ColumnBuf *c, int64 v)
{
	col_push(c, Int64GetDatum(v), false);
}

void
vi_col_null(ColumnBuf *c)
{
	col_push(c, (Datum) 0, true);
}

void
vi_col_float(ColumnBuf *c, double v)
{
	if (isnan(v))
		col_push(c, (Datum) 0, true);
	else
		col_push(c, Float8GetDatum(v), false);
}

TimestampTz
feed_time_to_timestamptz(FeedTime t)
{
	return (TimestampTz) (t - UNIX_TO_PG_USECS);
}

void
vi_col_time(ColumnBuf *c, FeedTime t)
{
	if (t == FEED_NULL_TIME)
		col_push(c, (Datum) 0, true);
	else
		col_push(c, TimestampTzGetDatum(feed_time_to_timestamptz(t)), false);
}

void
vi_col_tstz(ColumnBuf *c, TimestampTz t)
{
	col_push(c, TimestampTzGetDatum(t), false);
}

void
vi_col_bool(ColumnBuf *c, int v)
{
	if (v < 0)
		col_push(c, (Datum) 0, true);
	else
		col_push(c, BoolGetDatum(v != 0), false);
}

/*
 * A list of lines travels as the text of an array literal ({"a","b"}) and is
 * cast back to text[] by the statement: arrays of arrays of different
 * lengths cannot be unnested, and the literal round-trips exactly.
 */
void
vi_col_text_lines(ColumnBuf *c, const char **lines, int n)
{
	StringInfoData buf;
	int			i;

	if (n < 0)
	{
		col_push(c, (Datum) 0, true);
		return;
	}
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (i = 0; i < n; i++)
	{
		const char *p;

		if (i > 0)
			appendStringInfoChar(&buf, ',');
		appendStringInfoChar(&buf, '"');
		for (p = lines[i]; *p; p++)
		{
			if (*p == '"' || *p == '\\')
				appendStringInfoChar(&buf, '\\');
			appendStringInfoChar(&buf, *p);
		}
		appendStringInfoChar(&buf, '"');
	}
	appendStringInfoChar(&buf, '}');
	vi_col_text(c, buf.data);
	pfree(buf.data);
}

void
vi_col_plan(ColumnBuf *cols, const FeedPlan *plan, bool has_plan)
{
	int			f;

	for (f = 0; f < FP_NFIELDS; f++)
		vi_col_text(&cols[f], has_plan ? plan->field[f] : NULL);
	vi_col_int(&cols[FP_NFIELDS], has_plan ? plan->revision_id : FEED_NULL_INT);
}

typedef struct ColTypeInfo
{
	Oid			elem;
	Oid			array;
	int16		typlen;
	bool		byval;
	char		align;
	const char *sql;
} ColTypeInfo;

static const ColTypeInfo col_types[] = {
	[COL_TEXT] = {TEXTOID, TEXTARRAYOID, -1, false, TYPALIGN_INT, "pg_catalog.text[]"},
	[COL_INT4] = {INT4OID, INT4ARRAYOID, 4, true, TYPALIGN_INT, "pg_catalog.int4[]"},
	[COL_INT8] = {INT8OID, INT8ARRAYOID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, "pg_catalog.int8[]"},
	[COL_FLOAT8] = {FLOAT8OID, FLOAT8ARRAYOID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, "pg_catalog.float8[]"},
	[COL_TSTZ] = {TIMESTAMPTZOID, TIMESTAMPTZARRAYOID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, "pg_catalog.timestamptz[]"},
	[COL_BOOL] = {BOOLOID, BOOLARRAYOID, 1, true, TYPALIGN_CHAR, "pg_catalog.bool[]"},
};

/* A text column's one-dimensional array, from its ready data area. */
static ArrayType *
text_array(const ColumnBuf *c)
{
	Size		overhead;
	Size		nbytes;
	ArrayType  *a;

	if (c->hasnull)
		overhead = ARR_OVERHEAD_WITHNULLS(1, c->n);
	else
		overhead = ARR_OVERHEAD_NONULLS(1);
	nbytes = overhead + c->tlen;

	if (!AllocSizeIsValid(nbytes))
		ereport(ERROR,
				errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				errmsg("array size exceeds the maximum allowed (%d)", (int) MaxAllocSize));
	a = palloc0(nbytes);
	SET_VARSIZE(a, nbytes);
	a->ndim = 1;
	a->dataoffset = c->hasnull ? (int32) overhead : 0;
	a->elemtype = TEXTOID;
	ARR_DIMS(a)[0] = c->n;
	ARR_LBOUND(a)[0] = 1;
	if (c->hasnull)
	{
		bits8	   *bitmap = ARR_NULLBITMAP(a);
		int			i;

		/* palloc0: every bit starts as null; set the present ones */
		for (i = 0; i < c->n; i++)
			if (!c->nulls[i])
				bitmap[i / 8] |= (bits8) (1 << (i % 8));
	}
	memcpy((char *) a + overhead, c->tdata, c->tlen);	/* ARR_DATA_PTR */
	return a;
}

Datum
vi_col_array(const ColumnBuf *c)
{
	const ColTypeInfo *t = &col_types[c->type];
	int			dims[1] = {c->n};
	int			lbs[1] = {1};

	if (c->n == 0)
		return PointerGetDatum(construct_empty_array(t->elem));
	if (c->type == COL_TEXT)
		return PointerGetDatum(text_array(c));
	return PointerGetDatum(construct_md_array(c->values, c->nulls, 1, dims, lbs,
											  t->elem, t->typlen, t->byval,
											  t->align));
}

Oid
vi_col_array_type(ColType type)
{
	return col_types[type].array;
}

const char *
vi_col_sql_type(ColType type)
{
	return col_types[type].sql;
}

/*
 * The set-returning calls go in a select list, not in ROWS FROM: a FROM
 * clause materialises every function's result in a tuplestore first
 * (about 4 ms for 21 arrays of 1,900 elements), while ProjectSet steps the
 * arrays in lockstep (0.7 ms).  Arrays of different lengths are padded with
 * NULLs either way; ours never differ.
 */
void
vi_append_unnest_rows(StringInfo sql, const TableColumn *cols, int n,
					  int first_param, const char *alias, Oid *argtypes)
{
	int			i;

	appendStringInfoString(sql, "(SELECT ");
	for (i = 0; i < n; i++)
	{
		appendStringInfo(sql, "%spg_catalog.unnest($%d::%s) AS %s", i ? ", " : "",
						 first_param + i, vi_col_sql_type(cols[i].type), cols[i].name);
		argtypes[i] = vi_col_array_type(cols[i].type);
	}
	appendStringInfo(sql, ") AS %s", alias);
}

SPIPlanPtr
vi_store_prepare(SPIPlanPtr *cache, const char *sql, int nargs,
			  const Oid *argtypes)
{
	SPIPlanPtr	plan;

	if (*cache != NULL)
		return *cache;
	plan = SPI_prepare(sql, nargs, (Oid *) argtypes);
	if (plan == NULL)
		elog(ERROR, "could not prepare statement: %s",
			 SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "could not keep prepared statement");
	*cache = plan;
	return plan;
}

void
vi_store_execute(SPIPlanPtr plan, const Datum *values, int expected)
{
	int			rc = SPI_execute_plan(plan, (Datum *) values, NULL, false, 0);

	if (rc != expected)
		elog(ERROR, "statement failed: %s",
			 SPI_result_code_string(rc));
}

/*
 * INSERT INTO t AS t (c...) SELECT u.c... FROM (SELECT unnest($1::type[]) AS c, ...) u
 * ON CONFLICT (key) DO UPDATE SET c = EXCLUDED.c ...
 * WHERE (t.c...) IS DISTINCT FROM (EXCLUDED.c...)
 *
 * IS DISTINCT FROM cannot name its operator: it resolves "=" for each
 * column through search_path, so it is safe only because every caller runs
 * it under the pinned path (search_path.c; vi_ingest_document pins it).
 */
static int
table_nkeys(const TableSpec *spec)
{
	return spec->nkeys > 0 ? spec->nkeys : 1;
}

void
vi_table_upsert(TableSpec *spec, const ColumnBuf *cols)
{
	Datum	   *values;
	int			i;

	if (spec->upsert_plan == NULL)
	{
		StringInfoData sql;
		Oid		   *argtypes = palloc(sizeof(Oid) * spec->ncolumns);
		const TableColumn *col = spec->columns;
		int			n = spec->ncolumns;
		int			k = table_nkeys(spec);

		initStringInfo(&sql);
		appendStringInfo(&sql, "INSERT INTO %s AS t (", spec->table);
		for (i = 0; i < n; i++)
			appendStringInfo(&sql, "%s%s", i ? ", " : "", col[i].name);
		appendStringInfoString(&sql, ") SELECT ");
		for (i = 0; i < n; i++)
		{
			appendStringInfo(&sql, "%su.%s", i ? ", " : "", col[i].name);
			if (col[i].cast)
				appendStringInfo(&sql, "::%s", col[i].cast);
		}
		appendStringInfoString(&sql, " FROM ");
		vi_append_unnest_rows(&sql, col, n, 1, "u", argtypes);
		appendStringInfoString(&sql, " ON CONFLICT (");
		for (i = 0; i < k; i++)
			appendStringInfo(&sql, "%s%s", i ? ", " : "", col[i].name);
		appendStringInfoString(&sql, ") DO UPDATE SET ");
		for (i = k; i < n; i++)
			appendStringInfo(&sql, "%s%s = EXCLUDED.%s", i > k ? ", " : "",
							 col[i].name, col[i].name);
		appendStringInfoString(&sql, " WHERE (");
		for (i = k; i < n; i++)
			appendStringInfo(&sql, "%st.%s", i > k ? ", " : "", col[i].name);
		appendStringInfoString(&sql, ") IS DISTINCT FROM (");
		for (i = k; i < n; i++)
			appendStringInfo(&sql, "%sEXCLUDED.%s", i > k ? ", " : "", col[i].name);
		appendStringInfoChar(&sql, ')');

		vi_store_prepare(&spec->upsert_plan, sql.data, n, argtypes);
		pfree(sql.data);
		pfree(argtypes);
	}

	values = palloc(sizeof(Datum) * spec->ncolumns);
	for (i = 0; i < spec->ncolumns; i++)
		values[i] = vi_col_array(&cols[i]);
	vi_store_execute(spec->upsert_plan, values, SPI_OK_INSERT);
	pfree(values);
}

/*
 * DELETE FROM t WHERE NOT EXISTS (SELECT 1 FROM (SELECT unnest($1) AS key1,
 * ...) AS k WHERE k.key1 = t.key1 AND ...): an anti-join, hashed, where
 * "key <> ALL($1)" would compare every row with every key.
 */
void
vi_table_delete_absent(TableSpec *spec, const ColumnBuf *keys)
{
	int			k = table_nkeys(spec);
	Datum	   *values = palloc(sizeof(Datum) * k);
	int			i;

	if (spec->delete_plan == NULL)
	{
		StringInfoData sql;
		Oid		   *argtypes = palloc(sizeof(Oid) * k);
		const TableColumn *col = spec->columns;

		initStringInfo(&sql);
		appendStringInfo(&sql, "DELETE FROM %s AS t WHERE NOT EXISTS (SELECT 1 FROM ",
						 spec->table);
		vi_append_unnest_rows(&sql, col, k, 1, "k", argtypes);
		appendStringInfoString(&sql, " WHERE ");
		for (i = 0; i < k; i++)
			appendStringInfo(&sql, "%sk.%s OPERATOR(pg_catalog.=) t.%s",
							 i ? " AND " : "", col[i].name, col[i].name);
		appendStringInfoChar(&sql, ')');
		vi_store_prepare(&spec->delete_plan, sql.data, k, argtypes);
		pfree(sql.data);
		pfree(argtypes);
	}
	for (i = 0; i < k; i++)
		values[i] = vi_col_array(&keys[i]);
	vi_store_execute(spec->delete_plan, values, SPI_OK_DELETE);
	pfree(values);
}

void *
vi_hash_entry_int64(HTAB *h, int64 key, Size entrysize)
{
	bool		found;
	char	   *e = hash_search(h, &key, HASH_ENTER, &found);

	if (!found)
		memset(e + sizeof(int64), 0, entrysize - sizeof(int64));
	return e;
}
