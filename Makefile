# vatsim_ingest: PostgreSQL 15 extension (PGXS)
#
# The two commands a newcomer runs (see README.md):
#   make demo   install what is missing, build, and replay the shipped
#               snapshots into a throw-away cluster
#   make test   install what is missing, build with -Werror, run every test
# Both call scripts in test/ that install Debian packages first, so this file
# must not need pg_config before they have run: PGXS is included only when
# it is there.

EXTENSION = vatsim_ingest
MODULE_big = vatsim_ingest
OBJS = \
	src/vatsim_ingest.o \
	src/fetch.o \
	src/fetch_classify.o \
	src/fetch_transfer.o \
	src/fetch_urls.o \
	src/feed_parse.o \
	src/feed_json.o \
	src/feed_prescan.o \
	src/feed_map.o \
	src/feed_dedupe.o \
	src/feed_time.o \
	src/transceivers_parse.o \
	src/columns.o \
	src/search_path.o \
	src/store_current.o \
	src/store_flights.o \
	src/store_transceivers.o \
	src/ingest.o \
	src/worker_status.o \
	src/worker.o \
	src/geo_set.o \
	src/geo_ring.o \
	src/geo_read_ring.o \
	src/geo_read.o \
	src/geo_index.o \
	src/sectors.o \
	src/occupancy.o \
	src/history.o
DATA = vatsim_ingest--0.1.0.sql vatsim_ingest--0.1.0--0.2.0.sql \
	vatsim_ingest--0.2.0--0.3.0.sql vatsim_ingest--0.3.0--0.4.0.sql

PG_CPPFLAGS = -I$(srcdir)/src
PG_CFLAGS = -std=gnu11 -Wextra -Wno-unused-parameter -Wno-missing-field-initializers $(WERROR)
SHLIB_LINK = -lcjson -lcurl

REGRESS = setup ingest bad_input
REGRESS_OPTS = --encoding=UTF8 --load-extension=plpgsql

PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(PGXS),)
include $(PGXS)
else
all:
	@echo "PostgreSQL 15 server headers are missing: run 'make demo' or 'make test', which install them" >&2; exit 1
endif

.PHONY: demo test bench deps unit
deps:
	test/deps.sh

demo:
	test/deps.sh
	test/demo.sh

test:
	test/deps.sh
	test/run_tests.sh

bench:
	test/deps.sh
	bench/run.sh

unit:
	$(MAKE) -C test/unit check
