#!/usr/bin/env python3
"""feed_server.py: a local HTTP server for testing the vatsim_ingest feed worker.

Why: the background worker fetches the VATSIM v3 feed over HTTP with libcurl.
Its tests need a real HTTP server that serves the project's fixtures and
misbehaves on demand (errors, redirect loops, slow, stalled, truncated and
oversized bodies), and a "live" feed whose generations advance with the clock.
This server does that, on 127.0.0.1 only, with the Python 3 standard library.

Usage:
    test/feed_server.py --fixtures DIR [--port 0] [--port-file FILE] [--log FILE]
    test/feed_server.py --self-test [--fixtures DIR]

DIR holds uncompressed fixture files (test/fixtures/*.json.gz, decompressed).
--port 0 (the default) picks a free port; --port-file FILE receives the port
number (written to a temporary name, then renamed) once the server listens,
and is removed again on a clean exit.  The server is quiet unless --log FILE
is given (one line per request).  SIGTERM or SIGINT stop it (exit status 0);
slow responses in flight are cut off.

Endpoints (GET unless noted; every slow or streaming mode is bounded in time
and bytes and also stops when the client goes away or the server stops):

  /feeds/NAME            the file, application/json, Content-Length, strong
                         ETag, Last-Modified (file mtime); If-None-Match and
                         If-Modified-Since give 304; Accept-Encoding: gzip gives
                         Content-Encoding: gzip (ETag then ends in -gz").  HEAD too.
  /status/CODE           that status (200..599) with a short text body;
                         ?retry_after=N adds a Retry-After header.
  /redirect-loop         302 to itself, forever.
  /redirect/NAME         302 to /feeds/NAME.
  /trickle/NAME          ?bytes_per_sec=50&max_seconds=60: full Content-Length,
                         then the body slowly; closes after max_seconds.
  /stall                 ?max_seconds=60: reads the request, sends nothing, closes.
  /truncated/NAME        ?keep=N (default half): full Content-Length, N bytes, close.
  /huge                  ?bytes=N (default 100 MiB, at most 1 GiB)&max_seconds=60:
                         generated JSON (a prefix, spaces, "]}"), Content-Length.
  /huge-chunked          the same with Transfer-Encoding: chunked, no Content-Length.
  /replay                ?names=a.json,b.json&step=15&id=default: a live feed.
                         Each new step (UTC clock floored to step seconds) serves
                         the next document of the list (cycling), with its
                         "update_timestamp" value rewritten to that time; within
                         one step the same bytes again.  ETag/304, gzip.
                         Without names: every v3-*.json in DIR, sorted.
  /sequence/ID           ?names=a.json,b.json: the next file on each request,
                         staying on the last one; timestamps not rewritten.
                         ETag/304 (Last-Modified = the document's update_timestamp).
  /sequence/ID/reset     (POST or GET) restart list ID;  /reset/ID does the same
                         (for /replay?id=ID too).
  /_stats                JSON {"total": N, "paths": {path: count}, ...}:
                         requests per URL path (query ignored; /_stats and
                         /_reset are not counted).
  /_reset                (POST or GET) forget all counters and list states.
  anything else          404.

Responses to /replay and /sequence carry X-Feed-Name (the file served).
"""

import argparse
import datetime
import email.utils
import glob
import gzip
import hashlib
import http.client
import http.server
import json
import math
import os
import re
import select
import signal
import socket
import socketserver
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

HOST = '127.0.0.1'
MiB = 1 << 20
GiB = 1 << 30
MAX_FIXTURE_BYTES = 256 * MiB
MAX_SECONDS_CAP = 600.0
NAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$')
LIST_ID_RE = re.compile(r'^[A-Za-z0-9._-]{1,200}$')
# The one "update_timestamp":"..." value; tolerates pretty-printed `": "`.
TS_RE = re.compile(rb'"update_timestamp"\s*:\s*"([^"\\]*)"')
UTC = datetime.timezone.utc


