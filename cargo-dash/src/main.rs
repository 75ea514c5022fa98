//! `cargo dash`: the development loop for dash-rs apps.
//!
//! ```text
//! cargo dash dev -p hello            # rebuild on save, the open page reloads itself
//! cargo dash new my-app              # a new app crate with a callback, a stylesheet and a test
//! ```
//!
//! Installed (`cargo install --path cargo-dash`) it runs as a cargo subcommand; from the
//! repository, `cargo run -p cargo-dash -- dash dev -p hello` does the same.

mod dev;
mod error;
mod new;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

pub use error::Error;

/// Cargo passes the subcommand's name first: `cargo-dash dash <command>`.
#[derive(Parser)]
#[command(name = "cargo", bin_name = "cargo")]
enum Cargo {
    /// The dash-rs development tools.
    Dash(DashCli),
}

#[derive(Args)]
#[command(version, about = "The dash-rs development tools")]
struct DashCli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build and run an app, rebuild and restart it when its sources change; the open page
    /// reloads itself (and shows compile errors).
    Dev(dev::DevOptions),
    /// Create a new app crate.
    New(NewArgs),
}

#[derive(Args)]
struct NewArgs {
    /// The package name.
    name: String,
    /// The directory to create (default: `./<name>`).
    #[arg(long)]
    path: Option<PathBuf>,
    /// Depend on a local dash-runtime checkout (its crate directory) instead of the released
    /// version.
    #[arg(long, value_name = "DIR")]
    dash_path: Option<PathBuf>,
}

fn main() -> ExitCode {
    let Cargo::Dash(cli) = Cargo::parse();
    let result = match cli.command {
        Command::Dev(options) => dev::run(options),
        Command::New(args) => {
            let dir = args.path.unwrap_or_else(|| PathBuf::from(&args.name));
            new::scaffold(&args.name, &dir, args.dash_path.as_deref()).map(|made| {
                eprintln!("created {} in {}", args.name, made.dir.display());
                eprintln!("run it with: cd {} && cargo dash dev", made.dir.display());
            })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
