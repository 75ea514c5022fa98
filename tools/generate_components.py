#!/usr/bin/env python3
"""Generate typed Rust builders for Dash components from component metadata.

Dash component packages ship a ``metadata.json`` (react-docgen output) listing every
component with its props and their prop types. This tool turns such a file into one Rust
module: a builder struct per component (a typed method per prop), the component's prop
names, and the ``children_props`` paths Dash's front end needs. Only names and types are
used; each struct links to the upstream documentation instead of copying prose. Packages
without a ``metadata.json`` are read from their Python classes instead (below).

Standard libraries (html, dcc, dash_table), one command::

    python3 tools/generate_components.py

downloads the pinned Dash wheel with ``<python> -m pip download dash==4.4.1 --no-deps``
(pip's own configuration, proxies and index settings apply), checks its SHA-256 against
``DASH_WHEEL_SHA256``, reads ``dash/html/metadata.json``, ``dash/dcc/metadata.json`` and
``dash/dash_table/metadata.json`` from it and rewrites
``dash-runtime/src/components/generated/`` (``mod.rs``, ``html.rs``, ``dcc.rs``,
``dash_table.rs``), then runs ``rustfmt`` on those files. ``<python>`` is the conformance
venv's interpreter (``target/conformance-venv/bin/python``, made by ``scripts/setup-python``;
this one when it is missing), or ``--python PATH``. To use a wheel already on disk (it must
have the pinned hash too)::

    python3 tools/generate_components.py --wheel dash-4.4.1-py3-none-any.whl

Any Dash component package as a crate of the workspace::

    python3 tools/generate_components.py --requirement dash-bootstrap-components==2.0.4 \\
        --crate-dir dash-bootstrap [--crate-name NAME] [--module NAME] [--docs-url TEMPLATE]

downloads the package's wheel (``<python> -m pip download NAME==VERSION --no-deps``; or
``--wheel PATH.whl`` instead of ``--requirement``), imports the package from the unpacked
wheel with ``<python>`` (which needs dash installed; the conformance venv has it) and writes
the crate in ``--crate-dir``:

- ``Cargo.toml``: package ``--crate-name`` (default: the distribution name, normalised as pip
  does), workspace version, edition, licence and rust-version, depending on ``dash-runtime``
  (by path) and ``serde``; add the directory to the workspace ``members``.
- ``src/components.rs``: the builders, from ``<package>/metadata.json`` when the wheel has
  one; otherwise from the package's component classes (every subclass of dash's
  ``Component`` defined in the package): ``_type``, ``_namespace``, ``_prop_names``,
  ``_valid_wildcard_attributes``, ``_children_props`` and the type annotations of
  ``__init__`` (``str`` is a string prop, ``int``/``float``/``NumberType`` a number, ``bool`` a
  boolean, ``ComponentType``, sequences of components and every prop in ``_children_props``
  take children, a ``Literal`` of strings is a string, ``Optional`` unwraps, anything else
  takes any serialisable value).
- ``src/library.rs``: ``LIBRARY``, the package's ``dash_runtime::libraries::ComponentLibrary``
  (namespace, distribution, version, package directory, the wheel's file name and SHA-256,
  and every file of ``_js_dist`` and ``_css_dist`` with its SHA-256 in the wheel, its kind,
  how it loads, its bundle variant and the package's ``external_url``), registered with
  ``register_library!``. A file the package lists but its wheel lacks is an error, except for
  ``dynamic`` files (source maps), which are left out with a warning.
- ``src/lib.rs``: the crate's documentation (with a doc test), ``pub use components::*`` and
  ``pub use library::LIBRARY``, so an app writes ``dash_bootstrap_components::Button::new()``.
  Any other ``src/<name>.rs`` already in the crate directory is hand-written (dash-bootstrap's
  ``themes``): the generated ``lib.rs`` declares it as ``pub mod <name>;`` and never touches it.

``--module`` is the Rust library name (default: the crate name with ``_``). Every generated
file says which wheel it came from and the command that regenerates it.

``--check`` (in the standard-library and the crate modes) generates into a temporary
directory and compares with the committed files (``dash-runtime/src/components/generated/``,
or the crate's ``src/*.rs``; ``Cargo.toml`` is not compared): it prints a unified diff of each
file that differs and exits 1, or exits 0 when everything is up to date::

    python3 tools/generate_components.py --check
    python3 tools/generate_components.py --check --requirement dash-ag-grid==35.3.0 --crate-dir dash-ag-grid

A single module from a ``metadata.json`` on disk (no wheel, no asset manifest)::

    python3 tools/generate_components.py --package dash_leaflet \\
        --metadata dash_leaflet/metadata.json --namespace dash_leaflet \\
        --out src/leaflet.rs --docs-url 'https://example.org/docs/{type_lower}'

writes one self-contained Rust module for a crate that depends on ``dash-runtime`` and
``serde``. ``--namespace`` is the JavaScript namespace the package registers (the
``_namespace`` of its Python classes, usually the package name). ``--docs-url`` is optional;
``{type}`` and ``{type_lower}`` are replaced by the component's type name.
``--runtime-path`` (default ``::dash_runtime``) and ``--serde-path`` (default ``::serde``)
change how the generated code names those crates. ``--no-rustfmt`` skips formatting.

The generated module has, per component ``Type``: ``pub struct Type`` with ``NAMESPACE``,
``TYPE``, ``PROPS``, ``WILDCARD_PROPS`` and ``CHILDREN_PROPS`` constants, ``new()``, one
method per prop (snake_case; string props take ``impl Into<String>``, number props
``impl Into<Number>``, bool props ``bool``, node props and every prop listed in
``children_props`` ``impl IntoChildren``, the rest ``impl Serialize``) and ``prop(name, v)``
for anything else (``data-*``, ``aria-*``); a ``type_name(children)`` shortcut when the
component has a ``children`` prop; its property table ``TypeProps``, one
``Prop<StringProp | NumberProp | BoolProp | ChildrenProp | AnyProp>`` field per prop named as
in Dash (``r#type`` for keywords; names that are not identifiers get none), with
``impl TypedComponent for Type``, which ``#[callback]`` checks ``TypedId<Type>`` dependencies
against; and at module level ``NAMESPACE``, ``CHILDREN_PROPS`` and ``known_props(type_name)``.
Component names that clash with the prelude or the runtime's names (``Option``, ``Box``,
``String``, ``Component``...) are fine: the generated code then writes those paths in full.

Tests: ``python3 -m unittest tools/test_generate_components.py``; ``e2e/tests/generator_check.rs``
runs them and every ``--check``.

Python 3.11 standard library only (the package itself is imported by ``<python>``).
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import inspect
import json
import os
import posixpath
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

DASH_VERSION = "4.4.1"
# SHA-256 of dash-4.4.1-py3-none-any.whl as `pip download dash==4.4.1 --no-deps` saves it;
# every dash wheel the builtin mode reads is checked against it.
DASH_WHEEL_SHA256 = "72120a91b10ee4d73f9446efd5d6a4ec218086feed7b1b479d2259844d1f658f"

REPO_ROOT = Path(__file__).resolve().parent.parent
GENERATED_DIR = REPO_ROOT / "dash-runtime" / "src" / "components" / "generated"
# The conformance venv (`scripts/setup-python`): pip, dash and the packages' imports.
DEFAULT_PYTHON = REPO_ROOT / "target" / "conformance-venv" / "bin" / "python"


@dataclass(frozen=True)
class Library:
    """One component library to generate a Rust module for."""

    module: str  # Rust module name, e.g. "html"
    python_name: str  # how Python users name it, e.g. "html" (for doc comments)
    namespace: str  # JavaScript namespace, e.g. "dash_html_components"
    docs_url: str | None  # template with {type} / {type_lower}, or None
    source: str  # where the metadata came from, for the module doc


# The libraries bundled in the dash wheel: (wheel member, library).
BUILTIN = [
    (
        "dash/html/metadata.json",
        Library(
            module="html",
            python_name="html",
            namespace="dash_html_components",
            docs_url="https://dash.plotly.com/dash-html-components/{type_lower}",
            source=f"`dash/html/metadata.json` of the dash {DASH_VERSION} wheel",
        ),
    ),
    (
        "dash/dcc/metadata.json",
        Library(
            module="dcc",
            python_name="dcc",
            namespace="dash_core_components",
            docs_url="https://dash.plotly.com/dash-core-components/{type_lower}",
            source=f"`dash/dcc/metadata.json` of the dash {DASH_VERSION} wheel",
        ),
    ),
    (
        "dash/dash_table/metadata.json",
        Library(
            module="dash_table",
            python_name="dash_table",
            namespace="dash_table",
            docs_url="https://dash.plotly.com/datatable",
            source=f"`dash/dash_table/metadata.json` of the dash {DASH_VERSION} wheel",
        ),
    ),
]


class GeneratorError(Exception):
    """A problem with the input that stops generation."""


# --------------------------------------------------------------------------------------
# Rust identifiers
# --------------------------------------------------------------------------------------

RUST_KEYWORDS = {
    # strict
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "async", "await", "dyn",
    # reserved
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof",
    "unsized", "virtual", "yield", "try", "gen",
}  # fmt: skip
# Keywords that cannot be written as raw identifiers.
NOT_RAW = {"self", "Self", "super", "crate", "_"}

# Method names a builder must not define for a prop: its own items and the methods of the
# traits it implements (an inherent method would shadow them at call sites).
RESERVED_METHODS = {
    "new", "prop", "clone", "clone_from", "clone_into", "to_owned", "fmt", "eq", "ne",
    "default", "serialize", "into_component", "into_children", "from", "into", "try_from",
    "try_into", "borrow", "borrow_mut", "type_id",
}  # fmt: skip

# Module-level items of a generated library module (value namespace).
# `LIBRARY` is the asset manifest a generated crate re-exports next to them.
MODULE_ITEMS = {"NAMESPACE", "CHILDREN_PROPS", "known_props", "LIBRARY"}


def snake_case(name: str) -> str:
    """`className` -> `class_name`, `is_RTL` -> `is_rtl`, `DatePickerRange` -> `date_picker_range`."""
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    s = re.sub(r"[^A-Za-z0-9_]", "_", s).lower()
    s = re.sub(r"_+", "_", s).strip("_")
    if not s:
        s = "prop"
    if s[0].isdigit():
        s = "n" + s
    return s


def identifier(
    name: str, taken: set[str], reserved: frozenset[str] | set[str] = frozenset()
) -> str:
    """A Rust identifier for `name` (already in the right case) that is not in `taken`.

    Keywords become raw identifiers where Rust allows it; otherwise, and for reserved or
    taken names, underscores are appended. The result (without `r#`) is added to `taken`.
    """
    base = name
    while base in reserved or base in taken or base in NOT_RAW:
        base += "_"
    taken.add(base)
    if base in RUST_KEYWORDS:
        return "r#" + base
    return base


def type_identifier(name: str) -> str:
    """A Rust type identifier for a component type name."""
    s = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not s or s[0].isdigit():
        s = "C" + s
    return s


def is_camel(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][A-Za-z0-9]*", name))


def rust_str(s: str) -> str:
    """A Rust string literal."""
    return json.dumps(s, ensure_ascii=False)


# --------------------------------------------------------------------------------------
# Metadata analysis
# --------------------------------------------------------------------------------------

NODE_TYPES = {"node", "element"}
SHAPE_TYPES = {"shape", "exact"}
UNSETTABLE_TYPES = {"func", "symbol", "instanceOf"}
WILDCARDS = ["data-*", "aria-*"]


def children_prop_paths(props: dict) -> list[str]:
    """The `children_props` paths of a component, computed the way Dash's Python component
    generator does it (including its corner cases, so the result matches what a Python Dash
    server sends): every prop other than `children` that can hold components, as a path in
    the grammar `name`, `a.b`, `items[].x`, `x{}`."""
    found: list[str] = []
    _fields({k: v for k, v in props.items() if k != "children"}, None, found)
    return found


def _fields(fields: dict, prefix: str | None, found: list[str]) -> None:
    """Props (top level) or the fields of a shape; an entry is either prop metadata with a
    `type` key or, inside shapes, the type itself."""
    if not isinstance(fields, dict):
        return
    for key, entry in fields.items():
        if not isinstance(entry, dict):
            continue
        path = key if prefix is None else f"{prefix}.{key}"
        t = entry.get("type", entry)
        if not isinstance(t, dict):
            continue
        kind = t.get("name")
        if kind in NODE_TYPES:
            found.append(path)
        elif kind == "arrayOf":
            _array_items(t.get("value", t), path, found)
        elif kind in SHAPE_TYPES:
            _fields(t.get("value", {}), path, found)
        elif kind == "union":
            _union(t.get("value") or [], path, found)
        elif kind == "objectOf":
            _object_values(t.get("value", {}), path, found)


def _array_items(item: dict, path: str, found: list[str]) -> None:
    """The element type of an array at `path`. An array of nodes is listed under the array's
    own path; nested arrays are not followed."""
    kind = item.get("name") if isinstance(item, dict) else None
    if kind in NODE_TYPES:
        found.append(path)
    elif kind in SHAPE_TYPES:
        _fields(item.get("value", {}), path + "[]", found)
    elif kind == "union":
        _union(item.get("value") or [], path + "[]", found)
    elif kind == "objectOf":
        _object_values(item.get("value", {}), path + "[]", found)


def _union(members: list, path: str, found: list[str]) -> None:
    """The alternatives of a union at `path`; they share the path."""
    for member in members:
        if not isinstance(member, dict):
            continue
        kind = member.get("name")
        if kind in NODE_TYPES:
            found.append(path)
        elif kind in SHAPE_TYPES:
            _fields(member.get("value", {}), path, found)
        elif kind == "arrayOf":
            _array_items(member.get("value", {}), path, found)
        elif kind == "objectOf":
            _object_values(member.get("value", {}), path, found)


def _object_values(value: dict, path: str, found: list[str]) -> None:
    """The value type of an `objectOf` at `path`. Dash does not look into arrays here (it
    hands the array type itself to its array walker, which matches nothing); neither do we."""
    if not isinstance(value, dict):
        return
    kind = value.get("name")
    path += "{}"
    if kind in NODE_TYPES:
        found.append(path)
    elif kind in SHAPE_TYPES:
        _fields(value.get("value", {}), path, found)
    elif kind == "union":
        _union(value.get("value") or [], path, found)


def is_settable(meta: dict) -> bool:
    """Whether Dash's Python classes accept the prop: it has a prop type (or a Flow type)
    and is not a function, symbol or class instance."""
    if "type" in meta:
        return meta["type"].get("name") not in UNSETTABLE_TYPES
    flow = meta.get("flowType")
    if isinstance(flow, dict):
        return not (flow.get("name") == "signature" and flow.get("type") != "object")
    return False


@dataclass
class Prop:
    name: str  # as declared (camelCase kept)
    kind: str  # "children" | "serialize" | "string" | "number" | "bool" | "children_like"
    # The kind of value in the property table ("string" | "number" | "bool" | "children" |
    # "any"); finer than `kind`, which keeps the builder methods as they are.
    value_kind: str = "any"
    method: str = ""


@dataclass
class ComponentSpec:
    type_name: str  # as in Dash, e.g. "Div"
    rust_name: str  # Rust struct identifier
    props: list[Prop]
    wildcards: list[str]
    children_paths: list[str]
    has_children: bool
    shortcut: str | None = None
    prop_names: list[str] = field(default_factory=list)
    props_struct: str = ""  # the property table's struct, e.g. "InputProps"


def prop_kind(name: str, meta: dict, children_like: set[str]) -> str:
    if name == "children":
        return "children"
    if name == "id":
        return "serialize"  # string ids and dict (pattern-matching) ids
    if name in children_like:
        return "children_like"
    if "type" in meta:
        t = meta["type"].get("name")
        mapping = {"string": "string", "number": "number", "bool": "bool"}
        if t in NODE_TYPES:
            return "children_like"
        return mapping.get(t, "serialize")
    flow = (meta.get("flowType") or {}).get("name")
    return {"string": "string", "number": "number", "boolean": "bool"}.get(flow, "serialize")


# Property table kinds as Rust marker types.
VALUE_KIND_TYPES = {
    "string": "StringProp",
    "number": "NumberProp",
    "bool": "BoolProp",
    "children": "ChildrenProp",
    "any": "AnyProp",
}


def value_kind(name: str, meta: dict, builder_kind: str) -> str:
    """The kind of value a prop takes, for the property table typed ids are checked against.

    Unlike the builder kind it looks through TypeScript-style unions of one type
    (`number | undefined`) and enums of string literals; anything mixed is "any"."""
    if builder_kind in ("children", "children_like"):
        return "children"
    if name == "id":
        return "any"
    t = meta.get("type")
    if isinstance(t, dict):
        return _type_kind(t)
    flow = (meta.get("flowType") or {}).get("name")
    return {"string": "string", "number": "number", "boolean": "bool"}.get(flow, "any")


def _type_kind(t: dict) -> str:
    kind = t.get("name")
    if kind in ("string", "number", "bool"):
        return kind
    if kind == "enum":
        # Entries without a value stand for `undefined` in TypeScript metadata.
        values = [v.get("value") for v in t.get("value") or [] if isinstance(v, dict)]
        values = [v for v in values if v is not None]
        quoted = all(isinstance(v, str) and len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"" for v in values)
        return "string" if values and quoted else "any"
    if kind == "union":
        kinds = {_type_kind(m) for m in t.get("value") or [] if isinstance(m, dict)}
        return kinds.pop() if len(kinds) == 1 else "any"
    return "any"


IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def field_name(prop: str) -> str | None:
    """The property table field for a prop: its Dash name, raw for keywords; None when the
    name cannot be a Rust field (`data-*`-style names). `#[callback]` applies the same rule."""
    if not IDENT_RE.fullmatch(prop) or prop in NOT_RAW:
        return None
    return "r#" + prop if prop in RUST_KEYWORDS else prop


def analyse(metadata: dict) -> list[ComponentSpec]:
    """Components of a metadata.json, in file order."""
    if not isinstance(metadata, dict) or not metadata:
        raise GeneratorError("metadata.json must be a non-empty object of components")
    specs: list[ComponentSpec] = []
    seen_types: set[str] = set()
    for path, data in metadata.items():
        # Dash names the Python class (and the JavaScript type) after the source file.
        type_name = path.replace("\\", "/").split("/")[-1].split(".")[0]
        if not type_name or not isinstance(data, dict) or not isinstance(data.get("props"), dict):
            raise GeneratorError(f"unexpected metadata entry {path!r}")
        if type_name in seen_types:
            raise GeneratorError(f"two components are named {type_name!r}")
        seen_types.add(type_name)
        props_meta: dict = data["props"]
        paths = children_prop_paths(props_meta)
        # Top-level props that hold components (no `.`, `[]` or `{}` in the path).
        children_like = {p for p in paths if not any(m in p for m in (".", "[]", "{}"))}
        wildcards = [w[:-1] for w in WILDCARDS if w in props_meta]
        props = [
            Prop(name, kind, value_kind(name, meta, kind))
            for name, meta in props_meta.items()
            if isinstance(meta, dict) and not name.endswith("-*") and is_settable(meta)
            for kind in [prop_kind(name, meta, children_like)]
        ]
        specs.append(
            ComponentSpec(
                type_name=type_name,
                rust_name=type_identifier(type_name),
                props=props,
                wildcards=wildcards,
                children_paths=paths,
                has_children=any(p.name == "children" for p in props),
                prop_names=[p.name for p in props],
            )
        )
    assign_names(specs)
    return specs


def assign_names(specs: list[ComponentSpec]) -> None:
    """Method names per component, shortcut function names per module."""
    # Tuple structs live in both namespaces: keep them apart from the module's items.
    rust_types: set[str] = set()
    for spec in specs:
        name = spec.rust_name
        while name in rust_types or name in MODULE_ITEMS or name in RUST_KEYWORDS:
            name += "_"
        spec.rust_name = name
        rust_types.add(name)
    type_names = set(rust_types)
    for spec in specs:
        name = spec.rust_name + "Props"
        while name in type_names or name in MODULE_ITEMS:
            name += "_"
        spec.props_struct = name
        type_names.add(name)
    for spec in specs:
        taken: set[str] = set()
        # `id` and `children` first so that they keep their natural names.
        ordered = sorted(spec.props, key=lambda p: (p.name not in ("children", "id"),))
        for prop in ordered:
            prop.method = identifier(snake_case(prop.name), taken, RESERVED_METHODS)
    values: set[str] = set(MODULE_ITEMS) | rust_types
    for spec in specs:
        if spec.has_children:
            spec.shortcut = identifier(snake_case(spec.type_name), values)


# --------------------------------------------------------------------------------------
# Packages without metadata.json: the Python classes
# --------------------------------------------------------------------------------------


def describe_annotation(annotation: object, component_base: type | None, depth: int = 0) -> dict:
    """A JSON-able tree describing a type annotation, built in the introspection subprocess
    (its source is copied into the script) and classified here by `classify_annotation`.

    Nodes: ``{"t": "none"}``, ``{"t": "any"}``, ``{"t": "component"}`` (a Dash component
    class), ``{"t": "class", "name": "module.Qualname"}``, ``{"t": "ref", "name": text}`` (an
    unresolved string or forward reference), ``{"t": "literal", "values": [...], "other":
    bool}``, ``{"t": "union", "of": [...]}``, ``{"t": "generic", "name": origin, "args":
    [...]}`` and ``{"t": "other", "repr": text}``. Self-contained: it runs in another
    interpreter, so it imports what it needs."""
    import typing

    if depth > 12:
        return {"t": "other", "repr": "(too deep)"}
    if annotation is None or annotation is type(None):
        return {"t": "none"}
    if annotation is typing.Any:
        return {"t": "any"}
    if isinstance(annotation, str):
        return {"t": "ref", "name": annotation}
    if isinstance(annotation, typing.ForwardRef):
        return {"t": "ref", "name": annotation.__forward_arg__}
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return describe_annotation(args[0], component_base, depth + 1)
    if origin is typing.Union or type(annotation).__name__ == "UnionType":
        return {"t": "union", "of": [describe_annotation(a, component_base, depth + 1) for a in args]}
    if origin is typing.Literal:
        plain = [v for v in args if v is None or isinstance(v, (str, int, float, bool))]
        return {"t": "literal", "values": plain, "other": len(plain) != len(args)}
    if origin is not None:
        name = f"{getattr(origin, '__module__', '')}.{getattr(origin, '__qualname__', repr(origin))}"
        return {
            "t": "generic",
            "name": name,
            "args": [describe_annotation(a, component_base, depth + 1) for a in args],
        }
    if isinstance(annotation, type):
        if component_base is not None and issubclass(annotation, component_base):
            return {"t": "component"}
        return {"t": "class", "name": f"{annotation.__module__}.{annotation.__qualname__}"}
    return {"t": "other", "repr": repr(annotation)[:200]}


# What a class or a bare name (in an unresolved annotation string) stands for.
CLASS_KINDS = {
    "builtins.str": "string",
    "builtins.bool": "bool",
    "builtins.int": "number",
    "builtins.float": "number",
    "builtins.complex": "number",
    "typing.SupportsFloat": "number",
    "typing.SupportsInt": "number",
    "typing.SupportsComplex": "number",
    "numbers.Number": "number",
    "numbers.Real": "number",
    "numbers.Integral": "number",
    "dash.development.base_component.Component": "node",
}
NAME_KINDS = {
    "str": "string",
    "bool": "bool",
    "int": "number",
    "float": "number",
    "complex": "number",
    "NumberType": "number",
    "Number": "number",
    "SupportsFloat": "number",
    "SupportsInt": "number",
    "SupportsComplex": "number",
    "ComponentType": "node",
    "Component": "node",
    "Any": "any",
}
NONE_NAMES = {"None", "NoneType"}
# Generic containers whose items, when they are components, make the prop a node prop.
SEQUENCE_NAMES = {"Sequence", "MutableSequence", "List", "list", "Tuple", "tuple", "Iterable", "Collection"}


def classify_annotation(desc: dict | None) -> str | None:
    """The kind of value an annotation (a `describe_annotation` tree) allows: "string",
    "number", "bool", "node" (components, `ComponentType`, sequences of components) or
    "any"; None for `None` alone. `Optional[...]` unwraps; a union is the kind all its
    members share, "node" if any member holds components, else "any"."""
    if not isinstance(desc, dict):
        return "any"
    t = desc.get("t")
    if t == "none":
        return None
    if t == "component":
        return "node"
    if t == "class":
        return CLASS_KINDS.get(str(desc.get("name")), "any")
    if t == "ref":
        return classify_annotation(parse_annotation_string(str(desc.get("name", ""))))
    if t == "name":
        name = str(desc.get("name", ""))
        if name in NONE_NAMES:
            return None
        return NAME_KINDS.get(name.rsplit(".", 1)[-1], "any")
    if t == "literal":
        if desc.get("other"):
            return "any"
        values = [v for v in desc.get("values") or [] if v is not None]
        if not values:
            return None
        if all(isinstance(v, bool) for v in values):
            return "bool"
        if all(isinstance(v, str) for v in values):
            return "string"
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            return "number"
        return "any"
    if t == "union":
        kinds = {classify_annotation(m) for m in desc.get("of") or []}
        kinds.discard(None)
        if "node" in kinds:
            return "node"
        if not kinds:
            return None
        return kinds.pop() if len(kinds) == 1 else "any"
    if t == "generic":
        name = str(desc.get("name", "")).rsplit(".", 1)[-1]
        if name in SEQUENCE_NAMES and any(classify_annotation(a) == "node" for a in desc.get("args") or []):
            return "node"
        return "any"
    return "any"


def parse_annotation_string(text: str) -> dict:
    """A `describe_annotation`-style tree for an annotation left as a string (postponed
    evaluation, or a name the package's globals do not resolve): `Optional[X]`,
    `Union[...]`, `X | Y`, `Literal[...]`, `Annotated[X, ...]` and generics are understood
    (with or without a `typing.` prefix); other names become ``{"t": "name"}`` nodes."""
    s = text.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        return parse_annotation_string(s[1:-1])  # a quoted forward reference
    parts = _split_top(s, "|")
    if len(parts) > 1:
        return {"t": "union", "of": [parse_annotation_string(p) for p in parts]}
    m = re.fullmatch(r"([A-Za-z_][\w.]*)\s*\[(.*)\]", s, re.DOTALL)
    if m is None:
        if not re.fullmatch(r"[A-Za-z_][\w.]*", s):
            return {"t": "other", "repr": s[:200]}
        return {"t": "name", "name": s}
    head = m.group(1).rsplit(".", 1)[-1]
    args = [a for a in _split_top(m.group(2), ",") if a.strip()]
    if head == "Optional" and len(args) == 1:
        return {"t": "union", "of": [parse_annotation_string(args[0]), {"t": "none"}]}
    if head == "Union":
        return {"t": "union", "of": [parse_annotation_string(a) for a in args]}
    if head == "Annotated" and args:
        return parse_annotation_string(args[0])
    if head == "Literal":
        values: list = []
        other = False
        for a in args:
            a = a.strip()
            if len(a) >= 2 and a[0] == a[-1] and a[0] in "'\"":
                values.append(a[1:-1])
            elif a in ("True", "False"):
                values.append(a == "True")
            elif a == "None":
                values.append(None)
            elif re.fullmatch(r"-?\d+", a):
                values.append(int(a))
            elif re.fullmatch(r"-?\d*\.\d+(e-?\d+)?", a):
                values.append(float(a))
            else:
                other = True
        return {"t": "literal", "values": values, "other": other}
    return {"t": "generic", "name": head, "args": [parse_annotation_string(a) for a in args]}


def _split_top(s: str, sep: str) -> list[str]:
    """`s` split at `sep` outside brackets and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for i, c in enumerate(s):
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c in "[(":
            depth += 1
        elif c in "])":
            depth -= 1
        elif c == sep and depth == 0:
            parts.append(s[start:i])
            start = i + 1
    parts.append(s[start:])
    return [p.strip() for p in parts]


# The rest of the introspection script; `describe_annotation`'s source is put before it.
INTROSPECT_MAIN = r'''
import ast
import importlib
import inspect
import json
import os
import sys
import textwrap
import typing
import warnings


def resolve(annotation, globalns, localns):
    """Evaluate an annotation left as a string; keep the string when that fails."""
    if not isinstance(annotation, str):
        return annotation
    def holder():
        pass
    holder.__annotations__ = {"x": annotation}
    try:
        return typing.get_type_hints(holder, globalns, localns, include_extras=True)["x"]
    except Exception:
        return annotation


def literal_assignments(cls):
    """`self._prop_names = [...]` and `self._valid_wildcard_attributes = [...]` as written in
    the class's source, for classes whose `__init__` cannot run."""
    found = {}
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except Exception:
        return found
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Attribute) and target.attr in ("_prop_names", "_valid_wildcard_attributes"):
                try:
                    found[target.attr] = list(ast.literal_eval(node.value))
                except Exception:
                    pass
    return found


def describe_class(cls, component_base):
    notes = []
    obj = None
    try:
        obj = cls.__new__(cls)
        cls.__init__(obj)
    except Exception as err:  # required props missing, or anything else: the names are set first
        notes.append(f"__init__() raised {type(err).__name__}")
    attrs = dict(getattr(obj, "__dict__", None) or {})
    source = literal_assignments(cls)
    params = []
    try:
        signature = inspect.signature(cls.__init__)
    except (TypeError, ValueError):
        signature = None
        notes.append("no signature")
    module = sys.modules.get(cls.__module__)
    globalns = dict(vars(module)) if module else {}
    localns = dict(vars(cls))
    if signature is not None:
        for p in signature.parameters.values():
            if p.name == "self" or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                continue
            if p.annotation is inspect.Parameter.empty:
                params.append({"name": p.name, "annotation": None})
            else:
                a = resolve(p.annotation, globalns, localns)
                params.append({"name": p.name, "annotation": describe_annotation(a, component_base)})
    prop_names = attrs.get("_prop_names")
    if prop_names is None:
        prop_names = getattr(cls, "_prop_names", None) or source.get("_prop_names")
        notes.append("_prop_names not set by __init__")
    if prop_names is None:
        prop_names = [p["name"] for p in params]
        notes.append("prop names from the signature")
    wildcards = attrs.get("_valid_wildcard_attributes")
    if wildcards is None:
        wildcards = getattr(cls, "_valid_wildcard_attributes", None) or source.get("_valid_wildcard_attributes") or []
    children = cls.__dict__.get("_children_props", getattr(cls, "_children_props", None))
    return {
        "class": f"{cls.__module__}.{cls.__qualname__}",
        "type": cls._type,
        "namespace": cls._namespace,
        "own_type": "_type" in cls.__dict__,
        "prop_names": [str(n) for n in prop_names],
        "wildcards": [str(w) for w in wildcards],
        "children_props": [str(c) for c in children or []],
        "params": params,
        "notes": notes,
    }


def main():
    root, import_name, out = sys.argv[1:4]
    sys.path.insert(0, root)
    warnings.simplefilter("ignore")
    from dash.development.base_component import Component
    import dash

    package = importlib.import_module(import_name)
    where = os.path.realpath(getattr(package, "__file__", None) or "")
    if not where.startswith(os.path.realpath(root) + os.sep):
        raise SystemExit(f"{import_name} was imported from {where}, not from the wheel")
    classes, seen = [], set()

    def consider(value):
        if not (inspect.isclass(value) and issubclass(value, Component)) or value is Component:
            return
        module = getattr(value, "__module__", "") or ""
        if id(value) in seen or not (module == import_name or module.startswith(import_name + ".")):
            return
        if not isinstance(getattr(value, "_type", None), str) or not isinstance(getattr(value, "_namespace", None), str):
            return
        seen.add(id(value))
        classes.append(value)

    for value in list(vars(package).values()):
        consider(value)
    for name in sorted(sys.modules):
        if name.startswith(import_name + "."):
            for value in list(vars(sys.modules[name]).values()):
                consider(value)
    components = [describe_class(c, Component) for c in classes]
    js_dist = getattr(package, "_js_dist", None)
    css_dist = getattr(package, "_css_dist", None)
    if js_dist is None and classes:
        js_dist = getattr(classes[0], "_js_dist", None)
    if css_dist is None and classes:
        css_dist = getattr(classes[0], "_css_dist", None)
    result = {
        "dash_version": getattr(dash, "__version__", None),
        "package_version": getattr(package, "__version__", None),
        "components": components,
        "js_dist": list(js_dist or []),
        "css_dist": list(css_dist or []),
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f, default=repr)


main()
'''


def introspection_script() -> str:
    """The script run by the package's interpreter: `describe_annotation` and the driver."""
    source = textwrap.dedent(inspect.getsource(describe_annotation))
    return "from __future__ import annotations\n\n" + source + INTROSPECT_MAIN


def introspect(python: str, root: Path, import_name: str) -> dict:
    """Import `import_name` from `root` (an unpacked wheel) with `python` and describe its
    component classes and `_js_dist` / `_css_dist`."""
    with tempfile.TemporaryDirectory(prefix="dash-introspect-") as tmp:
        out = Path(tmp) / "introspection.json"
        cmd = [python, "-B", "-c", introspection_script(), str(root), import_name, str(out)]
        print(f"running: {python} -c <introspection script> {root} {import_name}", file=sys.stderr)
        result = subprocess.run(cmd, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)
        if result.returncode != 0 or not out.is_file():
            tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-20:])
            hint = ""
            if "No module named 'dash'" in tail:
                hint = "\n(the interpreter needs dash: run scripts/setup-python, or pass --python)"
            raise GeneratorError(
                f"introspecting {import_name} with {python} failed (exit {result.returncode}):\n{tail}{hint}"
            )
        return json.loads(out.read_text(encoding="utf-8"))


