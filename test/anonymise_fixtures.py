#!/usr/bin/env python3
"""Make the anonymised VATSIM feed fixtures in test/fixtures/ from the real snapshots.

Why: the real VATSIM v3 data-feed snapshots in ../shared/fixtures/feeds/ carry
members' real names and member ids (cid).  The project ships copies that tests,
the demo and the benchmark read, so those copies must not contain either.

What it does, for every ``v3-*.json`` file:

* remaps every ``cid`` of a pilots/controllers/atis/prefiles record through ONE
  bijection shared by all files: all real cids of all files, sorted ascending,
  become 9000001, 9000002, ... (7 digits, positive int32, order preserving, and
  disjoint from the real cid range, so a leftover real cid is always detectable);
* replaces every member ``name`` by a pseudonym derived from the new cid:
  ``Member 9000123``; if the real name's last word is a 4-letter uppercase airport
  code that occurs as a departure/arrival/alternate or ATC callsign prefix in the
  fixtures (e.g. "... KLAX") it is kept ("Member 9000123 KLAX"), because pilots
  habitually append their home airport and it is not personal.  Names that are
  just digits (optionally followed by a code: "1234567", "1234567 EGLL") become
  the NEW cid digits ("9000123", "9000123 EGLL").  Names without any letter or
  digit (" ", ".") carry nothing personal and are kept as they are (a blank-name
  edge case parsers must handle);
* scans every other string value (text_atis lines, remarks, route, ...) for exact
  occurrences of a real full name (>= 6 characters and containing a space; also
  the name without its trailing airport-code word) or of a real cid as a whole
  word, and replaces them with the pseudonym / new cid;
* edits the RAW JSON TEXT token by token (a regex tokenizer), so everything else
  (float formatting, key order, minified or 2-space pretty layout, escapes) stays
  byte-identical; nothing is re-serialised;
* verifies: json.loads(original) and json.loads(copy) differ only in cid/name of
  member records and in the counted free-text replacements; the token paths agree
  with a plain regex over ``"cid": <int>`` / ``"name": "..."``; the invariants
  ``unique_users == |distinct cid over pilots+controllers+atis|`` and
  ``connected_clients == |pilots|+|controllers|+|atis|`` still hold; no real cid or
  name is left.  Any failure raises (non-zero exit).

``transceivers-*.json`` (callsigns and radio data only) and ``status-*.json`` are
copied unchanged, after checking that they hold no ``"cid"`` key, real cid or name.

Each output is ``OUT_DIR/<original name>.gz`` (gzip level 9, mtime 0, no file name
in the header), so two runs give byte-identical files (with the same zlib).

It then prints the exact facts tests may assert (Markdown) and, if
``OUT_DIR/README.md`` has the markers ``<!-- BEGIN FACTS -->`` / ``<!-- END FACTS -->``,
rewrites the text between them.  Real names are never printed.

Usage: test/anonymise_fixtures.py [SHARED_FEEDS_DIR] [OUT_DIR]
  defaults: <project>/../shared/fixtures/feeds  and  <project>/test/fixtures
Standard library only.
"""

import glob
import gzip
import hashlib
import json
import os
import re
import sys

MEMBER_ARRAYS = ("pilots", "controllers", "atis", "prefiles")
ONLINE_ARRAYS = ("pilots", "controllers", "atis")
CID_BASE = 9000000
FACTS_BEGIN = "<!-- BEGIN FACTS -->"
FACTS_END = "<!-- END FACTS -->"

# One JSON token, optionally preceded by whitespace.
TOKEN_RE = re.compile(
    r'[ \t\r\n]*(?:'
    r'(?P<str>"(?:[^"\\]|\\.)*")'
    r'|(?P<num>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)'
    r'|(?P<lit>true|false|null)'
    r'|(?P<punct>[{}\[\]:,])'
    r')', re.S)
# Plain regexes over the raw text, used to cross-check the tokenizer.
CID_KEY_RE = re.compile(r'"cid"[ \t\r\n]*:[ \t\r\n]*(-?[0-9]+)')
NAME_KEY_RE = re.compile(r'"name"[ \t\r\n]*:[ \t\r\n]*("(?:[^"\\]|\\.)*")', re.S)
CID_WORD_RE = re.compile(r'\b[0-9]{6,7}\b')
CODE_RE = re.compile(r'[A-Z]{4}')
WORD_RE = re.compile(r'[^\W_]+')  # a run of letters/digits


