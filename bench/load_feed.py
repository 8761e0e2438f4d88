#!/usr/bin/env python3
"""load_feed.py: the snapshots of the load test (bench/load_run.sh).

Usage: bench/load_feed.py SOURCE.json OUTDIR N

Writes N distinct v3 documents OUTDIR/s0001.json .. sNNNN.json, made from one
real snapshot (SOURCE) by dead-reckoning, as test/sql/replay.sql does: in
document k (k = 0 .. N-1) every pilot has moved k * 15 s along its heading at
its groundspeed, `update_timestamp` and every pilot's and controller's
`last_updated` are the source's time + k * 15 s.  So that flights end (and are
summarised) and begin as on the live network, each pilot is absent 60
documents (15 min: longer than reconnect_grace and stale_after) in every 600,
at a phase given by its cid, and comes back as a new flight (logon_time = its
return); each controller likewise 40 in every 400 (10 min: longer than
controller_reconnect_grace), so that sessions end and are summarised.  A
pilot standing still in the source (below 40 kt) stays there for the first
half of each presence, then moves off at 180 kt (a departure, for the
movements).
Writes OUTDIR/expected: per document its update_timestamp, pilots and
controllers (tab-separated), what vatsim.snapshots must hold.
Deterministic: the same inputs give the same bytes.
"""

import datetime
import json
import math
import os
import sys

STEP_S = 15
PILOT_CYCLE, PILOT_ABSENT = 600, 60        # documents; absent at the end of each cycle
ATC_CYCLE, ATC_ABSENT = 400, 40
GROUND_KT, TAKEOFF_PHASE, TAKEOFF_KT = 40, 300, 180
UTC = datetime.timezone.utc


def parse_ts(s):
    return datetime.datetime.strptime(s[:19], '%Y-%m-%dT%H:%M:%S').replace(tzinfo=UTC)


def fmt_ts(dt):
    return dt.strftime('%Y-%m-%dT%H:%M:%S.0000000Z')


def moved(p, seconds, kt):
    """The pilot's latitude and longitude after seconds along its heading at kt (flat earth)."""
    d = kt * seconds / 3600.0 / 60.0      # degrees
    h = math.radians(float(p.get('heading') or 0))
    lat0, lon0 = float(p['latitude']), float(p['longitude'])
    lat = max(-89.9, min(89.9, lat0 + d * math.cos(h)))
    lon = lon0 + d * math.sin(h) / max(math.cos(math.radians(lat0)), 0.01)
    lon = (lon + 540.0) % 360.0 - 180.0
    return round(lat, 5), round(lon, 5)


def present(rec, k, cycle, absent, base):
    """The record as in document k, or None while it is away."""
    phase = (k + int(rec['cid'])) % cycle
    if phase >= cycle - absent:
        return None
    q = dict(rec)
    q['last_updated'] = fmt_ts(base + datetime.timedelta(seconds=STEP_S * k))
    start = k - phase                   # the document this presence began in
    if start > 0:
        q['logon_time'] = fmt_ts(base + datetime.timedelta(seconds=STEP_S * start))
    return q


def main():
    if len(sys.argv) != 4:
        sys.exit('usage: load_feed.py SOURCE.json OUTDIR N')
    src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(src, 'rb') as f:
        doc = json.load(f)
    base = parse_ts(doc['general']['update_timestamp'])
    pilots = doc['pilots']
    controllers = doc.get('controllers') or []
    os.makedirs(out, exist_ok=True)
    stamps = []
    for k in range(n):
        t = base + datetime.timedelta(seconds=STEP_S * k)
        ts = fmt_ts(t)
        out_pilots = []
        for p in pilots:
            q = present(p, k, PILOT_CYCLE, PILOT_ABSENT, base)
            if q is None:
                continue
            kt = float(p.get('groundspeed') or 0)
            if kt >= GROUND_KT:
                q['latitude'], q['longitude'] = moved(p, STEP_S * k, kt)
            else:
                rolled = (k + int(p['cid'])) % PILOT_CYCLE - TAKEOFF_PHASE    # documents since take-off
                if rolled > 0:
                    q['latitude'], q['longitude'] = moved(p, STEP_S * rolled, TAKEOFF_KT)
                    q['groundspeed'] = TAKEOFF_KT
            out_pilots.append(q)
        out_atc = [c for c in (present(c, k, ATC_CYCLE, ATC_ABSENT, base) for c in controllers)
                   if c is not None]
        d = dict(doc)
        d['general'] = dict(doc['general'], update_timestamp=ts)
        d['pilots'] = out_pilots
        d['controllers'] = out_atc
        tmp = os.path.join(out, '.s%04d.json' % (k + 1))
        with open(tmp, 'w') as f:
            json.dump(d, f, separators=(',', ':'), ensure_ascii=False)
        os.rename(tmp, os.path.join(out, 's%04d.json' % (k + 1)))
        stamps.append('%s\t%d\t%d' % (t.strftime('%Y-%m-%d %H:%M:%S+00'), len(out_pilots), len(out_atc)))
    with open(os.path.join(out, 'expected'), 'w') as f:
        f.write('\n'.join(stamps) + '\n')


if __name__ == '__main__':
    main()