def analyse_classes(components: list[dict]) -> tuple[str, list[ComponentSpec]]:
    """The JavaScript namespace and the components of a package without metadata.json, from
    the introspected classes (sorted by type name)."""
    if not components:
        raise GeneratorError("the package has no Dash component classes")
    counts: dict[str, int] = {}
    for c in components:
        counts[c["namespace"]] = counts.get(c["namespace"], 0) + 1
    namespace = max(counts, key=lambda n: (counts[n], -list(counts).index(n)))
    by_type: dict[str, dict] = {}
    for c in components:
        if c["namespace"] != namespace:
            print(f"warning: skipping {c['class']} (namespace {c['namespace']!r}, not {namespace!r})", file=sys.stderr)
            continue
        other = by_type.get(c["type"])
        if other is None or (c.get("own_type") and not other.get("own_type")):
            by_type[c["type"]] = c
    specs = []
    for type_name in sorted(by_type):
        c = by_type[type_name]
        for note in c.get("notes") or []:
            if not note.startswith("__init__() raised"):
                print(f"note: {c['class']}: {note}", file=sys.stderr)
        specs.append(class_spec(c))
    assign_names(specs)
    return namespace, specs


def class_spec(c: dict) -> ComponentSpec:
    """One introspected component class as a ComponentSpec."""
    annotations = {p["name"]: p.get("annotation") for p in c.get("params") or []}
    paths = list(c.get("children_props") or [])
    children_like = {p for p in paths if not any(m in p for m in (".", "[]", "{}"))}
    names = [n for n in c["prop_names"] if not n.endswith("-*")]
    props = []
    for name in names:
        kind = classify_annotation(annotations[name]) if annotations.get(name) else "any"
        if name == "children":
            props.append(Prop(name, "children", "children"))
        elif name == "id":
            props.append(Prop(name, "serialize", "any"))
        elif name in children_like or kind == "node":
            props.append(Prop(name, "children_like", "children"))
        elif kind in ("string", "number", "bool"):
            props.append(Prop(name, kind, kind))
        else:
            props.append(Prop(name, "serialize", "any"))
    wildcards = []
    for w in c.get("wildcards") or []:
        w = w[:-1] if w.endswith("*") else w
        if w not in wildcards:
            wildcards.append(w)
    return ComponentSpec(
        type_name=c["type"],
        rust_name=type_identifier(c["type"]),
        props=props,
        wildcards=wildcards,
        children_paths=paths,
        has_children="children" in names,
        prop_names=names,
    )


