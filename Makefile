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
# The pipeline, a folder a stage: the pure-C cores (fetch, parse, geometry:
# no Postgres headers, unit-tested and fuzzed alone) and the PostgreSQL glue
# (store, sectors, airports, summaries, worker, packing) around the module's settings.
FETCH = fetch fetch_transfer fetch_classify fetch_urls
PARSE = feed_parse feed_json feed_prescan feed_map feed_dedupe feed_time \
	transceivers_parse vatspy_dat
GEOMETRY = geo_set geo_ring geo_read_ring geo_read geo_index geo_index_many
STORE = columns store_current store_sessions flight_stats_step store_stitch store_flights \
	store_transceivers partitions ingest
SECTORS = sectors sectors_points occupancy occupancy_aggregates
AIRPORTS = airports
CONTACTS = contact_match contacts_settings contacts
SUMMARIES = history analytics flight_summaries movements controller_summaries
WORKER = worker_status worker_notify worker
PACKING = pack_codec pack_read pack_store
OBJS = \
	src/vatsim_ingest.o src/search_path.o src/standby.o \
	$(FETCH:%=src/fetch/%.o) \
	$(PARSE:%=src/parse/%.o) \
	$(GEOMETRY:%=src/geometry/%.o) \
	$(STORE:%=src/store/%.o) \
	$(SECTORS:%=src/sectors/%.o) \
	$(AIRPORTS:%=src/airports/%.o) \
	$(CONTACTS:%=src/contacts/%.o) \
	$(SUMMARIES:%=src/summaries/%.o) \
	$(WORKER:%=src/worker/%.o) \
	$(PACKING:%=src/packing/%.o)
DATA = vatsim_ingest--0.1.0.sql vatsim_ingest--0.1.0--0.2.0.sql \
	vatsim_ingest--0.2.0--0.3.0.sql vatsim_ingest--0.3.0--0.4.0.sql \
	vatsim_ingest--0.4.0--0.5.0.sql vatsim_ingest--0.5.0--0.6.0.sql \
	vatsim_ingest--0.6.0--0.7.0.sql

PG_CPPFLAGS = $(addprefix -I$(srcdir)/src,/ /fetch /parse /geometry /store /sectors /worker /contacts /summaries /packing)
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

# The load test at full size (issue 13): 1,000 snapshots through the worker
# under 8 pgbench readers, its checks and figures (bench/load.sh).
.PHONY: load
load:
	test/deps.sh
	bench/load.sh

unit:
	$(MAKE) -C test/unit check

# The Debian package postgresql-15-vatsim-ingest (pg_buildext, debian/),
# built into build/deb/; and the libFuzzer targets for FUZZ_SECONDS each
# (default 120; test/fuzz/Makefile).
.PHONY: deb fuzz
deb:
	test/deb.sh

FUZZ_SECONDS ?= 120
fuzz:
	test/deps.sh
	$(MAKE) -C test/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)