def fmt_ts(ns):
    """UTC time in ns since the epoch -> 2023-08-07T23:29:45.0000000Z."""
    sec, rem = divmod(ns, 1_000_000_000)
    dt = datetime.datetime.fromtimestamp(sec, UTC)
    return dt.strftime('%Y-%m-%dT%H:%M:%S') + '.%07dZ' % (rem // 100)


def content_time(data):
    """Seconds since the epoch of the document's update_timestamp, or None."""
    m = TS_RE.search(data)
    if not m:
        return None
    try:
        dt = datetime.datetime.strptime(m.group(1)[:19].decode('ascii'), '%Y-%m-%dT%H:%M:%S')
    except (UnicodeDecodeError, ValueError):
        return None
    return int(dt.replace(tzinfo=UTC).timestamp())


def rewrite_timestamp(data, new_value):
    """Replace the value of the first "update_timestamp" by new_value (text edit)."""
    m = TS_RE.search(data)
    if not m:
        return data, False
    return data[:m.start(1)] + new_value.encode('ascii') + data[m.end(1):], True


class Doc:
    """A response body with its validators; the gzip form is made once, lazily."""

    def __init__(self, data, last_modified, name=None):
        self.data = data
        self.name = name
        self.last_modified = int(last_modified)
        self.etag = '"%s"' % hashlib.sha256(data).hexdigest()[:40]
        self.etag_gz = self.etag[:-1] + '-gz"'
        self._gz = None
        self._content_time = False

    def gz(self):
        if self._gz is None:
            self._gz = gzip.compress(self.data, compresslevel=6, mtime=0)
        return self._gz

    def content_time(self):
        if self._content_time is False:
            self._content_time = content_time(self.data)
        return self._content_time


class BadRequest(Exception):
    pass


class FeedServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    # server_close() would otherwise join every request thread, and a
    # stalled response (the slow-feed tests) never ends: the process would
    # outlive its test run, holding whatever it inherited.
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, fixtures, port=0, log=None):
        self.fixtures = os.path.realpath(fixtures)
        self.log_file = log
        self.stop_event = threading.Event()
        self.lock = threading.Lock()        # counters, list states, file cache
        self.log_lock = threading.Lock()
        self.files = {}                     # name -> ((mtime_ns, size), Doc)
        self.counts = {}
        self.total = 0
        self.active_streams = 0
        self.sequences = {}                 # list id -> {'names', 'index'}
        self.replays = {}                   # list id -> state dict
        super().__init__((HOST, port), Handler)

    def server_bind(self):
        # HTTPServer.server_bind would call socket.getfqdn(), a DNS lookup.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    @property
    def port(self):
        return self.server_address[1]

    def log(self, msg):
        if self.log_file is None:
            return
        line = '%s %s\n' % (datetime.datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ'), msg)
        with self.log_lock:
            try:
                self.log_file.write(line)
                self.log_file.flush()
            except (OSError, ValueError):
                pass

    def handle_error(self, request, client_address):
        # Clients that go away mid-response are normal here: no tracebacks on stderr.
        exc = sys.exc_info()[1]
        self.log('error from %s: %r' % (client_address[0] if client_address else '?', exc))

    def count(self, path):
        with self.lock:
            self.counts[path] = self.counts.get(path, 0) + 1
            self.total += 1

    def stats(self):
        with self.lock:
            return {
                'total': self.total,
                'paths': dict(sorted(self.counts.items())),
                'active_streams': self.active_streams,
                'sequences': {k: {'index': v['index'], 'names': v['names']}
                              for k, v in self.sequences.items()},
                'replays': {k: {'generation': v['generation'], 'name': v['doc'].name if v['doc'] else None,
                                'update_timestamp': fmt_ts(v['ts_ns']) if v['ts_ns'] is not None else None}
                            for k, v in self.replays.items()},
            }

    def reset_all(self):
        with self.lock:
            self.counts.clear()
            self.total = 0
            self.sequences.clear()
            self.replays.clear()

    def reset_list(self, list_id):
        with self.lock:
            found = self.sequences.pop(list_id, None) is not None
            found = (self.replays.pop(list_id, None) is not None) or found
        return found

    def load(self, name):
        """The Doc for a fixture file name, or None (unknown, or not inside DIR)."""
        if not isinstance(name, str) or not NAME_RE.match(name) or '..' in name:
            return None
        real = os.path.realpath(os.path.join(self.fixtures, name))
        if os.path.dirname(real) != self.fixtures:
            return None                     # e.g. a symlink pointing out of DIR
        try:
            st = os.stat(real)
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FIXTURE_BYTES:
            return None
        key = (st.st_mtime_ns, st.st_size)
        with self.lock:
            hit = self.files.get(name)
        if hit and hit[0] == key:
            return hit[1]
        try:
            with open(real, 'rb') as f:
                data = f.read(MAX_FIXTURE_BYTES + 1)
        except OSError:
            return None
        doc = Doc(data, st.st_mtime, name)
        with self.lock:
            self.files[name] = (key, doc)
        return doc

    def default_replay_names(self):
        return sorted(os.path.basename(p) for p in glob.glob(os.path.join(self.fixtures, 'v3-*.json')))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    # headers and body go out in separate writes: without this a reused
    # connection waits for the client's delayed ACK (~40 ms a response)
    disable_nagle_algorithm = True
    server_version = 'vatsim-feed-test-server/1.0'

    def version_string(self):
        return self.server_version
    timeout = 30                            # idle keep-alive connections end
    error_content_type = 'text/plain; charset=utf-8'
    error_message_format = '%(code)d %(message)s\n'

    # -- plumbing -------------------------------------------------------------

    def log_message(self, fmt, *args):
        self.server.log('%s %s' % (self.client_address[0], fmt % args))

    def do_GET(self):
        self.dispatch('GET')

    def do_HEAD(self):
        self.dispatch('HEAD')

    def do_POST(self):
        self.dispatch('POST')

    def drain_body(self):
        te = self.headers.get('Transfer-Encoding')
        try:
            n = int(self.headers.get('Content-Length') or 0)
        except ValueError:
            n = -1
        if te or n < 0 or n > MiB:
            self.close_connection = True
        elif n:
            self.rfile.read(n)

    def qstr(self, key, default=None):
        vals = self.query.get(key)
        return vals[-1] if vals and vals[-1] != '' else default

    def qnum(self, key, default, lo, hi, conv=int):
        s = self.qstr(key)
        if s is None:
            return default
        try:
            v = conv(s)
        except ValueError:
            raise BadRequest('%s must be a number' % key)
        if isinstance(v, float) and not math.isfinite(v):
            raise BadRequest('%s must be finite' % key)
        return min(max(v, lo), hi)

    def qnames(self):
        names = []
        for v in self.query.get('names', []):
            names.extend(n.strip() for n in v.split(',') if n.strip())
        return names

    def send_text(self, code, text=None, headers=()):
        if text is None:
            text = '%d %s\n' % (code, self.responses.get(code, ('',))[0])
        body = text.encode('utf-8')
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        if code >= 200 and code not in (204, 304):
            self.send_header('Content-Type', 'text/plain; charset=utf-8')
            self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if not self.head and code >= 200 and code not in (204, 304):
            self.wfile.write(body)

    def send_json(self, obj):
        body = (json.dumps(obj, indent=1) + '\n').encode('utf-8')
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.send_header('Cache-Control', 'no-store')
        self.end_headers()
        if not self.head:
            self.wfile.write(body)

    def not_found(self, what=None):
        self.send_text(404, '404 Not Found%s\n' % (': ' + what if what else ''))

    def accepts_gzip(self):
        ae = self.headers.get('Accept-Encoding')
        if not ae:
            return False
        star = None
        for item in ae.split(','):
            parts = [p.strip() for p in item.split(';')]
            coding = parts[0].lower()
            q = 1.0
            for p in parts[1:]:
                if p[:2].lower() == 'q=':
                    try:
                        q = float(p[2:])
                    except ValueError:
                        q = 0.0
            if coding in ('gzip', 'x-gzip'):
                return q > 0
            if coding == '*':
                star = q > 0
        return bool(star)

    def not_modified(self, etag, last_modified):
        inm = self.headers.get('If-None-Match')
        if inm is not None:                 # takes precedence over If-Modified-Since
            tags = [t.strip() for t in inm.split(',')]
            mine = etag[2:] if etag.startswith('W/') else etag
            return any(t == '*' or (t[2:] if t.startswith('W/') else t) == mine for t in tags)
        ims = self.headers.get('If-Modified-Since')
        if ims and last_modified is not None:
            try:
                dt = email.utils.parsedate_to_datetime(ims)
            except (TypeError, ValueError, IndexError):
                return False
            if dt is None:
                return False
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=UTC)
            return last_modified <= dt.timestamp()
        return False

    def serve_doc(self, doc, last_modified=None, headers=()):
        """200 with the document (gzip if accepted), or 304 if the client has it."""
        if last_modified is None:
            last_modified = doc.last_modified
        gz = self.accepts_gzip()
        etag = doc.etag_gz if gz else doc.etag
        common = [('ETag', etag),
                  ('Last-Modified', email.utils.formatdate(last_modified, usegmt=True)),
                  ('Vary', 'Accept-Encoding'),
                  ('Cache-Control', 'no-cache')] + list(headers)
        if self.not_modified(etag, last_modified):
            self.send_response(304)
            for k, v in common:
                self.send_header(k, v)
            self.end_headers()
            return
        body = doc.gz() if gz else doc.data
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        if gz:
            self.send_header('Content-Encoding', 'gzip')
        self.send_header('Content-Length', str(len(body)))
        for k, v in common:
            self.send_header(k, v)
        self.end_headers()
        if not self.head:
            self.wfile.write(body)

    # -- streaming helpers ------------------------------------------------------

    class _Stream:
        def __init__(self, server):
            self.server = server

        def __enter__(self):
            with self.server.lock:
                self.server.active_streams += 1

        def __exit__(self, *exc):
            with self.server.lock:
                self.server.active_streams -= 1
            return False

    def stream(self):
        return self._Stream(self.server)

    def client_gone(self):
        """True if the client closed its side (EOF readable) or the socket failed."""
        try:
            r, _, _ = select.select([self.connection], [], [], 0)
            if r:
                return self.connection.recv(1, socket.MSG_PEEK) == b''
        except (OSError, ValueError):
            return True
        return False

    def write_bounded(self, data, deadline):
        """Write within the deadline; False if the client went away or time ran out."""
        remaining = deadline - time.monotonic()
        if remaining <= 0 or self.server.stop_event.is_set():
            return False
        try:
            self.connection.settimeout(max(0.05, remaining))
            self.wfile.write(data)
            return True
        except (OSError, ValueError):
            return False

    def start_headers(self, code, content_type, length=None, extra=()):
        self.send_response(code)
        self.send_header('Content-Type', content_type)
        if length is not None:
            self.send_header('Content-Length', str(length))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()

    # -- routing ------------------------------------------------------------------

    def dispatch(self, method):
        self.head = method == 'HEAD'
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        self.query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if method == 'POST':
            self.drain_body()
        try:
            if path == '/_stats':
                if method == 'POST':
                    return self.send_text(405, headers=[('Allow', 'GET, HEAD')])
                return self.send_json(self.server.stats())
            if path == '/_reset':
                if self.head:
                    return self.send_text(405, headers=[('Allow', 'GET, POST')])
                self.server.reset_all()
                return self.send_text(200, 'reset\n')
            self.server.count(path)
            parts = [urllib.parse.unquote(p) for p in path.split('/')[1:]]
            self.route(method, parts)
        except BadRequest as e:
            self.send_text(400, '400 Bad Request: %s\n' % e)

    ROUTES_GET_HEAD = {'feeds', 'status', 'redirect', 'redirect-loop', 'huge', 'huge-chunked'}

    def route(self, method, parts):
        top = parts[0] if parts else ''
        n = len(parts)
        known = (
            (top == 'feeds' and n == 2) or (top == 'status' and n == 2) or
            (top == 'redirect-loop' and n == 1) or (top == 'redirect' and n == 2) or
            (top == 'trickle' and n == 2) or (top == 'stall' and n == 1) or
            (top == 'truncated' and n == 2) or (top in ('huge', 'huge-chunked') and n == 1) or
            (top == 'replay' and n == 1) or (top == 'sequence' and n in (2, 3)) or
            (top == 'reset' and n == 2))
        if not known or (top == 'sequence' and n == 3 and parts[2] != 'reset'):
            return self.not_found()
        # Which methods each endpoint takes.
        if top == 'status':
            allowed = ('GET', 'HEAD', 'POST')
        elif top == 'reset' or (top == 'sequence' and n == 3):
            allowed = ('GET', 'POST')
        elif top in self.ROUTES_GET_HEAD:
            allowed = ('GET', 'HEAD')
        else:
            allowed = ('GET',)              # stateful or fault modes: no HEAD
        if method not in allowed:
            return self.send_text(405, headers=[('Allow', ', '.join(allowed))])
        getattr(self, 'ep_' + top.replace('-', '_'))(parts)

    # -- endpoints ------------------------------------------------------------------

    def ep_feeds(self, parts):
        doc = self.server.load(parts[1])
        if doc is None:
            return self.not_found(parts[1])
        self.serve_doc(doc)

    def ep_status(self, parts):
        try:
            code = int(parts[1])
        except ValueError:
            raise BadRequest('status code must be a number')
        if not 200 <= code <= 599:
            raise BadRequest('status code must be 200..599')
        headers = []
        ra = self.qstr('retry_after')
        if ra is not None:
            headers.append(('Retry-After', str(self.qnum('retry_after', 0, 0, 86400))))
        self.send_text(code, headers=headers)

    def ep_redirect_loop(self, parts):
        self.send_text(302, '302 Found: /redirect-loop\n', headers=[('Location', '/redirect-loop')])

    def ep_redirect(self, parts):
        if self.server.load(parts[1]) is None:
            return self.not_found(parts[1])
        loc = '/feeds/' + urllib.parse.quote(parts[1])
        self.send_text(302, '302 Found: %s\n' % loc, headers=[('Location', loc)])

    def ep_trickle(self, parts):
        doc = self.server.load(parts[1])
        if doc is None:
            return self.not_found(parts[1])
        bps = self.qnum('bytes_per_sec', 50, 1, 100 * MiB)
        max_s = self.qnum('max_seconds', 60.0, 0.0, MAX_SECONDS_CAP, float)
        data = doc.data
        start = time.monotonic()
        deadline = start + max_s
        self.close_connection = True
        self.start_headers(200, 'application/json', len(data), [('Connection', 'close')])
        tick = min(0.25, max(0.05, 1.0 / bps))
        sent = 0
        with self.stream():
            while sent < len(data):
                if self.server.stop_event.wait(tick) or self.client_gone():
                    break
                now = time.monotonic()
                if now >= deadline:
                    break
                due = min(len(data), int(bps * (now - start)))
                if due > sent:
                    if not self.write_bounded(data[sent:due], deadline):
                        break
                    sent = due
        self.log_message('"%s" trickled %d of %d bytes in %.1f s', self.requestline,
                         sent, len(data), time.monotonic() - start)

    def ep_stall(self, parts):
        max_s = self.qnum('max_seconds', 60.0, 0.0, MAX_SECONDS_CAP, float)
        deadline = time.monotonic() + max_s
        self.close_connection = True
        with self.stream():
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.server.stop_event.wait(min(0.1, remaining)):
                    break
                if self.client_gone():
                    break
        # Returning with close_connection set closes the socket; nothing was sent.
        self.log_message('"%s" stalled, closed after %.1f s', self.requestline,
                         max_s - max(0.0, deadline - time.monotonic()))

    def ep_truncated(self, parts):
        doc = self.server.load(parts[1])
        if doc is None:
            return self.not_found(parts[1])
        data = doc.data
        keep = self.qnum('keep', len(data) // 2, 0, len(data))
        self.close_connection = True
        self.start_headers(200, 'application/json', len(data), [('Connection', 'close')])
        with self.stream():
            self.write_bounded(data[:keep], time.monotonic() + 30)

    @staticmethod
    def huge_pieces(n):
        """n bytes of JSON: a prefix, spaces, then "]}" (all spaces if n is tiny)."""
        prefix = ('{"general":{"version":3,"update_timestamp":"%s"},"pilots":['
                  % fmt_ts(time.time_ns())).encode('ascii')
        suffix = b']}'
        block = b' ' * (64 * 1024)
        if n < len(prefix) + len(suffix):
            prefix, suffix = b'', b''
        yield prefix
        left = n - len(prefix) - len(suffix)
        while left > 0:
            k = min(left, len(block))
            yield block[:k]
            left -= k
        yield suffix

    def send_huge(self, chunked):
        n = self.qnum('bytes', 100 * MiB, 0, GiB)
        max_s = self.qnum('max_seconds', 60.0, 0.0, MAX_SECONDS_CAP, float)
        deadline = time.monotonic() + max_s
        if chunked:
            if self.request_version == 'HTTP/1.0':   # no chunked coding: EOF ends the body
                self.close_connection = True
                self.start_headers(200, 'application/json', None, [('Connection', 'close')])
                chunked = False
            else:
                self.start_headers(200, 'application/json', None, [('Transfer-Encoding', 'chunked')])
        else:
            self.start_headers(200, 'application/json', n)
        if self.head:
            return
        sent = 0
        with self.stream():
            for piece in self.huge_pieces(n):
                if not piece:
                    continue
                k = len(piece)
                if chunked:
                    piece = b'%x\r\n%s\r\n' % (k, piece)
                if not self.write_bounded(piece, deadline):
                    self.close_connection = True
                    break
                sent += k
            else:
                if chunked and not self.write_bounded(b'0\r\n\r\n', deadline):
                    self.close_connection = True
        if sent < n:
            self.log_message('"%s" stopped after %d of %d bytes', self.requestline, sent, n)

    def ep_huge(self, parts):
        self.send_huge(False)

    def ep_huge_chunked(self, parts):
        self.send_huge(True)

    def load_all(self, names):
        docs = []
        for name in names:
            doc = self.server.load(name)
            if doc is None:
                self.not_found(name)
                return None
            docs.append(doc)
        return docs

    def ep_replay(self, parts):
        names = self.qnames() or self.server.default_replay_names()
        if not names:
            raise BadRequest('no names given and no v3-*.json in the fixtures directory')
        docs = self.load_all(names)
        if docs is None:
            return
        step = self.qnum('step', 15.0, 0.01, 86400.0, float)
        step_ns = int(round(step * 1e9))
        list_id = self.qstr('id', 'default')
        if not LIST_ID_RE.match(list_id):
            raise BadRequest('bad id')
        key = (tuple(names), step_ns)
        srv = self.server
        with srv.lock:
            st = srv.replays.get(list_id)
            if st is None or st['key'] != key:
                st = {'key': key, 'index': -1, 'ts_ns': None, 'doc': None, 'generation': 0}
                srv.replays[list_id] = st
            floor_ns = time.time_ns() // step_ns * step_ns
            if st['ts_ns'] is None or floor_ns > st['ts_ns']:
                st['index'] = (st['index'] + 1) % len(docs)
                src = docs[st['index']]
                body, _ = rewrite_timestamp(src.data, fmt_ts(floor_ns))
                st['doc'] = Doc(body, floor_ns // 1_000_000_000, src.name)
                st['ts_ns'] = floor_ns
                st['generation'] += 1
            doc, ts_ns, gen, index = st['doc'], st['ts_ns'], st['generation'], st['index']
        self.serve_doc(doc, headers=[('X-Feed-Name', doc.name),
                                     ('X-Replay-Generation', str(gen)),
                                     ('X-Replay-Index', str(index)),
                                     ('X-Update-Timestamp', fmt_ts(ts_ns))])

    def ep_sequence(self, parts):
        list_id = parts[1]
        if not LIST_ID_RE.match(list_id):
            raise BadRequest('bad list id')
        if len(parts) == 3:
            found = self.server.reset_list(list_id)
            return self.send_text(200, 'reset %s%s\n' % (list_id, '' if found else ' (was not started)'))
        names = self.qnames()
        if not names:
            raise BadRequest('names=a.json,b.json,... is required')
        docs = self.load_all(names)
        if docs is None:
            return
        srv = self.server
        with srv.lock:
            st = srv.sequences.get(list_id)
            if st is None or st['names'] != names:
                st = {'names': names, 'index': -1}
                srv.sequences[list_id] = st
            st['index'] = min(st['index'] + 1, len(names) - 1)
            index = st['index']
        doc = docs[index]
        lm = doc.content_time()
        self.serve_doc(doc, last_modified=lm if lm is not None else doc.last_modified,
                       headers=[('X-Feed-Name', doc.name),
                                ('X-Sequence-Index', str(index)),
                                ('X-Sequence-Length', str(len(names)))])

    def ep_reset(self, parts):
        list_id = parts[1]
        if not LIST_ID_RE.match(list_id):
            raise BadRequest('bad list id')
        found = self.server.reset_list(list_id)
        self.send_text(200, 'reset %s%s\n' % (list_id, '' if found else ' (was not started)'))


# -- command line ------------------------------------------------------------------

def write_port_file(path, port):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix='.' + os.path.basename(path) + '.')
    try:
        with os.fdopen(fd, 'w') as f:
            f.write('%d\n' % port)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def start_in_thread(fixtures, port=0, log=None):
    server = FeedServer(fixtures, port, log)
    t = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.1},
                         name='feed-server', daemon=True)
    t.start()
    return server, t