# --------------------------------------------------------------------------------------
# Rust output
# --------------------------------------------------------------------------------------


class Paths:
    """Names the generated code uses, written short unless a component type shadows them."""

    def __init__(self, runtime: str, serde: str, shadowing: set[str]):
        components = f"{runtime}::components"
        self.full = {
            "Component": f"{components}::Component",
            "Children": f"{components}::Children",
            "IntoChildren": f"{components}::IntoChildren",
            "IntoComponent": f"{components}::IntoComponent",
            "Number": f"{components}::Number",
            "TypedComponent": f"{runtime}::ids::TypedComponent",
            "Prop": f"{runtime}::ids::Prop",
            **{k: f"{runtime}::ids::{k}" for k in VALUE_KIND_TYPES.values()},
            "Serialize": f"{serde}::Serialize",
            "Serializer": f"{serde}::Serializer",
            # prelude names
            "String": "::std::string::String",
            "Into": "::core::convert::Into",
            "From": "::core::convert::From",
            "Default": "::core::default::Default",
            "Option": "::core::option::Option",
            "Some": "::core::option::Option::Some",
            "None": "::core::option::Option::None",
            "Result": "::core::result::Result",
        }
        self.prelude = {"String", "Into", "From", "Default", "Option", "Some", "None", "Result"}
        self.shadowing = shadowing
        self.used: set[str] = set()

    def __getitem__(self, name: str) -> str:
        if name in self.shadowing:
            return self.full[name]
        self.used.add(name)
        return name

    def imports(self) -> list[str]:
        by_module: dict[str, list[str]] = {}
        for name in sorted(self.used - self.prelude):
            module, _, item = self.full[name].rpartition("::")
            by_module.setdefault(module, []).append(item)
        lines = []
        for module in sorted(by_module):
            items = by_module[module]
            if len(items) == 1:
                lines.append(f"use {module}::{items[0]};")
            else:
                lines.append(f"use {module}::{{{', '.join(items)}}};")
        return lines


