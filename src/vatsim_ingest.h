/*
 * vatsim_ingest.h
 *		Settings (GUCs) and constants shared by the Postgres-side modules.
 */
#ifndef VATSIM_INGEST_H
#define VATSIM_INGEST_H

#define VATSIM_INGEST_VERSION "0.7.0"

/* vatsim_ingest.max_feed_bytes: largest document accepted, in bytes */
extern int	vi_max_feed_bytes;
/* vatsim_ingest.reconnect_grace: seconds a vanished flight may reconnect */
extern int	vi_reconnect_grace;
/* vatsim_ingest.controller_reconnect_grace: seconds a controller may reconnect */
extern int	vi_controller_reconnect_grace;
/* vatsim_ingest.max_future: seconds a document may be dated after now() */
extern int	vi_max_future_s;

/* Background worker settings (see README, "Settings") */
extern char *vi_database;
extern bool vi_enabled;
extern int	vi_interval_ms;
extern char *vi_feed_url;
extern char *vi_transceivers_url;
extern int	vi_connect_timeout_ms;
extern int	vi_timeout_ms;
extern int	vi_backoff_max_ms;
extern int	vi_run_log_retention_s;
/* vatsim_ingest.retention, partitions_ahead: seconds (daily partitions) */
extern int	vi_retention_s;
extern int	vi_partitions_ahead_s;
extern bool vi_allow_file_urls;

/* Sectors and occupancy */
extern char *vi_region;
extern char *vi_occupancy_sets;
extern int	vi_exit_speed_kt;
extern int	vi_exit_polls;
extern int	vi_enter_speed_kt;
extern int	vi_stale_after_s;

/* Analytics: the airborne rule shared by flight summaries and movements */
extern int	vi_airborne_speed_kt;

/* Movements and the flight-plan filter */
extern double vi_movement_radius_nm;
extern int	vi_movement_max_climb_ft;
extern bool vi_require_flight_plan;

/* worker.c */
extern PGDLLEXPORT void vatsim_worker_main(Datum arg);
extern void vatsim_worker_register(void);

/* worker_status.c: shared memory */
extern void vatsim_shmem_request(void);
extern void vatsim_shmem_startup(void);

#endif							/* VATSIM_INGEST_H */
