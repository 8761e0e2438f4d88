/*
 * parse_time.c
 *		Lower-bound part of `make bench`: how long cJSON alone takes to parse
 *		one feed document and free the tree, without mapping or storing.
 *
 * Usage: parse_time FILE [RUNS]
 * Reads FILE into memory once, then times RUNS (default 21, at least 10)
 * runs of cJSON_ParseWithLength + cJSON_Delete.  Prints the median in ms on
 * stdout (one number, for bench/run.sh) and a readable line on stderr.
 * Exits 1 when cJSON cannot parse the file.  Build: cc -O2 parse_time.c -lcjson
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "../test/timing.h"

int
main(int argc, char **argv)
{
	FILE	   *f;
	char	   *buf;
	long		len;
	int			runs = 21;
	int			i;
	double	   *t;
	double		median;

	if (argc < 2 || argc > 3)
	{
		fprintf(stderr, "usage: %s FILE [RUNS]\n", argv[0]);
		return 2;
	}
	if (argc == 3)
		runs = atoi(argv[2]);
	if (runs < 10)
		runs = 10;

	f = fopen(argv[1], "rb");
	if (f == NULL)
	{
		perror(argv[1]);
		return 2;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0)
	{
		perror(argv[1]);
		return 2;
	}
	rewind(f);
	buf = malloc((size_t) len + 1);
	t = malloc(sizeof(double) * (size_t) runs);
	if (buf == NULL || t == NULL)
	{
		fprintf(stderr, "out of memory\n");
		return 2;
	}
	if (fread(buf, 1, (size_t) len, f) != (size_t) len)
	{
		fprintf(stderr, "%s: short read\n", argv[1]);
		return 2;
	}
	fclose(f);
	buf[len] = '\0';

	for (i = 0; i < runs; i++)
	{
		double		t0 = now_ms();
		cJSON	   *root = cJSON_ParseWithLength(buf, (size_t) len);

		if (root == NULL)
		{
			fprintf(stderr, "%s: cJSON cannot parse the document (near byte %ld)\n",
					argv[1], (long) (cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() - buf : -1));
			return 1;
		}
		cJSON_Delete(root);
		t[i] = now_ms() - t0;
	}

	median = median_ms(t, runs);
	fprintf(stderr, "parse_time: %s: %ld bytes, %d runs of cJSON_ParseWithLength + cJSON_Delete: "
			"median %.3f ms, min %.3f ms, max %.3f ms\n",
			argv[1], len, runs, median, t[0], t[runs - 1]);
	printf("%.3f\n", median);
	free(t);
	free(buf);
	return 0;
}