def str_slice(items: list[str]) -> str:
    return "&[" + ", ".join(rust_str(i) for i in items) + "]"


def docs_link(lib: Library, type_name: str) -> str | None:
    if not lib.docs_url:
        return None
    return lib.docs_url.replace("{type}", type_name).replace("{type_lower}", type_name.lower())


def render_component(spec: ComponentSpec, lib: Library, p: Paths) -> str:
    s = spec.rust_name
    out: list[str] = []
    out.append(f"/// `{lib.python_name}.{spec.type_name}`: the `{spec.type_name}` component of `{lib.namespace}`.")
    link = docs_link(lib, spec.type_name)
    if link:
        out.append("///")
        out.append(f"/// Properties and usage: <{link}>.")
    out.append("#[derive(Debug, Clone, PartialEq)]")
    if not is_camel(s):
        out.append("#[allow(non_camel_case_types)]")
    out.append(f"pub struct {s}({p['Component']});")
    out.append("")
    out.append(f"impl {s} {{")
    out.append("    /// The JavaScript namespace of the component's library.")
    out.append(f"    pub const NAMESPACE: &'static str = {rust_str(lib.namespace)};")
    out.append("    /// The component's type name.")
    out.append(f"    pub const TYPE: &'static str = {rust_str(spec.type_name)};")
    out.append("    /// Every property the component declares, named as in Dash.")
    out.append(f"    pub const PROPS: &'static [&'static str] = {str_slice(spec.prop_names)};")
    out.append("    /// Prefixes of the wildcard properties it accepts (`data-`, `aria-`).")
    out.append(f"    pub const WILDCARD_PROPS: &'static [&'static str] = {str_slice(spec.wildcards)};")
    out.append("    /// Paths of the properties other than `children` that can hold components.")
    out.append(f"    pub const CHILDREN_PROPS: &'static [&'static str] = {str_slice(spec.children_paths)};")
    out.append("")
    if spec.has_children:
        out.append("    /// A component with no properties set but `children` (`null`), as Dash's Python class does.")
        out.append("    pub fn new() -> Self {")
        out.append(
            f"        Self({p['Component']}::new(Self::NAMESPACE, Self::TYPE)"
            f".children({p['Children']}::none()))"
        )
    else:
        out.append("    /// A component with no properties set.")
        out.append("    pub fn new() -> Self {")
        out.append(f"        Self({p['Component']}::new(Self::NAMESPACE, Self::TYPE))")
    out.append("    }")
    for prop in spec.props:
        out.append("")
        name = rust_str(prop.name)
        m = prop.method
        if prop.name == "id":
            out.append("    /// Set `id`: a string, or a dict for pattern-matching callbacks.")
            out.append(f"    pub fn {m}(self, v: impl {p['Serialize']}) -> Self {{")
            out.append(f"        Self(self.0.prop({name}, v))")
        elif prop.kind == "children":
            out.append("    /// Set `children`: strings, numbers, components, or a vector or tuple of them.")
            out.append(f"    pub fn {m}(self, v: impl {p['IntoChildren']}) -> Self {{")
            out.append("        Self(self.0.children(v))")
        elif prop.kind == "children_like":
            out.append(f"    /// Set `{prop.name}`: strings, numbers, components, or a vector or tuple of them.")
            out.append(f"    pub fn {m}(self, v: impl {p['IntoChildren']}) -> Self {{")
            out.append(
                f"        Self(self.0.prop_value({name}, "
                f"{p['IntoChildren']}::into_children(v).into_value()))"
            )
        elif prop.kind == "string":
            out.append(f"    /// Set `{prop.name}` (a string).")
            out.append(f"    pub fn {m}(self, v: impl {p['Into']}<{p['String']}>) -> Self {{")
            out.append(f"        Self(self.0.prop({name}, v.into()))")
        elif prop.kind == "number":
            out.append(f"    /// Set `{prop.name}` (a number).")
            out.append(f"    pub fn {m}(self, v: impl {p['Into']}<{p['Number']}>) -> Self {{")
            out.append(f"        Self(self.0.prop({name}, v.into()))")
        elif prop.kind == "bool":
            out.append(f"    /// Set `{prop.name}` (a boolean).")
            out.append(f"    pub fn {m}(self, v: bool) -> Self {{")
            out.append(f"        Self(self.0.prop({name}, v))")
        else:
            out.append(f"    /// Set `{prop.name}` to any serialisable value.")
            out.append(f"    pub fn {m}(self, v: impl {p['Serialize']}) -> Self {{")
            out.append(f"        Self(self.0.prop({name}, v))")
        out.append("    }")
    out.append("")
    out.append("    /// Set any property by name, e.g. a `data-*` or `aria-*` attribute.")
    out.append(f"    pub fn prop(self, name: &str, v: impl {p['Serialize']}) -> Self {{")
    out.append("        Self(self.0.prop(name, v))")
    out.append("    }")
    out.append("}")
    out.append("")
    out.append(f"impl {p['Default']} for {s} {{")
    out.append("    fn default() -> Self {")
    out.append("        Self::new()")
    out.append("    }")
    out.append("}")
    out.append("")
    out.append(f"impl {p['IntoComponent']} for {s} {{")
    out.append(f"    fn into_component(self) -> {p['Component']} {{")
    out.append("        self.0")
    out.append("    }")
    out.append("}")
    out.append("")
    out.append(f"impl {p['From']}<{s}> for {p['Component']} {{")
    out.append(f"    fn from(c: {s}) -> Self {{")
    out.append("        c.0")
    out.append("    }")
    out.append("}")
    out.append("")
    out.append(f"impl {p['Serialize']} for {s} {{")
    out.append(
        f"    fn serialize<S: {p['Serializer']}>(&self, serializer: S) "
        f"-> {p['Result']}<S::Ok, S::Error> {{"
    )
    out.append(f"        {p['Serialize']}::serialize(&self.0, serializer)")
    out.append("    }")
    out.append("}")
    out.append("")
    out.extend(render_prop_table(spec, lib, p))
    if spec.shortcut:
        out.append("")
        out.append(f"/// A [`{s}`] with these children.")
        out.append(f"pub fn {spec.shortcut}(children: impl {p['IntoChildren']}) -> {s} {{")
        out.append(f"    {s}::new().children(children)")
        out.append("}")
    return "\n".join(out)


