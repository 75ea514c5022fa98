//! `dash-assets`: prepare or check a directory holding the Dash front end, for machines
//! that cannot fetch it themselves.
//!
//! ```text
//! dash-assets prepare DIR   fetch (with npm) and verify every pinned package into DIR
//! dash-assets verify DIR    re-check DIR without touching the network
//! dash-assets list          print the pinned packages and their integrity hashes
//! ```
//!
//! Then run the app on the offline machine with `DASH_RS_ASSETS_DIR=DIR`.

use std::path::PathBuf;
use std::process::ExitCode;

use dash_runtime::assets::{self, packages::PACKAGES, PackageReport};

const USAGE: &str = "usage: dash-assets prepare DIR | verify DIR | list";

fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();

    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["prepare", dir] => match assets::prepare(&PathBuf::from(dir)) {
            Ok(reports) => report(&reports, "prepared", dir),
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        ["verify", dir] => report(&assets::verify(&PathBuf::from(dir)), "verified", dir),
        ["list"] => {
            for p in PACKAGES {
                println!("{} {}", p.spec(), p.integrity);
            }
            ExitCode::SUCCESS
        }
        ["-h" | "--help" | "help"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn report(reports: &[PackageReport], done: &str, dir: &str) -> ExitCode {
    let mut failed = 0;
    for r in reports {
        match &r.result {
            Ok(files) => println!("ok      {} ({files} files)", r.package),
            Err(e) => {
                failed += 1;
                println!("FAILED  {}: {e}", r.package);
            }
        }
    }
    if failed == 0 {
        println!("{done} {} packages in {dir}", reports.len());
        ExitCode::SUCCESS
    } else {
        eprintln!("{failed} of {} packages failed", reports.len());
        ExitCode::FAILURE
    }
}
