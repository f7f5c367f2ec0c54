#!/usr/bin/env python3
"""A real SMTP server for the tests (aiosmtpd, Debian's python3-aiosmtpd): every message it
accepts is decoded and written to OUT as one JSON file (from, to, subject, content type,
plain-text body), so a test reads what a person's mail client would show.

    python3 tests/support/smtp_sink.py PORT OUT
Prints "ready" once it listens; stops on SIGTERM.
"""
import email
import email.policy
import json
import os
import signal
import sys
import threading
import uuid

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out):
        self.out = out

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        plain = message.get_body(preferencelist=("plain",))
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "subject": str(message["subject"]),
            "content_type": message.get_content_type(),
            "text": plain.get_content() if plain is not None else None,
        }
        name = f"{uuid.uuid4()}.json"
        tmp = os.path.join(self.out, "." + name)
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(self.out, name))
        return "250 OK"


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    controller = Controller(Sink(out), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
