#!/usr/bin/env python3
"""Write a synthetic proto3 plugin spec for benchmarking `flyteplug generate`.

The output folder gets a `flyteplug.toml` with one plugin and an `idl/` tree:

    OUT/flyteplug.toml
    OUT/idl/bench/p<k>/v1/f<nnn>.proto

Messages `Msg00000` .. `Msg<N-1>` are spread, in order, over files of `--per-file` messages
each, and the files are dealt round-robin over `--packages` packages (`bench.p0.v1`, ...).
Message i holds fields referencing messages `fanout*i + 1 .. fanout*i + fanout` (a k-ary tree
rooted at `Msg00000`, the plugin's custom message), so every message is reachable from the
custom message. Every reference points to the same or a later message, so a file imports only
files after it: the import graph has no cycle, as protoc requires.

The remaining fields mix the 15 scalar types, `optional` scalars, enums (each file defines a
few), message references, repeated fields, maps of every legal key type, a few well-known types
(Timestamp, Duration, Struct, Value, ListValue, FieldMask, Empty, wrappers), a nested message
definition per few messages and an occasional oneof. Doc comments are written for messages,
enums and some fields.

The output depends only on the arguments: the same arguments give the same bytes (the random
generator is seeded with `--seed`, and nothing is iterated in hash order).

Usage: python3 bench/synth.py OUT [--messages 1000] [--fields 20] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

SCALARS = [
    "double",
    "float",
    "int32",
    "int64",
    "uint32",
    "uint64",
    "sint32",
    "sint64",
    "fixed32",
    "fixed64",
    "sfixed32",
    "sfixed64",
    "bool",
    "string",
    "bytes",
]
MAP_KEYS = [
    "int32",
    "int64",
    "uint32",
    "uint64",
    "sint32",
    "sint64",
    "fixed32",
    "fixed64",
    "sfixed32",
    "sfixed64",
    "bool",
    "string",
]
# (type name, import path)
WELL_KNOWN = [
    ("google.protobuf.Timestamp", "google/protobuf/timestamp.proto"),
    ("google.protobuf.Duration", "google/protobuf/duration.proto"),
    ("google.protobuf.Struct", "google/protobuf/struct.proto"),
    ("google.protobuf.Value", "google/protobuf/struct.proto"),
    ("google.protobuf.ListValue", "google/protobuf/struct.proto"),
    ("google.protobuf.FieldMask", "google/protobuf/field_mask.proto"),
    ("google.protobuf.Empty", "google/protobuf/empty.proto"),
    ("google.protobuf.StringValue", "google/protobuf/wrappers.proto"),
    ("google.protobuf.Int64Value", "google/protobuf/wrappers.proto"),
    ("google.protobuf.BoolValue", "google/protobuf/wrappers.proto"),
    ("google.protobuf.DoubleValue", "google/protobuf/wrappers.proto"),
]
ENUM_WORDS = ["ALPHA", "BRAVO", "CHARLIE", "DELTA", "ECHO", "FOXTROT", "GOLF"]
# Field kinds and their weights (out of 100).
KINDS = [
    ("scalar", 37),
    ("optional", 8),
    ("enum", 10),
    ("message", 8),
    ("repeated_scalar", 8),
    ("repeated_enum", 2),
    ("repeated_message", 4),
    ("map", 11),
    ("well_known", 10),
    ("nested", 2),
]
DOC_WORDS = [
    "the",
    "of",
    "a",
    "to",
    "job",
    "task",
    "cluster",
    "worker",
    "driver",
    "executor",
    "memory",
    "cpu",
    "limit",
    "retry",
    "timeout",
    "image",
    "queue",
    "priority",
    "label",
    "annotation",
    "secret",
    "volume",
    "mount",
    "port",
    "region",
    "zone",
    "bucket",
    "path",
    "format",
    "schema",
    "column",
    "partition",
    "shard",
    "replica",
    "budget",
    "quota",
    "policy",
]


def field_number(k: int) -> int:
    """The number of the k-th field (0-based), skipping protobuf's reserved 19000-19999."""
    n = k + 1
    return n + 1000 if n >= 19000 else n


