#!/usr/bin/env python3
"""Submit one report to Iblagh's intake over the bus, as an integrator's system would.

Needs pyzmq and protobuf (pip install pyzmq protobuf) and the generated classes in Shared/IblaghSchemas/python.

    python3 deploy/examples/submit_report.py --endpoint tcp://127.0.0.1:7101 \
        --server-key keys/intake.key --certificate keys/integrator-acme.key_secret --key acme-000042

Prints the tracking id and the receipt secret (give both to the reporter), or each rejected field.
Retrying with the same --key is safe: it returns the same tracking id and creates nothing new. The same key for a
different report is rejected (integrator_report_key, "reused"): a new report needs a new key.
"""
import argparse
import os
import sys
import uuid

import zmq
import zmq.auth

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Shared", "IblaghSchemas", "python"))
from iblagh.v1 import envelope_pb2, report_pb2  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True, help="intake's submission endpoint")
    parser.add_argument("--server-key", required=True, help="intake's public certificate (intake.key)")
    parser.add_argument("--certificate", required=True, help="this integrator's secret certificate (NAME.key_secret)")
    parser.add_argument("--key", required=True, help="this integrator's own id for the report (the idempotency key)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for the answer")
    args = parser.parse_args()

    public, secret = zmq.auth.load_certificate(args.certificate)
    server_public, _ = zmq.auth.load_certificate(args.server_key)
    sock = zmq.Context.instance().socket(zmq.DEALER)
    sock.curve_publickey, sock.curve_secretkey, sock.curve_serverkey = public, secret, server_public
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(args.endpoint)

    submit = report_pb2.SubmitReport(integrator_report_key=args.key)
    report = submit.report
    report.category = report_pb2.REPORT_CATEGORY_FRAUD
    report.description = "A seller took payment for a phone and stopped answering."
    report.residence = "Rabat"
    report.preferred_language = report_pb2.LANGUAGE_FRENCH
    account = report.reported_accounts.add()
    account.kind = report_pb2.ReportedAccount.URL
    account.value = "https://example.invalid/shop/123"
    # When it happened. A retry must send the same report: the same key for a different one is rejected.
    report.occurred_at.FromJsonString("2026-11-01T21:00:00Z")

    request_id = str(uuid.uuid4())
    envelope = envelope_pb2.Envelope(
        message_id=request_id, type=envelope_pb2.MESSAGE_TYPE_SUBMIT_REPORT, schema_version=1,
        producer="example-integrator", payload=submit.SerializeToString())
    envelope.created_at.GetCurrentTime()
    sock.send(envelope.SerializeToString())

    if not sock.poll(int(args.timeout * 1000)):
        print("no answer within %.0f s: retry with the same --key" % args.timeout, file=sys.stderr)
        return 2
    reply = envelope_pb2.Envelope.FromString(sock.recv())
    if reply.correlation_id != request_id:
        print("answer to another request", file=sys.stderr)
        return 2
    if reply.type == envelope_pb2.MESSAGE_TYPE_ERROR_REPLY:
        error = envelope_pb2.ErrorReply.FromString(reply.payload)
        print("refused: %s" % error.reason, file=sys.stderr)
        return 1
    answer = report_pb2.SubmitReportReply.FromString(reply.payload)
    if answer.HasField("rejected"):
        for violation in answer.rejected.violations:
            print("rejected: %s (%s): %s" % (violation.field, violation.code, violation.reason), file=sys.stderr)
        return 1
    print("tracking id: %s" % answer.accepted.tracking_id)
    print("receipt secret: %s" % answer.accepted.receipt_secret)
    if answer.accepted.duplicate:
        print("(this key was submitted before: same report)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
