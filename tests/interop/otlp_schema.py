#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks that otelc's OTLP .proto files are wire-identical to the upstream opentelemetry-proto
files: both are compiled with `protoc --descriptor_set_out`, then every message's fields are
compared (name, number, type, label, message or enum type) and every enum's values.

usage: otlp_schema.py PROTOC OURS_DIR UPSTREAM_DIR

A proto3 `optional` field upstream and a oneof holding that one field in ours count as equal:
they are the same bytes on the wire. Missing upstream files fail the test (they come from the
npm package that scripts/bootstrap installs), so a broken install is never taken for a pass.
"""
import os
import subprocess
import sys
import tempfile

# The files both sides must declare, with the same messages and enums.
FILES = ["common.proto", "resource.proto", "trace.proto", "metrics.proto",
         "trace_service.proto", "metrics_service.proto"]

TYPES = {1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64",
         7: "fixed32", 8: "bool", 9: "string", 10: "group", 11: "message", 12: "bytes",
         13: "uint32", 14: "enum", 15: "sfixed32", 16: "sfixed64", 17: "sint32", 18: "sint64"}
LABELS = {1: "optional", 2: "required", 3: "repeated"}


def varint(buf, i):
    shift = value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, i


def fields(buf):
    """The (number, value) pairs of one message: ints for varints, bytes for the rest."""
    i, out = 0, []
    while i < len(buf):
        key, i = varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            val, i = varint(buf, i)
        elif wire == 2:
            n, i = varint(buf, i)
            val, i = buf[i:i + n], i + n
        elif wire == 1:
            val, i = buf[i:i + 8], i + 8
        elif wire == 5:
            val, i = buf[i:i + 4], i + 4
        else:
            raise ValueError("unexpected wire type %d in a descriptor" % wire)
        out.append((num, val))
    return out


def text(v):
    return v.decode("utf-8")


def read_enum(buf, prefix, enums):
    name = values = None
    values = {}
    for num, val in fields(buf):
        if num == 1:
            name = text(val)
        elif num == 2:
            vname, vnum = None, 0
            for n2, v2 in fields(val):
                if n2 == 1:
                    vname = text(v2)
                elif n2 == 2:
                    vnum = v2 if v2 < 1 << 31 else v2 - (1 << 64)
            values[vname] = vnum
    enums[prefix + name] = values


def read_message(buf, prefix, messages, enums):
    name, raw_fields, oneofs, nested = None, [], [], []
    for num, val in fields(buf):
        if num == 1:
            name = text(val)
        elif num == 2:
            raw_fields.append(val)
        elif num == 3:
            nested.append(val)
        elif num == 4:
            nested.append(("enum", val))
        elif num == 8:
            oneofs.append(next((text(v) for n, v in fields(val) if n == 1), ""))
    full = prefix + name
    parsed = []
    for raw in raw_fields:
        f = {"type_name": "", "oneof": None, "proto3_optional": False, "label": 1}
        for num, val in fields(raw):
            if num == 1:
                f["name"] = text(val)
            elif num == 3:
                f["number"] = val
            elif num == 4:
                f["label"] = val
            elif num == 5:
                f["type"] = val
            elif num == 6:
                f["type_name"] = text(val)
            elif num == 9:
                f["oneof"] = val
            elif num == 17:
                f["proto3_optional"] = bool(val)
        parsed.append(f)
    members = {}
    for f in parsed:
        if f["oneof"] is not None:
            members.setdefault(f["oneof"], []).append(f["name"])
    out = {}
    for f in parsed:
        # A oneof of one field (ours) and a proto3 optional field (upstream's synthetic oneof)
        # both mean "this one field has presence".
        if f["oneof"] is None:
            group = "-"
        elif f["proto3_optional"] or len(members[f["oneof"]]) == 1:
            group = "presence"
        else:
            group = "oneof " + oneofs[f["oneof"]]
        out[f["number"]] = (f["name"], LABELS.get(f["label"], f["label"]),
                            TYPES.get(f["type"], f["type"]), f["type_name"], group)
    messages[full] = out
    for item in nested:
        if isinstance(item, tuple):
            read_enum(item[1], full + ".", enums)
        else:
            read_message(item, full + ".", messages, enums)


def load(protoc, directory):
    """{message: {number: field}}, {enum: {value: number}} of FILES in directory."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "set.pb")
        subprocess.run([protoc, "--proto_path=.", "--descriptor_set_out=" + out]
                       + FILES, check=True, cwd=directory)
        with open(out, "rb") as fh:
            data = fh.read()
    messages, enums = {}, {}
    for num, fd in fields(data):
        if num != 1:
            continue
        package = next((text(v) for n, v in fields(fd) if n == 2), "")
        prefix = "." + package + "." if package else "."
        for n, v in fields(fd):
            if n == 4:
                read_message(v, prefix, messages, enums)
            elif n == 5:
                read_enum(v, prefix, enums)
    return messages, enums


def compare(ours, upstream):
    """Every difference, as lines."""
    (om, oe), (um, ue) = ours, upstream
    diffs = []
    for name in sorted(set(om) | set(um)):
        if name not in om:
            diffs.append("message %s: missing in ours" % name)
            continue
        if name not in um:
            diffs.append("message %s: not in upstream" % name)
            continue
        for number in sorted(set(om[name]) | set(um[name])):
            a, b = om[name].get(number), um[name].get(number)
            if a != b:
                diffs.append("message %s field %d: ours %s, upstream %s" % (name, number, a, b))
    for name in sorted(set(oe) | set(ue)):
        if oe.get(name) != ue.get(name):
            diffs.append("enum %s: ours %s, upstream %s" % (name, oe.get(name), ue.get(name)))
    return diffs


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    protoc, ours_dir, upstream_dir = sys.argv[1], *map(os.path.abspath, sys.argv[2:])
    missing = [f for f in FILES if not os.path.isfile(os.path.join(upstream_dir, f))]
    if missing:
        print("FAIL: upstream schema files missing in %s: %s (run scripts/bootstrap, which "
              "installs tests/interop's npm packages)" % (upstream_dir, ", ".join(missing)))
        return 1
    ours, upstream = load(protoc, ours_dir), load(protoc, upstream_dir)

    # The comparison must be able to fail: one changed field number has to show.
    mutated = ({k: dict(v) for k, v in ours[0].items()}, ours[1])
    span = mutated[0][".opentelemetry.proto.trace.v1.Span"]
    span[99] = span.pop(16)
    if not compare(mutated, upstream):
        print("FAIL: the comparison did not notice a changed field number")
        return 1

    diffs = compare(ours, upstream)
    for d in diffs:
        print("DIFF: " + d)
    if diffs:
        print("FAIL: %d differences between our schema and upstream" % len(diffs))
        return 1
    nfields = sum(len(v) for v in ours[0].values())
    print("ok: %d messages, %d fields, %d enums identical to upstream"
          % (len(ours[0]), nfields, len(ours[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
