"""Schemathesis hooks for the API conformance test (schemathesis.toml beside this file).

Each does what JSON Schema cannot say of the API, so that schema-valid requests are valid:
* a report's `occurred_at` may not be in the future (the schema bounds only the year from below);
* an evidence file's first bytes are those of its media type;
* an Idempotency-Key names one report: a valid key drawn twice for two different reports gets a suffix of its own.
"""
import re
import uuid
from datetime import datetime, timezone

import schemathesis

# The first bytes EvidencePolicy.mediaTypes recognises, one per accepted media type.
MAGIC = {
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/gif": b"GIF89a",
    "image/webp": b"RIFF\x00\x00\x00\x00WEBP",
    "application/pdf": b"%PDF-",
    "video/mp4": b"\x00\x00\x00\x18ftyp",
    "audio/mpeg": b"ID3",
    "audio/ogg": b"OggS",
    "text/plain": b"",
}


@schemathesis.hook
def map_body(ctx, body):
    if isinstance(body, dict) and isinstance(body.get("occurred_at"), str):
        try:
            when = datetime.fromisoformat(body["occurred_at"].replace("z", "Z").replace("t", "T"))
        except ValueError:
            return body
        if when.tzinfo is not None and when > datetime.now(timezone.utc):
            body["occurred_at"] = "2026-01-01T00:00:00Z"
    return body


@schemathesis.hook
def map_case(ctx, case):
    magic = MAGIC.get((case.media_type or "").split(";")[0].strip().lower())
    if case.operation.path.endswith("/evidence") and magic is not None and isinstance(case.body, (str, bytes)):
        content = case.body.encode() if isinstance(case.body, str) else case.body
        case.body = magic + content.replace(b"\x00", b"") + b"."
    return case


@schemathesis.hook
def before_call(ctx, case, kwargs):
    # Every phase's requests, the coverage phase's boundary values too (it draws "0" for many a report).
    key = (case.headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and re.fullmatch(r"[!-~]{1,128}", key):
        case.headers["Idempotency-Key"] = key[:119] + "-" + uuid.uuid4().hex[:8]
