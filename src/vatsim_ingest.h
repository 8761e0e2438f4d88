/*
 * vatsim_ingest.h
 *		Settings (GUCs) and constants shared by the Postgres-side modules.
 */
#ifndef VATSIM_INGEST_H
#define VATSIM_INGEST_H

#define VATSIM_INGEST_VERSION "0.1.0"

/* vatsim_ingest.max_feed_bytes: largest document accepted, in bytes */
extern int	vi_max_feed_bytes;
/* vatsim_ingest.reconnect_grace: seconds a vanished flight may reconnect */
extern int	vi_reconnect_grace;

#endif							/* VATSIM_INGEST_H */
