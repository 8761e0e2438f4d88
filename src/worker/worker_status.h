/*
 * worker_status.h
 *		The worker's state in shared memory: what vatsim.worker_status()
 *		and vatsim.run_now() read, and how the worker reports a cycle.
 */
#ifndef VATSIM_WORKER_STATUS_H
#define VATSIM_WORKER_STATUS_H

#include "postgres.h"

#include "storage/condition_variable.h"
#include "storage/latch.h"
#include "storage/lwlock.h"
#include "utils/timestamp.h"

/* Every cycle gets exactly one class; vatsim.runs.result has the same list. */
typedef enum CycleResult
{
	CYCLE_OK,
	CYCLE_UNCHANGED,
	CYCLE_HTTP_ERROR,
	CYCLE_TIMEOUT,
	CYCLE_TOO_LARGE,
	CYCLE_PARSE_ERROR,
	CYCLE_DB_ERROR,
	CYCLE_DISABLED
} CycleResult;

#define CYCLE_ERROR_LEN 512

typedef struct CycleOutcome
{
	CycleResult result;
	int			http_status;	/* 0: none */
	TimestampTz started;
	TimestampTz finished;
	TimestampTz update_timestamp;	/* 0 with has_update_timestamp false */
	bool		has_update_timestamp;
	int64		bytes;
	int64		rows;			/* records stored */
	double		duration_ms;
	char		error[CYCLE_ERROR_LEN];
} CycleOutcome;

typedef struct VatsimShared
{
	LWLock	   *lock;			/* protects everything below */
	ConditionVariable cycle_done;	/* broadcast at the end of each cycle */
	pid_t		pid;			/* 0: no worker */
	Latch	   *latch;			/* the worker's, to wake it */
	char		state[64];
	bool		enabled;		/* as the worker last read its settings */
	char		feed_url[1024]; /* likewise, redacted (fetch_redact_url) */
	int64		cycles;
	TimestampTz last_start;
	TimestampTz last_success;
	TimestampTz last_error_at;
	TimestampTz next_run;
	TimestampTz last_update_timestamp;
	int			consecutive_failures;
	char		last_error[CYCLE_ERROR_LEN];	/* of the newest failed cycle */
	CycleOutcome last;
	uint64		requests;		/* run_now tickets handed out */
	uint64		served;			/* tickets answered by a finished cycle */
	int64		memory_bytes;	/* the worker's allocated memory, per cycle */
	bool		database_missing;	/* set while connecting: a worker that
									 * dies there finds it set next time */
} VatsimShared;

/* NULL unless the library was preloaded. */
extern VatsimShared *vatsim_shared;

extern const char *vi_cycle_result_name(CycleResult result);

/* Called by the worker. */
extern void vi_status_attach_worker(void);
/* Publishes state and the worker's current enabled and feed_url settings. */
extern void vi_status_set_state(const char *state);
extern bool vi_status_run_requested(void);
extern uint64 vi_status_cycle_starting(TimestampTz start);
extern void vi_status_cycle_finished(const CycleOutcome *outcome, uint64 serving,
								  int consecutive_failures,
								  TimestampTz next_run);
extern void vi_status_set_next_run(TimestampTz next_run);
/* Sets the "connecting to the database" flag, returns its old value. */
extern bool vi_status_swap_database_missing(bool missing);

#endif							/* VATSIM_WORKER_STATUS_H */
