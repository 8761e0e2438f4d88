/*
 * ingest.h
 *		One feed document in, one stored snapshot out: the path shared by the
 *		SQL functions vatsim.ingest/ingest_file and the background worker.
 */
#ifndef VATSIM_INGEST_PATH_H
#define VATSIM_INGEST_PATH_H

#include "postgres.h"

#include "utils/timestamp.h"

typedef struct IngestResult
{
	TimestampTz update_timestamp;
	bool		duplicate;		/* already stored: nothing written */
	int			pilots;
	int			controllers;
	int			atis;
	int			prefiles;
	int			rejected;
	int			positions;		/* pilots inside vatsim_ingest.region */
	int			transceivers;	/* transceiver rows stored; -1: no document */
	double		duration_ms;
	double		analytics_ms;	/* of which the analytics step */
	char		sector_error[256];	/* "" unless sector processing failed */
	char		analytics_error[256];	/* "" unless the analytics step failed */
} IngestResult;

/*
 * Parse and store one document inside the caller's transaction, with its
 * transceivers document when there is one (trx may be NULL).  Raises an
 * ERROR (and so writes nothing) for a document that cannot be used.
 */
struct TransceiversDocument;
extern void vi_ingest_document(const char *data, size_t len,
							   const struct TransceiversDocument *trx,
							   IngestResult *result);

/* ts as "2023-08-07T23:29:29.885644Z" (UTC, whatever TimeZone says), palloc'd. */
extern const char *vi_utc_str(TimestampTz ts);

/* extversion of vatsim_ingest in this database, NULL if absent (needs SPI). */
extern char *vi_installed_extension_version(void);

#endif							/* VATSIM_INGEST_PATH_H */
