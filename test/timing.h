/*-------------------------------------------------------------------------
 *
 * timing.h
 *		Clocks in milliseconds and the median of a sample, shared by the
 *		timing code of the benchmarks (bench/parse_time.c) and the tests
 *		(test/fetch/test_fetch.c).  Header-only, plain C (POSIX clocks): a
 *		program includes it once, what it does not use costs nothing.
 *
 *-------------------------------------------------------------------------
 */
#ifndef VATSIM_TEST_TIMING_H
#define VATSIM_TEST_TIMING_H

#include <stdlib.h>
#include <time.h>

/* The clock in ms: CLOCK_MONOTONIC for elapsed time, a CPU clock for work. */
static inline double
clock_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Elapsed (wall) time in ms from an arbitrary origin. */
static inline double
now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

static inline int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/*
 * Sorts the n > 0 samples t in place and returns their median (the mean of
 * the two middle ones when n is even); t[0] and t[n - 1] are then the
 * minimum and maximum.
 */
static inline double
median_ms(double *t, int n)
{
	qsort(t, (size_t) n, sizeof(double), cmp_double);
	return (n % 2) ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

#endif							/* VATSIM_TEST_TIMING_H */
