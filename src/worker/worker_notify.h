/*
 * worker_notify.h
 *		The notification the worker sends for every snapshot it stores.
 */
#ifndef VATSIM_WORKER_NOTIFY_H
#define VATSIM_WORKER_NOTIFY_H

#include "ingest.h"

/* LISTEN vatsim_snapshot to hear of every snapshot the worker stores. */
#define VI_SNAPSHOT_CHANNEL "vatsim_snapshot"

/*
 * Queue the notification for a stored snapshot in the current transaction;
 * transceivers is the number of transceiver rows stored with it, or -1 when
 * the transceivers feed was not stored this cycle.
 */
extern void vi_notify_snapshot(const IngestResult *ir, int transceivers);

#endif							/* VATSIM_WORKER_NOTIFY_H */