class Spec:
    """The whole synthetic spec: packages, files, messages, enums."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.n = args.messages
        self.fields = args.fields
        self.fanout = args.fanout
        self.rng = random.Random(args.seed)
        per_file = args.per_file
        self.n_files = max(1, -(-self.n // per_file))
        self.per_file = per_file
        self.packages = min(args.packages, self.n_files)
        # Enums per file: one per 5 messages, at least one.
        self.enums_per_file = max(1, per_file // 5)

    # --- naming -----------------------------------------------------------------------------

    def file_of(self, msg: int) -> int:
        return msg // self.per_file

    def package_of_file(self, f: int) -> str:
        return f"bench.p{f % self.packages}.v1"

    def path_of_file(self, f: int) -> str:
        return f"bench/p{f % self.packages}/v1/f{f:03d}.proto"

    def msg_name(self, i: int) -> str:
        return f"Msg{i:05d}"

    def qualify(self, from_file: int, to_file: int, name: str) -> str:
        """How a type of file `to_file` is written in file `from_file`: bare in its own package."""
        pkg = self.package_of_file(to_file)
        return name if pkg == self.package_of_file(from_file) else f"{pkg}.{name}"

    def enum_index(self, f: int, k: int) -> int:
        return f * self.enums_per_file + k

    def enum_name(self, e: int) -> str:
        return f"Kind{e:05d}"

    # --- content ----------------------------------------------------------------------------

    def doc(self, subject: str) -> str:
        words = self.rng.sample(DOC_WORDS, self.rng.randint(4, 9))
        return f"{subject}: {' '.join(words)}."

    def pick_kind(self) -> str:
        roll = self.rng.randrange(100)
        for kind, weight in KINDS:
            if roll < weight:
                return kind
            roll -= weight
        return "scalar"

    def later_message(self, i: int) -> int:
        """A message at index >= i (self-reference allowed, keeps imports acyclic), at most 3
        files ahead (keeps each file's imports few, as in real specs)."""
        return self.rng.randrange(i, min(self.n, (self.file_of(i) + 4) * self.per_file))

    def later_enum(self, f: int) -> tuple[int, int]:
        """An enum of file f or a later file (at most 3 files ahead, to keep imports local)."""
        g = self.rng.randrange(f, min(self.n_files, f + 4))
        return g, self.rng.randrange(self.enums_per_file)

    def render_file(self, f: int) -> str:
        pkg = self.package_of_file(f)
        imports: set[str] = set()
        body: list[str] = []

        def use_msg(j: int) -> str:
            g = self.file_of(j)
            if g != f:
                imports.add(self.path_of_file(g))
            return self.qualify(f, g, self.msg_name(j))

        def use_enum(g: int, k: int) -> str:
            if g != f:
                imports.add(self.path_of_file(g))
            return self.qualify(f, g, self.enum_name(self.enum_index(g, k)))

        # Enums of this file.
        for k in range(self.enums_per_file):
            e = self.enum_index(f, k)
            name = self.enum_name(e)
            prefix = name.upper()
            body.append(f"// {self.doc(name)}")
            body.append(f"enum {name} {{")
            body.append(f"  {prefix}_UNSPECIFIED = 0;")
            for v, word in enumerate(
                ENUM_WORDS[: self.rng.randint(2, len(ENUM_WORDS))], 1
            ):
                body.append(f"  {prefix}_{word} = {v};")
            body.append("}")
            body.append("")

        first = f * self.per_file
        for i in range(first, min(self.n, first + self.per_file)):
            name = self.msg_name(i)
            fields: list[
                tuple[str, str]
            ] = []  # (type with label, name); number is position
            docs: dict[int, str] = {}
            nested: list[str] = []

            # Tree edges: children fanout*i+1 .. fanout*i+fanout, as varied field kinds.
            for c in range(1, self.fanout + 1):
                child = self.fanout * i + c
                if child >= self.n:
                    break
                ref = use_msg(child)
                shape = c % 3
                if shape == 1:
                    fields.append((ref, f"child_{c}"))
                elif shape == 2:
                    fields.append((f"repeated {ref}", f"children_{c}"))
                else:
                    fields.append((f"map<string, {ref}>", f"named_{c}"))
                docs[len(fields) - 1] = f"Child {child} of the tree."

            while len(fields) < self.fields:
                n = len(fields) + 1
                kind = self.pick_kind()
                if kind == "scalar":
                    t = self.rng.choice(SCALARS)
                    fields.append((t, f"f{n:02d}_{t}"))
                elif kind == "optional":
                    t = self.rng.choice(SCALARS)
                    fields.append((f"optional {t}", f"f{n:02d}_opt_{t}"))
                elif kind == "enum":
                    fields.append((use_enum(*self.later_enum(f)), f"f{n:02d}_kind"))
                elif kind == "message":
                    fields.append((use_msg(self.later_message(i)), f"f{n:02d}_ref"))
                elif kind == "repeated_scalar":
                    t = self.rng.choice(SCALARS)
                    fields.append((f"repeated {t}", f"f{n:02d}_{t}_list"))
                elif kind == "repeated_enum":
                    fields.append(
                        (f"repeated {use_enum(*self.later_enum(f))}", f"f{n:02d}_kinds")
                    )
                elif kind == "repeated_message":
                    fields.append(
                        (f"repeated {use_msg(self.later_message(i))}", f"f{n:02d}_refs")
                    )
                elif kind == "map":
                    key = self.rng.choice(MAP_KEYS)
                    roll = self.rng.randrange(10)
                    if roll < 6:
                        value = self.rng.choice(SCALARS)
                    elif roll < 8:
                        value = use_enum(*self.later_enum(f))
                    else:
                        value = use_msg(self.later_message(i))
                    fields.append((f"map<{key}, {value}>", f"f{n:02d}_by_{key}"))
                elif kind == "well_known":
                    t, path = self.rng.choice(WELL_KNOWN)
                    imports.add(path)
                    short = t.rsplit(".", 1)[1].lower()
                    fields.append((t, f"f{n:02d}_{short}"))
                elif kind == "nested":
                    if not nested:
                        nested.append("Detail")
                    fields.append(("Detail", f"f{n:02d}_detail"))
                if self.rng.randrange(4) == 0:
                    docs[len(fields) - 1] = self.doc(f"Field {n}")

            # An occasional oneof over 2-3 of the generated (non-tree, non-map, non-repeated,
            # non-optional) fields at the end of the message.
            oneof: list[int] = []
            if self.rng.randrange(100) < 15:
                tail = [
                    k
                    for k in range(len(fields))
                    if not fields[k][0].startswith(("repeated ", "map<", "optional "))
                    and not fields[k][1].startswith(("child_", "children_", "named_"))
                ]
                want = self.rng.randint(2, 3)
                if len(tail) >= want:
                    oneof = tail[-want:]

            body.append(f"// {self.doc(name)}")
            if i == 0:
                body.append(
                    "// The custom message of the `bench` plugin: every message is reachable from it."
                )
            body.append(f"message {name} {{")
            for nm in nested:
                body.append(f"  // {self.doc(nm)}")
                body.append(f"  message {nm} {{")
                for d in range(1, self.rng.randint(2, 5) + 1):
                    t = self.rng.choice(SCALARS)
                    body.append(f"    {t} d{d}_{t} = {d};")
                body.append("  }")
            # Plain fields first, then the oneof block (field numbers keep declaration order).
            for k, (t, fname) in enumerate(fields):
                if k in oneof:
                    continue
                if k in docs:
                    body.append(f"  // {docs[k]}")
                body.append(f"  {t} {fname} = {field_number(k)};")
            if oneof:
                body.append("  oneof choice {")
                for k in oneof:
                    t, fname = fields[k]
                    if k in docs:
                        body.append(f"    // {docs[k]}")
                    body.append(f"    {t} {fname} = {field_number(k)};")
                body.append("  }")
            body.append("}")
            body.append("")

        head = [
            "// Code generated by bench/synth.py. DO NOT EDIT.",
            'syntax = "proto3";',
            "",
            f"package {pkg};",
            "",
        ]
        if imports:
            head += [f'import "{p}";' for p in sorted(imports)]
            head.append("")
        return "\n".join(head + body).rstrip("\n") + "\n"

    def manifest(self, targets: list[str]) -> str:
        quoted = ", ".join(f'"{t}"' for t in targets)
        return (
            "# Generated by bench/synth.py: one plugin whose custom message reaches every message.\n"
            "\n"
            "[idl]\n"
            'include = ["idl"]\n'
            "\n"
            "[output]\n"
            'dir = "generated"\n'
            f"targets = [{quoted}]\n"
            'go_module_prefix = "example.com/bench"\n'
            "\n"
            "[[plugin]]\n"
            'name = "bench"\n'
            f'proto = "{self.path_of_file(0)}"\n'
            f'message = "{self.package_of_file(0)}.{self.msg_name(0)}"\n'
            'task_type = "bench"\n'
            "task_type_version = 0\n"
            'backend = "k8s"\n'
        )


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "out", type=Path, help="output folder (replaced if it holds a previous spec)"
    )
    p.add_argument(
        "--messages", type=int, default=1000, help="top-level messages (default 1000)"
    )
    p.add_argument(
        "--fields", type=int, default=20, help="fields per message (default 20)"
    )
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--packages", type=int, default=5, help="proto packages (default 5)")
    p.add_argument(
        "--per-file", type=int, default=50, help="messages per .proto file (default 50)"
    )
    p.add_argument(
        "--fanout",
        type=int,
        default=4,
        help="children per message in the tree (default 4)",
    )
    p.add_argument(
        "--targets",
        default="python,go,typescript,rust",
        help="comma-separated flyteplug targets for the manifest (default: all four)",
    )
    args = p.parse_args(argv)
    if args.messages < 1 or args.fields < 1 or args.packages < 1 or args.per_file < 1:
        p.error("--messages, --fields, --packages and --per-file must be at least 1")
    if args.fanout < 1 or args.fanout > args.fields:
        p.error("--fanout must be between 1 and --fields")
    if field_number(args.fields - 1) > 536_870_911:
        p.error("--fields is larger than the largest field number allows")

    spec = Spec(args)
    out: Path = args.out
    if (out / "idl" / "bench").exists():
        shutil.rmtree(out / "idl" / "bench")
    out.mkdir(parents=True, exist_ok=True)
    for f in range(spec.n_files):
        path = out / "idl" / spec.path_of_file(f)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(spec.render_file(f), encoding="utf-8", newline="\n")
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    (out / "flyteplug.toml").write_text(
        spec.manifest(targets), encoding="utf-8", newline="\n"
    )
    print(
        f"synth: {spec.n} messages x {spec.fields} fields in {spec.n_files} files, "
        f"{spec.packages} packages, {spec.n_files * spec.enums_per_file} enums -> {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
