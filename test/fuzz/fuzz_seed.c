/*-------------------------------------------------------------------------
 *
 * fuzz_seed.c
 *		Trim a real v3 document into a small fuzzing seed.
 *
 * Usage: fuzz_seed FILE > seed.json
 * Keeps the first 3 records of every array section (all of servers and the
 * reference tables), replaces every "name" value by "X" and prints the
 * result minified.  Used by the Makefile's fuzz target; the output stays in
 * build/.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#define KEEP 3

static void
blank_names(cJSON *item)
{
	cJSON	   *c;

	for (c = item->child; c != NULL; c = c->next)
	{
		if (c->string != NULL && strcmp(c->string, "name") == 0 &&
			cJSON_IsString(c))
			cJSON_SetValuestring(c, "X");
		else if (cJSON_IsObject(c) || cJSON_IsArray(c))
			blank_names(c);
	}
}

int
main(int argc, char **argv)
{
	static const char *const trim[] = {
		"pilots", "controllers", "atis", "prefiles"
	};
	FILE	   *f;
	char	   *buf;
	long		len;
	cJSON	   *root;
	char	   *out;
	size_t		i;

	if (argc != 2)
	{
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
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
	root = cJSON_ParseWithLength(buf, (size_t) len);
	free(buf);
	if (root == NULL)
	{
		fprintf(stderr, "%s: not JSON\n", argv[1]);
		return 1;
	}
	for (i = 0; i < sizeof(trim) / sizeof(trim[0]); i++)
	{
		cJSON	   *arr = cJSON_GetObjectItemCaseSensitive(root, trim[i]);

		while (cJSON_IsArray(arr) && cJSON_GetArraySize(arr) > KEEP)
			cJSON_DeleteItemFromArray(arr, KEEP);
	}
	blank_names(root);
	out = cJSON_PrintUnformatted(root);
	if (out == NULL)
		return 1;
	fputs(out, stdout);
	cJSON_free(out);
	cJSON_Delete(root);
	return 0;
}
