#!/usr/bin/env python3
"""Generate typed Rust builders for Dash components from component metadata.

Dash component packages ship a ``metadata.json`` (react-docgen output) listing every
component with its props and their prop types. This tool turns such a file into one Rust
module: a builder struct per component (a typed method per prop), the component's prop
names, and the ``children_props`` paths Dash's front end needs. Only names and types are
used; each struct links to the upstream documentation instead of copying prose.

Standard libraries (html, dcc, dash_table), one command::

    python3 tools/generate_components.py

downloads the pinned Dash wheel with ``pip download dash==4.4.1 --no-deps`` (pip's own
configuration, proxies and index settings apply), reads ``dash/html/metadata.json``,
``dash/dcc/metadata.json`` and ``dash/dash_table/metadata.json`` from it and rewrites
``dash-runtime/src/components/generated/`` (``mod.rs``, ``html.rs``, ``dcc.rs``,
``dash_table.rs``), then runs ``rustfmt`` on those files. To use a wheel already on disk::

    python3 tools/generate_components.py --wheel dash-4.4.1-py3-none-any.whl

Any other Dash component package (point it at the package's ``metadata.json``)::

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

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

DASH_VERSION = "4.4.1"

REPO_ROOT = Path(__file__).resolve().parent.parent
GENERATED_DIR = REPO_ROOT / "dash-runtime" / "src" / "components" / "generated"


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
MODULE_ITEMS = {"NAMESPACE", "CHILDREN_PROPS", "known_props"}


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
# Driver
# --------------------------------------------------------------------------------------


def download_wheel(dest: Path) -> Path:
    """`pip download dash==VERSION --no-deps` into `dest`, through pip's own configuration."""
    cmd = [
        sys.executable, "-m", "pip", "download", f"dash=={DASH_VERSION}",
        "--no-deps", "--only-binary=:all:", "-d", str(dest),
    ]  # fmt: skip
    print("running:", " ".join(cmd[2:]), file=sys.stderr)
    result = subprocess.run(cmd, check=False)
    if result.returncode != 0:
        raise GeneratorError(f"pip download failed with exit code {result.returncode}")
    wheels = sorted(dest.glob(f"dash-{DASH_VERSION}-*.whl"))
    if not wheels:
        raise GeneratorError("pip download did not produce a dash wheel")
    return wheels[0]


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


def generate_builtin(wheel_path: Path | None, fmt: bool) -> list[Path]:
    with tempfile.TemporaryDirectory(prefix="dash-wheel-") as tmp:
        if wheel_path is None:
            wheel_path = download_wheel(Path(tmp))
        with zipfile.ZipFile(wheel_path) as wheel:
            loaded = [(lib, read_wheel_json(wheel, member)) for member, lib in BUILTIN]
    GENERATED_DIR.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for lib, metadata in loaded:
        specs = analyse(metadata)
        code = render_library(lib, specs, "crate", "serde", "python3 tools/generate_components.py")
        path = GENERATED_DIR / f"{lib.module}.rs"
        path.write_text(code, encoding="utf-8")
        written.append(path)
        print(f"wrote {path.relative_to(REPO_ROOT)} ({len(specs)} components)", file=sys.stderr)
    mod_path = GENERATED_DIR / "mod.rs"
    mod_path.write_text(render_mod([lib for lib, _ in loaded]), encoding="utf-8")
    written.insert(0, mod_path)
    if fmt:
        run_rustfmt(written)
    return written


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate typed Rust builders for Dash components (see the module docstring).",
    )
    parser.add_argument("--wheel", help="a local dash wheel to read instead of downloading one")
    parser.add_argument("--package", help="Python package name of a component library (custom mode)")
    parser.add_argument("--metadata", help="path of the library's metadata.json (custom mode)")
    parser.add_argument("--namespace", help="JavaScript namespace of the library (custom mode)")
    parser.add_argument("--out", help="Rust file to write (custom mode)")
    parser.add_argument("--docs-url", help="docs link template with {type} / {type_lower} (custom mode)")
    parser.add_argument(
        "--runtime-path", default="::dash_runtime", help="path of the dash-runtime crate (custom mode)"
    )
    parser.add_argument("--serde-path", default="::serde", help="path of the serde crate (custom mode)")
    parser.add_argument("--no-rustfmt", action="store_true", help="do not run rustfmt on the output")
    args = parser.parse_args(argv)

    custom = [args.package, args.metadata, args.namespace, args.out]
    try:
        if any(custom):
            if not all(custom):
                parser.error("custom mode needs --package, --metadata, --namespace and --out")
            if args.wheel:
                parser.error("--wheel is for the standard libraries; use --metadata for others")
            generate_custom(args)
        else:
            generate_builtin(Path(args.wheel) if args.wheel else None, not args.no_rustfmt)
    except (GeneratorError, OSError, json.JSONDecodeError, zipfile.BadZipFile) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
