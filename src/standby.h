/*
 * standby.h
 *		A clear error for a writer called on a hot standby (standby.c).
 */
#ifndef VATSIM_STANDBY_H
#define VATSIM_STANDBY_H

extern void vi_refuse_on_standby(const char *function);

#endif							/* VATSIM_STANDBY_H */