def stop_server(server):
    server.stop_event.set()
    server.shutdown()
    server.server_close()


def main(argv=None):
    ap = argparse.ArgumentParser(
        description='HTTP test server for the vatsim_ingest feed worker (127.0.0.1 only).')
    ap.add_argument('--fixtures', metavar='DIR', help='directory of uncompressed fixture files')
    ap.add_argument('--port', type=int, default=0, help='port to listen on (0: pick a free one)')
    ap.add_argument('--port-file', metavar='FILE', help='write the port number here once listening')
    ap.add_argument('--log', metavar='FILE', help='append one line per request to FILE')
    ap.add_argument('--self-test', action='store_true', help='exercise every endpoint and exit')
    args = ap.parse_args(argv)
    if args.self_test:
        return self_test(args.fixtures)
    if not args.fixtures:
        ap.error('--fixtures DIR is required')
    if not os.path.isdir(args.fixtures):
        ap.error('--fixtures %s: not a directory' % args.fixtures)
    if not 0 <= args.port <= 65535:
        ap.error('--port must be 0..65535')

    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    log = open(args.log, 'a', encoding='utf-8') if args.log else None
    try:
        server, thread = start_in_thread(args.fixtures, args.port, log)
    except OSError as e:
        print('feed_server: cannot listen on %s:%d: %s' % (HOST, args.port, e), file=sys.stderr)
        return 2
    server.log('listening on %s:%d, fixtures %s' % (HOST, server.port, server.fixtures))
    if args.port_file:
        write_port_file(args.port_file, server.port)
    while not stop.wait(0.5):
        pass
    server.log('stopping')
    stop_server(server)
    thread.join(5)
    if args.port_file:
        try:
            with open(args.port_file) as f:
                mine = f.read().strip() == str(server.port)
            if mine:
                os.unlink(args.port_file)
        except OSError:
            pass
    if log:
        log.close()
    return 0


