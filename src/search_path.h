/*
 * search_path.h
 *		The one search_path every statement of the extension runs under
 *		(search_path.c).
 */
#ifndef VATSIM_SEARCH_PATH_H
#define VATSIM_SEARCH_PATH_H

/*
 * pg_catalog first, and nothing any other role can create objects in: an
 * operator or function planted in another schema can never win name
 * resolution, whatever ALTER DATABASE / ALTER ROLE / the caller set.
 */
#define VI_PINNED_SEARCH_PATH "pg_catalog, pg_temp"

/* For the rest of the process (the worker), over every other source. */
extern void vi_pin_search_path_for_process(void);

/*
 * From here to vi_unpin_search_path(level), in the current transaction; an
 * ERROR in between restores the caller's path when the (sub)transaction
 * aborts.  Returns the GUC nest level to pass to vi_unpin_search_path().
 */
extern int	vi_pin_search_path(void);
extern void vi_unpin_search_path(int level);

#endif							/* VATSIM_SEARCH_PATH_H */
