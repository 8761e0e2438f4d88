/*
 * store_transceivers.c
 *		Current state of the transceivers feed: one row per (callsign,
 *		transceiver id), upserted, and rows the newest document no longer
 *		has deleted.
 */
#include "postgres.h"

#include "columns.h"
#include "store.h"
#include "transceivers.h"

enum
{
	TC_CALLSIGN, TC_ID, TC_FREQUENCY, TC_LATITUDE, TC_LONGITUDE, TC_MSL,
	TC_AGL, TC_NCOLUMNS
};

static const TableColumn transceiver_columns[TC_NCOLUMNS] = {
	{"callsign", COL_TEXT},
	{"transceiver_id", COL_INT4},
	{"frequency_hz", COL_INT8},
	{"latitude", COL_FLOAT8},
	{"longitude", COL_FLOAT8},
	{"height_msl_m", COL_FLOAT8},
	{"height_agl_m", COL_FLOAT8},
};
static TableSpec transceivers_spec = {"vatsim.transceivers",
transceiver_columns, TC_NCOLUMNS, 2};

int
vi_store_transceivers(const TransceiversDocument *doc)
{
	ColumnBuf	cols[TC_NCOLUMNS];
	int			i;

	for (i = 0; i < TC_NCOLUMNS; i++)
		vi_col_init(&cols[i], transceiver_columns[i].type, doc->n_rows);
	for (i = 0; i < doc->n_rows; i++)
	{
		const FeedTransceiver *t = &doc->rows[i];

		vi_col_text(&cols[TC_CALLSIGN], t->callsign);
		vi_col_int(&cols[TC_ID], t->id);
		vi_col_int8(&cols[TC_FREQUENCY], t->frequency_hz);
		vi_col_float(&cols[TC_LATITUDE], t->latitude);
		vi_col_float(&cols[TC_LONGITUDE], t->longitude);
		vi_col_float(&cols[TC_MSL], t->height_msl_m);
		vi_col_float(&cols[TC_AGL], t->height_agl_m);
	}
	vi_table_upsert(&transceivers_spec, cols);
	vi_table_delete_absent(&transceivers_spec, cols);
	return doc->n_rows;
}
