"""Seeded random proto3 plugin specs for the property test (test_property.py).

``Spec.random(seed)`` builds a spec from a seed alone (the same seed always gives the same
bytes): one to three packages, each importing the ones before it, whose messages mix every
scalar type, every well-known type, enums (first value 0), nested messages, messages nested
31 deep (32 levels with the file: the most protox parses), recursion (fields that reach
their own message), maps of every key type,
``repeated`` fields, oneofs, proto3 ``optional``, ``json_name``, and identifiers that are
keywords or reserved names in Python, Go, TypeScript or Rust, or that differ only in case or
underscores from another identifier of another scope. The custom message is the first message
of the last package.

A spec is data (``Spec`` of ``Message`` of ``Field``) so that a failing one can be shrunk: each
of ``Spec.smaller()`` drops one message or one field. ``Spec.files()`` renders the ``.proto``
files.

Run ``python tests/property/specgen.py SEED`` to print a spec.
"""

from __future__ import annotations

import dataclasses
import random
import sys
from dataclasses import dataclass, field

SCALARS = [
    "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64",
    "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes",
]  # fmt: skip
MAP_KEYS = [
    "int32", "int64", "uint32", "uint64", "sint32", "sint64",
    "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string",
]  # fmt: skip
WKTS = {
    "google.protobuf.Duration": "google/protobuf/duration.proto",
    "google.protobuf.Timestamp": "google/protobuf/timestamp.proto",
    "google.protobuf.Struct": "google/protobuf/struct.proto",
    "google.protobuf.Value": "google/protobuf/struct.proto",
    "google.protobuf.ListValue": "google/protobuf/struct.proto",
    "google.protobuf.Any": "google/protobuf/any.proto",
    "google.protobuf.Empty": "google/protobuf/empty.proto",
    "google.protobuf.FieldMask": "google/protobuf/field_mask.proto",
    "google.protobuf.Int64Value": "google/protobuf/wrappers.proto",
    "google.protobuf.UInt32Value": "google/protobuf/wrappers.proto",
    "google.protobuf.DoubleValue": "google/protobuf/wrappers.proto",
    "google.protobuf.BoolValue": "google/protobuf/wrappers.proto",
    "google.protobuf.StringValue": "google/protobuf/wrappers.proto",
    "google.protobuf.BytesValue": "google/protobuf/wrappers.proto",
}
# Levels of the deeply nested chain: with the custom message that holds it and the file, 32
# levels, the deepest protox parses (one more is a clear error at the file, line and column).
DEEPEST = 30
# Field names: plain words, and keywords or reserved names of the target languages.
PLAIN = [
    "name", "count", "size", "image", "labels", "limit", "retries", "timeout", "mode", "path",
    "owner", "region", "weight", "ratio", "token", "value", "items", "config", "spec", "status",
]  # fmt: skip
KEYWORDS = [
    "class", "type", "func", "interface", "self", "None", "default", "async", "await", "match",
    "import", "package", "go", "chan", "select", "fn", "impl", "mod", "struct", "enum", "let",
    "const", "var", "yield", "from", "in", "is", "not", "and", "or", "def", "lambda", "return",
    "new", "delete", "typeof", "void", "this", "super", "static", "crate", "where", "loop",
    "move", "mut", "ref", "trait", "unsafe", "use", "True", "False", "null", "undefined",
    "constructor", "prototype", "toString", "error", "string", "map", "range", "iota",
]  # fmt: skip
# Message names that collide with language or runtime names.
RISKY_TYPES = [
    "Object", "Error", "Result", "Option", "Map", "String", "Duration", "Value", "Message",
    "Enum", "Task", "Type", "Self", "Box", "Vec", "List", "Struct", "Empty", "Promise",
]  # fmt: skip
WORDS = [
    "job", "pod", "node", "queue", "stage", "shard", "batch", "store", "query", "model",
    "metric", "rule", "probe", "slot", "lease", "quota", "frame", "chunk", "graph", "layer",
]  # fmt: skip


@dataclass
class Field:
    """One field; ``kind`` is scalar, enum, message, wkt, or map; ``label`` is ``""``,
    ``repeated`` or ``optional``."""

    name: str
    type: str
    kind: str
    label: str = ""
    key: str = ""
    json_name: str = ""
    # The kind of the value (of a map's values, for a map).
    value_kind: str = ""

    def line(self, number: int) -> str:
        if self.kind == "map":
            head = f"map<{self.key}, {self.type}>"
        else:
            head = f"{self.label} {self.type}".strip()
        option = f' [json_name = "{self.json_name}"]' if self.json_name else ""
        return f"{head} {self.name} = {number}{option};"


@dataclass
class Enum:
    name: str
    values: list[str]


