/*
 * pack_codec.c
 *		Encoding and decoding of a pack: one flight's consecutive positions
 *		(pure C, no Postgres headers; unit-tested in test/unit).
 *
 * The format, column by column (each column's values one after another,
 * so that similar numbers sit together):
 *
 *	version byte (PACK_FORMAT_VERSION), varint n
 *	ts				int stream of n values
 *	latitude		double stream of n values
 *	longitude		double stream of n values
 *	altitude		nullable int stream
 *	groundspeed		nullable int stream
 *	heading			nullable int stream
 *	transponder		runs of text
 *	qnh_i_hg		runs of double
 *	qnh_mb			runs of int
 *
 * varint: unsigned LEB128 (7 bits a byte, at most 10 bytes); signed values
 * are zigzagged first (0, -1, 1, -2 ... as 0, 1, 2, 3 ...).
 *
 * int stream: a mode byte, then each value as a zigzag varint: mode 0 the
 * first value and then the differences between neighbours, mode 1 the
 * first value, the first difference and then the differences of the
 * differences (a steady climb, a steady 15 s between snapshots: zeros).  The
 * encoder writes whichever is shorter.  Arithmetic wraps modulo 2^64, so
 * any int64 survives, even a difference that overflows.
 *
 * double stream: a byte k (decimal digits, 0..PACK_MAX_DIGITS), a varint
 * count of exceptions, each exception as a varint gap (from the previous
 * exception's index + 1) and the double's 8 bytes (little-endian bit
 * pattern), then an int stream of the n values scaled by 10^k.  A value v is
 * stored scaled when q = llround(v * 10^k) gives back v bit for bit as
 * q / 10^k (IEEE division is correctly rounded, so every decimal with at
 * most k digits after the point comes back exactly as strtod read it);
 * anything else (more digits, -0.0, NaN, infinities, huge values) is an
 * exception, and its scaled slot repeats the previous scaled value so the
 * differences stay small.  k is the fewest digits the block needs: the
 * feed gives coordinates with at most 5 to 7 decimals.
 *
 * nullable int stream: a presence byte (0 none NULL, 1 all NULL, 2 a
 * bitmap of ceil(n/8) bytes follows, bit i set when row i has a value),
 * then an int stream of the values present; each must fit an int32.
 *
 * runs (for the columns that almost never change): a varint count of runs,
 * each a varint length (>= 1) and the value: text as a varint (0 NULL, else
 * length + 1) and its bytes; double as a byte (0 NULL, 1 value) and 8
 * bytes; int as a varint (0 NULL, else zigzag + 1).  The lengths sum to n.
 *
 * The decoder checks every length against the input and every count
 * against n, and that the input ends exactly after the last column.
 */
#include "pack_codec.h"

#include <math.h>
#include <string.h>

#define PACK_MAX_DIGITS 9
#define VARINT_MAX 10

static const double pow10_table[PACK_MAX_DIGITS + 1] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9
};

/* 2^53: larger scaled values are not all exact as doubles */
#define SCALED_MAX INT64_C(9007199254740992)

enum
{
	MODE_DELTA = 0,
	MODE_DOD = 1
};

enum
{
	PRESENT_ALL = 0,
	PRESENT_NONE = 1,
	PRESENT_BITMAP = 2
};

/* ---------------------------------------------------------------------
 * Writing
 * --------------------------------------------------------------------- */

static uint64_t
zigzag(int64_t v)
{
	return ((uint64_t) v << 1) ^ (uint64_t) (v >> 63);
}

static int64_t
unzigzag(uint64_t u)
{
	return (int64_t) ((u >> 1) ^ (~(u & 1) + 1));
}

static size_t
varint_len(uint64_t u)
{
	size_t		len = 1;

	while (u >= 0x80)
	{
		u >>= 7;
		len++;
	}
	return len;
}

