//! `cargo dash new`: a new app crate that builds, runs and passes its test as generated.
//!
//! The crate has the app in `src/lib.rs` (a layout and a callback, so that `tests/app.rs`
//! can call the callback as the plain function it is), `src/main.rs` serving it, and
//! `assets/style.css`.
//!
//! Its `dash-runtime` dependency is, in this order: the checkout given with `--dash-path`;
//! the checkout this `cargo-dash` was built from, when it is still there; the released
//! version of the same number. A crate made outside any workspace gets its own (and, next to a
//! local checkout, that checkout's `Cargo.lock`, so it builds with the versions the checkout
//! was tested with); one made inside a workspace that does not list it is made a workspace of
//! its own; one made where a workspace's `members` glob covers it becomes a member.

use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use crate::Error;

/// The dash-runtime crate next to the cargo-dash crate this binary was built from.
fn own_checkout() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()?
        .join("dash-runtime");
    dir.join("Cargo.toml").is_file().then_some(dir)
}

/// What [`scaffold`] made.
#[derive(Debug)]
pub struct Made {
    /// The new crate's directory.
    pub dir: PathBuf,
}

/// Writes a new app crate named `name` into `dir` (created; it must not hold anything yet).
///
/// ```text
/// cargo dash new my-app                  # ./my-app
/// cargo dash new my-app --path apps/my   # apps/my
/// ```
pub fn scaffold(name: &str, dir: &Path, dash_path: Option<&Path>) -> Result<Made, Error> {
    check_name(name)?;
    if fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some()) {
        return Err(Error::Exists(dir.to_path_buf()));
    }
    for sub in ["src", "tests", "assets"] {
        fs::create_dir_all(dir.join(sub)).map_err(Error::io(format!("creating {sub}/")))?;
    }
    let dir = fs::canonicalize(dir).map_err(Error::io("resolving the new directory"))?;
    let local = match dash_path {
        Some(path) => Some(fs::canonicalize(path).map_err(Error::io(format!(
            "resolving --dash-path {}",
            path.display()
        )))?),
        None => own_checkout(),
    };
    let dependency = match &local {
        Some(path) => format!(
            "dash-runtime = {{ path = \"{}\" }}",
            toml_escape(&relative(&dir, path).to_string_lossy())
        ),
        None => format!("dash-runtime = \"{}\"", env!("CARGO_PKG_VERSION")),
    };
    let krate = name.replace('-', "_");
    let files = [
        ("Cargo.toml", cargo_toml(name, &dependency)),
        ("src/lib.rs", lib_rs(name)),
        ("src/main.rs", main_rs(&krate)),
        ("tests/app.rs", test_rs(&krate)),
        ("assets/style.css", STYLE_CSS.to_owned()),
        (".gitignore", "/target\n".to_owned()),
    ];
    for (path, text) in &files {
        fs::write(dir.join(path), text).map_err(Error::io(format!("writing {path}")))?;
    }
    if let Placement::OwnWorkspace { nested } = placement(&dir)? {
        let mut manifest = cargo_toml(name, &dependency);
        if nested {
            manifest.push_str("\n[workspace]\n");
        }
        manifest.push_str(PROFILE);
        fs::write(dir.join("Cargo.toml"), manifest).map_err(Error::io("writing Cargo.toml"))?;
        let lock = local.as_deref().and_then(find_lock);
        if let Some(lock) = lock {
            fs::copy(&lock, dir.join("Cargo.lock")).map_err(Error::io("copying Cargo.lock"))?;
        }
    }
    Ok(Made { dir })
}

/// Where the new crate sits relative to cargo workspaces.
enum Placement {
    /// A member of an enclosing workspace (its `members` cover the directory).
    Member,
    /// Its own workspace root; `nested` when inside a workspace that does not list it.
    OwnWorkspace { nested: bool },
}

