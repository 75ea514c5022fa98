//! `cargo dash dev`: build the app, run it behind a reverse proxy on the user's port, and
//! rebuild and restart it whenever its sources change.
//!
//! - The app runs on an internal port with `DASH_DEBUG=true` and `DASH_HOT_RELOAD=true`, in
//!   its package directory (so its `assets/` folder is hot reloaded by the app itself).
//! - Each app process has its own reload hash: when the new build serves, the open page's
//!   reloader sees a new hash and reloads the layout and callbacks in place.
//! - While the app restarts, requests wait for it (up to [`proxy::WAIT`]).
//! - A compile error replaces the app with an error page (rustc's messages); `_reload-hash`
//!   changes with it, so an open page reloads into that page, which reloads itself once the
//!   app builds again.
//! - An edit during a build stops that build and starts another.

mod app;
mod build;
mod group;
mod page;
mod project;
mod proxy;
mod watch;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch as state;

use crate::Error;
use app::{App, NotReady};
use build::Built;
use project::Project;
use proxy::{Failure, Phase};

/// How long a new app process gets to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// `cargo dash dev` options.
#[derive(clap::Args, Debug)]
pub struct DevOptions {
    /// The package to run (default: the package in the current directory).
    #[arg(short = 'p', long)]
    package: Option<String>,
    /// The binary to run, when the package has several.
    #[arg(long)]
    bin: Option<String>,
    /// The port the browser connects to.
    #[arg(long, default_value_t = 8050)]
    port: u16,
    /// The address the browser connects to.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Build in release mode.
    #[arg(long)]
    release: bool,
    /// The workspace's (or package's) Cargo.toml.
    #[arg(long)]
    manifest_path: Option<PathBuf>,
}

/// Runs the dev loop until Ctrl-C or SIGTERM.
pub fn run(options: DevOptions) -> Result<(), Error> {
    let project = Project::discover(
        options.package.as_deref(),
        options.bin.as_deref(),
        options.manifest_path.as_deref(),
    )?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Error::io("starting the async runtime"))?;
    runtime.block_on(dev_loop(project, options))
}

/// The app's requests prefix, as the app itself reads it from the environment.
fn requests_prefix() -> String {
    ["DASH_REQUESTS_PATHNAME_PREFIX", "DASH_URL_BASE_PATHNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "/".to_owned())
}

async fn dev_loop(project: Project, options: DevOptions) -> Result<(), Error> {
    let listener = TcpListener::bind((options.host.as_str(), options.port))
        .await
        .map_err(Error::io(format!(
            "listening on {}:{}",
            options.host, options.port
        )))?;
    let local = listener
        .local_addr()
        .map_err(Error::io("reading the address"))?;
    eprintln!(
        "cargo dash: {} on http://{local}/ (rebuilds on save; Ctrl-C stops)",
        project.package
    );
    let (phase, phase_rx) = state::channel(Phase::Starting);
    let proxy = tokio::spawn(proxy::serve(listener, phase_rx));
    let (_watch, mut changes) = watch::watch(&project)?;
    let prefix = requests_prefix();
    let fail = |heading: &str, details: &str| {
        Phase::Failed(Arc::new(Failure::new(heading, details, &prefix)))
    };
    let mut shutdown = std::pin::pin!(shutdown_signal());
    let mut app: Option<App> = None;

    'rebuild: loop {
        let built = tokio::select! {
            built = build::build(&project, options.release) => built,
            Some(()) = changes.next() => continue 'rebuild,
            () = &mut shutdown => break 'rebuild,
        };
        match built {
            Ok(Built::Binary(exe)) => {
                phase.send_replace(Phase::Starting);
                if let Some(old) = app.take() {
                    old.stop().await;
                }
                let mut started = App::start(&exe, &project).await?;
                match started.ready(START_TIMEOUT).await {
                    Ok(()) => {
                        eprintln!("cargo dash: serving the new build");
                        phase.send_replace(Phase::Serving(started.port));
                        app = Some(started);
                    }
                    Err(NotReady::Exited(status, output)) => {
                        phase.send_replace(fail(&format!("the app exited ({status})"), &output));
                    }
                    Err(NotReady::Timeout) => {
                        started.stop().await;
                        phase.send_replace(fail("the app did not start listening", ""));
                    }
                }
            }
            Ok(Built::Failed(errors)) => {
                eprintln!("cargo dash: the build failed; waiting for changes");
                if let Some(old) = app.take() {
                    old.stop().await;
                }
                let heading = errors
                    .lines()
                    .next()
                    .unwrap_or("the build failed")
                    .to_owned();
                phase.send_replace(fail(&heading, &errors));
            }
            Err(e) => {
                phase.send_replace(fail("cargo build did not run", &e.to_string()));
            }
        }
        // Wait for the next change; an app that exits on its own shows the error page.
        loop {
            let exited = async {
                match app.as_mut() {
                    Some(running) => running.exited().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                Some(()) = changes.next() => continue 'rebuild,
                () = &mut shutdown => break 'rebuild,
                (status, output) = exited => {
                    app = None;
                    eprintln!("cargo dash: the app exited ({status}); waiting for changes");
                    phase.send_replace(fail(&format!("the app exited ({status})"), &output));
                }
            }
        }
    }
    eprintln!("cargo dash: stopping");
    if let Some(running) = app.take() {
        running.stop().await;
    }
    proxy.abort();
    Ok(())
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}
