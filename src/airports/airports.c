/*
 * airports.c
 *		vatsim.load_airports(): the [Airports] section of a VATSpy.dat text
 *		(read by src/parse/vatspy_dat.c) replaces the rows of
 *		vatsim.airports in the caller's transaction.
 *
 * The whole text is read and checked before anything is written, so a bad
 * line refuses the load with the table unchanged.  Every row goes in with
 * one INSERT over unnested arrays; entry (the n-th line of an ICAO code)
 * is numbered there, in file order.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "columns.h"
#include "standby.h"
#include "vatspy_dat.h"

PG_FUNCTION_INFO_V1(vatsim_load_airports);

static SPIPlanPtr lock_plan;
static SPIPlanPtr delete_plan;
static SPIPlanPtr insert_plan;
static SPIPlanPtr count_plan;

/* icao, name, latitude, longitude, iata_lid, fir, is_pseudo, remark, line */
#define AIRPORT_COLUMNS 9

/* vatspy_read_airports's allocator: palloc, in the scratch context it runs in. */
static void *
airports_alloc(size_t size)
{
	return palloc(size);
}

static void
store_airports(const VatspyAirports *airports)
{
	static const ColType types[AIRPORT_COLUMNS] = {
		COL_TEXT, COL_TEXT, COL_FLOAT8, COL_FLOAT8, COL_TEXT, COL_TEXT,
		COL_BOOL, COL_TEXT, COL_INT4
	};
	Oid			argtypes[AIRPORT_COLUMNS];
	ColumnBuf	cols[AIRPORT_COLUMNS];
	Datum		values[AIRPORT_COLUMNS];
	int			i;

	for (i = 0; i < AIRPORT_COLUMNS; i++)
	{
		vi_col_init(&cols[i], types[i], airports->n_rows);
		argtypes[i] = vi_col_array_type(types[i]);
	}
	for (i = 0; i < airports->n_rows; i++)
	{
		const VatspyAirport *a = &airports->rows[i];

		vi_col_text(&cols[0], a->icao);
		vi_col_text(&cols[1], a->name);
		vi_col_float(&cols[2], a->latitude);
		vi_col_float(&cols[3], a->longitude);
		vi_col_text(&cols[4], a->iata_lid);
		vi_col_text(&cols[5], a->fir);
		vi_col_bool(&cols[6], a->is_pseudo);
		vi_col_text(&cols[7], a->remark);
		vi_col_int(&cols[8], a->line);
	}
	for (i = 0; i < AIRPORT_COLUMNS; i++)
		values[i] = vi_col_array(&cols[i]);

	/*
	 * Loads wait for each other (two would both delete, then collide on the
	 * key); readers are not blocked and see the old rows until commit.
	 */
	vi_store_prepare(&lock_plan,
					 "LOCK TABLE vatsim.airports IN SHARE ROW EXCLUSIVE MODE", 0, NULL);
	vi_store_execute(lock_plan, NULL, SPI_OK_UTILITY);
	vi_store_prepare(&delete_plan, "DELETE FROM vatsim.airports", 0, NULL);
	vi_store_execute(delete_plan, NULL, SPI_OK_DELETE);
	vi_store_prepare(&insert_plan,
					 "INSERT INTO vatsim.airports (icao, entry, name, latitude, longitude, "
					 "iata_lid, fir, is_pseudo, remark, line) "
					 "SELECT u.icao, pg_catalog.row_number() OVER (PARTITION BY u.icao ORDER BY u.line)::pg_catalog.int4, "
					 "u.name, u.latitude, u.longitude, u.iata_lid, u.fir, u.is_pseudo, u.remark, u.line "
					 "FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), "
					 "pg_catalog.unnest($2::pg_catalog.text[]), pg_catalog.unnest($3::pg_catalog.float8[]), "
					 "pg_catalog.unnest($4::pg_catalog.float8[]), pg_catalog.unnest($5::pg_catalog.text[]), "
					 "pg_catalog.unnest($6::pg_catalog.text[]), pg_catalog.unnest($7::pg_catalog.bool[]), "
					 "pg_catalog.unnest($8::pg_catalog.text[]), pg_catalog.unnest($9::pg_catalog.int4[])) "
					 "AS u(icao, name, latitude, longitude, iata_lid, fir, is_pseudo, remark, line)",
					 AIRPORT_COLUMNS, argtypes);
	vi_store_execute(insert_plan, values, SPI_OK_INSERT);
}

/* What the table holds now: rows, distinct ICAO codes, pseudo rows. */
static void
count_airports(int32 counts[3])
{
	int			i;

	vi_store_prepare(&count_plan,
					 "SELECT pg_catalog.count(*)::pg_catalog.int4, "
					 "pg_catalog.count(DISTINCT a.icao)::pg_catalog.int4, "
					 "(pg_catalog.count(*) FILTER (WHERE a.is_pseudo))::pg_catalog.int4 "
					 "FROM vatsim.airports a",
					 0, NULL);
	vi_store_execute(count_plan, NULL, SPI_OK_SELECT);
	for (i = 0; i < 3; i++)
	{
		bool		isnull;

		counts[i] = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0],
												SPI_tuptable->tupdesc, i + 1, &isnull));
	}
}

Datum
vatsim_load_airports(PG_FUNCTION_ARGS)
{
	text	   *dat;
	VatspyAirports airports;
	VatspyError err;
	MemoryContext cxt;
	MemoryContext old;
	TupleDesc	desc;
	int32		counts[3];
	Datum		values[3];
	bool		nulls[3] = {0};
	bool		ok;
	int			i;

	vi_refuse_on_standby("vatsim.load_airports()");
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				errmsg("vatspy_dat must not be null"));
	dat = PG_GETARG_TEXT_PP(0);
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	desc = BlessTupleDesc(desc);

	/* the text copy and the rows; an error frees them with the caller's context */
	cxt = AllocSetContextCreate(CurrentMemoryContext, "vatsim_ingest airports",
								ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(cxt);
	ok = vatspy_read_airports(VARDATA_ANY(dat), VARSIZE_ANY_EXHDR(dat),
							  airports_alloc, &airports, &err);
	MemoryContextSwitchTo(old);
	if (!ok)
	{
		/* a reason about the whole text is the detail's first word */
		if (err.line == 0)
			err.text[0] = pg_toupper((unsigned char) err.text[0]);
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("cannot load airports from the VATSpy.dat text"),
				err.line > 0 ?
				errdetail("Line %d: %s.", err.line, err.text) :
				errdetail("%s.", err.text),
				errhint("Nothing was loaded; vatsim.airports keeps its previous rows."));
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	store_airports(&airports);
	count_airports(counts);
	SPI_finish();
	MemoryContextDelete(cxt);

	for (i = 0; i < 3; i++)
		values[i] = Int32GetDatum(counts[i]);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}
