#!/usr/bin/env python3
"""Submit a report to Iblagh's intake over its JSON API, add an evidence file, and follow the report.

Python's standard library only: for an integrator without ZeroMQ (the bus API is submit_report.py). The API is
described in docs/openapi/intake.json.

    python3 deploy/examples/report_over_http.py --url http://127.0.0.1:8080 --key acme-000042 \
        --evidence screenshot.png

Prints the tracking id and the receipt secret (give both to the reporter), the evidence file's SHA-256 as intake
received it, and the report's steps so far; or each refused field. Retrying with the same --key is safe: it answers
the same tracking id and creates nothing new.
"""
import argparse
import json
import mimetypes
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


def call(method, url, body=None, headers=None, timeout=10.0):
    """The status and the JSON answer of one request; a problem (4xx, 5xx) is an answer too."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        answer = error.read()
        try:
            return error.code, json.loads(answer)
        except ValueError:
            return error.code, {"title": answer.decode("utf-8", "replace")}


def refused(status, problem):
    """Prints an RFC 9457 problem, one line per field; returns the exit status."""
    print(f"refused ({status}): {problem.get('title', '')}: {problem.get('detail', '')}")
    for violation in problem.get("violations") or []:
        print(f"  {violation['field']}: {violation['reason']} ({violation['code']})")
    return 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="intake's JSON API, e.g. http://127.0.0.1:8080")
    parser.add_argument("--key", required=True, help="your own id for the report (its Idempotency-Key)")
    parser.add_argument("--category", default="fraud")
    parser.add_argument("--description", default="A fake shop took my money and stopped answering.")
    parser.add_argument("--residence", default="Kénitra")
    parser.add_argument("--language", default="fr", help="ar, fr, en or es")
    parser.add_argument("--account", default="https://fake-shop.example/", help="the URL reported")
    parser.add_argument("--evidence", help="a file to attach (an image, a PDF, a text, ...)")
    args = parser.parse_args()
    base = args.url.rstrip("/")

    report = {
        "category": args.category, "description": args.description, "residence": args.residence,
        "preferred_language": args.language, "reported_accounts": [{"kind": "url", "value": args.account}],
    }
    status, answer = call("POST", f"{base}/v1/reports", json.dumps(report).encode(),
                          {"Content-Type": "application/json", "Idempotency-Key": args.key})
    if status not in (200, 201):
        return refused(status, answer)
    tracking, secret = answer["tracking_id"], answer["receipt_secret"]
    print(f"tracking id: {tracking}")
    print(f"receipt secret: {secret}")
    if answer["duplicate"]:
        print("(submitted before with this key: the same report)")

    if args.evidence:
        with open(args.evidence, "rb") as file:
            content = file.read()
        media_type = mimetypes.guess_type(args.evidence)[0] or "application/octet-stream"
        status, answer = call("POST", f"{base}/v1/reports/{tracking}/evidence", content, {
            "Content-Type": media_type, "Iblagh-Receipt-Secret": secret,
            "Iblagh-File-Name": urllib.parse.quote(os.path.basename(args.evidence)),
        })
        if status != 201:
            return refused(status, answer)
        print(f"evidence sha256: {answer['sha256']} ({answer['size']} bytes)")

    status, answer = call("GET", f"{base}/v1/reports/{tracking}", headers={"Iblagh-Receipt-Secret": secret})
    if status != 200:
        return refused(status, answer)
    print("steps: " + ", ".join(f"{step['step']} {step['at']}" for step in answer["steps"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