@dataclass
class Message:
    """A message: its fields, oneofs (name and fields), nested enums and messages."""

    name: str
    comment: str
    fields: list[Field] = field(default_factory=list)
    oneofs: list[tuple[str, list[Field]]] = field(default_factory=list)
    enums: list[Enum] = field(default_factory=list)
    nested: list[Message] = field(default_factory=list)

    def lines(self, indent: str, numbers: list[int]) -> list[str]:
        out = [f"{indent}// {self.comment}", f"{indent}message {self.name} {{"]
        inner = indent + "  "
        for e in self.enums:
            out.append(f"{inner}enum {e.name} {{")
            out.extend(f"{inner}  {v} = {i};" for i, v in enumerate(e.values))
            out.append(f"{inner}}}")
        for m in self.nested:
            out.extend(m.lines(inner, numbers))
        for f in self.fields:
            numbers[0] += 1
            out.append(f"{inner}// The {f.name} of {self.name}.")
            out.append(f"{inner}{f.line(numbers[0])}")
        for name, members in self.oneofs:
            out.append(f"{inner}oneof {name} {{")
            for f in members:
                numbers[0] += 1
                out.append(f"{inner}  {f.line(numbers[0])}")
            out.append(f"{inner}}}")
        out.append(f"{indent}}}")
        return out


@dataclass
class Package:
    name: str
    path: str
    imports: list[str]
    enums: list[Enum]
    messages: list[Message]

    def text(self) -> str:
        wkts = sorted(
            {WKTS[f.type] for f in self.all_fields() if "wkt" in (f.kind, f.value_kind)}
        )
        lines = ['syntax = "proto3";', "", f"package {self.name};", ""]
        lines += [f'import "{p}";' for p in [*self.imports, *wkts]]
        lines.append("")
        for e in self.enums:
            lines.append(f"// The {e.name} values.")
            lines.append(f"enum {e.name} {{")
            lines.extend(f"  {v} = {i};" for i, v in enumerate(e.values))
            lines.append("}")
            lines.append("")
        for m in self.messages:
            lines.extend(m.lines("", [0]))
            lines.append("")
        return "\n".join(lines)

    def all_fields(self) -> list[Field]:
        out: list[Field] = []
        stack = list(self.messages)
        while stack:
            m = stack.pop()
            out.extend(m.fields)
            for _, members in m.oneofs:
                out.extend(members)
            stack.extend(m.nested)
        return out


@dataclass
class Spec:
    seed: int
    packages: list[Package]

    @property
    def custom(self) -> str:
        last = self.packages[-1]
        return f"{last.name}.{last.messages[0].name}"

    @property
    def main_file(self) -> str:
        return self.packages[-1].path

    def files(self) -> dict[str, str]:
        return {p.path: p.text() for p in self.packages}

    def smaller(self) -> list[Spec]:
        """Every spec with one message (not a custom one, nor one a field names) or one field
        fewer, largest cuts first."""
        out: list[Spec] = []
        used = {
            f.type.rsplit(".", 1)[-1] for p in self.packages for f in p.all_fields()
        }
        for pi, p in enumerate(self.packages):
            for mi, m in enumerate(p.messages):
                if (pi, mi) != (len(self.packages) - 1, 0) and m.name not in used:
                    s = dataclasses.replace(self, packages=[*map(_copy, self.packages)])
                    del s.packages[pi].messages[mi]
                    out.append(s)
        for pi, p in enumerate(self.packages):
            for path in _message_paths(p.messages):
                m = _at(p.messages, path)
                for fi in range(len(m.fields)):
                    s = dataclasses.replace(self, packages=[*map(_copy, self.packages)])
                    del _at(s.packages[pi].messages, path).fields[fi]
                    out.append(s)
                for oi in range(len(m.oneofs)):
                    s = dataclasses.replace(self, packages=[*map(_copy, self.packages)])
                    del _at(s.packages[pi].messages, path).oneofs[oi]
                    out.append(s)
        return out

    def size(self) -> int:
        return sum(len(p.all_fields()) + len(p.messages) for p in self.packages)

    @staticmethod
    def random(seed: int) -> Spec:
        return _Builder(seed).spec()


def _copy(p: Package) -> Package:
    import copy

    return copy.deepcopy(p)


def _message_paths(
    messages: list[Message], prefix: tuple[int, ...] = ()
) -> list[tuple[int, ...]]:
    out = []
    for i, m in enumerate(messages):
        out.append((*prefix, i))
        out.extend(_message_paths(m.nested, (*prefix, i)))
    return out


def _at(messages: list[Message], path: tuple[int, ...]) -> Message:
    m = messages[path[0]]
    for i in path[1:]:
        m = m.nested[i]
    return m


