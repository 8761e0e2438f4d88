#!/bin/bash
# seeds.sh BUILD: rebuild the raw seed corpora in BUILD/seeds/<target>/ from
# the fixtures (trimmed: a few records each), test/bad/* and small handmade
# seeds.  What is committed in corpus/ is these merged (-merge=1) with what
# fuzzing found; see README "Fuzzing".  Seeds cut from test/fixtures/vatspy
# stay under CC BY-SA 4.0 (corpus/README.md).
set -eu
cd "$(dirname "$0")"
B=$1
S=$B/seeds
rm -rf "$S"
mkdir -p "$S"/fuzz_feed_parse "$S"/fuzz_transceivers_parse "$S"/fuzz_geometry "$S"/fuzz_vatspy_dat

# the feed: every v3 fixture trimmed to 3 records a section (names blanked),
# the synthetic document, the refused inputs of test/bad
for gz in ../fixtures/v3-*.json.gz; do
	f=$(basename "$gz" .json.gz)
	gzip -dc "$gz" >"$B/full.json"
	"$B/fuzz_seed" "$B/full.json" >"$S/fuzz_feed_parse/$f.json"
done
rm -f "$B/full.json"
cp fuzz_seed.json "$S/fuzz_feed_parse/synthetic.json"
for f in ../bad/*; do cp "$f" "$S/fuzz_feed_parse/bad-$(basename "$f")"; done

python3 - "$S" <<'PY'
import gzip, json, sys
S = sys.argv[1]

def put(target, name, text):
    with open(f"{S}/{target}/{name}", "w", encoding="utf-8", newline="") as f:
        f.write(text)

# transceivers: the first stations of the fixture, and edge cases
t = json.load(gzip.open("../fixtures/transceivers-2021-04-21-892stations.json.gz"))
put("fuzz_transceivers_parse", "fixture-first5.json", json.dumps(t[:5], separators=(",", ":")))
put("fuzz_transceivers_parse", "multi.json", json.dumps(
    [s for s in t if len(s.get("transceivers") or []) > 1][:2], separators=(",", ":")))
put("fuzz_transceivers_parse", "edges.json",
    '[{"callsign":"A","transceivers":null},{"callsign":"B"},'
    '{"callsign":"C","transceivers":[{"id":1,"frequency":1000000000000,"latDeg":90,'
    '"lonDeg":-180,"heightMslM":null,"heightAglM":-1.5},{"id":1,"frequency":0}]},'
    '{"callsign":"C","transceivers":[]},{"callsign":"\\u00e9\\ud83d\\ude00"}]')
put("fuzz_transceivers_parse", "empty.json", "[]")

# geometry: the smallest features of Boundaries.geojson, and handmade sets
b = json.load(open("../fixtures/vatspy/Boundaries.geojson", encoding="utf-8"))
def size(f):
    return len(json.dumps(f["geometry"]["coordinates"]))
small = sorted(b["features"], key=size)[:6]
put("fuzz_geometry", "boundaries-small.json", json.dumps(
    {"type": "FeatureCollection", "features": small}, separators=(",", ":")))
anti = [f for f in b["features"] if any(
    abs(p[0]) > 179 for poly in (f["geometry"]["coordinates"] if f["geometry"]["type"] == "MultiPolygon"
                                  else [f["geometry"]["coordinates"]]) for ring in poly for p in ring)]
anti = sorted(anti, key=size)[:1]
put("fuzz_geometry", "boundaries-antimeridian.json", json.dumps(
    {"type": "FeatureCollection", "features": anti}, separators=(",", ":")))
def feat(name, geom, **props):
    return {"type": "Feature", "properties": dict(id=name, **props), "geometry": geom}
sq = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
hole = [[0.25, 0.25], [0.25, 0.75], [0.75, 0.75], [0.75, 0.25], [0.25, 0.25]]
put("fuzz_geometry", "handmade.json", json.dumps({"type": "FeatureCollection", "features": [
    feat("LOW", {"type": "Polygon", "coordinates": [sq, hole]}, floor=0, ceiling=10000),
    feat("HIGH", {"type": "Polygon", "coordinates": [sq]}, floor=10000, ceiling=None),
    feat("EAST", {"type": "Polygon", "coordinates": [[[1, 0], [2, 0], [2, 1], [1, 1]]]}),
    feat("EAST", {"type": "MultiPolygon", "coordinates": [[[[170, -10], [190, -10], [190, 10], [170, 10], [170, -10]]],
                                                          [[[179, 20], [-179, 20], [-179, 21], [179, 21], [179, 20]]]]}),
]}, separators=(",", ":")))
put("fuzz_geometry", "empty.json", '{"type":"FeatureCollection","features":[]}')

# VATSpy.dat: the head of each section, and a handmade file
lines = open("../fixtures/vatspy/VATSpy.dat", encoding="utf-8", newline="").read().split("\n")
out, take = [], 0
for line in lines:
    if line.startswith("["):
        take = 12
    if take > 0:
        out.append(line)
        take -= 1
put("fuzz_vatspy_dat", "vatspy-heads.dat", "\n".join(out) + "\n")
put("fuzz_vatspy_dat", "handmade.dat",
    "; comment\r\n[Airports]\r\nYSSY|Sydney|-33.9461|151.1772|SYD|YBBB|0\r\n"
    "ZZZZ|Pseudo| -05.3862 |180||| 1 ; a remark\r\nEGLL||51.4775|-0.4614|LHR|EGTT|0;\r\n"
    "\r\n[FIRs]\r\nYBBB|Brisbane|YBBB|\r\n")
PY
ls -la "$S"/*