def WORD_CHAR(c):
    return c.isalnum()


def fail(msg):
    raise SystemExit("anonymise_fixtures: FAILED: " + msg)


def check(cond, msg):
    if not cond:
        fail(msg)


# --------------------------------------------------------------------------
# Raw JSON tokenizer: yields every scalar value with its path and raw span.
# --------------------------------------------------------------------------
def scalars(text):
    """Yield (path, kind, start, end) for every scalar value (not object keys)."""
    stack = []  # frames: [is_object, key_or_index, expecting_key]
    pos, n = 0, len(text)
    while True:
        m = TOKEN_RE.match(text, pos)
        if not m:
            break
        pos = m.end()
        kind = m.lastgroup
        tok = m.group(kind)
        if kind == "punct":
            if tok == "{":
                stack.append([True, None, True])
            elif tok == "[":
                stack.append([False, 0, False])
            elif tok in "}]":
                stack.pop()
            elif tok == ":":
                stack[-1][2] = False
            else:  # ','
                if stack[-1][0]:
                    stack[-1][2] = True
                else:
                    stack[-1][1] += 1
            continue
        if stack and stack[-1][0] and stack[-1][2]:
            stack[-1][1] = json.loads(tok)  # an object key
            continue
        yield tuple(f[1] for f in stack), kind, m.start(kind), m.end()
    check(text[pos:].strip(" \t\r\n") == "" and not stack,
          "tokenizer stopped at offset %d of %d" % (pos, n))


def get_path(doc, path):
    for p in path:
        doc = doc[p]
    return doc


# --------------------------------------------------------------------------
# Pseudonyms
# --------------------------------------------------------------------------
class Anonymiser:
    def __init__(self, docs):
        cids = set()
        self.airports = set()
        members = []  # (cid, name)
        for doc in docs:
            for arr in MEMBER_ARRAYS:
                for r in doc.get(arr) or []:
                    check(isinstance(r.get("cid"), int) and not isinstance(r["cid"], bool),
                          "non-integer cid in %s" % arr)
                    check(isinstance(r.get("name"), str), "non-string name in %s" % arr)
                    cids.add(r["cid"])
                    members.append((r["cid"], r["name"]))
                    fp = r.get("flight_plan")
                    if fp:
                        for k in ("departure", "arrival", "alternate"):
                            if isinstance(fp.get(k), str) and CODE_RE.fullmatch(fp[k]):
                                self.airports.add(fp[k])
                    if arr in ("controllers", "atis"):
                        pre = r["callsign"].split("_")[0]
                        if CODE_RE.fullmatch(pre):
                            self.airports.add(pre)
        self.real_cids = cids
        self.cid_map = {c: CID_BASE + i for i, c in enumerate(sorted(cids), 1)}
        new = set(self.cid_map.values())
        check(max(new) <= 9999999 and min(new) >= 1000000, "new cids not 7 digits")
        check(max(new) < 2 ** 31, "new cids not int32")
        check(not (new & cids), "new cid range overlaps real cids")

        # Free-text scan candidates: real full name (and the name minus its
        # trailing code word), matched case-insensitively on word boundaries,
        # -> replacement.  Deterministic choice if ambiguous.
        cand = {}
        for cid, name in sorted(set(members)):
            full = name.strip()
            pseudo = self.pseudonym(name, self.cid_map[cid]).strip()
            base = "Member %d" % self.cid_map[cid]
            words = full.split()
            options = [(full, pseudo)]
            if len(words) >= 2 and re.fullmatch(r"[A-Z0-9]{2,4}", words[-1]):
                options.append((full[: full.rfind(words[-1])].strip(), base))
            for text, repl in options:
                text = re.sub(r"^[\W_]+", "", text)  # must start with a word char
                if len(text) >= 6 and " " in text and re.search(r"[^\W\d_]", text):
                    key = text.casefold()
                    if key not in cand or (repl, text) < cand[key]:
                        cand[key] = (repl, text)
        self.name_repl = cand
        # index by the casefolded first word, longest candidate first
        self.by_first = {}
        for key, (repl, text) in sorted(cand.items(), key=lambda kv: (-len(kv[1][1]), kv[0])):
            first = WORD_RE.match(text).group(0).casefold()
            self.by_first.setdefault(first, []).append((key, len(text), repl))

    def own_words(self, name):
        """Casefolded words (>= 5 letters) of a member's own real name: replaced
        in that member's OWN free text (text_atis, remarks, route), where pilots
        and controllers often write their name in capitals or in part."""
        return frozenset(w.casefold() for w in re.findall(r"[^\W\d_]+", name) if len(w) >= 5)

    def pseudonym(self, name, newcid):
        s = name.strip()
        if not re.search(r"[^\W_]", s):  # no letter or digit: nothing personal
            return name
        words = s.split()
        code = ""
        if len(words) >= 2 and CODE_RE.fullmatch(words[-1]) and words[-1] in self.airports:
            code = " " + words[-1]
        if re.fullmatch(r"[0-9]+", words[0]) and (
                len(words) == 1 or (len(words) == 2 and re.fullmatch(r"[A-Z0-9]{2,4}", words[1]))):
            return "%d%s" % (newcid, code)  # digits-only name: the NEW cid digits
        return "Member %d%s" % (newcid, code)

    def scan(self, s, own=None):
        """Return (new_string, name_hits, cid_hits) for a string value.
        own = (own_words, pseudonym base) of the record the string belongs to."""
        nh = ch = 0
        out, last = [], 0
        for m in WORD_RE.finditer(s):
            if m.start() < last:
                continue
            hit = None
            for key, n, repl in self.by_first.get(m.group(0).casefold(), ()):
                end = m.start() + n
                if s[m.start():end].casefold() == key and (end == len(s) or not WORD_CHAR(s[end])):
                    hit = (end, repl)
                    break
            if hit is None and own and m.group(0).casefold() in own[0]:
                hit = (m.end(), own[1])
            if hit:
                out.append(s[last:m.start()])
                out.append(hit[1])
                last = hit[0]
                nh += 1
        out.append(s[last:])

        def csub(m):
            nonlocal ch
            v = int(m.group(0))
            if v in self.real_cids:
                ch += 1
                return str(self.cid_map[v])
            return m.group(0)

        return CID_WORD_RE.sub(csub, "".join(out)), nh, ch


