"""Tests of tools/generate_components.py (Python 3.11 standard library only).

    python3 -m unittest tools/test_generate_components.py

The tests that import a component package need an interpreter with dash installed; they use
`$DASH_PYTHON` or the conformance venv (`target/conformance-venv/bin/python`, see
`scripts/setup-python`) and are skipped when neither exists.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import sys
import tempfile
import typing
import unittest
import zipfile
from pathlib import Path

sys.dont_write_bytecode = True  # no tools/__pycache__ from importing the tool
sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate_components as gc  # noqa: E402


def kind(annotation: object) -> str | None:
    """Classify a live annotation the way the introspection subprocess reports it."""
    return gc.classify_annotation(gc.describe_annotation(annotation, FakeComponent))


class FakeComponent:
    """Stands in for dash's Component base class."""


class Widget(FakeComponent):
    pass


# Like the `ComponentType` and `NumberType` aliases of Dash's generated classes.
ComponentType = typing.Union[
    str, int, float, FakeComponent, None, typing.Sequence[typing.Union[str, int, float, FakeComponent, None]]
]
NumberType = typing.Union[typing.SupportsFloat, typing.SupportsInt, typing.SupportsComplex]


class ClassifyAnnotations(unittest.TestCase):
    def test_plain_types(self):
        self.assertEqual(kind(str), "string")
        self.assertEqual(kind(bool), "bool")
        self.assertEqual(kind(int), "number")
        self.assertEqual(kind(float), "number")
        self.assertEqual(kind(NumberType), "number")
        self.assertEqual(kind(dict), "any")
        self.assertEqual(kind(typing.Any), "any")
        self.assertIsNone(kind(None))

    def test_optional_unwraps(self):
        self.assertEqual(kind(typing.Optional[str]), "string")
        self.assertEqual(kind(typing.Optional[bool]), "bool")
        self.assertEqual(kind(typing.Optional[NumberType]), "number")
        self.assertEqual(kind(str | None), "string")
        self.assertEqual(kind(typing.Optional[typing.Any]), "any")

    def test_annotated_unwraps(self):
        self.assertEqual(kind(typing.Annotated[NumberType, "schema"]), "number")
        self.assertEqual(kind(typing.Optional[typing.Annotated[NumberType, object]]), "number")

    def test_literals(self):
        self.assertEqual(kind(typing.Literal["sm", "md", "lg"]), "string")
        self.assertEqual(kind(typing.Optional[typing.Literal["a", "b"]]), "string")
        self.assertEqual(kind(typing.Literal["sizeToFit", None]), "string")
        self.assertEqual(kind(typing.Literal[1, 2]), "number")
        self.assertEqual(kind(typing.Literal[True]), "bool")
        self.assertEqual(kind(typing.Literal["a", 1]), "any")
        # A union of a string and string literals is a string; with a bool it is mixed.
        self.assertEqual(kind(typing.Union[str, typing.Literal["x"], None]), "string")
        self.assertEqual(kind(typing.Union[bool, typing.Literal["static"], None]), "any")

    def test_components(self):
        self.assertEqual(kind(ComponentType), "node")
        self.assertEqual(kind(typing.Optional[ComponentType]), "node")
        self.assertEqual(kind(Widget), "node")
        self.assertEqual(kind(typing.Sequence[Widget]), "node")
        self.assertEqual(kind(typing.List[typing.Union[str, FakeComponent]]), "node")
        self.assertEqual(kind(typing.Sequence[str]), "any")
        self.assertEqual(kind(typing.Dict[str, FakeComponent]), "any")

    def test_mixed_and_unknown(self):
        self.assertEqual(kind(typing.Union[str, dict, None]), "any")
        self.assertEqual(kind(typing.Union[str, NumberType, None]), "any")
        self.assertEqual(kind(typing.Optional[typing.Sequence[typing.ForwardRef("Items")]]), "any")
        self.assertEqual(kind(typing.ForwardRef("Options")), "any")
        self.assertEqual(kind(object()), "any")
        self.assertEqual(gc.classify_annotation(None), "any")
        self.assertEqual(gc.classify_annotation({"t": "what"}), "any")

    def test_strings(self):
        """Annotations left as strings (postponed evaluation, unresolved names)."""

        def s(text: str) -> str | None:
            return gc.classify_annotation({"t": "ref", "name": text})

        self.assertEqual(s("str"), "string")
        self.assertEqual(s("typing.Optional[str]"), "string")
        self.assertEqual(s("Optional[bool]"), "bool")
        self.assertEqual(s("NumberType"), "number")
        self.assertEqual(s("typing.Optional[NumberType]"), "number")
        self.assertEqual(s("int | float | None"), "number")
        self.assertEqual(s("ComponentType"), "node")
        self.assertEqual(s("typing.Optional[typing.Sequence[ComponentType]]"), "node")
        self.assertEqual(s("Literal['a', \"b\"]"), "string")
        self.assertEqual(s("typing.Union[str, typing.Literal['x, y'], None]"), "string")
        self.assertEqual(s("Literal['a', 1]"), "any")
        self.assertEqual(s("typing.Optional[typing.Union[str, dict]]"), "any")
        self.assertEqual(s("'str'"), "string")
        self.assertEqual(s("Something[["), "any")
        self.assertEqual(s("Options"), "any")
        self.assertIsNone(s("None"))


