/*-------------------------------------------------------------------------
 *
 * bench_feed_parse.c
 *		Times feed_parse() against cJSON's parser alone on one document.
 *
 * Usage: bench_feed_parse FILE [RUNS]
 *
 * For each of two allocators -- glibc malloc, and a bump allocator behind
 * cJSON_InitHooks that behaves like palloc in a per-snapshot memory context
 * (free is a no-op, everything is dropped at once) -- runs RUNS times:
 * cJSON_ParseWithLength alone, then feed_parse (pre-scan + cJSON + mapping
 * + duplicates), each in its own block of runs, and prints median and
 * minimum thread CPU time (so time spent descheduled on a busy machine is
 * not counted).  Informational only; no test asserts timing.
 *
 *-------------------------------------------------------------------------
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "../../src/parse/feed.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

static double
median(double *t, int n, double *min)
{
	qsort(t, (size_t) n, sizeof(double), cmp_double);
	*min = t[0];
	return t[n / 2];
}

/* bump allocator: a palloc stand-in */
static char *arena;
static size_t arena_size;
static size_t arena_used;

static void *
arena_alloc(size_t n)
{
	void	   *p;

	n = (n + 15) & ~(size_t) 15;
	if (arena_used + n > arena_size)
		return NULL;
	p = arena + arena_used;
	arena_used += n;
	return p;
}

static void
arena_release(void *p)
{
	(void) p;
}

int
main(int argc, char **argv)
{
	FILE	   *f;
	char	   *buf;
	long		len;
	int			runs = 51;
	int			i;
	int			mode;
	double	   *t_cj;
	double	   *t_fp;
	FeedDocument doc;
	FeedError	err;

	if (argc < 2)
	{
		fprintf(stderr, "usage: %s FILE [RUNS]\n", argv[0]);
		return 2;
	}
	if (argc > 2)
		runs = atoi(argv[2]);
	if (runs < 1)
		runs = 1;
	f = fopen(argv[1], "rb");
	if (f == NULL)
	{
		perror(argv[1]);
		return 2;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = malloc((size_t) len);
	if (buf == NULL || fread(buf, 1, (size_t) len, f) != (size_t) len)
		return 2;
	fclose(f);

	arena_size = (size_t) len * 16 + (64 << 20);
	arena = malloc(arena_size);
	t_cj = malloc(sizeof(double) * runs);
	t_fp = malloc(sizeof(double) * runs);
	if (arena == NULL || t_cj == NULL || t_fp == NULL)
		return 2;
	printf("%s: %ld bytes, %d runs each, thread CPU time\n", argv[1], len, runs);

	for (mode = 0; mode < 2; mode++)
	{
		cJSON_Hooks hooks = {arena_alloc, arena_release};
		double		m_cj;
		double		m_fp;
		double		min_cj;
		double		min_fp;

		if (mode == 1)
		{
			cJSON_InitHooks(&hooks);
			/* touch the arena once so page faults are not timed */
			memset(arena, 0, arena_size);
		}
		for (i = 0; i < runs; i++)
		{
			double		t0;
			cJSON	   *root;

			arena_used = 0;
			t0 = now_ms();
			root = cJSON_ParseWithLength(buf, (size_t) len);
			t_cj[i] = now_ms() - t0;
			if (root == NULL)
			{
				fprintf(stderr, "cJSON failed\n");
				return 1;
			}
			cJSON_Delete(root);
		}
		for (i = 0; i < runs; i++)
		{
			double		t0;

			arena_used = 0;
			t0 = now_ms();
			if (!feed_parse(buf, (size_t) len, 0, &doc, &err))
			{
				fprintf(stderr, "feed_parse failed: %s\n", err.message);
				return 1;
			}
			t_fp[i] = now_ms() - t0;
			feed_free(&doc);
		}
		m_cj = median(t_cj, runs, &min_cj);
		m_fp = median(t_fp, runs, &min_fp);
		printf("%s:\n", mode == 0 ? "glibc malloc" : "bump allocator (like palloc)");
		printf("  cJSON_ParseWithLength alone   median %7.3f ms  min %7.3f ms\n",
			   m_cj, min_cj);
		printf("  feed_parse (scan+parse+map)   median %7.3f ms  min %7.3f ms"
			   "  (x%.2f of cJSON)\n", m_fp, min_fp, m_fp / m_cj);
	}
	cJSON_InitHooks(NULL);
	free(t_cj);
	free(t_fp);
	free(arena);
	free(buf);
	return 0;
}