# --------------------------------------------------------------------------
# Rewriting one v3 file
# --------------------------------------------------------------------------
def is_member_field(path, field):
    return (len(path) == 3 and path[0] in MEMBER_ARRAYS and isinstance(path[1], int)
            and path[2] == field)


def own_context(an, doc, path):
    """For free text inside a member record (text_atis lines, flight_plan remarks
    and route), that member's own name words and pseudonym base; else None."""
    if (len(path) >= 4 and path[0] in MEMBER_ARRAYS and isinstance(path[1], int)
            and (path[2] == "text_atis" or path[2:] in (("flight_plan", "remarks"),
                                                        ("flight_plan", "route")))):
        r = doc[path[0]][path[1]]
        return an.own_words(r["name"]), "Member %d" % an.cid_map[r["cid"]]
    return None


def rewrite_v3(text, doc, an, label):
    edits = []  # (start, end, new_raw)
    stats = {"cid": 0, "name": 0, "name_kept": 0, "text_name_hits": 0,
             "text_cid_hits": 0, "text_strings_changed": 0, "reescaped": 0}
    scan_paths = {}
    cid_pos, name_pos, server_name_pos = set(), set(), set()
    for path, kind, s, e in scalars(text):
        tok = text[s:e]
        value = json.loads(tok)
        check(get_path(doc, path) == value, "%s: tokenizer path %r mismatch" % (label, path))
        if is_member_field(path, "cid"):
            check(kind == "num", "%s: cid at %r is not a number" % (label, path))
            edits.append((s, e, str(an.cid_map[value])))
            stats["cid"] += 1
            cid_pos.add(s)
        elif is_member_field(path, "name"):
            check(kind == "str", "%s: name at %r is not a string" % (label, path))
            name_pos.add(s)
            newcid = an.cid_map[get_path(doc, path[:2])["cid"]]
            new = an.pseudonym(value, newcid)
            if new == value:
                stats["name_kept"] += 1
            else:
                new_tok = json.dumps(new, ensure_ascii=True)
                check(new_tok == '"%s"' % new, "%s: pseudonym not plain ASCII" % label)
                edits.append((s, e, new_tok))
                stats["name"] += 1
        elif kind == "str":
            if path[-1] == "name" and path[0] == "servers":
                server_name_pos.add(s)
            new, nh, ch = an.scan(value, own_context(an, doc, path))
            if new != value:
                check(path[-1] != "callsign", "%s: callsign at %r would change" % (label, path))
                if "\\" not in tok:  # no escapes: raw text == decoded text
                    raw = '"' + new + '"'
                else:  # re-encode; only if the original encoding is the canonical one
                    check(json.dumps(value, ensure_ascii=False) == tok,
                          "%s: non-canonical escapes in a string to edit at %r" % (label, path))
                    raw = json.dumps(new, ensure_ascii=False)
                    stats["reescaped"] += 1
                check(json.loads(raw) == new, "%s: re-encoding at %r" % (label, path))
                edits.append((s, e, raw))
                stats["text_name_hits"] += nh
                stats["text_cid_hits"] += ch
                stats["text_strings_changed"] += 1
                scan_paths[path] = new

    # Cross-check the tokenizer against plain regexes over the raw text.
    check({m.start(1) for m in CID_KEY_RE.finditer(text)} == cid_pos,
          "%s: regex and tokenizer disagree on cid positions" % label)
    check({m.start(1) for m in NAME_KEY_RE.finditer(text)} == name_pos | server_name_pos,
          "%s: regex and tokenizer disagree on name positions" % label)
    n_members = sum(len(doc.get(a) or []) for a in MEMBER_ARRAYS)
    check(stats["cid"] == n_members == len(name_pos),
          "%s: not every member record has exactly one cid and name" % label)

    out, last = [], 0
    for s, e, new in sorted(edits):
        check(s >= last, "%s: overlapping edits" % label)
        out.append(text[last:s])
        out.append(new)
        last = e
    out.append(text[last:])
    return "".join(out), stats, scan_paths


