//! [`AppServer`]: the app under test, served in-process on a free loopback port (or an app
//! started some other way, by its URL).

use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use dash_runtime::Dash;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::error::ServerError;

/// How long dropping an in-process server waits for it to drain.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// The app a browser test talks to.
///
/// ```no_run
/// use dash_browser::{AppServer, Browser};
/// use dash_runtime::prelude::*;
/// use std::time::Duration;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let app = AppServer::start(Dash::new().layout(html::Div::new().id("hi").children("hi")))?;
/// let browser = Browser::launch()?;
/// browser.goto(&app.url())?;
/// browser.wait_for_text("#hi", "hi", Duration::from_secs(30))?;
/// # Ok(())
/// # }
/// ```
pub struct AppServer {
    url: String,
    served: Option<Served>,
}

/// An app this process serves.
struct Served {
    runtime: Runtime,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), dash_runtime::Error>>>,
}

impl AppServer {
    /// Builds `app` (`app.build()`: layout, callbacks, front end) and serves it on a free port
    /// of 127.0.0.1 from a runtime of its own, until dropped. The listener is bound before
    /// this returns, so the page can be loaded at once.
    pub fn start(app: Dash) -> Result<Self, ServerError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("dash-browser-app")
            .enable_all()
            .build()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let (addr, task) = runtime.block_on(async {
            let server = app.build().await?;
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            let addr = listener.local_addr()?;
            let task = tokio::spawn(server.serve_until(listener, async {
                let _ = stopped.await;
            }));
            Ok::<_, ServerError>((addr, task))
        })?;
        Ok(Self {
            url: format!("http://{addr}/"),
            served: Some(Served {
                runtime,
                stop: Some(stop),
                task: Some(task),
            }),
        })
    }

    /// An app started some other way (another process, a Python twin) at `url`: waits until
    /// its host and port accept connections.
    pub fn attach(url: &str, timeout: Duration) -> Result<Self, ServerError> {
        let parsed = url::Url::parse(url).map_err(|_| ServerError::Url(url.to_owned()))?;
        if parsed.scheme() != "http" || parsed.host().is_none() {
            return Err(ServerError::Url(url.to_owned()));
        }
        let addrs: Vec<SocketAddr> = parsed
            .socket_addrs(|| Some(80))
            .map_err(|_| ServerError::Url(url.to_owned()))?;
        let started = Instant::now();
        let mut last = String::from("the host resolved to no address");
        loop {
            for addr in &addrs {
                match TcpStream::connect_timeout(addr, Duration::from_secs(1)) {
                    Ok(_) => {
                        return Ok(Self {
                            url: url.to_owned(),
                            served: None,
                        })
                    }
                    Err(e) => last = format!("{addr}: {e}"),
                }
            }
            if started.elapsed() >= timeout {
                return Err(ServerError::Unreachable {
                    url: url.to_owned(),
                    waited: started.elapsed(),
                    last,
                });
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// The app's URL, e.g. `http://127.0.0.1:40123/` (ends with `/`).
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The URL of `path` in the app: `app.url_of("/page-2")`.
    pub fn url_of(&self, path: &str) -> String {
        format!(
            "{}/{}",
            self.url.trim_end_matches('/'),
            path.trim_start_matches('/')
        )
    }

    /// Whether this process serves the app ([`start`](Self::start)) and it is still serving
    /// (it stops early only when serving failed).
    pub fn is_serving(&self) -> bool {
        self.served
            .as_ref()
            .and_then(|s| s.task.as_ref())
            .is_some_and(|t| !t.is_finished())
    }
}

impl std::fmt::Debug for AppServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppServer")
            .field("url", &self.url)
            .field("in_process", &self.served.is_some())
            .finish()
    }
}

impl Drop for AppServer {
    /// Stops an in-process app: the shutdown signal, then up to 10 s for it to drain.
    fn drop(&mut self) {
        let Some(mut served) = self.served.take() else {
            return;
        };
        if let Some(stop) = served.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = served.task.take() {
            let _ = served
                .runtime
                .block_on(async { tokio::time::timeout(STOP_TIMEOUT, task).await });
        }
        served.runtime.shutdown_timeout(Duration::from_secs(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_paths_onto_the_url() {
        let app = AppServer {
            url: "http://127.0.0.1:1/".into(),
            served: None,
        };
        assert_eq!(app.url_of("/page"), "http://127.0.0.1:1/page");
        assert_eq!(app.url_of("page"), "http://127.0.0.1:1/page");
        assert!(!app.is_serving());
    }

    #[test]
    fn attach_rejects_what_is_not_an_http_url() {
        assert!(matches!(
            AppServer::attach("ftp://127.0.0.1/", Duration::from_millis(10)),
            Err(ServerError::Url(_))
        ));
        assert!(matches!(
            AppServer::attach("not a url", Duration::from_millis(10)),
            Err(ServerError::Url(_))
        ));
    }

    #[test]
    fn attach_waits_for_a_listening_port_and_gives_up_on_a_closed_one() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let app = AppServer::attach(&url, Duration::from_secs(5)).unwrap();
        assert_eq!(app.url(), url);
        drop(listener);
        let err = AppServer::attach(&url, Duration::from_millis(300)).unwrap_err();
        assert!(matches!(err, ServerError::Unreachable { .. }), "{err}");
    }
}
