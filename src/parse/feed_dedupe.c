/*-------------------------------------------------------------------------
 *
 * feed_dedupe.c
 *		Repeated keys within one section of a v3 document.
 *
 * This file owns feed_dedup_section(): per key (callsign, server ident or
 * reference id) the record with the newer last_updated is kept (a tie, or
 * either absent: the later one in the document), the others are counted
 * as rejected with a reason naming the record kept.  The survivors stay in
 * document order.
 *
 * The records are sorted by key: string keys by a number made of their
 * first 8 bytes (most callsigns differ within them), then by strcmp of the
 * rest; ties by position.
 *
 * Pure C11, no Postgres headers.
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feed_internal.h"

/*
 * The first 8 bytes of s (NUL-padded) as a number that orders like strcmp:
 * most keys (callsigns) differ within them, so the sort seldom has to look
 * at the strings.
 */
static inline uint64_t
key_prefix(const char *s)
{
	uint64_t	v = 0;
	int			i;

	for (i = 0; i < 8; i++)
	{
		v <<= 8;
		if (*s != '\0')
			v |= (unsigned char) *s++;
	}
	return v;
}

/* strcmp order of the keys (ties: slot) */
static int
cmp_dedup_str(const void *a, const void *b)
{
	const DedupEntry *x = a;
	const DedupEntry *y = b;

	if (x->prefix != y->prefix)
		return x->prefix < y->prefix ? -1 : 1;
	/* equal prefixes: equal strings unless both go on past 8 bytes */
	if ((x->prefix & 0xFF) != 0)
	{
		int			c = strcmp(x->skey + 8, y->skey + 8);

		if (c != 0)
			return c;
	}
	return (x->slot > y->slot) - (x->slot < y->slot);
}

static int
cmp_dedup_id(const void *a, const void *b)
{
	const DedupEntry *x = a;
	const DedupEntry *y = b;

	if (x->ikey != y->ikey)
		return x->ikey < y->ikey ? -1 : 1;
	return (x->slot > y->slot) - (x->slot < y->slot);
}

static inline bool
same_key(const SectionDesc *sd, const DedupEntry *x, const DedupEntry *y)
{
	if (sd->key_is_id)
		return x->ikey == y->ikey;
	return x->prefix == y->prefix &&
		((x->prefix & 0xFF) == 0 || strcmp(x->skey + 8, y->skey + 8) == 0);
}

static inline FeedTime
rec_updated(const SectionDesc *sd, const char *rec)
{
	return sd->has_updated ? *(const FeedTime *) (rec + sd->updated_off)
		: FEED_NULL_TIME;
}

/* keys[] from the n records of block, sorted; winner[] all -1. */
static void
sort_keys(const SectionDesc *sd, const char *block, int n, DedupEntry *keys,
		  int *winner)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		const char *rec = block + (size_t) i * sd->elem_size;

		keys[i].slot = i;
		if (sd->key_is_id)
		{
			keys[i].prefix = 0;
			keys[i].skey = NULL;
			keys[i].ikey = *(const int32_t *) (rec + sd->key_off);
		}
		else
		{
			keys[i].skey = *(const char *const *) (rec + sd->key_off);
			keys[i].prefix = key_prefix(keys[i].skey);
			keys[i].ikey = 0;
		}
		winner[i] = -1;
	}
	qsort(keys, (size_t) n, sizeof(DedupEntry),
		  sd->key_is_id ? cmp_dedup_id : cmp_dedup_str);
}

/*
 * For each run of equal keys in the sorted keys[], the winner; every other
 * record of the run gets winner[slot] = the winner's slot.  False when no
 * key repeats.
 */
static bool
pick_winners(const SectionDesc *sd, const char *block, int n,
			 const DedupEntry *keys, int *winner)
{
	size_t		es = sd->elem_size;
	bool		any = false;
	int			a;
	int			b;
	int			i;

	for (a = 0; a < n; a = b)
	{
		int			w = a;

		for (b = a + 1; b < n; b++)
		{
			FeedTime	tb;
			FeedTime	tw;

			if (!same_key(sd, &keys[a], &keys[b]))
				break;
			/* keys[b] is later in the document than the current winner */
			tb = rec_updated(sd, block + (size_t) keys[b].slot * es);
			tw = rec_updated(sd, block + (size_t) keys[w].slot * es);
			if (!(tb != FEED_NULL_TIME && tw != FEED_NULL_TIME && tb < tw))
				w = b;
		}
		if (b - a > 1)
		{
			any = true;
			for (i = a; i < b; i++)
				winner[keys[i].slot] = (i == w) ? -1 : keys[w].slot;
		}
	}
	return any;
}

/* Count record rec as a duplicate of wrec, document position wdocidx. */
static void
reject_duplicate(MapCtx *ctx, const SectionDesc *sd, const char *rec,
				 const char *wrec, int wdocidx)
{
	FeedTime	tl = rec_updated(sd, rec);
	FeedTime	tw = rec_updated(sd, wrec);
	const char *why;
	char		q[FEED_QUOTE_BUF];

	why = (tl != FEED_NULL_TIME && tw != FEED_NULL_TIME && tw > tl)
		? "kept the newer last_updated" : "kept the later one";
	if (sd->key_is_id)
		feed_rec_reject(ctx, NULL, sd->key_name, -1,
						"%d duplicate of %s[%d], %s",
						(int) *(const int32_t *) (rec + sd->key_off),
						sd->name, wdocidx, why);
	else
		feed_rec_reject(ctx, NULL, sd->key_name, -1,
						"\"%s\" duplicate of %s[%d], %s",
						feed_quote_text(*(const char *const *) (rec + sd->key_off),
										q),
						sd->name, wdocidx, why);
}

/*
 * Resolve repeated keys among the n mapped records in block: per key the
 * record with the newer last_updated is kept (tie or either absent: the
 * later one), the others are counted as rejected.  Survivors are moved
 * together, in document order.  keys, winner and docidx are scratch arrays
 * of n entries; docidx[slot] is the record's position in the document.
 * Returns the number of records kept.
 */
int
feed_dedup_section(MapCtx *ctx, const SectionDesc *sd, char *block, int n,
				   DedupEntry *keys, int *winner, const int *docidx)
{
	size_t		es = sd->elem_size;
	int			i;
	int			out;

	sort_keys(sd, block, n, keys, winner);
	if (!pick_winners(sd, block, n, keys, winner))
		return n;

	/* reasons in document order (nothing moved yet) */
	for (i = 0; i < n; i++)
	{
		if (winner[i] < 0)
			continue;
		ctx->index = docidx[i];
		reject_duplicate(ctx, sd, block + (size_t) i * es,
						 block + (size_t) winner[i] * es, docidx[winner[i]]);
	}

	/* then close the gaps, keeping document order */
	out = 0;
	for (i = 0; i < n; i++)
	{
		if (winner[i] >= 0)
			continue;
		if (out != i)
			memcpy(block + (size_t) out * es, block + (size_t) i * es, es);
		out++;
	}
	return out;
}