fn placement(dir: &Path) -> Result<Placement, Error> {
    let manifest = dir.join("Cargo.toml");
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .arg("--manifest-path")
        .arg(&manifest)
        .output()
        .map_err(Error::io("running cargo locate-project"))?;
    if !out.status.success() {
        // "current package believes it's in a workspace when it's not"
        return Ok(Placement::OwnWorkspace { nested: true });
    }
    let root = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    Ok(if root == manifest {
        Placement::OwnWorkspace { nested: false }
    } else {
        Placement::Member
    })
}

/// The `Cargo.lock` of the workspace holding `crate_dir`, if any.
fn find_lock(crate_dir: &Path) -> Option<PathBuf> {
    crate_dir
        .ancestors()
        .map(|d| d.join("Cargo.lock"))
        .find(|p| p.is_file())
}

fn check_name(name: &str) -> Result<(), Error> {
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::BadName(name.to_owned()))
    }
}

/// `to` relative to `from` (both absolute), or `to` itself when they share no root.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to_parts: Vec<Component> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return to.to_path_buf();
    }
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for part in &to_parts[common..] {
        out.push(part);
    }
    out
}

fn toml_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

fn cargo_toml(name: &str, dependency: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n{dependency}\n"
    )
}

/// Dependencies without debug info in dev builds: much faster links of the app.
const PROFILE: &str = "\n[profile.dev.package.\"*\"]\ndebug = false\n";

fn lib_rs(name: &str) -> String {
    format!(
        r#"//! {name}: a dash-rs app.

use dash_runtime::prelude::*;

/// Greets the name typed into the box.
#[callback(output = Output("greeting", "children"), inputs = [Input("name", "value")])]
pub fn greet(name: Option<String>) -> String {{
    match name.filter(|n| !n.trim().is_empty()) {{
        Some(name) => format!("Hello, {{name}}!"),
        None => "Hello, stranger!".to_owned(),
    }}
}}

/// The page.
pub fn layout() -> html::Div {{
    html::div((
        html::h1("Welcome to {name}").id("title"),
        dcc::Input::new().id("name").value("world").r#type("text"),
        html::Div::new().id("greeting"),
    ))
}}

/// The app: its title and layout (the callbacks register themselves).
pub fn app() -> Dash {{
    Dash::new().title("{name}").layout(layout())
}}
"#
    )
}

fn main_rs(krate: &str) -> String {
    format!(
        r#"fn main() -> Result<(), dash_runtime::Error> {{
    {krate}::app().run()
}}
"#
    )
}

fn test_rs(krate: &str) -> String {
    format!(
        r#"use dash_runtime::testing::{{TestApp, TestError}};
use {krate}::{{app, greet}};

/// The callback is a plain function.
#[test]
fn greets_by_name_or_stranger() {{
    assert_eq!(greet(Some("Ada".into())), "Hello, Ada!");
    assert_eq!(greet(Some("  ".into())), "Hello, stranger!");
    assert_eq!(greet(None), "Hello, stranger!");
}}

/// The whole app, driven as the browser would, without one.
#[test]
fn the_page_greets_as_you_type() -> Result<(), TestError> {{
    let mut page = TestApp::new(app())?;
    assert_eq!(page.text("greeting"), "Hello, world!");
    page.set("name", "value", "Ada")?;
    assert_eq!(page.text("greeting"), "Hello, Ada!");
    Ok(())
}}
"#
    )
}

const STYLE_CSS: &str = "body {\n    font-family: sans-serif;\n    margin: 2rem;\n}\n\n#title {\n    color: #1f4e79;\n}\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!(check_name("my-app_2").is_ok());
        for bad in ["", "2app", "my app", "a/b", "é"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(Path::new("/a/b/app"), Path::new("/a/c/dash-runtime")),
            PathBuf::from("../../c/dash-runtime")
        );
        assert_eq!(
            relative(Path::new("/a"), Path::new("/a/x")),
            PathBuf::from("x")
        );
    }
}