def render_prop_table(spec: ComponentSpec, lib: Library, p: Paths) -> list[str]:
    """The property table of a component (a struct of zero-sized `Prop<Kind>` fields) and its
    `TypedComponent` impl, which `#[callback]` checks typed ids against."""
    s, t = spec.rust_name, spec.props_struct
    fields = [(f, prop) for prop in spec.props for f in [field_name(prop.name)] if f]
    out: list[str] = []
    out.append(f"/// The properties of [`{s}`] and the kinds of values they take, for typed ids")
    out.append(f"/// (`TypedId<{lib.module}::{s}>`).")
    if any(c.isupper() for f, _ in fields for c in f):
        out.append("#[allow(non_snake_case)]")
    if not is_camel(t):
        out.append("#[allow(non_camel_case_types)]")
    out.append(f"pub struct {t} {{")
    for f, prop in fields:
        out.append(f"    pub {f}: {p['Prop']}<{p[VALUE_KIND_TYPES[prop.value_kind]]}>,")
    out.append("}")
    out.append("")
    out.append(f"impl {p['TypedComponent']} for {s} {{")
    out.append(f"    type Props = {t};")
    if fields:
        out.append(f"    const PROP_KINDS: {t} = {t} {{")
        for f, _ in fields:
            out.append(f"        {f}: {p['Prop']}::new(),")
        out.append("    };")
    else:
        out.append(f"    const PROP_KINDS: {t} = {t} {{}};")
    out.append("    const PROP_NAMES: &'static [&'static str] = Self::PROPS;")
    out.append("    const WILDCARD_PREFIXES: &'static [&'static str] = Self::WILDCARD_PROPS;")
    out.append("}")
    return out


def render_library(
    lib: Library, specs: list[ComponentSpec], runtime: str, serde: str, how: str
) -> str:
    """A Rust module for one component library."""
    p = Paths(runtime, serde, {n for spec in specs for n in (spec.rust_name, spec.props_struct)})
    body: list[str] = []
    body.append("/// The JavaScript namespace of this library.")
    body.append(f"pub const NAMESPACE: &str = {rust_str(lib.namespace)};")
    body.append("")
    body.append("/// `(type, children prop paths)` for every component of this library, as sent in")
    body.append("/// `_dash-config.children_props`.")
    body.append("pub const CHILDREN_PROPS: &[(&str, &[&str])] = &[")
    for spec in specs:
        body.append(f"    ({spec.rust_name}::TYPE, {spec.rust_name}::CHILDREN_PROPS),")
    body.append("];")
    body.append("")
    body.append("/// The declared properties and wildcard prefixes of a component of this library.")
    opt = p["Option"]
    body.append(f"pub fn known_props(type_name: &str) -> {opt}<(&'static [&'static str], &'static [&'static str])> {{")
    body.append("    let props = match type_name {")
    for spec in specs:
        body.append(f"        {rust_str(spec.type_name)} => ({spec.rust_name}::PROPS, {spec.rust_name}::WILDCARD_PROPS),")
    body.append(f"        _ => return {p['None']},")
    body.append("    };")
    body.append(f"    {p['Some']}(props)")
    body.append("}")
    for spec in specs:
        body.append("")
        body.append(render_component(spec, lib, p))

    head: list[str] = []
    head.append(f"//! Typed builders for the `{lib.namespace}` components")
    head.append(f"//! (`{lib.python_name}` in Dash's Python API).")
    head.append("//!")
    head.append("//! Generated by `tools/generate_components.py` from")
    head.append(f"//! {lib.source}; do not edit. Regenerate with")
    head.append(f"//! `{how}`.")
    example = next((s for s in specs if s.shortcut), None)
    if example and lib.module in ("html", "dcc"):
        crate = "dash_runtime"
        head.append("//!")
        head.append("//! ```")
        if lib.module == "html":
            head.append(f"//! use {crate}::components::html;")
            head.append("//!")
            head.append('//! let greeting = html::div(("Hello, ", html::b("Dash"))).id("greeting").class_name("big");')
            head.append("//! let json = serde_json::to_value(&greeting).unwrap();")
            head.append('//! assert_eq!(json["props"]["className"], "big");')
        else:
            head.append(f"//! use {crate}::components::dcc;")
            head.append("//!")
            head.append('//! let input = dcc::Input::new().id("name").value("world").debounce(true);')
            head.append("//! let json = serde_json::to_value(&input).unwrap();")
            head.append('//! assert_eq!(json["props"]["debounce"], true);')
        head.append("//! ```")
    head.append("")
    head.extend(p.imports())
    return "\n".join(head + [""] + body) + "\n"


