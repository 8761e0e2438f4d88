/*
 * packing.h
 *		Packed position history (vatsim.position_packs): the glue between the
 *		pure-C codec (pack_codec.h) and the tables, shared by the packer
 *		(pack_store.c) and the readers (pack_read.c).
 */
#ifndef VATSIM_PACKING_H
#define VATSIM_PACKING_H

#include "postgres.h"

#include "utils/timestamp.h"

#include "pack_codec.h"

/* the columns of vatsim.positions after flight_id, in table order */
#define PACK_NCOLUMNS 9

/* vatsim_ingest.pack_after (seconds, 0: never) and pack_batch (rows) */
extern int	vi_pack_after_s;
extern int	vi_pack_batch_rows;

/* Define the settings above (from _PG_init). */
extern void vi_packing_define_settings(void);

/*
 * Decode a pack (a detoasted bytea) into a palloc'd array of *n positions;
 * corrupt data is an ERROR naming flight_id (-1: none known) and hour.
 */
extern PackPosition *vi_pack_decode(const bytea *data, int64 flight_id,
									TimestampTz hour, int *n);

/* One position as the 9 column values of vatsim.positions after flight_id. */
extern void vi_pack_position_datums(const PackPosition *p, Datum *values,
									bool *nulls);

/* The UTC hour a time belongs to (its start); infinities stay. */
extern TimestampTz vi_pack_hour(TimestampTz ts);

/*
 * The worker's step after a stored snapshot (its update_timestamp): pack a
 * bounded batch when vatsim_ingest.pack_after says so, in a subtransaction;
 * a failure goes into errbuf (when still empty) and the snapshot stays.
 */
extern void vi_worker_pack_step(TimestampTz snapshot, char *errbuf, size_t errlen);

#endif							/* VATSIM_PACKING_H */