def diff_paths(a, b, path=()):
    """Leaf paths where a and b differ; raises on a structural difference."""
    if isinstance(a, dict):
        check(isinstance(b, dict) and list(a) == list(b), "keys differ at %r" % (path,))
        for k in a:
            yield from diff_paths(a[k], b[k], path + (k,))
    elif isinstance(a, list):
        check(isinstance(b, list) and len(a) == len(b), "list differs at %r" % (path,))
        for i, (x, y) in enumerate(zip(a, b)):
            yield from diff_paths(x, y, path + (i,))
    else:
        check(type(a) is type(b), "type differs at %r" % (path,))
        if a != b:
            yield path


def verify_v3(orig_doc, new_text, an, scan_paths, label):
    new_doc = json.loads(new_text)
    for path in diff_paths(orig_doc, new_doc):
        if is_member_field(path, "cid"):
            check(get_path(new_doc, path) == an.cid_map[get_path(orig_doc, path)],
                  "%s: cid at %r not mapped" % (label, path))
        elif is_member_field(path, "name"):
            pass
        elif path in scan_paths:
            check(get_path(new_doc, path) == scan_paths[path],
                  "%s: free text at %r not as expected" % (label, path))
        else:
            fail("%s: unexpected difference at %r" % (label, path))
    # every member name is a pseudonym (or a kept blank/punctuation name)
    for arr in MEMBER_ARRAYS:
        for o, r in zip(orig_doc.get(arr) or [], new_doc.get(arr) or []):
            check(r["name"] == an.pseudonym(o["name"], r["cid"]), "%s: bad name" % label)
            check(CID_BASE < r["cid"] <= CID_BASE + len(an.cid_map), "%s: bad cid" % label)
    # invariants, before and after
    for d, what in ((orig_doc, "original"), (new_doc, "copy")):
        g = d["general"]
        online = {r["cid"] for a in ONLINE_ARRAYS for r in d[a]}
        check(g["unique_users"] == len(online),
              "%s %s: unique_users %d != %d distinct cids" % (label, what, g["unique_users"], len(online)))
        check(g["connected_clients"] == sum(len(d[a]) for a in ONLINE_ARRAYS),
              "%s %s: connected_clients mismatch" % (label, what))
    # no real cid or name left anywhere in a string value
    for path, kind, s, e in scalars(new_text):
        if kind == "str":
            v = json.loads(new_text[s:e])
            check(an.scan(v, own_context(an, orig_doc, path))[0] == v,
                  "%s: real name/cid left at %r" % (label, path))
    return new_doc