def render_mod(libs: list[Library]) -> str:
    names = [lib.module for lib in libs]
    out: list[str] = []
    out.append(f"//! Typed component builders generated from the component metadata of dash {DASH_VERSION}.")
    out.append("//!")
    out.append("//! Generated by `tools/generate_components.py`; do not edit.")
    out.append("//! Regenerate with `python3 tools/generate_components.py`.")
    out.append("")
    out.append("use serde_json::{Map, Value};")
    out.append("")
    for n in sorted(names):
        out.append(f"pub mod {n};")
    out.append("")
    out.append("/// One library's `(type, children prop paths)` list.")
    out.append("pub type LibraryChildrenProps = &'static [(&'static str, &'static [&'static str])];")
    out.append("")
    out.append("/// `(namespace, [(type, children prop paths)])` for every component of the standard libraries.")
    out.append("pub const CHILDREN_PROPS: &[(&str, LibraryChildrenProps)] = &[")
    for n in names:
        out.append(f"    ({n}::NAMESPACE, {n}::CHILDREN_PROPS),")
    out.append("];")
    out.append("")
    out.append("/// The `children_props` object of `_dash-config` for the standard libraries:")
    out.append("/// `{namespace: {Type: [path, ...]}}`.")
    out.append("///")
    out.append("/// ```")
    out.append("/// let props = dash_runtime::components::children_props();")
    out.append('/// assert_eq!(props["dash_core_components"]["Tab"], serde_json::json!(["label"]));')
    out.append("/// ```")
    out.append("pub fn children_props() -> Value {")
    out.append("    let mut namespaces = Map::new();")
    out.append("    for (namespace, components) in CHILDREN_PROPS {")
    out.append("        let mut types = Map::new();")
    out.append("        for (type_name, paths) in *components {")
    out.append("            let paths = paths.iter().map(|p| Value::from(*p)).collect();")
    out.append("            types.insert((*type_name).to_owned(), Value::Array(paths));")
    out.append("        }")
    out.append("        namespaces.insert((*namespace).to_owned(), Value::Object(types));")
    out.append("    }")
    out.append("    Value::Object(namespaces)")
    out.append("}")
    out.append("")
    out.append("/// The declared properties and wildcard prefixes (`data-`, `aria-`) of a component of the")
    out.append("/// standard libraries; `None` for any other component.")
    out.append("pub fn known_props(")
    out.append("    namespace: &str,")
    out.append("    type_name: &str,")
    out.append(") -> Option<(&'static [&'static str], &'static [&'static str])> {")
    out.append("    match namespace {")
    for n in names:
        out.append(f"        {n}::NAMESPACE => {n}::known_props(type_name),")
    out.append("        _ => None,")
    out.append("    }")
    out.append("}")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------
# Component packages as crates: wheel, assets, crate files
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DistFile:
    """One file a package registers in `_js_dist` / `_css_dist` (a `LibraryFile` in Rust)."""

    path: str  # relative to the package directory
    kind: str  # "Script" | "Stylesheet"
    load: str  # "Index" | "Async" | "Dynamic"
    variant: str  # "Any" | "Prod" | "Dev"
    external_url: str | None
    sha256: str = ""


def _as_list(value: object) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def dist_files(js_dist: list, css_dist: list) -> list[DistFile]:
    """The local files of a package's `_js_dist` and `_css_dist`, in their order.

    Every entry with a `relative_package_path` (a string or a list of strings) gives one file
    per path: a Script for `_js_dist`, a Stylesheet for `_css_dist`; `Dynamic` when `dynamic`
    is true, `Async` when `async` is truthy (`True`, `"lazy"`, `"eager"`), else `Index`. An
    entry with a `dev_package_path` gives its production files as `Prod` and its dev files as
    `Dev` (Dash serves one list or the other); otherwise the files are `Any`. `external_url`
    is a string, or a list read at the same index as the path. Entries with only an
    `external_url` have nothing to serve and are left out."""
    files: list[DistFile] = []
    for kind, dist in (("Script", js_dist), ("Stylesheet", css_dist)):
        for entry in dist or []:
            if not isinstance(entry, dict) or entry.get("relative_package_path") is None:
                continue
            if entry.get("dynamic"):
                load = "Dynamic"
            elif entry.get("async"):
                load = "Async"
            else:
                load = "Index"
            external = entry.get("external_url")
            prod = _as_list(entry.get("relative_package_path"))
            dev = _as_list(entry.get("dev_package_path"))
            sets = [(prod, "Prod"), (dev, "Dev")] if dev else [(prod, "Any")]
            for paths, variant in sets:
                for i, path in enumerate(paths):
                    if not isinstance(path, str) or not path:
                        raise GeneratorError(f"unexpected package path {path!r} in {entry!r}")
                    if isinstance(external, (list, tuple)):
                        url = external[i] if i < len(external) else None
                    else:
                        url = external
                    url = url if isinstance(url, str) else None
                    files.append(DistFile(normalise_path(path), kind, load, variant, url))
    return files


def normalise_path(path: str) -> str:
    """A package-relative path as a wheel member suffix: `/` separators, no `./`."""
    p = posixpath.normpath(path.replace("\\", "/"))
    if p.startswith("../") or p == ".." or p.startswith("/"):
        raise GeneratorError(f"package path {path!r} leaves the package directory")
    return p


def hash_dist_files(
    files: list[DistFile], wheel: zipfile.ZipFile, package_dir: str
) -> tuple[list[DistFile], list[DistFile]]:
    """The files with their SHA-256 from the wheel, and the dynamic files the wheel lacks
    (left out: Dash would answer 404 for them too). Any other missing file is an error."""
    members = set(wheel.namelist())
    hashed, missing = [], []
    for f in files:
        member = f"{package_dir}/{f.path}"
        if member not in members:
            if f.load == "Dynamic":
                print(f"warning: {member} ({f.kind}, dynamic) is not in the wheel; leaving it out", file=sys.stderr)
                missing.append(f)
                continue
            raise GeneratorError(f"the wheel has no {member}, which the package's _js_dist/_css_dist lists")
        digest = hashlib.sha256(wheel.read(member)).hexdigest()
        hashed.append(DistFile(f.path, f.kind, f.load, f.variant, f.external_url, digest))
    return hashed, missing


@dataclass(frozen=True)
class WheelInfo:
    filename: str
    sha256: str
    distribution: str  # `Name:` of the wheel's METADATA
    version: str
    package_dir: str  # the import name, e.g. dash_bootstrap_components

    @property
    def requirement(self) -> str:
        """`name==version` with the name normalised as pip does."""
        return f"{canonical_name(self.distribution)}=={self.version}"


