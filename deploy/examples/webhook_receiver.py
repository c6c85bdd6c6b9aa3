#!/usr/bin/env python3
"""Receive Iblagh's case notifications on a police unit's side: a webhook receiver.

Python's standard library only; a unit's case management system does the same in its own language. The notifier
POSTs one JSON body per case it assigns the unit (and per escalation to it):

    {"delivery_id": "IBL-2026-...:police.wilaya.kenitra:0", "tracking_id": "IBL-2026-...",
     "unit_id": "police.wilaya.kenitra", "escalation_level": 0, "priority": "normal" | "urgent",
     "notified_at": "2026-12-01T07:00:00Z", "acknowledge_by": "2026-12-01T08:00:00Z"}

with `Iblagh-Signature: sha256=HEX` (HMAC-SHA-256 of the body under the secret in the unit directory's
`webhook.secretFile`) and `Iblagh-Delivery` (the delivery id). It retries until it gets a 2xx, so a delivery can
come twice: this receiver answers 204 to each, acts on the first, and refuses a wrong signature with 401.

    python3 deploy/examples/webhook_receiver.py --port 9090 --secret-file keys/kenitra.webhook

Prints one line per new case: TRACKING_ID priority acknowledge by TIME (and the escalation level, if any). The body
carries no personal data: the officer opens the case with `iblagh console` or `iblagh case show`.
"""
import argparse
import hashlib
import hmac
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def handler(secret: bytes, seen: set):
    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, self.headers.get("Iblagh-Signature", "")):
                self.send_response(401)
                self.end_headers()
                print("refused: a delivery whose signature is not ours", flush=True)
                return
            delivery = self.headers.get("Iblagh-Delivery", "")
            if delivery not in seen:  # a repeat of a delivery already acted on is only acknowledged
                seen.add(delivery)
                case = json.loads(body)
                level = f" (escalated to us, level {case['escalation_level']})" if case["escalation_level"] else ""
                print(f"{case['tracking_id']} {case['priority']} acknowledge by {case['acknowledge_by']}{level}", flush=True)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):  # one line per case above is the output; no access log
            pass

    return Receiver


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--secret-file", required=True, help="the same file as the unit's webhook.secretFile")
    args = parser.parse_args()
    with open(args.secret_file, "rb") as file:
        secret = file.read()
    server = ThreadingHTTPServer((args.host, args.port), handler(secret, set()))
    print(f"listening on {args.host}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