class _Builder:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.r = random.Random(seed)

    def ident(self, taken: set[str], pool: list[str]) -> str:
        for _ in range(20):
            name = self.r.choice(pool)
            if self.r.random() < 0.3:
                name = f"{name}_{self.r.choice(WORDS)}"
            key = name.lower().replace("_", "")
            if key not in taken:
                taken.add(key)
                return name
        name = f"f{len(taken)}"
        taken.add(name)
        return name

    def type_name(self, taken: set[str]) -> str:
        for _ in range(20):
            if self.r.random() < 0.25:
                name = self.r.choice(RISKY_TYPES)
            else:
                name = "".join(w.capitalize() for w in self.r.sample(WORDS, 2))
            if name.lower() not in taken:
                taken.add(name.lower())
                return name
        name = f"T{len(taken)}"
        taken.add(name.lower())
        return name

    def enum(self, name: str) -> Enum:
        prefix = "".join(c if c.isalnum() else "_" for c in name).upper()
        n = self.r.randint(1, 4)
        values = [f"{prefix}_UNSPECIFIED"] + [
            f"{prefix}_{w.upper()}" for w in self.r.sample(WORDS, n)
        ]
        return Enum(name, values)

    def spec(self) -> Spec:
        r = self.r
        packages: list[Package] = []
        types_taken: set[str] = set()
        for pi in range(r.randint(1, 3)):
            pkg = f"s{self.seed}.p{pi}.v1"
            path = f"s{self.seed}/p{pi}/v1/p{pi}.proto"
            enums = [
                self.enum(self.type_name(types_taken)) for _ in range(r.randint(0, 2))
            ]
            messages = [
                Message(self.type_name(types_taken), f"Message {i} of package {pi}.")
                for i in range(r.randint(1, 4))
            ]
            packages.append(
                Package(pkg, path, [p.path for p in packages], enums, messages)
            )
        # Types each package may name: its own and those of earlier packages.
        for pi, p in enumerate(packages):
            visible: list[tuple[str, str]] = []  # (full name, kind)
            for q in packages[: pi + 1]:
                visible += [(f"{q.name}.{m.name}", "message") for m in q.messages]
                visible += [(f"{q.name}.{e.name}", "enum") for e in q.enums]
            for m in p.messages:
                self.fill(m, visible, depth=0, local=f"{p.name}.{m.name}")
        # Now and then, a chain of messages nested 31 deep, reached from the custom message.
        if r.random() < 0.2:
            custom = packages[-1].messages[0]
            chain = Message("Level0", "Nested 32 deep.")
            node = chain
            for d in range(1, DEEPEST):
                child = Message(f"Level{d}", f"Level {d}.")
                node.nested.append(child)
                node.fields.append(Field("deeper", f"Level{d}", "message"))
                node = child
            node.fields.append(Field("bottom", "int64", "scalar"))
            custom.nested.append(chain)
            custom.fields.append(Field("chain", "Level0", "message"))
        return Spec(self.seed, packages)

    def field_type(
        self, visible: list[tuple[str, str]], local_enums: list[str], local: str
    ) -> tuple[str, str]:
        r = self.r
        roll = r.random()
        if roll < 0.45:
            return r.choice(SCALARS), "scalar"
        if roll < 0.6:
            return r.choice(list(WKTS)), "wkt"
        if roll < 0.7 and local_enums:
            return r.choice(local_enums), "enum"
        choices = visible + [(local, "message")]  # the message itself: recursion
        return r.choice(choices)

    def fill(
        self, m: Message, visible: list[tuple[str, str]], depth: int, local: str
    ) -> None:
        r = self.r
        names: set[str] = set()
        local_enums = [f"{local}.{e.name}" for e in m.enums]
        if r.random() < 0.3:
            e = self.enum(self.type_name(set()) + "Kind")
            m.enums.append(e)
            local_enums.append(f"{local}.{e.name}")
        if depth < 2 and r.random() < 0.3:
            child = Message(self.type_name(set()) + "Part", f"A part of {m.name}.")
            m.nested.append(child)
            self.fill(child, visible, depth + 1, f"{local}.{child.name}")
            visible = visible + [(f"{local}.{child.name}", "message")]
        json_names: set[str] = set()
        for _ in range(r.randint(1, 7)):
            name = self.ident(names, KEYWORDS if r.random() < 0.4 else PLAIN)
            ty, kind = self.field_type(visible, local_enums, local)
            f = Field(name, ty, kind)
            roll = r.random()
            if roll < 0.15 and kind in ("scalar", "enum", "message", "wkt"):
                f.label = "repeated"
            elif roll < 0.3:
                f.kind, f.key, f.value_kind = "map", r.choice(MAP_KEYS), kind
            elif roll < 0.4 and kind in ("scalar", "enum"):
                f.label = "optional"
            if r.random() < 0.1:
                f.json_name = f"{name}Json{len(json_names)}"
                json_names.add(f.json_name)
            m.fields.append(f)
        if r.random() < 0.35:
            members = []
            for _ in range(r.randint(2, 3)):
                name = self.ident(names, PLAIN + KEYWORDS)
                ty, kind = self.field_type(visible, local_enums, local)
                members.append(Field(name, ty, kind))
            m.oneofs.append((f"choice_{len(names)}", members))


def main() -> None:
    spec = Spec.random(int(sys.argv[1]))
    for path, text in spec.files().items():
        print(f"// ==== {path}\n{text}")
    print(f"// custom message: {spec.custom}")


if __name__ == "__main__":
    main()
