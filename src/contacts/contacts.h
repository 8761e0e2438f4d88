/*
 * contacts.h
 *		ATC contacts (src/contacts/): the setting of ignored frequencies.
 *		The snapshot step itself, vi_contacts_process(), is declared with
 *		the other analytics parts in analytics.h.
 */
#ifndef VATSIM_CONTACTS_H
#define VATSIM_CONTACTS_H

#include "postgres.h"

/* vatsim_ingest.ignored_frequencies, in Hz (n == 0: none) */
extern const int64 *vi_ignored_hz;
extern int	vi_n_ignored_hz;

/* Defines vatsim_ingest.ignored_frequencies (from _PG_init). */
extern void vi_contacts_init(void);

#endif							/* VATSIM_CONTACTS_H */
