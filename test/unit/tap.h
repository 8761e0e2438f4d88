/*-------------------------------------------------------------------------
 *
 * tap.h
 *		The TAP harness shared by the standalone C tests (test/unit and
 *		test/fetch): header-only, included by each test program once.
 *
 * Self-contained (no test framework): a test prints "ok N - name" or
 * "not ok N - name" per test (ok, skip), diagnostics as "# ..." lines
 * (diag), and at the end the plan "1..N" (tap_done, whose result is the
 * exit status: non-zero when a test failed).  Run through prove(1), see
 * the Makefiles.
 *
 * Also here: strings kept until exit (keep, fmt; freed by tap_done, for
 * LeakSanitizer), JSON text from a base record and overrides (obj, list),
 * fixture files (read_file, read_fixture, fixture_missing, fail_checks: a
 * fixture that cannot be read fails its checks, it never skips them), a
 * counting allocator for cJSON_InitHooks (counting_malloc, counting_free)
 * with the loop that fails each allocation in turn (alloc_try, alloc_run),
 * and, when feed.h is included first, names of FeedErrorCode (code_name).
 * All static: what a test does not use costs nothing.
 *
 *-------------------------------------------------------------------------
 */
#ifndef VATSIM_TEST_TAP_H
#define VATSIM_TEST_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * TAP
 * ------------------------------------------------------------------------
 */

static int	n_tests = 0;
static int	n_failed = 0;

