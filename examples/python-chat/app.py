#!/usr/bin/env python3
"""Clicks: a page that counts its own clicks, behind the Pagewire gateway (docs/GATEWAY.md).

Python 3 standard library only. Run, with the same PAGEWIRE_SECRET in both environments:

    python3 examples/python-chat/app.py --port 8000
    java -jar pagewire-gateway/target/pagewire-gateway.jar --backend http://127.0.0.1:8000

and open http://localhost:8080/ in a few tabs.

- GET / renders the page. The gateway names it (Pagewire-Page-Id) and joins it to `clicks`.
- The button's pagewire.page.call('click') comes back to POST / as a signed webhook; the answer
  replies to the call with this page's count and broadcasts it to every page in `clicks`.
- A ticker thread pushes the time to every page once a second through the publish API.
"""

import argparse
import hashlib
import hmac
import html
import json
import os
import re
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = os.environ.get("PAGEWIRE_SECRET", "").strip()

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Pagewire clicks</title></head>
<body>
  <h1>Clicks</h1>
  <p>Page <code id="page">%PAGE_ID%</code> · <span id="status">connecting…</span> · server time <span id="tick">--:--:--</span></p>
  <p><button id="click">Click</button> this page: <strong id="mine">0</strong> · every page: <strong id="total">0</strong></p>
  <ul id="feed"></ul>
  <script type="module">
    const $ = (id) => document.getElementById(id);
    const show = ({ state, transport }) => {
      $('status').dataset.state = state;
      $('status').textContent = state === 'connected' ? `connected (${transport})` : `${state}…`;
    };
    pagewire.on('state', show);
    show(pagewire);
    $('click').addEventListener('click', async () => {
      const { count } = await pagewire.page.call('click'); // a webhook to app.py, and its reply
      $('mine').textContent = count;
    });
    pagewire.page.on('clicked', ({ page, count, total }) => { // broadcast to every page in `clicks`
      $('total').textContent = total;
      const li = document.createElement('li');
      li.textContent = `${page} has ${count}`;
      $('feed').prepend(li);
    });
    pagewire.page.on('tick', (time) => { $('tick').textContent = time; }); // the ticker thread
  </script>
</body>
</html>
"""

lock = threading.Lock()
clicks = {}  # page id -> its clicks; a page's entry goes when the page closes
total = 0
answered = {}  # idempotency key -> (when, response): a retried webhook gets the same answer
gateways = set()  # the publish API URLs renders came with: where the ticker ticks


def sign(body: bytes) -> str:
    """The Pagewire-Signature header value of a body, signed now."""
    t = str(int(time.time()))
    return f"t={t},v1=" + hmac.new(SECRET.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()


def verified(signature: str, body: bytes):
    """The webhook, decoded, if the gateway signed it within the last 300 s; else None."""
    m = re.fullmatch(r"t=(\d+),v1=([0-9a-f]{64})", signature)
    if not m or abs(time.time() - int(m[1])) > 300:
        return None
    mac = hmac.new(SECRET.encode(), m[1].encode() + b"." + body, hashlib.sha256).hexdigest()
    return json.loads(body) if hmac.compare_digest(mac, m[2]) else None


def publish(api: str, request: dict) -> dict:
    """Calls the gateway's publish API; raises OSError if it cannot be reached or refuses."""
    body = json.dumps(request).encode()
    call = urllib.request.Request(
        api, body, {"Content-Type": "application/json", "Pagewire-Signature": sign(body)}, method="POST")
    with urllib.request.urlopen(call, timeout=5) as answer:  # HTTPError (an OSError) on 4xx/5xx
        return json.load(answer)


def handle(event: dict) -> dict:
    """What the page's webhook asks for: a response object (docs/GATEWAY.md, Responses)."""
    global total
    page = event["page"]
    if event["type"] == "call" and event["name"] == "click":
        with lock:
            clicks[page] = clicks.get(page, 0) + 1
            total += 1
            count, everyone = clicks[page], total
        return {
            "reply": {"count": count},
            "broadcast": [{"topic": "clicks", "event": "clicked",
                           "data": {"page": page, "count": count, "total": everyone}}],
        }
    if event["type"] == "call":
        return {"error": {"code": "unknown_call", "message": f"no call named {event['name']}"}}
    if event["type"] == "closed":
        with lock:
            clicks.pop(page, None)
    return {}


def once(key: str, event: dict) -> bytes:
    """Handles the webhook with this idempotency key once; a retry gets the first answer again."""
    with lock:
        now = time.time()
        for old in [k for k, (when, _) in answered.items() if now - when > 600]:
            del answered[old]
        if key in answered:
            return answered[key][1]
    response = handle(event)
    body = json.dumps(response).encode() if response else b""
    with lock:
        answered[key] = (time.time(), body)
    return body


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        page = self.headers.get("Pagewire-Page-Id")
        api = self.headers.get("Pagewire-Api")
        if self.path.split("?")[0] != "/":
            return self.answer(404, "text/plain", b"not found\n")
        if page is None or api is None:
            return self.answer(503, "text/plain", b"This page runs behind the Pagewire gateway: see docs/GATEWAY.md\n")
        with lock:
            gateways.add(api)
        body = PAGE.replace("%PAGE_ID%", html.escape(page)).encode()
        # Joined at render, before the browser connects: no broadcast is missed.
        self.answer(200, "text/html; charset=utf-8", body, {"Pagewire-Join": "clicks, ticks"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        event = verified(self.headers.get("Pagewire-Signature", ""), body)
        if event is None:
            return self.answer(401, "text/plain", b"not a signed Pagewire webhook\n")
        self.answer(200, "application/json", once(event["key"], event))

    def answer(self, status, content_type, body, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass  # quiet: one line per request would drown the ready line and the ticker's errors


def tick_forever():
    """Once a second, the time to every page of every gateway seen; a gateway gone is forgotten."""
    while True:
        time.sleep(1 - time.time() % 1)  # on the whole second
        with lock:
            apis = list(gateways)
        for api in apis:
            try:
                publish(api, {"op": "broadcast", "topic": "ticks", "event": "tick", "data": time.strftime("%H:%M:%S")})
            except OSError as e:
                print(f"ticker: {api} does not answer ({e}); ticking again after its next render", flush=True)
                with lock:
                    gateways.discard(api)


def main():
    parser = argparse.ArgumentParser(description="Clicks, behind the Pagewire gateway")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    args = parser.parse_args()
    if len(SECRET) < 32:
        parser.error("set PAGEWIRE_SECRET (at least 32 characters), the same as the gateway's")
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    threading.Thread(target=tick_forever, name="ticker", daemon=True).start()
    print(f"clicks listening on http://{args.host}:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