def canonical_name(name: str) -> str:
    """A distribution name normalised (PEP 503): lower case, runs of `-_.` as `-`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def wheel_info(path: Path, wheel: zipfile.ZipFile) -> WheelInfo:
    """Name, version and package directory of a wheel."""
    metadata = [n for n in wheel.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n)]
    if len(metadata) != 1:
        raise GeneratorError(f"{path.name} has {len(metadata)} .dist-info/METADATA files, expected 1")
    fields: dict[str, str] = {}
    for line in wheel.read(metadata[0]).decode("utf-8", "replace").splitlines():
        if not line.strip():
            break  # the body starts
        key, sep, value = line.partition(":")
        if sep and key in ("Name", "Version") and key not in fields:
            fields[key] = value.strip()
    if "Name" not in fields or "Version" not in fields:
        raise GeneratorError(f"{metadata[0]} has no Name or Version")
    packages = sorted(
        {n.split("/")[0] for n in wheel.namelist() if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*/__init__\.py", n)}
    )
    wanted = canonical_name(fields["Name"]).replace("-", "_")
    if wanted in packages:
        package_dir = wanted
    elif len(packages) == 1:
        package_dir = packages[0]
    else:
        raise GeneratorError(f"cannot tell the package directory of {path.name} among {packages}")
    return WheelInfo(path.name, sha256_file(path), fields["Name"], fields["Version"], package_dir)


def parse_requirement(requirement: str) -> tuple[str, str]:
    m = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)\s*", requirement)
    if m is None:
        raise GeneratorError(f"--requirement must be NAME==VERSION, not {requirement!r}")
    return m.group(1), m.group(2)


@dataclass
class CrateOptions:
    crate_dir: Path
    crate_name: str
    module: str
    docs_url: str | None
    runtime: str
    serde: str


def crate_command(info: WheelInfo, opts: CrateOptions) -> str:
    """The command that regenerates the crate, as written into its files."""
    crate_dir = opts.crate_dir.resolve()
    try:
        shown = crate_dir.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        shown = crate_dir.as_posix()
    parts = ["python3", "tools/generate_components.py", "--requirement", info.requirement, "--crate-dir", shown]
    if opts.crate_name != default_crate_name(info):
        parts += ["--crate-name", opts.crate_name]
    if opts.module != opts.crate_name.replace("-", "_"):
        parts += ["--module", opts.module]
    if opts.docs_url:
        parts += ["--docs-url", opts.docs_url]
    if opts.runtime != "::dash_runtime":
        parts += ["--runtime-path", opts.runtime]
    if opts.serde != "::serde":
        parts += ["--serde-path", opts.serde]
    return " ".join(shlex.quote(p) for p in parts)


def default_crate_name(info: WheelInfo) -> str:
    return canonical_name(info.distribution)


def render_cargo_toml(info: WheelInfo, opts: CrateOptions, how: str) -> str:
    runtime_dir = Path(os.path.relpath(REPO_ROOT / "dash-runtime", opts.crate_dir.resolve())).as_posix()
    lines = [
        f"# Generated by tools/generate_components.py from {info.requirement}; regenerate with",
        f"# {how}",
        "[package]",
        f"name = {toml_str(opts.crate_name)}",
        "description = "
        + toml_str(f"Typed dash-rs builders for the Dash components of the Python package {info.distribution} {info.version}"),
        "version.workspace = true",
        "edition.workspace = true",
        "license.workspace = true",
        "rust-version.workspace = true",
        "publish = false",
        "",
    ]
    if opts.module != opts.crate_name.replace("-", "_"):
        lines += ["[lib]", f"name = {toml_str(opts.module)}", ""]
    lines += [
        "[dependencies]",
        f"dash-runtime = {{ path = {toml_str(runtime_dir)} }}",
        "serde = { workspace = true }",
        "",
        "[dev-dependencies]",
        "serde_json = { workspace = true }",
    ]
    return "\n".join(lines) + "\n"


def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def header_lines(info: WheelInfo, how: str) -> list[str]:
    return [
        f"//! Generated by `tools/generate_components.py` from `{info.requirement}`",
        f"//! ({wheel_source(info)}); do not edit.",
        f"//! Regenerate with `{how}`.",
    ]


def wheel_source(info: WheelInfo) -> str:
    """The wheel and its hash, split over two doc lines."""
    return f"wheel `{info.filename}`,\n//! sha256 `{info.sha256}`"


def doc_example(module: str, namespace: str, specs: list[ComponentSpec]) -> list[str]:
    """A doc test that builds one component and checks its JSON."""
    with_children = [s for s in specs if s.shortcut]
    pick = next((s for s in with_children if s.type_name == "Button"), None)
    pick = pick or (with_children[0] if with_children else specs[0])
    has_id = any(p.name == "id" and p.method == "id" for p in pick.props)
    if pick.shortcut:
        expr = f'{module}::{pick.shortcut}("Hello")'
        props = {"children": "Hello"}
    else:
        expr = f"{module}::{pick.rust_name}::new()"
        props = {}
    if has_id:
        expr += '.id("example")'
        props["id"] = "example"
    def js(v: object) -> str:
        return json.dumps(v, ensure_ascii=False)

    return [
        "//! ```",
        f"//! let component = {expr};",
        "//! let json = serde_json::to_value(&component).unwrap();",
        "//! assert_eq!(",
        "//!     json,",
        "//!     serde_json::json!({",
        f"//!         \"namespace\": {js(namespace)},",
        f"//!         \"type\": {js(pick.type_name)},",
        f"//!         \"props\": {js(props)}",
        "//!     })",
        "//! );",
        "//! ```",
    ]


def render_crate_lib(info: WheelInfo, opts: CrateOptions, namespace: str, specs: list[ComponentSpec], how: str) -> str:
    out = [
        f"//! Typed dash-rs builders for the Dash components of the `{info.distribution}` {info.version}",
        f"//! Python package (`{info.package_dir}`; JavaScript namespace `{namespace}`;",
        f"//! {len(specs)} components).",
        "//!",
        "//! One builder struct per component (`Type::new()`, a method per property, `prop(name, v)`",
        "//! for the rest), a shortcut function for each component with `children`, and the",
        "//! property tables typed ids are checked against. Depending on this crate links the",
        "//! package into the app: [`LIBRARY`] (its wheel and files, pinned by SHA-256) is",
        "//! registered with dash-runtime, which serves the package's scripts and stylesheets and",
        "//! adds its components to `_dash-config` and to startup validation.",
        "//!",
        *header_lines(info, how),
        "//!",
        *doc_example(opts.module, namespace, specs),
        "",
        "mod components;",
        "mod library;",
        *[f"pub mod {m};" for m in hand_written_modules(opts)],
        "",
        "pub use components::*;",
        "pub use library::LIBRARY;",
    ]
    return "\n".join(out) + "\n"


def hand_written_modules(opts: CrateOptions) -> list[str]:
    """Modules kept beside the generated ones (``src/<name>.rs`` in the crate directory, e.g.
    dash-bootstrap's ``themes``): declared by the generated ``lib.rs``, never overwritten."""
    src = opts.crate_dir / "src"
    generated = {Path(rel).name for rel in CRATE_SOURCES}
    if not src.is_dir():
        return []
    return sorted(p.stem for p in src.glob("*.rs") if p.name not in generated)


def render_crate_library(
    info: WheelInfo, opts: CrateOptions, namespace: str, files: list[DistFile], missing: list[DistFile], how: str
) -> str:
    runtime = opts.runtime.removeprefix("::")
    out = [
        f"//! The `{info.distribution}` {info.version} package for the runtime: its wheel, every file it",
        "//! registers in `_js_dist` and `_css_dist` (with the file's SHA-256 in the wheel), and its",
        "//! component tables.",
        "//!",
        *header_lines(info, how),
    ]
    if missing:
        out.append("//!")
        out.append("//! Listed by the package but not in its wheel, so left out (Dash would answer 404 too):")
        for f in missing:
            out.append(f"//! - `{f.path}`")
    out.append("")
    names = ["ComponentLibrary", "Wheel"] + (["FileKind", "LibraryFile", "Load", "Variant"] if files else [])
    out.append(f"use {runtime}::libraries::{{{', '.join(sorted(names))}}};")
    out.append("")
    out.append(f"/// The `{info.package_dir}` package as linked into the app.")
    out.append("pub const LIBRARY: ComponentLibrary = ComponentLibrary {")
    out.append(f"    namespace: {rust_str(namespace)},")
    out.append(f"    distribution: {rust_str(info.distribution)},")
    out.append(f"    version: {rust_str(info.version)},")
    out.append(f"    package_dir: {rust_str(info.package_dir)},")
    # One field a line, as rustfmt would write it (it leaves alone items with lines it
    # cannot fit, such as long URLs).
    out.append("    wheel: Wheel {")
    out.append(f"        filename: {rust_str(info.filename)},")
    out.append(f"        sha256: {rust_str(info.sha256)},")
    out.append("    },")
    out.append("    files: &[" if files else "    files: &[],")
    for f in files:
        url = f"Some({rust_str(f.external_url)})" if f.external_url is not None else "None"
        out.append("        LibraryFile {")
        out.append(f"            path: {rust_str(f.path)},")
        out.append(f"            sha256: {rust_str(f.sha256)},")
        out.append(f"            kind: FileKind::{f.kind},")
        out.append(f"            load: Load::{f.load},")
        out.append(f"            variant: Variant::{f.variant},")
        out.append(f"            external_url: {url},")
        out.append("        },")
    if files:
        out.append("    ],")
    out.append("    children_props: crate::components::CHILDREN_PROPS,")
    out.append("    known_props: crate::components::known_props,")
    out.append("};")
    out.append("")
    out.append(f"{runtime}::register_library!(LIBRARY);")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------


def default_python() -> str:
    """The conformance venv's interpreter when it exists, else this one."""
    return str(DEFAULT_PYTHON) if DEFAULT_PYTHON.exists() else sys.executable


def download_wheel(python: str, requirement: str, dest: Path) -> Path:
    """`<python> -m pip download REQUIREMENT --no-deps` into `dest`, through pip's own
    configuration (index, proxies); the one wheel it saves."""
    cmd = [
        python, "-m", "pip", "download", requirement,
        "--no-deps", "--only-binary=:all:", "-d", str(dest),
    ]  # fmt: skip
    print("running:", " ".join(cmd), file=sys.stderr)
    result = subprocess.run(cmd, check=False, stdout=sys.stderr)
    if result.returncode != 0:
        raise GeneratorError(f"pip download {requirement} failed with exit code {result.returncode}")
    wheels = sorted(dest.glob("*.whl"))
    if len(wheels) != 1:
        raise GeneratorError(f"pip download {requirement} saved {len(wheels)} wheels, expected 1")
    return wheels[0]


def verify_dash_wheel(path: Path) -> None:
    """The dash wheel must be the pinned one."""
    digest = sha256_file(path)
    if digest != DASH_WHEEL_SHA256:
        raise GeneratorError(
            f"{path.name} has SHA-256 {digest}, but the dash {DASH_VERSION} wheel is pinned to "
            f"{DASH_WHEEL_SHA256} (DASH_WHEEL_SHA256 in tools/generate_components.py)"
        )


def read_wheel_json(wheel: zipfile.ZipFile, member: str) -> dict:
    try:
        raw = wheel.read(member)
    except KeyError:
        raise GeneratorError(f"the wheel has no {member}") from None
    return json.loads(raw)


def run_rustfmt(files: list[Path]) -> None:
    rustfmt = shutil.which("rustfmt")
    if rustfmt is None:
        raise GeneratorError("rustfmt not found on PATH (install it, or pass --no-rustfmt)")
    subprocess.run([rustfmt, "--edition", "2021", *map(str, files)], check=True)


def generate_builtin(wheel_path: Path | None, fmt: bool, out_dir: Path, python: str) -> list[Path]:
    """html, dcc and dash_table from the pinned dash wheel into `out_dir`."""
    with tempfile.TemporaryDirectory(prefix="dash-wheel-") as tmp:
        if wheel_path is None:
            wheel_path = download_wheel(python, f"dash=={DASH_VERSION}", Path(tmp))
        verify_dash_wheel(wheel_path)
        with zipfile.ZipFile(wheel_path) as wheel:
            loaded = [(lib, read_wheel_json(wheel, member)) for member, lib in BUILTIN]
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for lib, metadata in loaded:
        specs = analyse(metadata)
        code = render_library(lib, specs, "crate", "serde", "python3 tools/generate_components.py")
        path = out_dir / f"{lib.module}.rs"
        path.write_text(code, encoding="utf-8")
        written.append(path)
        print(f"wrote {shown_path(path)} ({len(specs)} components)", file=sys.stderr)
    mod_path = out_dir / "mod.rs"
    mod_path.write_text(render_mod([lib for lib, _ in loaded]), encoding="utf-8")
    written.insert(0, mod_path)
    if fmt:
        run_rustfmt(written)
    return written


def shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def generate_custom(args: argparse.Namespace) -> Path:
    metadata = json.loads(Path(args.metadata).read_text(encoding="utf-8"))
    module = Path(args.out).stem
    lib = Library(
        module=module,
        python_name=args.package,
        namespace=args.namespace,
        docs_url=args.docs_url,
        source=f"the `metadata.json` of the `{args.package}` package",
    )
    specs = analyse(metadata)
    how = (
        f"python3 tools/generate_components.py --package {args.package} --metadata <metadata.json> "
        f"--namespace {args.namespace} --out <file>"
    )
    code = render_library(lib, specs, args.runtime_path, args.serde_path, how)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(code, encoding="utf-8")
    print(f"wrote {out} ({len(specs)} components)", file=sys.stderr)
    if not args.no_rustfmt:
        run_rustfmt([out])
    return out


# The files of a generated crate that --check compares.
CRATE_SOURCES = ["src/lib.rs", "src/components.rs", "src/library.rs"]


def generate_crate(
    wheel_path: Path | None,
    requirement: str | None,
    opts: CrateOptions,
    out_dir: Path,
    python: str,
    fmt: bool,
) -> list[Path]:
    """A crate for a component package (downloaded with pip, or a wheel on disk) in `out_dir`;
    `opts.crate_dir` is where it lives (for paths and the regenerate command)."""
    with tempfile.TemporaryDirectory(prefix="dash-package-") as tmp:
        tmp_path = Path(tmp)
        if wheel_path is None:
            assert requirement is not None
            wheel_path = download_wheel(python, requirement, tmp_path / "download")
        with zipfile.ZipFile(wheel_path) as wheel:
            info = wheel_info(wheel_path, wheel)
            if requirement is not None:
                name, version = parse_requirement(requirement)
                if canonical_name(name) != canonical_name(info.distribution) or version != info.version:
                    raise GeneratorError(f"asked for {requirement}, but the wheel is {info.distribution} {info.version}")
            if info.package_dir == "dash":
                raise GeneratorError("the dash wheel's libraries are generated by the builtin mode (no --crate-dir)")
            unpacked = tmp_path / "wheel"
            wheel.extractall(unpacked)
            found = introspect(python, unpacked, info.package_dir)
            metadata_member = f"{info.package_dir}/metadata.json"
            if metadata_member in wheel.namelist():
                specs = analyse(read_wheel_json(wheel, metadata_member))
                namespace, from_classes = analyse_classes(found["components"])
                compare_with_classes(specs, from_classes)
                source = "metadata.json"
            else:
                namespace, specs = analyse_classes(found["components"])
                source = "the Python classes"
            files, missing = hash_dist_files(dist_files(found["js_dist"], found["css_dist"]), wheel, info.package_dir)
    for entry in found["js_dist"] + found["css_dist"]:
        ns = entry.get("namespace") if isinstance(entry, dict) else None
        if ns not in (None, namespace):
            print(f"warning: a _js_dist/_css_dist entry has namespace {ns!r}, not {namespace!r}", file=sys.stderr)
    how = crate_command(info, opts)
    lib = Library(
        module=opts.module,
        python_name=info.package_dir,
        namespace=namespace,
        docs_url=opts.docs_url,
        source=f"`{info.requirement}` ({wheel_source(info)})",
    )
    src = out_dir / "src"
    src.mkdir(parents=True, exist_ok=True)
    outputs = {
        "Cargo.toml": render_cargo_toml(info, opts, how),
        "src/lib.rs": render_crate_lib(info, opts, namespace, specs, how),
        "src/components.rs": render_library(lib, specs, opts.runtime, opts.serde, how),
        "src/library.rs": render_crate_library(info, opts, namespace, files, missing, how),
    }
    written = []
    for rel, text in outputs.items():
        path = out_dir / rel
        path.write_text(text, encoding="utf-8")
        written.append(path)
    print(
        f"wrote {shown_path(out_dir)}: {len(specs)} components (from {source}), {len(files)} files, "
        f"wheel {info.filename} sha256 {info.sha256}",
        file=sys.stderr,
    )
    if fmt:
        # rustfmt follows `pub mod <name>;` to the module's file: a fresh directory (--check)
        # gets copies of the crate's hand-written modules, which are never compared.
        for name in hand_written_modules(opts):
            kept = opts.crate_dir / "src" / f"{name}.rs"
            target = src / f"{name}.rs"
            if kept.resolve() != target.resolve():
                shutil.copyfile(kept, target)
        run_rustfmt([p for p in written if p.suffix == ".rs"])
    return written


def compare_with_classes(specs: list[ComponentSpec], classes: list[ComponentSpec]) -> None:
    """Warn where metadata.json and the Python classes disagree on types or children_props."""
    by_type = {s.type_name: s for s in classes}
    for spec in specs:
        other = by_type.pop(spec.type_name, None)
        if other is None:
            print(f"warning: metadata.json has {spec.type_name}, the Python classes do not", file=sys.stderr)
        elif other.children_paths != spec.children_paths:
            print(
                f"warning: {spec.type_name}: children_props {spec.children_paths} from metadata.json, "
                f"{other.children_paths} in the Python class",
                file=sys.stderr,
            )
    for type_name in by_type:
        print(f"warning: the Python classes have {type_name}, metadata.json does not", file=sys.stderr)


def compare_files(pairs: list[tuple[str, Path, Path]]) -> list[str]:
    """Names of the files that differ, `(name, committed, regenerated)`; prints a unified diff
    (at most 40 lines per file) of each."""
    differ = []
    for name, committed, fresh in pairs:
        new = fresh.read_text(encoding="utf-8").splitlines(keepends=True)
        if not committed.is_file():
            print(f"--- {name}: missing (the regenerated file has {len(new)} lines)")
            differ.append(name)
            continue
        old = committed.read_text(encoding="utf-8").splitlines(keepends=True)
        if old == new:
            continue
        differ.append(name)
        diff = list(difflib.unified_diff(old, new, f"{name} (committed)", f"{name} (regenerated)"))
        changed = sum(1 for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---"))
        for line in diff[:40]:
            sys.stdout.write(line if line.endswith("\n") else line + "\n")
        if len(diff) > 40:
            print(f"... ({len(diff) - 40} more diff lines)")
        print(f"{name}: {changed} changed lines")
    return differ


def report_check(differ: list[str], what: str) -> int:
    if differ:
        print(f"{what} is out of date: {len(differ)} file(s) differ from a fresh generation "
              f"({', '.join(differ)}); run the regenerate command in the file header")
        return 1
    print(f"{what} is up to date")
    return 0


def check_builtin(wheel_path: Path | None, python: str) -> int:
    with tempfile.TemporaryDirectory(prefix="dash-check-") as tmp:
        fresh = generate_builtin(wheel_path, True, Path(tmp), python)
        pairs = [(shown_path(GENERATED_DIR / f.name), GENERATED_DIR / f.name, f) for f in fresh]
        return report_check(compare_files(pairs), shown_path(GENERATED_DIR))


def check_crate(wheel_path: Path | None, requirement: str | None, opts: CrateOptions, python: str) -> int:
    with tempfile.TemporaryDirectory(prefix="dash-check-") as tmp:
        generate_crate(wheel_path, requirement, opts, Path(tmp), python, True)
        pairs = [(shown_path(opts.crate_dir / rel), opts.crate_dir / rel, Path(tmp) / rel) for rel in CRATE_SOURCES]
        return report_check(compare_files(pairs), f"the crate in {shown_path(opts.crate_dir)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate typed Rust builders for Dash components (see the module docstring).",
    )
    parser.add_argument("--wheel", help="a wheel on disk instead of downloading one (dash's, or the package's with --crate-dir)")
    parser.add_argument("--requirement", help="NAME==VERSION of a component package to turn into a crate (crate mode)")
    parser.add_argument("--crate-dir", help="directory of the crate to write (crate mode)")
    parser.add_argument("--crate-name", help="Cargo package name (crate mode; default: the distribution name)")
    parser.add_argument("--module", help="Rust library name (crate mode; default: the crate name with _)")
    parser.add_argument("--python", help="interpreter for pip and for importing the package "
                        "(default: target/conformance-venv/bin/python)")
    parser.add_argument("--check", action="store_true",
                        help="generate into a temporary directory and compare with the committed files")
    parser.add_argument("--package", help="Python package name of a component library (custom mode)")
    parser.add_argument("--metadata", help="path of the library's metadata.json (custom mode)")
    parser.add_argument("--namespace", help="JavaScript namespace of the library (custom mode)")
    parser.add_argument("--out", help="Rust file to write (custom mode)")
    parser.add_argument("--docs-url", help="docs link template with {type} / {type_lower} (custom and crate modes)")
    parser.add_argument(
        "--runtime-path", default="::dash_runtime", help="path of the dash-runtime crate (custom and crate modes)"
    )
    parser.add_argument("--serde-path", default="::serde", help="path of the serde crate (custom and crate modes)")
    parser.add_argument("--no-rustfmt", action="store_true", help="do not run rustfmt on the output")
    args = parser.parse_args(argv)

    custom = [args.package, args.metadata, args.namespace, args.out]
    python = args.python or default_python()
    try:
        if any(custom):
            if not all(custom):
                parser.error("custom mode needs --package, --metadata, --namespace and --out")
            if args.wheel or args.requirement or args.crate_dir or args.check:
                parser.error("custom mode (--metadata) takes none of --wheel, --requirement, --crate-dir, --check")
            generate_custom(args)
        elif args.crate_dir or args.requirement:
            if not args.crate_dir:
                parser.error("--requirement needs --crate-dir")
            if bool(args.wheel) == bool(args.requirement):
                parser.error("crate mode needs one of --requirement NAME==VERSION and --wheel PATH")
            if args.requirement:
                parse_requirement(args.requirement)
            if args.no_rustfmt and args.check:
                parser.error("--check formats the files it compares; drop --no-rustfmt")
            if not Path(python).exists() and not shutil.which(python):
                raise GeneratorError(f"no interpreter {python} (run scripts/setup-python, or pass --python)")
            opts = crate_options(args, python)
            wheel = Path(args.wheel) if args.wheel else None
            if args.check:
                return check_crate(wheel, args.requirement, opts, python)
            generate_crate(wheel, args.requirement, opts, opts.crate_dir, python, not args.no_rustfmt)
        else:
            wheel = Path(args.wheel) if args.wheel else None
            if args.check:
                return check_builtin(wheel, python)
            generate_builtin(wheel, not args.no_rustfmt, GENERATED_DIR, python)
    except (GeneratorError, OSError, json.JSONDecodeError, zipfile.BadZipFile) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


def crate_options(args: argparse.Namespace, python: str) -> CrateOptions:
    """--crate-name and --module, defaulting to the distribution's name (read from the wheel
    when it is given, else from --requirement)."""
    if args.requirement:
        name = parse_requirement(args.requirement)[0]
    else:
        with zipfile.ZipFile(args.wheel) as wheel:
            name = wheel_info(Path(args.wheel), wheel).distribution
    crate_name = args.crate_name or canonical_name(name)
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", crate_name):
        raise GeneratorError(f"--crate-name {crate_name!r} is not a Cargo package name")
    module = args.module or crate_name.replace("-", "_")
    if not IDENT_RE.fullmatch(module) or module in RUST_KEYWORDS:
        raise GeneratorError(f"--module {module!r} is not a Rust identifier")
    return CrateOptions(Path(args.crate_dir), crate_name, module, args.docs_url, args.runtime_path, args.serde_path)


if __name__ == "__main__":
    sys.exit(main())