static inline bool ok(bool cond, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
static inline void diag(const char *fmt,...)
			__attribute__((format(printf, 1, 2)));
static inline void skip(const char *why, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

static inline bool
ok(bool cond, const char *fmt,...)
{
	va_list		ap;

	n_tests++;
	if (!cond)
		n_failed++;
	printf("%sok %d - ", cond ? "" : "not ", n_tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

static inline void
diag(const char *fmt,...)
{
	va_list		ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static inline void
skip(const char *why, const char *fmt,...)
{
	va_list		ap;

	n_tests++;
	printf("ok %d - ", n_tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
	fflush(stdout);
}

/* ------------------------------------------------------------------------
 * Strings kept until exit (everything freed by tap_done, for LeakSanitizer)
 * ------------------------------------------------------------------------
 */

static void **arena = NULL;
static size_t arena_n = 0;
static size_t arena_cap = 0;

/* p, to be freed at exit; exits when p is NULL (out of memory). */
static inline void *
keep(void *p)
{
	if (p == NULL)
	{
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	if (arena_n == arena_cap)
	{
		arena_cap = arena_cap ? arena_cap * 2 : 256;
		arena = realloc(arena, arena_cap * sizeof(void *));
		if (arena == NULL)
		{
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
	}
	arena[arena_n++] = p;
	return p;
}

static inline void
arena_free(void)
{
	size_t		i;

	for (i = 0; i < arena_n; i++)
		free(arena[i]);
	free(arena);
	arena = NULL;
	arena_n = arena_cap = 0;
}

static inline char *fmt(const char *f,...)
			__attribute__((format(printf, 1, 2)));

/* A printf-formatted string, kept. */
static inline char *
fmt(const char *f,...)
{
	va_list		ap;
	int			n;
	char	   *p;

	va_start(ap, f);
	n = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	p = keep(malloc((size_t) n + 1));
	va_start(ap, f);
	vsnprintf(p, (size_t) n + 1, f, ap);
	va_end(ap);
	return p;
}

/* The plan, how many failed, everything kept freed: main's exit status. */
static inline int
tap_done(void)
{
	printf("1..%d\n", n_tests);
	if (n_failed)
		diag("%d of %d tests failed", n_failed, n_tests);
	arena_free();
	return n_failed ? 1 : 0;
}

/* ------------------------------------------------------------------------
 * JSON text building
 * ------------------------------------------------------------------------
 */

/* growable buffer */
typedef struct Buf
{
	char	   *p;
	size_t		len;
	size_t		cap;
} Buf;

static inline void
buf_str(Buf *b, const char *s)
{
	size_t		n = strlen(s);

	if (b->len + n + 1 > b->cap)
	{
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (b->p == NULL)
			exit(2);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Marks a key to delete in obj(). */
static const char del_marker = 0;
#define DEL (&del_marker)

/*
 * A JSON object from base (key, value-as-JSON pairs, NULL-terminated) with
 * overrides (key, value pairs, NULL-terminated): a key of base is replaced
 * (or dropped when the value is DEL), new keys are appended in order.
 */
static inline const char *
obj(const char *const *base,...)
{
	const char *ok_[64];
	const char *ov[64];
	bool		used[64];
	int			n = 0;
	int			i;
	int			j;
	bool		first = true;
	va_list		ap;
	Buf			b = {0};

	va_start(ap, base);
	for (;;)
	{
		const char *k = va_arg(ap, const char *);

		if (k == NULL)
			break;
		ok_[n] = k;
		ov[n] = va_arg(ap, const char *);
		used[n] = false;
		n++;
	}
	va_end(ap);

	buf_str(&b, "{");
	for (i = 0; base && base[i]; i += 2)
	{
		const char *v = base[i + 1];

		for (j = 0; j < n; j++)
		{
			if (!used[j] && strcmp(ok_[j], base[i]) == 0)
			{
				used[j] = true;
				v = ov[j];
				break;
			}
		}
		if (v == DEL)
			continue;
		if (!first)
			buf_str(&b, ",");
		first = false;
		buf_str(&b, "\"");
		buf_str(&b, base[i]);
		buf_str(&b, "\":");
		buf_str(&b, v);
	}
	for (j = 0; j < n; j++)
	{
		if (used[j] || ov[j] == DEL)
			continue;
		if (!first)
			buf_str(&b, ",");
		first = false;
		buf_str(&b, "\"");
		buf_str(&b, ok_[j]);
		buf_str(&b, "\":");
		buf_str(&b, ov[j]);
	}
	buf_str(&b, "}");
	return keep(b.p);
}

/* "[a,b,...]" from NULL-terminated JSON texts */
static inline const char *
list(const char *first,...)
{
	va_list		ap;
	const char *s;
	int			n = 0;
	Buf			b = {0};

	buf_str(&b, "[");
	va_start(ap, first);
	for (s = first; s != NULL; s = va_arg(ap, const char *))
	{
		if (n++ > 0)
			buf_str(&b, ",");
		buf_str(&b, s);
	}
	va_end(ap);
	buf_str(&b, "]");
	return keep(b.p);
}

/* ------------------------------------------------------------------------
 * Fixture files
 * ------------------------------------------------------------------------
 */

/*
 * The whole file, malloc'd, exactly *len bytes (no NUL terminator, so the
 * ASan build sees any over-read); NULL when unreadable.
 */
static inline char *
read_file(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf;
	long		n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
		fseek(f, 0, SEEK_SET) != 0)
	{
		fclose(f);
		return NULL;
	}
	buf = malloc(n > 0 ? (size_t) n : 1);
	if (buf == NULL || fread(buf, 1, (size_t) n, f) != (size_t) n)
	{
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t) n;
	return buf;
}

/* File name in dir ($FIXTURE_DIR) as read_file; NULL when dir is unset or "". */
static inline char *
read_fixture(const char *dir, const char *name, size_t *len)
{
	if (dir == NULL || *dir == '\0')
		return NULL;
	return read_file(fmt("%s/%s", dir, name), len);
}

/*
 * Why the checks of a fixture that read_fixture could not read fail (with
 * fail_checks(0, n, ...)): a missing or renamed fixture must not pass.
 */
static inline const char *
fixture_missing(const char *dir)
{
	return dir ? "fixture file not found in FIXTURE_DIR" :
		"FIXTURE_DIR not set";
}

/* Fails checks from + 1 .. n of what: "what: check i (note)". */
static inline void
fail_checks(int from, int n, const char *what, const char *note)
{
	int			i;

	for (i = from; i < n; i++)
		ok(false, "%s: check %d (%s)", what, i + 1, note);
}

/* ------------------------------------------------------------------------
 * A counting allocator, for cJSON_InitHooks: allocation failure tests
 * ------------------------------------------------------------------------
 */

static long alloc_budget = -1;	/* allocations left; -1 unlimited */
static long alloc_live = 0;		/* allocated, not yet freed */
static long alloc_calls = 0;	/* calls, the failed ones too */
static bool alloc_failed = false;	/* set when an allocation failed */

static inline void *
counting_malloc(size_t n)
{
	void	   *p;

	alloc_calls++;
	if (alloc_budget == 0)
	{
		alloc_failed = true;
		return NULL;
	}
	if (alloc_budget > 0)
		alloc_budget--;
	p = malloc(n);
	if (p)
		alloc_live++;
	return p;
}

static inline void
counting_free(void *p)
{
	if (p == NULL)
	{
		/* pfree(NULL) would crash: the code under test must never do this */
		alloc_live -= 1000000;
		return;
	}
	alloc_live--;
	free(p);
}

/* What one attempt under an allocation budget gave (see alloc_try). */
typedef enum AllocResult
{
	ALLOC_SUCCEEDED,			/* done (the attempt freed what it made) */
	ALLOC_OUT_OF_MEMORY,		/* failed, saying "out of memory" */
	ALLOC_OTHER_FAILURE,		/* failed otherwise, as may be expected */
	ALLOC_WRONG					/* failed in a way it must not */
} AllocResult;

/* Counts over the attempts of one allocation-failure test. */
typedef struct AllocStats
{
	long		tried;
	int			leaks;			/* attempts that left allocations behind */
	int			wrong;
	int			nomem;
} AllocStats;

typedef AllocResult (*AllocAttempt) (void *arg, long budget);

/*
 * One attempt(arg, budget) with budget allocations allowed (cJSON's hooks
 * being counting_malloc / counting_free): counts it in *st, and a leak
 * when allocations are still live afterwards.  True when it succeeded.
 */
static inline bool
alloc_try(long budget, AllocAttempt attempt, void *arg, AllocStats *st)
{
	AllocResult r;

	alloc_budget = budget;
	alloc_failed = false;
	alloc_live = 0;
	st->tried++;
	r = attempt(arg, budget);
	alloc_budget = -1;
	if (alloc_live != 0)
		st->leaks++;
	if (r == ALLOC_OUT_OF_MEMORY)
		st->nomem++;
	else if (r == ALLOC_WRONG)
		st->wrong++;
	return r == ALLOC_SUCCEEDED;
}

/*
 * alloc_try with budgets 0, 1, 2, ... until an attempt succeeds (true) or
 * max attempts failed (false); *last: the last budget tried.
 */
static inline bool
alloc_run(long max, AllocAttempt attempt, void *arg, AllocStats *st,
		  long *last)
{
	long		n;

	for (n = 0; n < max; n++)
	{
		*last = n;
		if (alloc_try(n, attempt, arg, st))
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------------
 * Tests of the feed parsers (feed.h included before this file)
 * ------------------------------------------------------------------------
 */

#ifdef VATSIM_FEED_H
static const char *const code_names[] = {
	"FEED_OK", "FEED_ERR_EMPTY", "FEED_ERR_TOO_LARGE", "FEED_ERR_ENCODING",
	"FEED_ERR_TOO_DEEP", "FEED_ERR_SYNTAX", "FEED_ERR_NOT_OBJECT",
	"FEED_ERR_MISSING", "FEED_ERR_WRONG_TYPE", "FEED_ERR_BAD_TIMESTAMP",
	"FEED_ERR_NO_MEMORY"
};

/* "FEED_ERR_SYNTAX" for FEED_ERR_SYNTAX */
static inline const char *
code_name(FeedErrorCode c)
{
	if ((int) c >= 0 && (int) c <= FEED_ERR_NO_MEMORY)
		return code_names[c];
	return "?";
}

/*
 * A parse that failed under an allocation budget: right when it left its
 * document zeroed and said FEED_ERR_NO_MEMORY, or FEED_ERR_SYNTAX (which
 * is what a failure inside cJSON's parser looks like).
 */
static inline AllocResult
parse_failure_result(bool doc_zeroed, FeedErrorCode code)
{
	if (!doc_zeroed)
		return ALLOC_WRONG;
	if (code == FEED_ERR_NO_MEMORY)
		return ALLOC_OUT_OF_MEMORY;
	return code == FEED_ERR_SYNTAX ? ALLOC_OTHER_FAILURE : ALLOC_WRONG;
}

#ifdef cJSON__h
/*
 * One test: attempt(text) with each allocation failing in turn, up to
 * success; nothing may leak, every failure must be right, and at least
 * min_nomem must say out of memory.
 */
static inline void
parse_allocation_test(const char *text, AllocAttempt attempt, int min_nomem)
{
	cJSON_Hooks hooks = {counting_malloc, counting_free};
	AllocStats	st = {0};
	long		n = 0;
	bool		r;

	cJSON_InitHooks(&hooks);
	r = alloc_run(100000, attempt, (void *) text, &st, &n);
	cJSON_InitHooks(NULL);
	ok(r && st.leaks == 0 && st.wrong == 0 && st.nomem >= min_nomem,
	   "allocation failure at each of %ld allocations: nothing leaked, "
	   "NO_MEMORY (or SYNTAX inside cJSON), doc zeroed", n);
	if (st.leaks || st.wrong || st.nomem < min_nomem)
		diag("leaks %d wrong %d nomem %d", st.leaks, st.wrong, st.nomem);
}
#endif
#endif

#endif							/* VATSIM_TEST_TAP_H */