def gz_bytes(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


# --------------------------------------------------------------------------
# Facts
# --------------------------------------------------------------------------
def short_label(fname):
    m = re.search(r"(seq[0-9])", fname)
    if m:
        return m.group(1)
    m = re.match(r"v3-([0-9]{4}-[0-9]{2}-[0-9]{2})", fname)
    return m.group(1) + (" au" if "-au" in fname else "")


def raw_tokens(text):
    return {path: text[s:e] for path, kind, s, e in scalars(text)}


def md_cell(s):
    return "`" + s.replace("|", "\\|") + "`" if s != "" else ""


def file_facts(fname, text, doc):
    f = {}
    g = doc["general"]
    f["bytes (uncompressed)"] = "{:,}".format(len(text.encode("utf-8")))
    m = re.match(r"[{\[]\r?\n( +)", text)
    f["layout"] = "pretty (%d-space indent)" % len(m.group(1)) if m else "minified"
    f["line count (\\n)"] = text.count("\n")
    f["general.update_timestamp"] = g["update_timestamp"]
    f["general.connected_clients"] = g["connected_clients"]
    f["general.unique_users"] = g["unique_users"]
    for a in ("pilots", "controllers", "atis", "prefiles", "servers", "facilities",
              "ratings", "pilot_ratings", "military_ratings"):
        f["records: " + a] = len(doc[a]) if a in doc else "absent"
    for a in MEMBER_ARRAYS:
        f["distinct callsigns: " + a] = len({r["callsign"] for r in doc[a]})
    online_cs = [r["callsign"] for a in ONLINE_ARRAYS for r in doc[a]]
    f["callsigns unique over pilots+controllers+atis"] = "yes" if len(set(online_cs)) == len(online_cs) else "NO"
    pcs = {r["callsign"] for r in doc["pilots"]}
    f["prefile callsigns that are also online pilots"] = len({r["callsign"] for r in doc["prefiles"]} & pcs)
    online = [r["cid"] for a in ONLINE_ARRAYS for r in doc[a]]
    f["distinct cids pilots+controllers+atis (= unique_users)"] = len(set(online))
    f["distinct cids incl. prefiles"] = len({r["cid"] for a in MEMBER_ARRAYS for r in doc[a]})
    f["cids with >1 online connection"] = sum(1 for c in set(online) if online.count(c) > 1)
    f["pilots with flight_plan null"] = sum(1 for r in doc["pilots"] if r["flight_plan"] is None)
    f["prefiles with flight_plan null"] = sum(1 for r in doc["prefiles"] if r["flight_plan"] is None)
    f["controllers with facility 0 (observers)"] = sum(1 for r in doc["controllers"] if r["facility"] == 0)
    f["controllers with text_atis null"] = sum(1 for r in doc["controllers"] if r["text_atis"] is None)
    f["atis with atis_code null"] = sum(1 for r in doc["atis"] if r.get("atis_code") is None)
    f["max callsign length (all 4 arrays)"] = max(len(r["callsign"]) for a in MEMBER_ARRAYS for r in doc[a])
    for a in MEMBER_ARRAYS:
        f["max callsign length: " + a] = max(len(r["callsign"]) for r in doc[a])
    plans = [r["flight_plan"] for a in ("pilots", "prefiles") for r in doc[a] if r["flight_plan"]]
    for k in ("aircraft_faa", "aircraft_short", "revision_id", "assigned_transponder"):
        f["key flight_plan." + k + " (pilots+prefiles)"] = "%d/%d plans" % (
            sum(1 for p in plans if k in p), len(plans))
    f["key pilots[].military_rating"] = "%d/%d pilots" % (
        sum(1 for r in doc["pilots"] if "military_rating" in r), len(doc["pilots"]))
    for k in ("client_connections_allowed", "is_sweatbox"):
        f["key servers[]." + k] = "%d/%d servers" % (sum(1 for s in doc["servers"] if k in s), len(doc["servers"]))
    f["min / max cid (anonymised)"] = "%d / %d" % (
        min(r["cid"] for a in MEMBER_ARRAYS for r in doc[a]), max(r["cid"] for a in MEMBER_ARRAYS for r in doc[a]))
    dups = []
    for a in MEMBER_ARRAYS:
        seen = {}
        for r in doc[a]:
            seen.setdefault(r["callsign"], []).append(r)
        for cs, rs in sorted(seen.items()):
            if len(rs) > 1:
                dups.append("%s `%s` ×%d (cid %s; last_updated %s)" % (
                    a, cs, len(rs), ", ".join(str(r["cid"]) for r in rs),
                    ", ".join(r["last_updated"] for r in rs)))
    return f, dups


def plan_key(r):
    return json.dumps(r["flight_plan"], sort_keys=True)


def series_facts(seq):
    """seq: list of (label, doc).  Returns Markdown lines."""
    lines = []
    pairs = [(seq[0], seq[1]), (seq[1], seq[2]), (seq[0], seq[2])]
    lines.append("| | " + " | ".join("%s → %s" % (a[0], b[0]) for a, b in pairs) + " |")
    lines.append("|---|" + "---:|" * len(pairs))
    rows = []
    for arr in MEMBER_ARRAYS + ("online (pilots+controllers+atis)",):
        arrs = ONLINE_ARRAYS if arr.startswith("online") else (arr,)
        cells = []
        for (_, a), (_, b) in pairs:
            ca = {r["callsign"] for x in arrs for r in a[x]}
            cb = {r["callsign"] for x in arrs for r in b[x]}
            cells.append("%d / %d / %d" % (len(ca & cb), len(cb - ca), len(ca - cb)))
        rows.append(("%s callsigns common / new / gone" % arr, cells))
    keys = [
        "common pilot callsigns with the same cid",
        "common pilot callsigns with a different cid",
        "…same cid, different logon_time",
        "…of those, same flight_plan departure AND arrival (both plans non-null)",
        "…same cid, same logon_time, different flight plan (any plan field incl. revision_id; null = no plan)",
        "…same cid, different flight plan (any logon_time)",
        "…same cid, different last_updated",
        "…same cid, latitude or longitude changed",
    ]
    vals = {k: [] for k in keys}
    for (_, a), (_, b) in pairs:
        pa = {r["callsign"]: r for r in a["pilots"]}
        pb = {r["callsign"]: r for r in b["pilots"]}
        common = [c for c in sorted(pa.keys() & pb.keys())]
        same = [c for c in common if pa[c]["cid"] == pb[c]["cid"]]
        relog = [c for c in same if pa[c]["logon_time"] != pb[c]["logon_time"]]
        relog_same_route = [c for c in relog if pa[c]["flight_plan"] and pb[c]["flight_plan"]
                            and pa[c]["flight_plan"]["departure"] == pb[c]["flight_plan"]["departure"]
                            and pa[c]["flight_plan"]["arrival"] == pb[c]["flight_plan"]["arrival"]]
        planchg = [c for c in same if plan_key(pa[c]) != plan_key(pb[c])]
        vals[keys[0]].append(len(same))
        vals[keys[1]].append(len(common) - len(same))
        vals[keys[2]].append(len(relog))
        vals[keys[3]].append(len(relog_same_route))
        vals[keys[4]].append(len([c for c in planchg if c not in relog]))
        vals[keys[5]].append(len(planchg))
        vals[keys[6]].append(sum(1 for c in same if pa[c]["last_updated"] != pb[c]["last_updated"]))
        vals[keys[7]].append(sum(1 for c in same if (pa[c]["latitude"], pa[c]["longitude"])
                                 != (pb[c]["latitude"], pb[c]["longitude"])))
    rows += [(k, [str(v) for v in vals[k]]) for k in keys]
    for k, cells in rows:
        lines.append("| %s | %s |" % (k, " | ".join(str(c) for c in cells)))
    # seq1 prefiles that are pilots by seq3
    pf1 = {r["callsign"] for r in seq[0][1]["prefiles"]}
    lines.append("")
    lines.append("seq1 prefile callsigns that are online pilots in seq2: %d; in seq3: %d." % (
        len(pf1 & {r["callsign"] for r in seq[1][1]["pilots"]}),
        len(pf1 & {r["callsign"] for r in seq[2][1]["pilots"]})))
    return lines


def example_facts(text, doc):
    toks = raw_tokens(text)
    lines = []
    pilots = doc["pilots"]
    picks = [("first pilot in the file", 0)]
    for i, r in enumerate(pilots):
        if r["latitude"] < 0 and r["longitude"] > 100 and r["flight_plan"] and r["groundspeed"] > 0:
            picks.append(("first airborne pilot with latitude < 0 and longitude > 100", i))
            break
    for i, r in enumerate(pilots):
        if r["flight_plan"] is None:
            picks.append(("first pilot with flight_plan null", i))
            break
    fields = ["callsign", "cid", "latitude", "longitude", "altitude", "groundspeed", "heading",
              "transponder", "qnh_i_hg", "qnh_mb", "flight_plan.departure", "flight_plan.arrival",
              "flight_plan.revision_id", "logon_time", "last_updated"]
    lines.append("Pilots (values are the exact raw JSON tokens of the fixture):")
    lines.append("")
    lines.append("| field | " + " | ".join("pilots[%d]" % i for _, i in picks) + " |")
    lines.append("|---|" + "---|" * len(picks))
    lines.append("| (why) | " + " | ".join(w for w, _ in picks) + " |")
    for fld in fields:
        cells = []
        for _, i in picks:
            parts = fld.split(".")
            if parts[0] == "flight_plan" and pilots[i]["flight_plan"] is None:
                cells.append("(flight_plan is `null`)")
            else:
                cells.append(md_cell(toks[("pilots", i) + tuple(parts)]))
        lines.append("| %s | %s |" % (fld, " | ".join(cells)))
    lines.append("")
    for i, r in enumerate(doc["controllers"]):
        if r["facility"] > 0 and r["text_atis"] and len(r["text_atis"]) >= 2:
            break
    lines.append("Controller `controllers[%d]` (first with facility > 0 and ≥ 2 text_atis lines):" % i)
    lines.append("")
    lines.append("| field | raw JSON token |")
    lines.append("|---|---|")
    for fld in ("callsign", "cid", "frequency", "facility", "rating", "visual_range", "logon_time"):
        lines.append("| %s | %s |" % (fld, md_cell(toks[("controllers", i, fld)])))
    lines.append("| text_atis lines | %d |" % len(r["text_atis"]))
    lines.append("| text_atis[0] | %s |" % md_cell(toks[("controllers", i, "text_atis", 0)]))
    lines.append("")
    for j, r in enumerate(doc["atis"]):
        if r.get("atis_code") is not None and r["text_atis"]:
            break
    lines.append("ATIS `atis[%d]` (first with a non-null atis_code):" % j)
    lines.append("")
    lines.append("| field | raw JSON token |")
    lines.append("|---|---|")
    for fld in ("callsign", "cid", "frequency", "facility", "rating", "visual_range", "atis_code",
                "logon_time"):
        lines.append("| %s | %s |" % (fld, md_cell(toks[("atis", j, fld)])))
    lines.append("| text_atis lines | %d |" % len(r["text_atis"]))
    lines.append("| text_atis[0] | %s |" % md_cell(toks[("atis", j, "text_atis", 0)]))
    return lines


def facts_markdown(outputs, reports):
    """outputs: list of (fname, text, doc) for v3 files in name order."""
    L = []
    labels = [short_label(f) for f, _, _ in outputs]
    L.append("### Per-file facts (computed from the anonymised copies)")
    L.append("")
    L.append("Columns: " + "; ".join("**%s** = `%s.gz`" % (l, f) for l, (f, _, _) in zip(labels, outputs)) + ".")
    L.append("")
    per = [file_facts(f, t, d) for f, t, d in outputs]
    L.append("| fact | " + " | ".join(labels) + " |")
    L.append("|---|" + "---:|" * len(labels))
    for k in per[0][0]:
        L.append("| %s | %s |" % (k, " | ".join(str(p[0][k]) for p in per)))
    for k in ("cid", "name", "name_kept", "text_strings_changed", "text_name_hits", "text_cid_hits"):
        desc = {"cid": "anonymisation: cids remapped",
                "name": "anonymisation: names replaced",
                "name_kept": "anonymisation: names kept (no letter/digit, e.g. \" \")",
                "text_strings_changed": "anonymisation: other strings changed",
                "text_name_hits": "anonymisation: real names replaced in other strings",
                "text_cid_hits": "anonymisation: real cids replaced in other strings"}[k]
        L.append("| %s | %s |" % (desc, " | ".join(str(reports[f][k]) for f, _, _ in outputs)))
    L.append("")
    L.append("sha256 of the uncompressed anonymised JSON (gunzip -c FILE | sha256sum):")
    L.append("")
    for l, (f, t, d) in zip(labels, outputs):
        L.append("* %s: `%s`" % (l, hashlib.sha256(t.encode("utf-8")).hexdigest()))
    L.append("")
    L.append("Callsigns appearing more than once within one array:")
    L.append("")
    any_dup = False
    for l, p in zip(labels, per):
        for d in p[1]:
            L.append("* %s: %s" % (l, d))
            any_dup = True
    if not any_dup:
        L.append("* none")
    L.append("")
    seq = [(l, d) for l, (f, t, d) in zip(labels, outputs) if l.startswith("seq")]
    if len(seq) == 3:
        L.append("### Time series seq1 → seq2 → seq3")
        L.append("")
        L.append("\"Common\" = same callsign in both files; new = only in the later, gone = only in the earlier.")
        L.append("")
        L += series_facts(seq)
        L.append("")
        f1, t1, d1 = [o for o in outputs if short_label(o[0]) == "seq1"][0]
        L.append("### Example records from `%s.gz` (after anonymisation)" % f1)
        L.append("")
        L += example_facts(t1, d1)
    return "\n".join(L) + "\n"


# --------------------------------------------------------------------------
def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    src = argv[1] if len(argv) > 1 else os.path.join(root, "..", "shared", "fixtures", "feeds")
    out = argv[2] if len(argv) > 2 else os.path.join(root, "test", "fixtures")
    check(os.path.isdir(src), "no such directory: %s" % src)
    os.makedirs(out, exist_ok=True)

    v3 = sorted(os.path.basename(p) for p in glob.glob(os.path.join(src, "v3-*.json")))
    other = sorted(os.path.basename(p) for p in glob.glob(os.path.join(src, "transceivers-*.json"))
                   + glob.glob(os.path.join(src, "status-*.json")))
    check(v3, "no v3-*.json files in %s" % src)
    texts, docs = {}, {}
    for f in v3:
        raw = open(os.path.join(src, f), "rb").read()
        texts[f] = raw.decode("utf-8")
        check(texts[f].encode("utf-8") == raw, "%s: not round-trippable UTF-8" % f)
        docs[f] = json.loads(texts[f])
    an = Anonymiser([docs[f] for f in v3])
    print("anonymise_fixtures: %d distinct real cids -> %d..%d; %d name patterns for free text; "
          "%d airport codes" % (len(an.cid_map), CID_BASE + 1, CID_BASE + len(an.cid_map),
                                len(an.name_repl), len(an.airports)), file=sys.stderr)

    outputs, reports = [], {}
    for f in v3:
        new_text, stats, scan_paths = rewrite_v3(texts[f], docs[f], an, f)
        new_doc = verify_v3(docs[f], new_text, an, scan_paths, f)
        data = new_text.encode("utf-8")
        with open(os.path.join(out, f + ".gz"), "wb") as fh:
            fh.write(gz_bytes(data))
        # read back what tests will read
        back = gzip.decompress(open(os.path.join(out, f + ".gz"), "rb").read())
        check(back == data, "%s: gzip round trip" % f)
        outputs.append((f, new_text, new_doc))
        reports[f] = stats
        print("  %s: %d cids, %d names replaced (%d kept), free text: %d real names + %d real cids "
              "replaced in %d strings%s" % (
                  f, stats["cid"], stats["name"], stats["name_kept"], stats["text_name_hits"],
                  stats["text_cid_hits"], stats["text_strings_changed"],
                  (", %d re-escaped" % stats["reescaped"]) if stats["reescaped"] else ""),
              file=sys.stderr)

    for f in other:
        raw = open(os.path.join(src, f), "rb").read()
        text = raw.decode("utf-8")
        json.loads(text)
        check(not re.search(r'"cid"\s*:', text), "%s: has a cid key" % f)
        hits = 0
        for path, kind, s, e in scalars(text):
            if kind == "str":
                v = json.loads(text[s:e])
                hits += an.scan(v)[0] != v
        check(hits == 0, "%s: %d strings hold a real name or cid" % (f, hits))
        with open(os.path.join(out, f + ".gz"), "wb") as fh:
            fh.write(gz_bytes(raw))
        print("  %s: copied unchanged (no cid key, 0 strings with a real name/cid)" % f, file=sys.stderr)

    facts = facts_markdown(outputs, reports)
    sys.stdout.write(facts)
    readme = os.path.join(out, "README.md")
    if os.path.exists(readme):
        r = open(readme, encoding="utf-8").read()
        if FACTS_BEGIN in r and FACTS_END in r:
            head, rest = r.split(FACTS_BEGIN, 1)
            _, tail = rest.split(FACTS_END, 1)
            new = head + FACTS_BEGIN + "\n" + facts + FACTS_END + tail
            if new != r:
                with open(readme, "w", encoding="utf-8") as fh:
                    fh.write(new)
            print("  README.md: facts section updated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