# -- self-test ---------------------------------------------------------------------

SEQ = ['v3-2023-08-07T232929Z-754p-seq1.json',
       'v3-2023-08-07T232944Z-757p-seq2.json',
       'v3-2023-08-08T000359Z-737p-seq3.json']
PRETTY = 'v3-2023-07-31T1925Z-1442p.json'
TRANSCEIVERS = 'transceivers-2021-04-21-892stations.json'
TS_FORMAT_RE = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$')


class SelfTest:
    def __init__(self, port, fixtures):
        self.port = port
        self.base = 'http://%s:%d' % (HOST, port)
        self.fixtures = fixtures
        self.passed = 0
        self.failed = 0
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def check(self, name, cond, detail=''):
        n = self.passed + self.failed + 1
        if cond:
            self.passed += 1
            print('ok %d - %s' % (n, name))
        else:
            self.failed += 1
            print('not ok %d - %s%s' % (n, name, ('  # ' + str(detail)) if detail else ''))
        sys.stdout.flush()
        return cond

    def file(self, name):
        with open(os.path.join(self.fixtures, name), 'rb') as f:
            return f.read()

    def get(self, path, headers=None, method='GET', data=None, timeout=10):
        """urllib request: (status, headers, body); follows redirects."""
        req = urllib.request.Request(self.base + path, headers=headers or {}, method=method, data=data)
        try:
            with self.opener.open(req, timeout=timeout) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def conn(self, timeout=10):
        return http.client.HTTPConnection(HOST, self.port, timeout=timeout)

    def raw(self, path, headers=None, method='GET', timeout=10):
        """http.client request, no redirects: (status, headers, body)."""
        c = self.conn(timeout)
        try:
            c.request(method, path, headers=headers or {})
            r = c.getresponse()
            return r.status, r.headers, r.read()
        finally:
            c.close()

    def stats(self):
        return json.loads(self.get('/_stats')[2])

    def wait_streams_idle(self, limit=3.0):
        end = time.monotonic() + limit
        while time.monotonic() < end:
            if self.stats()['active_streams'] == 0:
                return True
            time.sleep(0.05)
        return False

    def group(self, fn):
        try:
            fn()
        except Exception as e:          # an unexpected error fails the group, not the run
            self.check('%s ran without error' % fn.__name__, False, repr(e))

    # -- groups -----------------------------------------------------------------------

    def t_feeds(self):
        name = SEQ[0]
        orig = self.file(name)
        st, h, body = self.get('/feeds/' + name)
        self.check('feeds: 200', st == 200, st)
        self.check('feeds: body is the file', body == orig)
        self.check('feeds: Content-Type application/json', h.get('Content-Type') == 'application/json')
        self.check('feeds: Content-Length', h.get('Content-Length') == str(len(orig)))
        etag, lm = h.get('ETag', ''), h.get('Last-Modified')
        self.check('feeds: strong quoted ETag', etag.startswith('"') and etag.endswith('"') and len(etag) > 10, etag)
        mtime = int(os.stat(os.path.join(self.fixtures, name)).st_mtime)
        self.check('feeds: Last-Modified is the file mtime',
                   lm and email.utils.parsedate_to_datetime(lm).timestamp() == mtime, lm)
        self.check('feeds: no Content-Encoding without Accept-Encoding', h.get('Content-Encoding') is None)
        st2, h2, _ = self.get('/feeds/' + name)
        self.check('feeds: ETag stable', h2.get('ETag') == etag)
        st, h, body = self.get('/feeds/' + name, {'If-None-Match': etag})
        self.check('feeds: If-None-Match -> 304, no body', st == 304 and body == b'', (st, len(body)))
        self.check('feeds: 304 carries the ETag', h.get('ETag') == etag)
        st, _, _ = self.get('/feeds/' + name, {'If-None-Match': '"other", ' + etag})
        self.check('feeds: If-None-Match list -> 304', st == 304, st)
        st, _, _ = self.get('/feeds/' + name, {'If-None-Match': '*'})
        self.check('feeds: If-None-Match * -> 304', st == 304, st)
        st, _, body = self.get('/feeds/' + name, {'If-None-Match': '"nope"'})
        self.check('feeds: other ETag -> 200', st == 200 and body == orig, st)
        st, _, _ = self.get('/feeds/' + name, {'If-Modified-Since': lm})
        self.check('feeds: If-Modified-Since = Last-Modified -> 304', st == 304, st)
        older = email.utils.formatdate(mtime - 3600, usegmt=True)
        st, _, _ = self.get('/feeds/' + name, {'If-Modified-Since': older})
        self.check('feeds: older If-Modified-Since -> 200', st == 200, st)
        st, _, _ = self.get('/feeds/' + name, {'If-None-Match': '"nope"', 'If-Modified-Since': lm})
        self.check('feeds: If-None-Match wins over If-Modified-Since', st == 200, st)
        # gzip
        st, h, body = self.get('/feeds/' + name, {'Accept-Encoding': 'deflate, gzip, br'})
        self.check('gzip: Content-Encoding gzip', st == 200 and h.get('Content-Encoding') == 'gzip', h.get('Content-Encoding'))
        self.check('gzip: Content-Length is the compressed size', h.get('Content-Length') == str(len(body)))
        self.check('gzip: round trip', gzip.decompress(body) == orig)
        self.check('gzip: smaller', len(body) < len(orig) // 3, len(body))
        self.check('gzip: Vary: Accept-Encoding', 'Accept-Encoding' in (h.get('Vary') or ''))
        gz_etag = h.get('ETag')
        self.check('gzip: its own ETag', gz_etag and gz_etag != etag, gz_etag)
        st, _, _ = self.get('/feeds/' + name, {'Accept-Encoding': 'gzip', 'If-None-Match': gz_etag})
        self.check('gzip: If-None-Match -> 304', st == 304, st)
        st, h, body = self.get('/feeds/' + name, {'Accept-Encoding': 'gzip;q=0, identity'})
        self.check('gzip: q=0 -> identity', h.get('Content-Encoding') is None and body == orig)
        st, h, body = self.get('/feeds/' + name, {'Accept-Encoding': 'br'})
        self.check('gzip: br only -> identity', h.get('Content-Encoding') is None and body == orig)
        # HEAD, keep-alive
        st, h, body = self.raw('/feeds/' + name, method='HEAD')
        self.check('feeds: HEAD -> headers only', st == 200 and body == b'' and h.get('Content-Length') == str(len(orig)))
        c = self.conn()
        try:
            c.request('GET', '/feeds/' + name)
            r1 = c.getresponse(); b1 = r1.read()
            c.request('GET', '/feeds/' + name, headers={'If-None-Match': etag})
            r2 = c.getresponse(); b2 = r2.read()
            c.request('GET', '/feeds/' + TRANSCEIVERS)
            r3 = c.getresponse(); b3 = r3.read()
        finally:
            c.close()
        self.check('feeds: keep-alive 200, 304, 200 on one connection',
                   (r1.status, r2.status, r3.status) == (200, 304, 200) and b1 == orig and b2 == b''
                   and b3 == self.file(TRANSCEIVERS), (r1.status, r2.status, r3.status))
        self.check('feeds: transceivers file is JSON', isinstance(json.loads(b3), list))
        # unknown names and traversal
        for p in ['/feeds/nope.json', '/feeds/..', '/feeds/..%2Ffeed_server.py', '/feeds/%2Fetc%2Fpasswd',
                  '/feeds/../feed_server.py', '/feeds/a/b', '/feeds/', '/feeds', '/feeds/.hidden']:
            st, _, _ = self.raw(p)
            self.check('feeds: %s -> 404' % p, st == 404, st)

    def t_symlink(self, owned):
        if not owned:
            return
        link = os.path.join(self.fixtures, 'escape.json')
        os.symlink(os.path.abspath(__file__), link)
        try:
            st, _, _ = self.raw('/feeds/escape.json')
            self.check('feeds: symlink out of DIR -> 404', st == 404, st)
        finally:
            os.unlink(link)

    def t_status_redirect(self):
        for code in (500, 404, 503, 429, 200, 418):
            st, h, body = self.get('/status/%d' % code)
            self.check('status/%d' % code, st == code and body.startswith(str(code).encode()), (st, body[:40]))
        st, h, body = self.get('/status/429?retry_after=7')
        self.check('status: Retry-After', st == 429 and h.get('Retry-After') == '7', h.get('Retry-After'))
        st, h, body = self.raw('/status/204')
        self.check('status/204 without body', st == 204 and body == b'', st)
        for p in ('/status/abc', '/status/99', '/status/600'):
            st, _, _ = self.get(p)
            self.check('%s -> 400' % p, st == 400, st)
        st, h, _ = self.raw('/redirect-loop')
        self.check('redirect-loop: 302 to itself', st == 302 and h.get('Location') == '/redirect-loop', (st, h.get('Location')))
        st, _, _ = self.get('/redirect-loop')
        self.check('redirect-loop: a client with a redirect limit stops (302)', st == 302, st)
        st, h, _ = self.raw('/redirect/' + SEQ[1])
        self.check('redirect: 302 to /feeds/NAME', st == 302 and h.get('Location') == '/feeds/' + SEQ[1], h.get('Location'))
        st, _, body = self.get('/redirect/' + SEQ[1])
        self.check('redirect: followed -> the file', st == 200 and body == self.file(SEQ[1]), st)
        st, _, _ = self.raw('/redirect/nope.json')
        self.check('redirect: unknown name -> 404', st == 404, st)
        for p in ('/', '/nope', '/_statsx', '/feeds/x/y/z', '/sequence', '/sequence/a/b', '/trickle', '/replay/x'):
            st, _, _ = self.raw(p)
            self.check('%s -> 404' % p, st == 404, st)
        st, h, _ = self.raw('/feeds/' + SEQ[0], method='POST')
        self.check('POST /feeds -> 405', st == 405 and 'GET' in (h.get('Allow') or ''), st)
        st, _, _ = self.raw('/replay', method='HEAD')
        self.check('HEAD /replay -> 405 (would advance state)', st == 405, st)

    def t_trickle(self):
        orig = self.file(SEQ[0])
        c = self.conn(10)
        t0 = time.monotonic()
        try:
            c.request('GET', '/trickle/%s?bytes_per_sec=400&max_seconds=1' % SEQ[0])
            r = c.getresponse()
            hdr_time = time.monotonic() - t0
            cl = r.getheader('Content-Length')
            try:
                got = r.read()
                complete = True
            except http.client.IncompleteRead as e:
                got, complete = e.partial, False
        finally:
            c.close()
        elapsed = time.monotonic() - t0
        self.check('trickle: headers at once', r.status == 200 and hdr_time < 0.5, (r.status, hdr_time))
        self.check('trickle: full Content-Length', cl == str(len(orig)), cl)
        self.check('trickle: cut short', not complete)
        self.check('trickle: ~400 bytes in 1 s', 200 <= len(got) <= 800, len(got))
        self.check('trickle: bytes are the file prefix', got == orig[:len(got)])
        self.check('trickle: stops after max_seconds', 0.8 <= elapsed < 2.5, round(elapsed, 2))
        # client goes away: the server notices and stops streaming
        c = self.conn(10)
        c.request('GET', '/trickle/%s?bytes_per_sec=100&max_seconds=20' % SEQ[0])
        r = c.getresponse()
        time.sleep(0.3)
        busy = self.stats()['active_streams']
        c.close()
        r.close()
        self.check('trickle: counted as an active stream', busy >= 1, busy)
        self.check('trickle: stops when the client goes away', self.wait_streams_idle(2.0))

    def t_stall(self):
        c = self.conn(5)
        t0 = time.monotonic()
        try:
            c.request('GET', '/stall?max_seconds=1')
            try:
                c.getresponse()
                outcome = 'response'
            except http.client.RemoteDisconnected:
                outcome = 'closed'
            except socket.timeout:
                outcome = 'timeout'
        finally:
            c.close()
        elapsed = time.monotonic() - t0
        self.check('stall: nothing sent, then closed', outcome == 'closed', outcome)
        self.check('stall: after max_seconds', 0.9 <= elapsed < 2.5, round(elapsed, 2))
        c = self.conn(0.5)
        try:
            c.request('GET', '/stall?max_seconds=10')
            try:
                c.getresponse()
                outcome = 'response'
            except socket.timeout:
                outcome = 'timeout'
            except http.client.RemoteDisconnected:
                outcome = 'closed'
        finally:
            c.close()
        self.check('stall: a client timeout fires', outcome == 'timeout', outcome)
        self.check('stall: ends when the client goes away', self.wait_streams_idle(2.0))
        # a slow response does not block others
        done = {}

        def slow():
            try:
                self.raw('/stall?max_seconds=2', timeout=5)
            except Exception as e:
                done['e'] = e
        th = threading.Thread(target=slow)
        th.start()
        time.sleep(0.2)
        t0 = time.monotonic()
        st, _, body = self.get('/feeds/' + SEQ[1])
        fast = time.monotonic() - t0
        self.check('concurrency: a request is served during a stall', st == 200 and fast < 1.0, (st, round(fast, 2)))
        th.join(5)

    def t_truncated(self):
        orig = self.file(SEQ[0])
        for q, keep in (('?keep=1000', 1000), ('', len(orig) // 2), ('?keep=0', 0)):
            c = self.conn(10)
            try:
                c.request('GET', '/truncated/%s%s' % (SEQ[0], q))
                r = c.getresponse()
                cl = r.getheader('Content-Length')
                try:
                    got = r.read()
                    complete = True
                except http.client.IncompleteRead as e:
                    got, complete = e.partial, False
            finally:
                c.close()
            self.check('truncated%s: 200 with full Content-Length' % q, r.status == 200 and cl == str(len(orig)), (r.status, cl))
            self.check('truncated%s: exactly %d bytes then close' % (q, keep),
                       not complete and got == orig[:keep], (complete, len(got)))

    def t_huge(self):
        st, h, body = self.get('/huge?bytes=%d' % MiB)
        self.check('huge: 1 MiB with Content-Length', st == 200 and len(body) == MiB and h.get('Content-Length') == str(MiB),
                   (st, len(body)))
        try:
            doc = json.loads(body)
            ok = doc['general']['version'] == 3 and doc['pilots'] == []
        except ValueError as e:
            ok = e
        self.check('huge: the body is JSON', ok is True, ok)
        st, h, _ = self.raw('/huge', method='HEAD')
        self.check('huge: default 100 MiB', st == 200 and h.get('Content-Length') == str(100 * MiB), h.get('Content-Length'))
        c = self.conn(10)
        try:
            c.request('GET', '/huge?bytes=%d' % (5 * GiB))
            r = c.getresponse()
            cl = r.getheader('Content-Length')
            r.read(64 * 1024)
        finally:
            c.close()
        self.check('huge: bytes capped at 1 GiB', cl == str(GiB), cl)
        st, _, _ = self.get('/huge?bytes=lots')
        self.check('huge: bad number -> 400', st == 400, st)
        c = self.conn(10)
        try:
            c.request('GET', '/huge-chunked?bytes=300000')
            r = c.getresponse()
            te, cl = r.getheader('Transfer-Encoding'), r.getheader('Content-Length')
            body = r.read()
        finally:
            c.close()
        self.check('huge-chunked: chunked, no Content-Length', te == 'chunked' and cl is None, (te, cl))
        self.check('huge-chunked: 300000 bytes of JSON', len(body) == 300000 and json.loads(body)['pilots'] == [], len(body))
        c = self.conn(10)
        try:
            c.request('GET', '/huge-chunked?bytes=%d' % (512 * MiB))
            r = c.getresponse()
            part = r.read(256 * 1024)
        finally:
            c.close()
        self.check('huge-chunked: a client cap stops it mid-stream', len(part) == 256 * 1024 and self.wait_streams_idle(3.0))
        c = self.conn(10)
        t0 = time.monotonic()
        try:
            c.request('GET', '/huge?bytes=%d&max_seconds=0.5' % GiB)
            r = c.getresponse()
            n = 0
            try:
                while True:
                    b = r.read(64 * 1024)
                    if not b:
                        break
                    n += len(b)
                    time.sleep(0.01)        # a slow reader
            except http.client.IncompleteRead as e:
                n += len(e.partial)
        finally:
            c.close()
        self.check('huge: max_seconds bounds the time', n < GiB and time.monotonic() - t0 < 3.0,
                   (n, round(time.monotonic() - t0, 2)))

    def sleep_to_boundary(self, step):
        time.sleep(step - (time.time() % step) + 0.05)

    def t_replay(self):
        seq1, seq2 = self.file(SEQ[0]), self.file(SEQ[1])
        q = '/replay?names=%s,%s&step=1&id=t' % (SEQ[0], SEQ[1])

        def ts_of(body):
            return TS_RE.search(body).group(1).decode()

        def restored(body, orig):
            return rewrite_timestamp(body, ts_of(orig))[0] == orig

        self.sleep_to_boundary(1.0)
        floor_before = time.time_ns() // 10**9
        st, h1, b1 = self.get(q)
        st2, h2, b2 = self.get(q)
        floor_after = time.time_ns() // 10**9
        ts1 = ts_of(b1)
        self.check('replay: 200 seq1 first', st == 200 and h1.get('X-Feed-Name') == SEQ[0], (st, h1.get('X-Feed-Name')))
        self.check('replay: timestamp format', TS_FORMAT_RE.match(ts1) is not None, ts1)
        if floor_before == floor_after:
            self.check('replay: timestamp is now floored to step', ts1 == fmt_ts(floor_before * 10**9), ts1)
        self.check('replay: only update_timestamp changed', ts1 != ts_of(seq1) and restored(b1, seq1))
        self.check('replay: update header = body', h1.get('X-Update-Timestamp') == ts1)
        self.check('replay: same step -> same bytes and ETag',
                   b2 == b1 and h2.get('ETag') == h1.get('ETag') and h2.get('X-Replay-Generation') == h1.get('X-Replay-Generation'))
        st, _, b = self.get(q, {'If-None-Match': h1.get('ETag')})
        self.check('replay: If-None-Match -> 304', st == 304 and b == b'', st)
        st, hg, bg = self.get(q, {'Accept-Encoding': 'gzip'})
        self.check('replay: gzip round trip', hg.get('Content-Encoding') == 'gzip' and gzip.decompress(bg) == b1)
        self.check('replay: JSON parses with the new timestamp', json.loads(b1)['general']['update_timestamp'] == ts1)
        st, hp, bp = self.get('/replay?names=%s&id=pretty' % PRETTY)
        pretty = self.file(PRETTY)
        tsp = ts_of(bp)
        self.check('replay: pretty file ("key": "value") rewritten',
                   st == 200 and tsp != ts_of(pretty) and TS_FORMAT_RE.match(tsp) and restored(bp, pretty)
                   and json.loads(bp)['general']['update_timestamp'] == tsp, tsp)
        self.check('replay: default step 15 s', int(tsp[17:19]) % 15 == 0 and tsp.endswith('.0000000Z'), tsp)
        self.sleep_to_boundary(1.0)
        st, h3, b3 = self.get(q)
        ts3 = ts_of(b3)
        self.check('replay: next step -> seq2', h3.get('X-Feed-Name') == SEQ[1] and restored(b3, seq2), h3.get('X-Feed-Name'))
        self.check('replay: timestamp advanced', ts3 > ts1, (ts1, ts3))
        self.check('replay: new ETag', h3.get('ETag') != h1.get('ETag'))
        st, _, _ = self.get(q, {'If-None-Match': h1.get('ETag')})
        self.check('replay: old ETag -> 200', st == 200, st)
        self.sleep_to_boundary(1.0)
        st, h4, b4 = self.get(q)
        self.check('replay: cycles back to seq1', h4.get('X-Feed-Name') == SEQ[0] and restored(b4, seq1) and ts_of(b4) > ts3)
        self.check('replay: generation counter', h4.get('X-Replay-Generation') == '3', h4.get('X-Replay-Generation'))
        st, _, _ = self.get('/replay?names=nope.json')
        self.check('replay: unknown name -> 404', st == 404, st)
        st, _, _ = self.get('/replay?step=x')
        self.check('replay: bad step -> 400', st == 400, st)

    def t_sequence(self):
        files = [self.file(n) for n in SEQ]
        q = '/sequence/st1?names=' + ','.join(SEQ)
        got = []
        for i in range(4):
            st, h, b = self.get(q)
            got.append((st, h, b))
        self.check('sequence: seq1, seq2, seq3, seq3',
                   [g[2] for g in got] == [files[0], files[1], files[2], files[2]]
                   and [g[1].get('X-Feed-Name') for g in got] == [SEQ[0], SEQ[1], SEQ[2], SEQ[2]],
                   [g[1].get('X-Feed-Name') for g in got])
        self.check('sequence: timestamps not rewritten', got[0][2] == files[0])
        lms = [email.utils.parsedate_to_datetime(g[1].get('Last-Modified')).timestamp() for g in got[:3]]
        self.check('sequence: Last-Modified = update_timestamp, increasing',
                   lms[0] == content_time(files[0]) and lms[0] < lms[1] < lms[2], lms)
        st, _, b = self.get(q, {'If-None-Match': got[2][1].get('ETag')})
        self.check('sequence: stays on the last, 304 with its ETag', st == 304 and b == b'', st)
        st, _, _ = self.get(q, {'If-Modified-Since': got[2][1].get('Last-Modified')})
        self.check('sequence: 304 with If-Modified-Since', st == 304, st)
        st, h, b = self.get('/sequence/st2?names=' + ','.join(SEQ))
        self.check('sequence: lists are independent', h.get('X-Feed-Name') == SEQ[0] and b == files[0])
        st, _, b = self.get('/sequence/st1/reset', method='POST', data=b'')
        self.check('sequence: POST reset', st == 200, st)
        st, h, b = self.get(q)
        self.check('sequence: after reset -> seq1', h.get('X-Feed-Name') == SEQ[0] and b == files[0], h.get('X-Feed-Name'))
        st, h, b = self.get(q)
        self.check('sequence: then seq2', h.get('X-Feed-Name') == SEQ[1], h.get('X-Feed-Name'))
        st, _, _ = self.get('/reset/st1')
        st2, h, b = self.get(q)
        self.check('sequence: GET /reset/ID -> seq1', st == 200 and h.get('X-Feed-Name') == SEQ[0], (st, h.get('X-Feed-Name')))
        st, h, b = self.get('/sequence/st1?names=%s,%s' % (SEQ[2], SEQ[0]))
        self.check('sequence: new names restart the list', h.get('X-Feed-Name') == SEQ[2], h.get('X-Feed-Name'))
        st, _, _ = self.get('/sequence/st3')
        self.check('sequence: names required -> 400', st == 400, st)
        st, _, _ = self.get('/sequence/st3?names=%s,nope.json' % SEQ[0])
        self.check('sequence: unknown name -> 404', st == 404, st)
        st, h, b = self.get('/sequence/st4?names=' + SEQ[0], {'Accept-Encoding': 'gzip'})
        self.check('sequence: gzip', h.get('Content-Encoding') == 'gzip' and gzip.decompress(b) == files[0])

    def t_stats(self):
        st, _, _ = self.get('/_reset', method='POST', data=b'')
        self.check('_reset: 200', st == 200, st)
        for _ in range(3):
            self.get('/status/503')
        self.get('/feeds/nope.json')
        self.get('/redirect/' + SEQ[0])          # counts /redirect/... and /feeds/...
        s = self.stats()
        s2 = self.stats()
        p = s.get('paths', {})
        self.check('_stats: per-path counts', p.get('/status/503') == 3 and p.get('/feeds/nope.json') == 1
                   and p.get('/redirect/' + SEQ[0]) == 1 and p.get('/feeds/' + SEQ[0]) == 1, p)
        self.check('_stats: total', s.get('total') == 6, s.get('total'))
        self.check('_stats: not counted itself', s2.get('total') == 6 and '/_stats' not in s2['paths'])
        self.get('/status/500?x=1')
        self.check('_stats: query string ignored', self.stats()['paths'].get('/status/500') == 1)

    def t_cli(self):
        """The command line: port file, quiet, log, exit 0 on SIGTERM/SIGINT mid-stall."""
        with tempfile.TemporaryDirectory(prefix='feed_server_cli.') as d:
            for sig in (signal.SIGTERM, signal.SIGINT):
                pf, lf = os.path.join(d, 'port'), os.path.join(d, 'log')
                p = subprocess.Popen([sys.executable, os.path.abspath(__file__), '--fixtures', self.fixtures,
                                      '--port', '0', '--port-file', pf, '--log', lf],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                try:
                    end = time.monotonic() + 10
                    while not os.path.exists(pf) and time.monotonic() < end and p.poll() is None:
                        time.sleep(0.02)
                    with open(pf) as f:
                        port = int(f.read())
                    base = 'http://%s:%d' % (HOST, port)
                    with self.opener.open(base + '/feeds/' + SEQ[0], timeout=5) as r:
                        ok = r.status == 200 and r.read() == self.file(SEQ[0])
                    self.check('cli %s: port file, serves' % sig.name, ok)
                    stalled = {}

                    def stall():
                        c = http.client.HTTPConnection(HOST, port, timeout=10)
                        try:
                            c.request('GET', '/stall?max_seconds=30')
                            c.getresponse()
                        except Exception as e:
                            stalled['e'] = e
                        finally:
                            c.close()
                    th = threading.Thread(target=stall)
                    th.start()
                    time.sleep(0.3)
                    t0 = time.monotonic()
                    p.send_signal(sig)
                    rc = p.wait(10)
                    took = time.monotonic() - t0
                    out, err = p.communicate()
                    th.join(10)
                    self.check('cli %s: exit 0 promptly with a stall in flight' % sig.name,
                               rc == 0 and took < 3.0 and not th.is_alive(), (rc, round(took, 2)))
                    self.check('cli %s: quiet (no stdout/stderr)' % sig.name, out == b'' and err == b'', (out[:200], err[:200]))
                    self.check('cli %s: port file removed' % sig.name, not os.path.exists(pf))
                    with open(lf) as f:
                        log = f.read()
                    self.check('cli %s: --log has the requests' % sig.name,
                               ('GET /feeds/' + SEQ[0]) in log and 'GET /stall' in log, log[-300:])
                finally:
                    if p.poll() is None:
                        p.kill()
                        p.wait()
                    if os.path.exists(lf):
                        os.unlink(lf)
            # a port already in use: a clear error, exit status 2
            blocker = socket.socket()
            blocker.bind((HOST, 0))
            blocker.listen(1)
            try:
                r = subprocess.run([sys.executable, os.path.abspath(__file__), '--fixtures', self.fixtures,
                                    '--port', str(blocker.getsockname()[1])], capture_output=True, timeout=10)
            finally:
                blocker.close()
            self.check('cli: port in use -> exit 2 with a message', r.returncode == 2 and b'cannot listen' in r.stderr,
                       (r.returncode, r.stderr[-200:]))


def self_test(fixtures=None):
    t_start = time.monotonic()
    tmp = None
    owned = fixtures is None
    if owned:
        src = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')
        tmp = tempfile.TemporaryDirectory(prefix='feed_server_fixtures.')
        fixtures = tmp.name
        for gz in glob.glob(os.path.join(src, '*.json.gz')):
            with gzip.open(gz, 'rb') as f, open(os.path.join(fixtures, os.path.basename(gz)[:-3]), 'wb') as o:
                o.write(f.read())
    missing = [n for n in SEQ + [PRETTY, TRANSCEIVERS] if not os.path.isfile(os.path.join(fixtures, n))]
    if missing:
        print('feed_server self-test: fixtures missing in %s: %s' % (fixtures, ', '.join(missing)))
        print('0 passed, 1 failed')
        return 1
    server, thread = start_in_thread(fixtures)
    t = SelfTest(server.port, fixtures)
    try:
        t.check('binds to 127.0.0.1 only', server.server_address[0] == HOST, server.server_address)
        t.group(t.t_feeds)
        t.group(lambda: t.t_symlink(owned))
        t.group(t.t_status_redirect)
        t.group(t.t_trickle)
        t.group(t.t_stall)
        t.group(t.t_truncated)
        t.group(t.t_huge)
        t.group(t.t_replay)
        t.group(t.t_sequence)
        t.group(t.t_stats)
        t.group(t.t_cli)
        t.check('no stream left running', t.wait_streams_idle(3.0))
    finally:
        stop_server(server)
        thread.join(5)
        if tmp:
            tmp.cleanup()
    elapsed = time.monotonic() - t_start
    t.check('self-test under 30 s', elapsed < 30, round(elapsed, 1))
    print('%d passed, %d failed' % (t.passed, t.failed))
    return 0 if t.failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
