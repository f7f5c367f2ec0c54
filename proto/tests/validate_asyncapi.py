#!/usr/bin/env python3
"""Validates proto/asyncapi.yaml against the official AsyncAPI 3.0.0 JSON Schema.

Usage: python3 proto/tests/validate_asyncapi.py [DOCUMENT]

DOCUMENT defaults to ../asyncapi.yaml and the schema is ./asyncapi-3.0.0.schema.json, both
relative to this script's folder, so it runs from any working directory.

Besides the JSON Schema (Draft 7), it checks what the schema cannot: every local `$ref`
resolves; each message's `x-protobuf-file` (relative to proto/) declares its
`x-protobuf-message`; its `contentType` is `application/x-protobuf; messageType=<message>`;
and its `content-type` header, when given as a `const`, equals that `contentType`.

Errors go to stderr, one per line with its path in the document. Stdout holds one line, a
JSON object, for the Rust test that compares the document with the code's constants:
  {"channels": {name: address}, "headers": [...], "content_types": [...],
   "protobuf_messages": [...]}
(the lists sorted, without duplicates). It is printed whenever the document parsed.

Exit status: 0 valid, 1 invalid, 2 usage or parse error (file missing, bad YAML or JSON).
Needs PyYAML and jsonschema (tested with PyYAML 6.0.3, jsonschema 4.26.0).
"""

import argparse
import json
import re
import sys
from pathlib import Path

import jsonschema
import yaml

HERE = Path(__file__).resolve().parent
SCHEMA = HERE / "asyncapi-3.0.0.schema.json"
DOCUMENT = HERE.parent / "asyncapi.yaml"
PROTO_ROOT = HERE.parent


class Loader(yaml.SafeLoader):
    """YAML as AsyncAPI tools read it: duplicate keys are an error, dates stay strings."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def pointer(path):
    """A path in the document as a JSON pointer, e.g. /channels/profiles/address."""
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)


def resolve(doc, value, errors, where):
    """`value`, or what its local `$ref` points to (following chains); None if dangling."""
    hops = 0
    while isinstance(value, dict) and isinstance(value.get("$ref"), str):
        ref = value["$ref"]
        if not ref.startswith("#/") or hops > 20:
            return value  # an external reference: not followed here
        target = doc
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(target, dict) and part in target:
                target = target[part]
            else:
                errors.append(f"{where}: $ref {ref} does not resolve")
                return None
        value, hops = target, hops + 1
    return value


def describe(error, depth=0):
    """An error and, for oneOf/anyOf failures, the errors of each branch, one per line."""
    message = error.message if len(error.message) <= 200 else error.message[:200] + "..."
    lines = ["  " * depth + f"{pointer(error.absolute_path)}: {message}"]
    for sub in error.context or []:
        lines.extend(describe(sub, depth + 1))
    return lines


def check_refs(doc, node, path, errors):
    """Every local $ref anywhere in the document resolves."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            resolve(doc, node, errors, pointer(path))
        for k, v in node.items():
            check_refs(doc, v, path + [k], errors)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            check_refs(doc, v, path + [i], errors)


def header_schemas(doc, schema, errors, where):
    """The header-name -> schema pairs of a headers schema (through $ref, allOf/anyOf/oneOf)."""
    schema = resolve(doc, schema, errors, where)
    if not isinstance(schema, dict):
        return {}
    if "schema" in schema:  # a multi-format schema
        return header_schemas(doc, schema["schema"], errors, where)
    found = {}
    props = schema.get("properties")
    if isinstance(props, dict):
        for name, sub in props.items():
            found[name] = resolve(doc, sub, errors, f"{where}/properties/{name}")
    for key in ("allOf", "anyOf", "oneOf"):
        for i, sub in enumerate(schema.get(key) or []):
            found.update(header_schemas(doc, sub, errors, f"{where}/{key}/{i}"))
    return found


def messages_of(doc, errors):
    """(path, message) for every message: those in components and those inline in channels."""
    out, seen = [], set()
    candidates = [
        (["components", "messages", k], v)
        for k, v in ((doc.get("components") or {}).get("messages") or {}).items()
    ]
    for cname, channel in (doc.get("channels") or {}).items():
        channel = resolve(doc, channel, errors, pointer(["channels", cname]))
        for mname, m in ((channel or {}).get("messages") or {}).items():
            candidates.append((["channels", cname, "messages", mname], m))
    for path, message in candidates:
        message = resolve(doc, message, errors, pointer(path))
        if isinstance(message, dict) and id(message) not in seen:
            seen.add(id(message))
            out.append((path, message))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("document", nargs="?", default=str(DOCUMENT), help="default: %(default)s")
    args = parser.parse_args()  # exits 2 on a usage error

    try:
        schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
        doc = yaml.load(Path(args.document).read_text(encoding="utf-8"), Loader=Loader)
    except (OSError, ValueError, yaml.YAMLError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if not isinstance(doc, dict):
        print(f"error: {args.document} is not a YAML mapping", file=sys.stderr)
        return 2

    errors = []
    validator = jsonschema.Draft7Validator(schema)
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        errors.extend(describe(e))
    check_refs(doc, doc, [], errors)

    channels, headers, content_types, protobuf_messages = {}, set(), set(), set()
    for name, channel in (doc.get("channels") or {}).items():
        channel = resolve(doc, channel, [], "")
        if isinstance(channel, dict):
            channels[name] = channel.get("address")
    for path, m in messages_of(doc, errors):
        where = pointer(path)
        hs = header_schemas(doc, m.get("headers"), errors, where + "/headers")
        headers.update(hs)
        ctype = m.get("contentType")
        if isinstance(ctype, str):
            content_types.add(ctype)
        payload = m.get("payload") if isinstance(m.get("payload"), dict) else {}
        pmsg = m.get("x-protobuf-message", payload.get("x-protobuf-message"))
        pfile = m.get("x-protobuf-file", payload.get("x-protobuf-file"))
        if pmsg is None:
            continue
        protobuf_messages.add(pmsg)
        if ctype != f"application/x-protobuf; messageType={pmsg}":
            errors.append(f"{where}/contentType: {ctype!r} does not name {pmsg}")
        const = (hs.get("content-type") or {}).get("const")
        if const is not None and const != ctype:
            errors.append(f"{where}/headers: content-type {const!r} differs from contentType {ctype!r}")
        package, _, short = str(pmsg).rpartition(".")
        source = (PROTO_ROOT / str(pfile)).read_text(encoding="utf-8") if pfile and (PROTO_ROOT / str(pfile)).is_file() else None
        if source is None:
            errors.append(f"{where}/x-protobuf-file: {pfile!r} is not a file under {PROTO_ROOT}")
        elif not re.search(rf"^\s*package\s+{re.escape(package)}\s*;", source, re.M) or not re.search(
            rf"^message\s+{re.escape(short)}\s*\{{", source, re.M
        ):
            errors.append(f"{where}/x-protobuf-message: {pmsg} is not declared in {pfile}")

    errors = list(dict.fromkeys(errors))  # a dangling $ref is met on more than one walk
    for line in errors:
        print(line, file=sys.stderr)
    print(f"{args.document}: {'valid' if not errors else f'{len(errors)} error(s)'}", file=sys.stderr)
    print(
        json.dumps(
            {
                "channels": channels,
                "headers": sorted(headers),
                "content_types": sorted(content_types),
                "protobuf_messages": sorted(protobuf_messages),
            },
            sort_keys=True,
        )
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
