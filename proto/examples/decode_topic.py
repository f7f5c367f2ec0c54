#!/usr/bin/env python3
"""Prints the messages of a Crocevia topic as JSON lines, using only proto/ and a Kafka client.

  python3 -m pip install grpcio-tools confluent-kafka
  python3 proto/examples/decode_topic.py --topic profiles.v1 --max 10

Tested with Python 3.11.7, grpcio-tools 1.85.4 (protobuf 7.36.2), confluent-kafka 2.16.2.
Each line: {"topic", "partition", "offset", "key", "type", "event_id", "message"}, where
"message" is the payload in protobuf's JSON mapping (camelCase names, 64-bit integers as
strings, bytes in base64, fields at their default value left out).
Sealed envelopes (see proto/src/sealing.rs) print as they decode: their meta-data in clear,
`sealed.ciphertext` opaque, since opening it needs the data subject's key.
"""
import argparse, importlib, json, pathlib, re, sys, tempfile, time, uuid

import grpc_tools
from grpc_tools import protoc  # PyPI grpcio-tools: protoc, bundled
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
from google.protobuf import descriptor_pool, message_factory
from google.protobuf.json_format import MessageToDict

SCHEMAS = pathlib.Path(__file__).resolve().parent.parent / "schemas"
# Messages written before the content-type header existed: the type follows from the topic
# (its name may carry a suffix, e.g. profiles.v1-test).
BY_TOPIC = {"profiles.v1": "crocevia.events.v1.Envelope", "matches.v1": "crocevia.events.v1.MatchChanged"}


def compile_protos(out: str) -> None:
    """Generates Python modules for every .proto under proto/schemas into `out`, imports them."""
    protos = sorted(str(p.relative_to(SCHEMAS)) for p in SCHEMAS.rglob("*.proto"))
    well_known = pathlib.Path(grpc_tools.__file__).parent / "_proto"  # google/protobuf/*.proto
    if protoc.main(["protoc", f"-I{SCHEMAS}", f"-I{well_known}", f"--python_out={out}", *protos]) != 0:
        sys.exit("protoc failed")
    sys.path.insert(0, out)
    for p in protos:  # crocevia/events/v1/events.proto -> crocevia.events.v1.events_pb2
        importlib.import_module(p[: -len(".proto")].replace("/", ".") + "_pb2")


def message_type(topic: str, headers: dict) -> str | None:
    """The payload's full protobuf name, from the content-type header or else the topic."""
    found = re.search(r"messageType=([\w.]+)", headers.get("content-type", ""))
    if found:
        return found.group(1)
    return next((t for prefix, t in BY_TOPIC.items() if topic.startswith(prefix)), None)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--brokers", default="127.0.0.1:9092")
    ap.add_argument("--topic", required=True)
    ap.add_argument("--max", type=int, help="stop after N messages")
    ap.add_argument("--idle-seconds", type=float, default=5.0, help="stop after S seconds without a message")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as out:
        compile_protos(out)
        # A group id of our own, no commits: reading never moves the services' offsets.
        consumer = Consumer({"bootstrap.servers": args.brokers, "group.id": f"decode-topic-{uuid.uuid4()}",
                             "enable.auto.commit": False, "enable.auto.offset.store": False})
        meta = consumer.list_topics(args.topic, timeout=10).topics[args.topic]
        if meta.error is not None:
            sys.exit(f"topic {args.topic}: {meta.error}")
        # assign(), not subscribe(): every partition, from the beginning, no group rebalance.
        consumer.assign([TopicPartition(args.topic, p, OFFSET_BEGINNING) for p in meta.partitions])
        seen, last = 0, time.monotonic()
        while (args.max is None or seen < args.max) and time.monotonic() - last < args.idle_seconds:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                print(f"kafka: {msg.error()}", file=sys.stderr)
                continue
            seen, last = seen + 1, time.monotonic()
            headers = {k: (v or b"").decode("utf-8", "replace") for k, v in msg.headers() or []}
            name = message_type(msg.topic(), headers)
            line = {"topic": msg.topic(), "partition": msg.partition(), "offset": msg.offset(),
                    "key": msg.key().decode("utf-8", "replace") if msg.key() is not None else None,
                    "type": name, "event_id": headers.get("crocevia-event-id"), "message": None}
            try:
                if name is None:
                    raise LookupError("no content-type header, and the topic does not tell")
                cls = message_factory.GetMessageClass(descriptor_pool.Default().FindMessageTypeByName(name))
                line["message"] = MessageToDict(cls.FromString(msg.value() or b""))
            except Exception as e:  # unknown type or bytes that do not decode: say so, go on
                line["error"] = f"{type(e).__name__}: {e}"
            print(json.dumps(line, ensure_ascii=False), flush=True)
        consumer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