static uint8_t *
put_varint(uint8_t *p, uint64_t u)
{
	while (u >= 0x80)
	{
		*p++ = (uint8_t) (u | 0x80);
		u >>= 7;
	}
	*p++ = (uint8_t) u;
	return p;
}

static uint8_t *
put_u64le(uint8_t *p, uint64_t u)
{
	int			i;

	for (i = 0; i < 8; i++)
		*p++ = (uint8_t) (u >> (8 * i));
	return p;
}

static uint64_t
double_bits(double d)
{
	uint64_t	u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static double
bits_double(uint64_t u)
{
	double		d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

/* The i-th value written in a mode: the value, a difference, or a difference of differences. */
static uint64_t
stream_term(const int64_t *v, size_t i, int mode)
{
	uint64_t	d1;

	if (i == 0)
		return (uint64_t) v[0];
	d1 = (uint64_t) v[i] - (uint64_t) v[i - 1];
	if (mode == MODE_DELTA || i == 1)
		return d1;
	return d1 - ((uint64_t) v[i - 1] - (uint64_t) v[i - 2]);
}

static size_t
stream_len(const int64_t *v, size_t m, int mode)
{
	size_t		len = 1;
	size_t		i;

	for (i = 0; i < m; i++)
		len += varint_len(zigzag((int64_t) stream_term(v, i, mode)));
	return len;
}

static uint8_t *
put_int_stream(uint8_t *p, const int64_t *v, size_t m)
{
	int			mode = stream_len(v, m, MODE_DOD) < stream_len(v, m, MODE_DELTA) ?
		MODE_DOD : MODE_DELTA;
	size_t		i;

	*p++ = (uint8_t) mode;
	for (i = 0; i < m; i++)
		p = put_varint(p, zigzag((int64_t) stream_term(v, i, mode)));
	return p;
}

static double
column_double(const PackPosition *p, int col)
{
	return col == 0 ? p->latitude : p->longitude;
}

/* Whether v comes back bit for bit from k digits; *q is the scaled value. */
static bool
scales(double v, int k, int64_t *q)
{
	double		s;

	if (!isfinite(v))
		return false;
	s = v * pow10_table[k];
	if (!(fabs(s) < (double) SCALED_MAX))
		return false;
	*q = llround(s);
	return double_bits((double) *q / pow10_table[k]) == double_bits(v);
}

static uint8_t *
put_double_stream(uint8_t *p, const PackPosition *pos, size_t n, int col,
				  int64_t *scratch)
{
	int			k = 0;
	size_t		i;
	size_t		nexc = 0;
	size_t		last_exc = 0;
	int64_t		q;

	/* the fewest digits that every value that scales at all needs */
	for (i = 0; i < n; i++)
	{
		double		v = column_double(&pos[i], col);

		if (!scales(v, PACK_MAX_DIGITS, &q))
			continue;
		while (k < PACK_MAX_DIGITS && !scales(v, k, &q))
			k++;
	}
	*p++ = (uint8_t) k;
	for (i = 0; i < n; i++)
		if (!scales(column_double(&pos[i], col), k, &q))
			nexc++;
	p = put_varint(p, nexc);
	for (i = 0; i < n; i++)
	{
		double		v = column_double(&pos[i], col);

		if (scales(v, k, &q))
			scratch[i] = q;
		else
		{
			p = put_varint(p, i - last_exc);
			p = put_u64le(p, double_bits(v));
			last_exc = i + 1;
			scratch[i] = i > 0 ? scratch[i - 1] : 0;
		}
	}
	return put_int_stream(p, scratch, n);
}

/* columns 0..2: altitude, groundspeed, heading */
static bool
column_int(const PackPosition *p, int col, int64_t *v)
{
	switch (col)
	{
		case 0:
			*v = p->altitude;
			return !p->altitude_null;
		case 1:
			*v = p->groundspeed;
			return !p->groundspeed_null;
		default:
			*v = p->heading;
			return !p->heading_null;
	}
}

static uint8_t *
put_nullable_int_stream(uint8_t *p, const PackPosition *pos, size_t n, int col,
						int64_t *scratch)
{
	size_t		m = 0;
	size_t		i;
	uint8_t    *kind = p++;

	for (i = 0; i < n; i++)
		if (column_int(&pos[i], col, &scratch[m]))
			m++;
	if (m == n)
		*kind = PRESENT_ALL;
	else if (m == 0)
		*kind = PRESENT_NONE;
	else
	{
		*kind = PRESENT_BITMAP;
		memset(p, 0, (n + 7) / 8);
		for (i = 0; i < n; i++)
		{
			int64_t		v;

			if (column_int(&pos[i], col, &v))
				p[i / 8] |= (uint8_t) (1 << (i % 8));
		}
		p += (n + 7) / 8;
	}
	return put_int_stream(p, scratch, m);
}

/* runs: columns 0 transponder, 1 qnh_i_hg, 2 qnh_mb; one value as bytes */
static uint8_t *
put_token(uint8_t *p, const PackPosition *pos, int col)
{
	switch (col)
	{
		case 0:
			if (pos->transponder == NULL)
				return put_varint(p, 0);
			p = put_varint(p, (uint64_t) pos->transponder_len + 1);
			memcpy(p, pos->transponder, pos->transponder_len);
			return p + pos->transponder_len;
		case 1:
			*p++ = pos->qnh_i_hg_null ? 0 : 1;
			return pos->qnh_i_hg_null ? p : put_u64le(p, double_bits(pos->qnh_i_hg));
		default:
			return put_varint(p, pos->qnh_mb_null ? 0 : zigzag(pos->qnh_mb) + 1);
	}
}

static bool
same_token(const PackPosition *a, const PackPosition *b, int col)
{
	switch (col)
	{
		case 0:
			if (a->transponder == NULL || b->transponder == NULL)
				return a->transponder == b->transponder;
			return a->transponder_len == b->transponder_len &&
				memcmp(a->transponder, b->transponder, a->transponder_len) == 0;
		case 1:
			if (a->qnh_i_hg_null || b->qnh_i_hg_null)
				return a->qnh_i_hg_null == b->qnh_i_hg_null;
			return double_bits(a->qnh_i_hg) == double_bits(b->qnh_i_hg);
		default:
			if (a->qnh_mb_null || b->qnh_mb_null)
				return a->qnh_mb_null == b->qnh_mb_null;
			return a->qnh_mb == b->qnh_mb;
	}
}

static uint8_t *
put_runs(uint8_t *p, const PackPosition *pos, size_t n, int col)
{
	size_t		nruns = 0;
	size_t		i;
	size_t		start;

	for (i = 0; i < n; i++)
		if (i == 0 || !same_token(&pos[i - 1], &pos[i], col))
			nruns++;
	p = put_varint(p, nruns);
	for (start = 0; start < n; start = i)
	{
		for (i = start + 1; i < n && same_token(&pos[start], &pos[i], col); i++)
			;
		p = put_varint(p, i - start);
		p = put_token(p, &pos[start], col);
	}
	return p;
}

size_t
pack_encode_bound(const PackPosition *pos, size_t n)
{
	size_t		bound = 1 + VARINT_MAX;
	size_t		i;

	/* per column: headers; per row: every stream term, exceptions, tokens */
	bound += 3 * (1 + VARINT_MAX) + 3 * 2 + 3 * VARINT_MAX;
	for (i = 0; i < n; i++)
		bound += 3 * VARINT_MAX + 2 * (VARINT_MAX + 8) + 3 * (VARINT_MAX + 1) +
			3 * VARINT_MAX + (VARINT_MAX + pos[i].transponder_len) + 9 + VARINT_MAX;
	return bound;
}

size_t
pack_encode(const PackPosition *pos, size_t n, uint8_t *out, int64_t *scratch)
{
	uint8_t    *p = out;
	size_t		i;
	int			col;

	*p++ = PACK_FORMAT_VERSION;
	p = put_varint(p, n);
	for (i = 0; i < n; i++)
		scratch[i] = pos[i].ts;
	p = put_int_stream(p, scratch, n);
	for (col = 0; col < 2; col++)
		p = put_double_stream(p, pos, n, col, scratch);
	for (col = 0; col < 3; col++)
		p = put_nullable_int_stream(p, pos, n, col, scratch);
	for (col = 0; col < 3; col++)
		p = put_runs(p, pos, n, col);
	return (size_t) (p - out);
}

/* ---------------------------------------------------------------------
 * Reading: every read checks the bytes left; the first error sticks.
 * --------------------------------------------------------------------- */

typedef struct Reader
{
	const uint8_t *p;
	const uint8_t *end;
	const char *error;
} Reader;

static bool
fail(Reader *r, const char *msg)
{
	if (r->error == NULL)
		r->error = msg;
	return false;
}

static bool
get_byte(Reader *r, uint8_t *b)
{
	if (r->error != NULL)
		return false;
	if (r->p >= r->end)
		return fail(r, "the pack ends in the middle of a value");
	*b = *r->p++;
	return true;
}

static bool
get_varint(Reader *r, uint64_t *u)
{
	int			shift;
	uint8_t		b = 0x80;

	*u = 0;
	for (shift = 0; shift < 7 * VARINT_MAX && (b & 0x80); shift += 7)
	{
		if (!get_byte(r, &b))
			return false;
		if (shift == 63 && b > 1)
			return fail(r, "a number in the pack is longer than 64 bits");
		*u |= (uint64_t) (b & 0x7f) << shift;
	}
	if (b & 0x80)
		return fail(r, "a number in the pack is longer than 64 bits");
	return true;
}

static bool
get_u64le(Reader *r, uint64_t *u)
{
	int			i;

	if (r->error != NULL)
		return false;
	if (r->end - r->p < 8)
		return fail(r, "the pack ends in the middle of a value");
	*u = 0;
	for (i = 0; i < 8; i++)
		*u |= (uint64_t) r->p[i] << (8 * i);
	r->p += 8;
	return true;
}

/* A count that must not exceed limit. */
static bool
get_count(Reader *r, size_t limit, size_t *count)
{
	uint64_t	u;

	if (!get_varint(r, &u))
		return false;
	if (u > limit)
		return fail(r, "a count in the pack is larger than its number of positions");
	*count = (size_t) u;
	return true;
}

static bool
get_int_stream(Reader *r, int64_t *v, size_t m)
{
	uint8_t		mode;
	uint64_t	prev_d = 0;
	size_t		i;

	if (!get_byte(r, &mode))
		return false;
	if (mode != MODE_DELTA && mode != MODE_DOD)
		return fail(r, "unknown number encoding in the pack");
	for (i = 0; i < m; i++)
	{
		uint64_t	u;
		uint64_t	t;

		if (!get_varint(r, &u))
			return false;
		t = (uint64_t) unzigzag(u);
		if (i == 0)
			v[0] = (int64_t) t;
		else
		{
			uint64_t	d = (mode == MODE_DELTA || i == 1) ? t : prev_d + t;

			v[i] = (int64_t) ((uint64_t) v[i - 1] + d);
			prev_d = d;
		}
	}
	return true;
}

static bool
get_double_stream(Reader *r, PackPosition *out, size_t n, int col,
				  int64_t *scratch)
{
	uint8_t		k;
	size_t		nexc;
	size_t		e;
	size_t		next = 0;
	size_t		i;
	const uint8_t *exc;

	if (!get_byte(r, &k))
		return false;
	if (k > PACK_MAX_DIGITS)
		return fail(r, "a coordinate scale in the pack is out of range");
	if (!get_count(r, n, &nexc))
		return false;
	/* skip the exceptions for now: the scaled values come first in out */
	exc = r->p;
	for (e = 0; e < nexc; e++)
	{
		uint64_t	gap,
					bits;

		if (!get_varint(r, &gap) || !get_u64le(r, &bits))
			return false;
		if (gap >= n - next)
			return fail(r, "an exception in the pack is past its last position");
		next += (size_t) gap + 1;
	}
	if (!get_int_stream(r, scratch, n))
		return false;
	for (i = 0; i < n; i++)
	{
		double		v;

		if (scratch[i] > SCALED_MAX || scratch[i] < -SCALED_MAX)
			return fail(r, "a coordinate in the pack is out of range");
		v = (double) scratch[i] / pow10_table[k];
		if (col == 0)
			out[i].latitude = v;
		else
			out[i].longitude = v;
	}
	/* now the exceptions (already checked) */
	{
		Reader		x = {exc, r->end, NULL};

		next = 0;
		for (e = 0; e < nexc; e++)
		{
			uint64_t	gap = 0,
						bits = 0;

			(void) get_varint(&x, &gap);
			(void) get_u64le(&x, &bits);
			next += (size_t) gap;
			if (col == 0)
				out[next].latitude = bits_double(bits);
			else
				out[next].longitude = bits_double(bits);
			next++;
		}
	}
	return true;
}

static void
set_int(PackPosition *p, int col, bool null, int32_t v)
{
	switch (col)
	{
		case 0:
			p->altitude = v;
			p->altitude_null = null;
			break;
		case 1:
			p->groundspeed = v;
			p->groundspeed_null = null;
			break;
		default:
			p->heading = v;
			p->heading_null = null;
			break;
	}
}

static bool
get_nullable_int_stream(Reader *r, PackPosition *out, size_t n, int col,
						int64_t *scratch)
{
	uint8_t		kind;
	const uint8_t *bitmap = NULL;
	size_t		m = 0;
	size_t		i;
	size_t		j = 0;

	if (!get_byte(r, &kind))
		return false;
	if (kind == PRESENT_ALL)
		m = n;
	else if (kind == PRESENT_BITMAP)
	{
		if ((size_t) (r->end - r->p) < (n + 7) / 8)
			return fail(r, "the pack ends in the middle of a value");
		bitmap = r->p;
		r->p += (n + 7) / 8;
		for (i = 0; i < n; i++)
			if (bitmap[i / 8] & (1 << (i % 8)))
				m++;
		for (i = n; i < (n + 7) / 8 * 8; i++)
			if (bitmap[i / 8] & (1 << (i % 8)))
				return fail(r, "a null bitmap in the pack has bits past its last position");
	}
	else if (kind != PRESENT_NONE)
		return fail(r, "unknown null encoding in the pack");
	if (!get_int_stream(r, scratch, m))
		return false;
	for (i = 0; i < n; i++)
	{
		bool		present = kind == PRESENT_ALL ||
			(bitmap != NULL && (bitmap[i / 8] & (1 << (i % 8))));

		if (present)
		{
			if (scratch[j] < INT32_MIN || scratch[j] > INT32_MAX)
				return fail(r, "an integer in the pack is out of range");
			set_int(&out[i], col, false, (int32_t) scratch[j++]);
		}
		else
			set_int(&out[i], col, true, 0);
	}
	return true;
}

/* One run's value into *p (a template copied to the run's rows). */
static bool
get_token(Reader *r, PackPosition *p, int col)
{
	uint64_t	u;
	uint8_t		b;

	switch (col)
	{
		case 0:
			if (!get_varint(r, &u))
				return false;
			p->transponder = NULL;
			p->transponder_len = 0;
			if (u == 0)
				return true;
			if (u - 1 > (uint64_t) (r->end - r->p) || u - 1 > UINT32_MAX)
				return fail(r, "the pack ends in the middle of a value");
			p->transponder = (const char *) r->p;
			p->transponder_len = (uint32_t) (u - 1);
			r->p += u - 1;
			return true;
		case 1:
			if (!get_byte(r, &b))
				return false;
			if (b > 1)
				return fail(r, "unknown null encoding in the pack");
			p->qnh_i_hg_null = b == 0;
			p->qnh_i_hg = 0;
			if (b == 0)
				return true;
			if (!get_u64le(r, &u))
				return false;
			p->qnh_i_hg = bits_double(u);
			return true;
		default:
			if (!get_varint(r, &u))
				return false;
			p->qnh_mb_null = u == 0;
			p->qnh_mb = 0;
			if (u == 0)
				return true;
			if (unzigzag(u - 1) < INT32_MIN || unzigzag(u - 1) > INT32_MAX)
				return fail(r, "an integer in the pack is out of range");
			p->qnh_mb = (int32_t) unzigzag(u - 1);
			return true;
	}
}

static bool
get_runs(Reader *r, PackPosition *out, size_t n, int col)
{
	size_t		nruns;
	size_t		run;
	size_t		row = 0;

	if (!get_count(r, n, &nruns))
		return false;
	for (run = 0; run < nruns; run++)
	{
		size_t		len;
		PackPosition v;
		size_t		i;

		memset(&v, 0, sizeof(v));
		if (!get_count(r, n - row, &len) || !get_token(r, &v, col))
			return false;
		if (len == 0)
			return fail(r, "a run in the pack is empty");
		for (i = row; i < row + len; i++)
		{
			if (col == 0)
			{
				out[i].transponder = v.transponder;
				out[i].transponder_len = v.transponder_len;
			}
			else if (col == 1)
			{
				out[i].qnh_i_hg = v.qnh_i_hg;
				out[i].qnh_i_hg_null = v.qnh_i_hg_null;
			}
			else
			{
				out[i].qnh_mb = v.qnh_mb;
				out[i].qnh_mb_null = v.qnh_mb_null;
			}
		}
		row += len;
	}
	if (row != n)
		return fail(r, "the runs of a column in the pack do not cover its positions");
	return true;
}

/* The header; *n the count.  The count can be at most a byte a position. */
static bool
get_header(Reader *r, size_t *n)
{
	uint8_t		version;

	if (!get_byte(r, &version))
		return false;
	if (version != PACK_FORMAT_VERSION)
		return fail(r, "unknown pack format version");
	return get_count(r, (size_t) (r->end - r->p), n);
}

int64_t
pack_count(const uint8_t *data, size_t len, const char **error)
{
	Reader		r = {data, data + len, NULL};
	size_t		n;

	if (!get_header(&r, &n))
	{
		*error = r.error;
		return -1;
	}
	return (int64_t) n;
}

bool
pack_decode(const uint8_t *data, size_t len, PackPosition *out, size_t count,
			int64_t *scratch, const char **error)
{
	Reader		r = {data, data + len, NULL};
	size_t		n;
	size_t		i;
	int			col;

	if (!get_header(&r, &n))
		goto failed;
	if (n != count)
	{
		fail(&r, "the pack's count changed between reads");
		goto failed;
	}
	memset(out, 0, n * sizeof(PackPosition));
	if (!get_int_stream(&r, scratch, n))
		goto failed;
	for (i = 0; i < n; i++)
		out[i].ts = scratch[i];
	for (col = 0; col < 2; col++)
		if (!get_double_stream(&r, out, n, col, scratch))
			goto failed;
	for (col = 0; col < 3; col++)
		if (!get_nullable_int_stream(&r, out, n, col, scratch))
			goto failed;
	for (col = 0; col < 3; col++)
		if (!get_runs(&r, out, n, col))
			goto failed;
	if (r.p != r.end)
	{
		fail(&r, "the pack has bytes after its last column");
		goto failed;
	}
	return true;

failed:
	*error = r.error;
	return false;
}
