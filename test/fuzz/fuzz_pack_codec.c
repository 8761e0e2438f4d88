/*-------------------------------------------------------------------------
 *
 * fuzz_pack_codec.c
 *		libFuzzer target for src/packing/pack_codec.c: any bytes are either
 *		refused or decoded within bounds, and what decodes encodes again to
 *		a pack that decodes to the same positions, bit for bit.
 *
 *	make -C test/unit fuzz-pack		(clang; not part of make check)
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/packing/pack_codec.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *error = NULL;
	int64_t		n = pack_count(data, size, &error);
	PackPosition *a,
			   *b;
	int64_t    *scratch;
	uint8_t    *again;
	size_t		len;

	if (n < 0 || n > 100000)
		return 0;
	a = malloc(sizeof(PackPosition) * (n + 1));
	b = malloc(sizeof(PackPosition) * (n + 1));
	scratch = malloc(sizeof(int64_t) * (n + 1));
	if (pack_decode(data, size, a, (size_t) n, scratch, &error))
	{
		again = malloc(pack_encode_bound(a, (size_t) n));
		len = pack_encode(a, (size_t) n, again, scratch);
		if (pack_count(again, len, &error) != n ||
			!pack_decode(again, len, b, (size_t) n, scratch, &error))
			abort();
		for (int64_t i = 0; i < n; i++)
			if (a[i].ts != b[i].ts ||
				memcmp(&a[i].latitude, &b[i].latitude, sizeof(double)) != 0 ||
				memcmp(&a[i].longitude, &b[i].longitude, sizeof(double)) != 0 ||
				a[i].altitude_null != b[i].altitude_null || a[i].altitude != b[i].altitude ||
				a[i].transponder_len != b[i].transponder_len)
				abort();
		free(again);
	}
	free(a);
	free(b);
	free(scratch);
	return 0;
}
