//! The generated component code is what `tools/generate_components.py` makes today.
//!
//! Runs `python3 tools/generate_components.py --check` for the standard libraries
//! (`dash-runtime/src/components/generated/`, from the pinned dash 4.4.1 wheel) and for each
//! generated component crate (`dash-bootstrap`, `dash-ag-grid`, `dash-mantine`), each of which
//! downloads its wheel with pip, regenerates into a temporary directory and compares; and the
//! tool's own tests (`python3 -m unittest tools/test_generate_components.py`). All of them use
//! the conformance venv's interpreter (`scripts/setup-python`) for pip and for importing the
//! packages.
//!
//! Run: `cargo nextest run -p dash-e2e --test generator_check`.

use std::path::PathBuf;
use std::process::Command;

use dash_e2e::app::workspace_root;
use dash_e2e::python::ensure_venv;

/// The venv's interpreter, created if needed.
fn venv_python() -> PathBuf {
    let venv = ensure_venv().unwrap_or_else(|err| panic!("conformance venv: {err}"));
    venv.join("bin").join("python")
}

/// Runs `python3 <args>` in the workspace root; panics with its output unless it exits 0.
fn run_python3(args: &[&str], env: &[(&str, &str)]) {
    let root = workspace_root();
    let mut cmd = Command::new("python3");
    // No `__pycache__` directories in the source tree.
    cmd.args(args)
        .current_dir(&root)
        .env("PYTHONDONTWRITEBYTECODE", "1");
    for (key, value) in env {
        cmd.env(key, value);
    }
    let out = cmd
        .output()
        .unwrap_or_else(|err| panic!("could not run python3 {}: {err}", args.join(" ")));
    if !out.status.success() {
        panic!(
            "python3 {} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
    }
}

/// `--check` of one generated crate.
fn check_crate(requirement: &str, crate_dir: &str) {
    let python = venv_python();
    let python = python.to_str().expect("a UTF-8 venv path");
    run_python3(
        &[
            "tools/generate_components.py",
            "--check",
            "--requirement",
            requirement,
            "--crate-dir",
            crate_dir,
            "--python",
            python,
        ],
        &[],
    );
}

#[test]
fn builtin_components_are_up_to_date() {
    let python = venv_python();
    let python = python.to_str().expect("a UTF-8 venv path");
    run_python3(
        &[
            "tools/generate_components.py",
            "--check",
            "--python",
            python,
        ],
        &[],
    );
}

#[test]
fn dash_bootstrap_components_crate_is_up_to_date() {
    check_crate("dash-bootstrap-components==2.0.4", "dash-bootstrap");
}

#[test]
fn dash_ag_grid_crate_is_up_to_date() {
    check_crate("dash-ag-grid==35.3.0", "dash-ag-grid");
}

#[test]
fn dash_mantine_components_crate_is_up_to_date() {
    check_crate("dash-mantine-components==2.8.1", "dash-mantine");
}

#[test]
fn generator_unit_tests_pass() {
    let python = venv_python();
    let python = python.to_str().expect("a UTF-8 venv path");
    run_python3(
        &["-m", "unittest", "tools/test_generate_components.py"],
        &[("DASH_PYTHON", python)],
    );
}
