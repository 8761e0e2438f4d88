/*
 * columns.h
 *		Column buffers and generic current-state statements for the store
 *		stage.
 *
 * Every table is written with one statement per snapshot: each column travels
 * as one array parameter and the statement unnests them (never a statement
 * per row).  A ColumnBuf collects one column's values; a TableSpec describes a
 * current-state table so that its upsert and its "delete rows absent from the
 * snapshot" statements can be composed once, prepared, and kept.
 */
#ifndef VATSIM_COLUMNS_H
#define VATSIM_COLUMNS_H

#include "postgres.h"

#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/hsearch.h"
#include "utils/timestamp.h"

#include "feed.h"

typedef enum ColType
{
	COL_TEXT,
	COL_INT4,
	COL_INT8,
	COL_FLOAT8,
	COL_TSTZ,
	COL_BOOL
} ColType;

/*
 * Text columns keep their strings as the array's data area itself (4-byte
 * varlena headers, int-aligned), so that a column of 1,900 strings becomes
 * an array with one copy instead of a palloc'd text per string plus the
 * array's own copy; values[] is unused for them.
 */
typedef struct ColumnBuf
{
	ColType		type;
	int			n;
	int			cap;
	Datum	   *values;
	bool	   *nulls;
	bool		hasnull;
	char	   *tdata;			/* COL_TEXT: the elements, as in an array */
	Size		tlen;
	Size		tcap;
} ColumnBuf;

extern void vi_col_init(ColumnBuf *c, ColType type, int cap);
extern void vi_col_text(ColumnBuf *c, const char *s);		/* NULL -> null */
extern void vi_col_int(ColumnBuf *c, FeedInt v);	/* FEED_NULL_INT -> null */
extern void vi_col_int8(ColumnBuf *c, int64 v);
extern void vi_col_null(ColumnBuf *c);
extern void vi_col_float(ColumnBuf *c, double v);	/* NaN -> null */
extern void vi_col_time(ColumnBuf *c, FeedTime t); /* FEED_NULL_TIME -> null */
extern void vi_col_tstz(ColumnBuf *c, TimestampTz t);
extern void vi_col_bool(ColumnBuf *c, int v);	/* -1 -> null */
extern void vi_col_text_lines(ColumnBuf *c, const char **lines, int n); /* n<0 -> null */
/* Push a plan's FP_NFIELDS strings and revision_id into cols[0..FP_NFIELDS]. */
extern void vi_col_plan(ColumnBuf *cols, const FeedPlan *plan, bool has_plan);
extern Datum vi_col_array(const ColumnBuf *c);
extern Oid	vi_col_array_type(ColType type);
extern const char *vi_col_sql_type(ColType type);

extern TimestampTz feed_time_to_timestamptz(FeedTime t);

/* One column of a current-state table. */
typedef struct TableColumn
{
	const char *name;
	ColType		type;
	const char *cast;			/* NULL, or a type the value is cast to */
} TableColumn;

/* A current-state table: the first nkeys columns (0 means 1) are the key. */
typedef struct TableSpec
{
	const char *table;			/* schema-qualified */
	const TableColumn *columns;
	int			ncolumns;
	int			nkeys;
	SPIPlanPtr	upsert_plan;
	SPIPlanPtr	delete_plan;
} TableSpec;

/* Upsert the rows in cols[0..ncolumns-1]; changes only rows that differ. */
extern void vi_table_upsert(TableSpec *spec, const ColumnBuf *cols);
/* Delete rows whose key is not among keys[0..nkeys-1] (the key columns). */
extern void vi_table_delete_absent(TableSpec *spec, const ColumnBuf *keys);

/*
 * Append "(SELECT pg_catalog.unnest($k::type[]) AS name, ...) AS alias" over
 * cols[0..n-1], the parameters numbered from first_param: the rows of the
 * arrays, zipped.  Sets argtypes[0..n-1] to the array types.
 */
extern void vi_append_unnest_rows(StringInfo sql, const TableColumn *cols, int n,
								  int first_param, const char *alias, Oid *argtypes);

/* Prepare sql once per backend with the given argument types, and keep it. */
extern SPIPlanPtr vi_store_prepare(SPIPlanPtr *cache, const char *sql,
								int nargs, const Oid *argtypes);
/* Run a kept plan, expecting the given SPI result code. */
extern void vi_store_execute(SPIPlanPtr plan, const Datum *values, int expected);

/*
 * The entry of an int64-keyed hash table (the key its first member), entered
 * zeroed after the key when new: the per-flight state of occupancy and of
 * the flight aggregates.
 */
extern void *vi_hash_entry_int64(HTAB *h, int64 key, Size entrysize);

#endif							/* VATSIM_COLUMNS_H */