class DistFiles(unittest.TestCase):
    def test_plain_entry(self):
        files = gc.dist_files(
            [{"relative_package_path": "pkg.min.js", "external_url": "https://cdn/pkg.min.js", "namespace": "pkg"}],
            [{"relative_package_path": "pkg.css"}],
        )
        self.assertEqual(
            files,
            [
                gc.DistFile("pkg.min.js", "Script", "Index", "Any", "https://cdn/pkg.min.js"),
                gc.DistFile("pkg.css", "Stylesheet", "Index", "Any", None),
            ],
        )

    def test_dynamic_and_async(self):
        files = gc.dist_files(
            [
                {"relative_package_path": "a.js.map", "dynamic": True},
                {"relative_package_path": "b.js", "async": True},
                {"relative_package_path": "c.js", "async": "lazy"},
                {"relative_package_path": "d.js", "async": "eager"},
                {"relative_package_path": "e.js", "async": False},
                {"relative_package_path": "f.js", "dynamic": False},
                {"relative_package_path": "g.js", "dynamic": True, "async": True},
            ],
            [],
        )
        self.assertEqual(
            [(f.path, f.load) for f in files],
            [
                ("a.js.map", "Dynamic"),
                ("b.js", "Async"),
                ("c.js", "Async"),
                ("d.js", "Async"),
                ("e.js", "Index"),
                ("f.js", "Index"),
                ("g.js", "Dynamic"),
            ],
        )

    def test_lists_and_dev_bundles(self):
        files = gc.dist_files(
            [
                {
                    "relative_package_path": ["one.min.js", "two.min.js"],
                    "dev_package_path": ["one.dev.js", "two.dev.js"],
                    "external_url": ["https://cdn/one.min.js", "https://cdn/two.min.js"],
                },
                {"relative_package_path": ["x.js", "y.js"], "external_url": ["https://cdn/x.js"]},
                {"relative_package_path": "z.js", "dev_package_path": "z.dev.js", "external_url": "https://cdn/z.js"},
            ],
            [],
        )
        self.assertEqual(
            [(f.path, f.variant, f.external_url) for f in files],
            [
                ("one.min.js", "Prod", "https://cdn/one.min.js"),
                ("two.min.js", "Prod", "https://cdn/two.min.js"),
                ("one.dev.js", "Dev", "https://cdn/one.min.js"),
                ("two.dev.js", "Dev", "https://cdn/two.min.js"),
                ("x.js", "Any", "https://cdn/x.js"),
                ("y.js", "Any", None),
                ("z.js", "Prod", "https://cdn/z.js"),
                ("z.dev.js", "Dev", "https://cdn/z.js"),
            ],
        )

    def test_external_only_entries_and_paths(self):
        files = gc.dist_files(
            [{"external_url": "https://cdn/only.js"}, {"relative_package_path": "./sub\\file.js"}, "junk"],
            [],
        )
        self.assertEqual([f.path for f in files], ["sub/file.js"])
        with self.assertRaises(gc.GeneratorError):
            gc.dist_files([{"relative_package_path": "../escape.js"}], [])
        with self.assertRaises(gc.GeneratorError):
            gc.dist_files([{"relative_package_path": [""]}], [])

    def test_hashes_and_missing_files(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "p.whl"
            with zipfile.ZipFile(path, "w") as z:
                z.writestr("pkg/pkg.js", b"console.log(1)")
            with zipfile.ZipFile(path) as z, contextlib.redirect_stderr(io.StringIO()):
                hashed, missing = gc.hash_dist_files(
                    gc.dist_files(
                        [{"relative_package_path": "pkg.js"}, {"relative_package_path": "pkg.js.map", "dynamic": True}],
                        [],
                    ),
                    z,
                    "pkg",
                )
                self.assertEqual([f.sha256 for f in hashed], [hashlib.sha256(b"console.log(1)").hexdigest()])
                self.assertEqual([f.path for f in missing], ["pkg.js.map"])
                with self.assertRaises(gc.GeneratorError):
                    gc.hash_dist_files(gc.dist_files([{"relative_package_path": "gone.js"}], []), z, "pkg")


class ClassSpecs(unittest.TestCase):
    def component(self, **over) -> dict:
        c = {
            "class": "pkg.Thing",
            "type": "Thing",
            "namespace": "pkg",
            "own_type": True,
            "prop_names": ["children", "id", "label", "size", "count", "open", "style", "icon", "data-*"],
            "wildcards": ["data-", "aria-"],
            "children_props": ["label", "items[].label"],
            "params": [
                {"name": "children", "annotation": {"t": "ref", "name": "ComponentType"}},
                {"name": "id", "annotation": {"t": "ref", "name": "typing.Union[str, dict]"}},
                {"name": "label", "annotation": {"t": "ref", "name": "str"}},
                {"name": "size", "annotation": {"t": "literal", "values": ["sm", "lg"], "other": False}},
                {"name": "count", "annotation": {"t": "ref", "name": "typing.Optional[NumberType]"}},
                {"name": "open", "annotation": {"t": "class", "name": "builtins.bool"}},
                {"name": "style", "annotation": None},
                {"name": "icon", "annotation": {"t": "component"}},
            ],
            "notes": [],
        }
        c.update(over)
        return c

    def test_kinds(self):
        spec = gc.class_spec(self.component())
        kinds = {p.name: (p.kind, p.value_kind) for p in spec.props}
        self.assertEqual(
            kinds,
            {
                "children": ("children", "children"),
                "id": ("serialize", "any"),
                "label": ("children_like", "children"),  # listed in _children_props
                "size": ("string", "string"),
                "count": ("number", "number"),
                "open": ("bool", "bool"),
                "style": ("serialize", "any"),
                "icon": ("children_like", "children"),  # typed as a component
            },
        )
        self.assertEqual(spec.prop_names, ["children", "id", "label", "size", "count", "open", "style", "icon"])
        self.assertEqual(spec.wildcards, ["data-", "aria-"])
        self.assertEqual(spec.children_paths, ["label", "items[].label"])
        self.assertTrue(spec.has_children)

    def test_namespace_types_and_clashing_names(self):
        comps = [
            self.component(type="Option", **{"class": "pkg.Option"}),
            self.component(type="Box", **{"class": "pkg.Box"}),
            self.component(type="LIBRARY", **{"class": "pkg.LIBRARY"}),
            self.component(type="Other", namespace="elsewhere", **{"class": "x.Other"}),
            self.component(type="Box", own_type=False, **{"class": "pkg.SubBox"}),
        ]
        with contextlib.redirect_stderr(io.StringIO()) as log:
            namespace, specs = gc.analyse_classes(comps)
        self.assertIn("skipping x.Other", log.getvalue())
        self.assertEqual(namespace, "pkg")
        self.assertEqual([s.type_name for s in specs], ["Box", "LIBRARY", "Option"])
        self.assertEqual(specs[1].rust_name, "LIBRARY_")
        self.assertEqual(specs[0].shortcut, "r#box")
        lib = gc.Library("pkg", "pkg", "pkg", None, "a test")
        code = gc.render_library(lib, specs, "::dash_runtime", "::serde", "regenerate")
        # `Option` is a component here, so the prelude's is written out in full.
        self.assertIn("-> ::core::option::Option<(&'static [&'static str]", code)
        self.assertIn("pub struct Option(Component);", code)

    def test_no_components(self):
        with self.assertRaises(gc.GeneratorError):
            gc.analyse_classes([])


class WheelMetadata(unittest.TestCase):
    def test_names(self):
        self.assertEqual(gc.canonical_name("Dash_Mantine.Components"), "dash-mantine-components")
        self.assertEqual(gc.parse_requirement("dash-ag-grid==35.3.0"), ("dash-ag-grid", "35.3.0"))
        for bad in ["dash-ag-grid", "dash-ag-grid>=35", "==1.0", "x==1.0; python_version>'3'"]:
            with self.assertRaises(gc.GeneratorError):
                gc.parse_requirement(bad)

    def test_wheel_info(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "my_pkg-1.2.3-py3-none-any.whl"
            with zipfile.ZipFile(path, "w") as z:
                z.writestr("my_pkg/__init__.py", "")
                z.writestr("tests/__init__.py", "")
                z.writestr("my_pkg-1.2.3.dist-info/METADATA", "Metadata-Version: 2.1\nName: My_Pkg\nVersion: 1.2.3\n\nName: not this\n")
            with zipfile.ZipFile(path) as z:
                info = gc.wheel_info(path, z)
            self.assertEqual(
                (info.distribution, info.version, info.package_dir, info.requirement),
                ("My_Pkg", "1.2.3", "my_pkg", "my-pkg==1.2.3"),
            )
            self.assertEqual(info.sha256, hashlib.sha256(path.read_bytes()).hexdigest())


# --------------------------------------------------------------------------------------
# A whole crate from a fake component package (needs an interpreter with dash)
# --------------------------------------------------------------------------------------

CLASS_TEMPLATE = '''
class {name}(_Component):
    _children_props = {children_props!r}
    _base_nodes = ['children']
    _namespace = 'fake_pkg'
    _type = {name!r}

    def __init__(
        self,
        children: typing.Optional[ComponentType] = None,
        id: typing.Optional[typing.Union[str, dict]] = None,
        *,
        label: typing.Optional[ComponentType] = None,
        size: typing.Optional[Literal["sm", "lg"]] = None,
        count: typing.Optional[NumberType] = None,
        type: typing.Optional[str] = None,
        disabled: typing.Optional[bool] = None,
        options: typing.Optional[typing.Sequence["Options"]] = None,
        value: typing.Optional[str] = None,
        **kwargs
    ):
        self._prop_names = {props!r}
        self._valid_wildcard_attributes = ['data-', 'aria-']
        self.available_properties = {props!r}
        self.available_wildcard_properties = ['data-', 'aria-']
        _explicit_args = kwargs.pop('_explicit_args')
        _locals = locals()
        _locals.update(kwargs)
        args = {{k: _locals[k] for k in _explicit_args if k != 'children'}}
        for k in ['value']:
            if k not in args:
                raise TypeError('Required argument `' + k + '` was not specified.')
        super({name}, self).__init__(children=children, **args)


setattr({name}, "__init__", _explicitize_args({name}.__init__))
'''

MODULE_HEAD = '''{future}
import typing
from typing import Literal
from dash.development.base_component import Component as _Component, _explicitize_args

ComponentType = typing.Union[
    str, int, float, _Component, None, typing.Sequence[typing.Union[str, int, float, _Component, None]]
]
NumberType = typing.Union[typing.SupportsFloat, typing.SupportsInt, typing.SupportsComplex]
'''

PROPS = ["children", "id", "label", "size", "count", "type", "disabled", "options", "value", "data-*", "aria-*", "async"]

INIT = '''
from .components import *  # noqa
from .later import Result  # noqa

_js_dist = [
    {"relative_package_path": "fake_pkg.min.js", "dev_package_path": "fake_pkg.dev.js",
     "external_url": "https://cdn.example/fake_pkg.min.js", "namespace": "fake_pkg"},
    {"relative_package_path": "fake_pkg.min.js.map", "dynamic": True, "namespace": "fake_pkg"},
    {"relative_package_path": ["chunk-a.js", "chunk-b.js"], "async": "lazy",
     "external_url": ["https://cdn.example/chunk-a.js", "https://cdn.example/chunk-b.js"], "namespace": "fake_pkg"},
]
_css_dist = [{"relative_package_path": "fake_pkg.css", "namespace": "fake_pkg"}]
'''


def fake_wheel(directory: Path) -> Path:
    """A wheel of `fake-pkg` 0.1.0: components named like Rust's prelude and the generated
    items (`Option`, `Some`, `Box`, `String`, `Component`, `LIBRARY`, `Result`), one module
    with postponed annotations, props that are keywords or not identifiers, and every kind of
    `_js_dist` entry."""
    path = directory / "fake_pkg-0.1.0-py3-none-any.whl"
    components = MODULE_HEAD.format(future="")
    for name in ["Option", "Some", "Box", "String", "Component", "LIBRARY", "Thing"]:
        components += CLASS_TEMPLATE.format(name=name, props=PROPS, children_props=["label"])
    later = MODULE_HEAD.format(future="from __future__ import annotations")
    later += CLASS_TEMPLATE.format(name="Result", props=PROPS, children_props=["label"])
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("fake_pkg/__init__.py", INIT)
        z.writestr("fake_pkg/components.py", components)
        z.writestr("fake_pkg/later.py", later)
        for name in ["fake_pkg.min.js", "fake_pkg.dev.js", "chunk-a.js", "chunk-b.js", "fake_pkg.css"]:
            z.writestr(f"fake_pkg/{name}", f"/* {name} */")
        z.writestr("fake_pkg-0.1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: fake-pkg\nVersion: 0.1.0\n")
    return path


def dash_python() -> str | None:
    python = os.environ.get("DASH_PYTHON") or str(gc.DEFAULT_PYTHON)
    return python if Path(python).exists() else None


@unittest.skipIf(dash_python() is None, "no interpreter with dash ($DASH_PYTHON or the conformance venv)")
class FakePackageCrate(unittest.TestCase):
    def assertIn(self, member, container, msg=None):  # noqa: N802 - short failures for long files
        if member not in container:
            self.fail(msg or f"{member!r} not in the generated text")

    def assertNotIn(self, member, container, msg=None):  # noqa: N802
        if member in container:
            self.fail(msg or f"{member!r} unexpectedly in the generated text")

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        root = Path(cls.tmp.name)
        cls.wheel = fake_wheel(root)
        cls.crate = root / "fake-crate"
        opts = gc.CrateOptions(cls.crate, "fake-pkg", "fake_pkg", None, "::dash_runtime", "::serde")
        cls.log = io.StringIO()
        with contextlib.redirect_stderr(cls.log):
            gc.generate_crate(cls.wheel, None, opts, cls.crate, dash_python(), fmt=False)
        cls.src = {p.name: p.read_text(encoding="utf-8") for p in (cls.crate / "src").iterdir()}
        cls.cargo = (cls.crate / "Cargo.toml").read_text(encoding="utf-8")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_components_from_classes(self):
        code = self.src["components.rs"]
        for name in ["Option", "Some", "Box", "String", "Component", "LIBRARY_", "Result", "Thing"]:
            self.assertIn(f"pub struct {name}(", code)
        self.assertIn("::core::option::Option::Some(props)", code)
        # Shadowed prelude and runtime names are written in full.
        self.assertIn("::dash_runtime::components::Component::new(", code)
        self.assertIn("v: impl Into<::std::string::String>", code)
        self.assertIn('pub const NAMESPACE: &str = "fake_pkg";', code)
        # Prop kinds, the same from evaluated and from postponed annotations.
        for method in [
            'pub fn label(self, v: impl IntoChildren) -> Self',
            'pub fn count(self, v: impl Into<Number>) -> Self',
            'pub fn disabled(self, v: bool) -> Self',
            'pub fn r#type(self, v: impl Into<::std::string::String>) -> Self',
            'pub fn options(self, v: impl Serialize) -> Self',
            'pub fn r#async(self, v: impl Serialize) -> Self',
        ]:
            self.assertEqual(code.count(method), 8, method)
        self.assertIn('pub const WILDCARD_PROPS: &\'static [&\'static str] = &["data-", "aria-"];', code)
        self.assertIn('pub const CHILDREN_PROPS: &\'static [&\'static str] = &["label"];', code)

    def test_library_manifest(self):
        lib = self.src["library.rs"]
        sha = hashlib.sha256(self.wheel.read_bytes()).hexdigest()
        self.assertIn(f'sha256: "{sha}"', lib)
        self.assertIn('distribution: "fake-pkg"', lib)
        self.assertIn('package_dir: "fake_pkg"', lib)
        entries = [
            ("fake_pkg.min.js", "Script", "Index", "Prod", '"https://cdn.example/fake_pkg.min.js"'),
            ("fake_pkg.dev.js", "Script", "Index", "Dev", '"https://cdn.example/fake_pkg.min.js"'),
            ("chunk-a.js", "Script", "Async", "Any", '"https://cdn.example/chunk-a.js"'),
            ("chunk-b.js", "Script", "Async", "Any", '"https://cdn.example/chunk-b.js"'),
            ("fake_pkg.css", "Stylesheet", "Index", "Any", None),
        ]
        for path, kind_, load, variant, url in entries:
            digest = hashlib.sha256(f"/* {path} */".encode()).hexdigest()
            block = (
                f'path: "{path}",\n            sha256: "{digest}",\n            kind: FileKind::{kind_},\n'
                f"            load: Load::{load},\n            variant: Variant::{variant},\n"
                f"            external_url: {f'Some({url})' if url else 'None'},"
            )
            self.assertIn(block, lib)
        # The source map is listed by the package but not in the wheel.
        self.assertIn("- `fake_pkg.min.js.map`", lib)
        self.assertIn("fake_pkg/fake_pkg.min.js.map (Script, dynamic) is not in the wheel", self.log.getvalue())
        self.assertNotIn('path: "fake_pkg.min.js.map"', lib)
        self.assertIn("dash_runtime::register_library!(LIBRARY);", lib)

    def test_crate_files(self):
        self.assertIn('name = "fake-pkg"', self.cargo)
        self.assertIn("rust-version.workspace = true", self.cargo)
        self.assertIn("dash-runtime = { path = ", self.cargo)
        lib = self.src["lib.rs"]
        self.assertIn("pub use components::*;", lib)
        self.assertIn("pub use library::LIBRARY;", lib)
        self.assertIn("fake-pkg==0.1.0", lib)
        self.assertIn('"type": "Box"', lib)  # the doc example: the first component with children
        self.assertIn("fake_pkg::r#box(\"Hello\")", lib)


class CheckMode(unittest.TestCase):
    def test_compare_files(self):
        with tempfile.TemporaryDirectory() as tmp:
            a, b, c = Path(tmp) / "a.rs", Path(tmp) / "b.rs", Path(tmp) / "missing.rs"
            a.write_text("fn a() {}\n")
            b.write_text("fn b() {}\n")
            out = Path(tmp) / "out.txt"
            with open(out, "w") as f:
                stdout, sys.stdout = sys.stdout, f
                try:
                    differ = gc.compare_files([("same", a, a), ("changed", a, b), ("gone", c, a)])
                finally:
                    sys.stdout = stdout
            self.assertEqual(differ, ["changed", "gone"])
            text = out.read_text()
            self.assertIn("-fn a() {}", text)
            self.assertIn("+fn b() {}", text)
            self.assertIn("gone: missing", text)

    def test_builtin_wheel_pin(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "dash-4.4.1-py3-none-any.whl"
            path.write_bytes(b"not the dash wheel")
            with self.assertRaises(gc.GeneratorError):
                gc.verify_dash_wheel(path)

    def test_regenerate_command(self):
        info = gc.WheelInfo("x.whl", "00", "dash_ag_grid", "35.3.0", "dash_ag_grid")
        opts = gc.CrateOptions(gc.REPO_ROOT / "dash-ag-grid", "dash-ag-grid", "dash_ag_grid", None, "::dash_runtime", "::serde")
        self.assertEqual(
            gc.crate_command(info, opts),
            "python3 tools/generate_components.py --requirement dash-ag-grid==35.3.0 --crate-dir dash-ag-grid",
        )
        opts = gc.CrateOptions(gc.REPO_ROOT / "grid", "grid", "ag", "https://x/{type}", "::dash_runtime", "::serde")
        self.assertEqual(
            gc.crate_command(info, opts),
            "python3 tools/generate_components.py --requirement dash-ag-grid==35.3.0 --crate-dir grid "
            "--crate-name grid --module ag --docs-url 'https://x/{type}'",
        )
        cargo = gc.render_cargo_toml(info, opts, "cmd")
        self.assertIn('[lib]\nname = "ag"', cargo)
        self.assertIn('dash-runtime = { path = "../dash-runtime" }', cargo)


if __name__ == "__main__":
    unittest.main()
