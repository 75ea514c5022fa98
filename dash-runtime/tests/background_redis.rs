//! Background callbacks with the Redis manager, against a real `redis-server` on 127.0.0.1
//! (`REDIS_URL`, default `redis://127.0.0.1:6379/`; `scripts/setup-test-env` starts one).
//! Every test uses its own key prefix and deletes its keys at the end.
//!
//! The fault tests start worker processes: this test binary again, running only the ignored
//! test `worker_process`, which serves the queue until it is killed.

mod background_support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use background_support::*;
use dash_runtime::background::{run_worker, BackgroundManager, JobState};
use dash_runtime::prelude::*;
use serde_json::{json, Value};
use tokio::sync::oneshot;

fn redis_url() -> String {
    std::env::var("REDIS_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "redis://127.0.0.1:6379/".to_owned())
}

/// A key prefix of its own, whose keys are deleted on drop.
struct Prefix(String);

impl Prefix {
    fn new(test: &str) -> Prefix {
        let client = redis::Client::open(redis_url()).expect("REDIS_URL is a redis URL");
        let mut conn = client.get_connection().unwrap_or_else(|e| {
            panic!(
                "no redis-server at {} ({e}); scripts/setup-test-env starts one",
                redis_url()
            )
        });
        let _: String = redis::cmd("PING")
            .query(&mut conn)
            .expect("redis answers PING");
        Prefix(format!(
            "dash-rs-test:{test}:{}-{}:",
            std::process::id(),
            rand_suffix()
        ))
    }

    fn manager(&self) -> BackgroundManager {
        BackgroundManager::redis(redis_url())
            .key_prefix(&self.0)
            .lease(Duration::from_secs(2))
    }
}

impl Drop for Prefix {
    fn drop(&mut self) {
        let Ok(client) = redis::Client::open(redis_url()) else {
            return;
        };
        let Ok(mut conn) = client.get_connection() else {
            return;
        };
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{}*", self.0))
            .query(&mut conn)
            .unwrap_or_default();
        if !keys.is_empty() {
            let _: Result<i64, _> = redis::cmd("DEL").arg(&keys).query(&mut conn);
        }
    }
}

/// A worker in this process, stopped on drop.
struct InProcessWorker(Option<oneshot::Sender<()>>);

fn worker_in_process(manager: BackgroundManager) -> InProcessWorker {
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let stop = async move {
            let _ = rx.await;
        };
        if let Err(err) = run_worker(manager.shutdown_grace(Duration::from_secs(1)), stop).await {
            panic!("the worker failed: {err}");
        }
    });
    InProcessWorker(Some(tx))
}

impl Drop for InProcessWorker {
    fn drop(&mut self) {
        if let Some(tx) = self.0.take() {
            let _ = tx.send(());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_side_updates_and_result() {
    let prefix = Prefix::new("progress");
    let _worker = worker_in_process(prefix.manager());
    let app = app(prefix.manager()).await;
    println!("manager: {}", app.jobs.describe());
    background_support::progress_side_updates_and_result(&app, "redis-progress").await;
    background_support::progress_survives_reads(&app, "redis-reads").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_handles_are_204() {
    let prefix = Prefix::new("handles");
    let _worker = worker_in_process(prefix.manager());
    let app = app(prefix.manager()).await;
    background_support::foreign_handles_are_204(&app, "redis-handles").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_and_supersede() {
    let prefix = Prefix::new("cancel");
    let _worker = worker_in_process(prefix.manager());
    let app = app(prefix.manager()).await;
    background_support::cancel_stops_the_job(&app, "redis-cancel").await;
    background_support::supersede_cancels_the_old_job(&app, "redis-supersede").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cache_shares_only_when_asked() {
    let prefix = Prefix::new("cache");
    let _worker = worker_in_process(prefix.manager());
    let app = app(prefix.manager()).await;
    background_support::cache_shares_only_when_asked(&app, "redis-cache").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_and_prevented_updates() {
    let prefix = Prefix::new("errors");
    let _worker = worker_in_process(prefix.manager());
    let app = app(prefix.manager()).await;
    background_support::errors_and_prevented_updates(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_results_are_removed() {
    let prefix = Prefix::new("expiry");
    let manager = prefix.manager().result_ttl(Duration::from_millis(800));
    let _worker = worker_in_process(manager.clone());
    let app = app(manager).await;
    background_support::expired_results_are_removed(&app, "redis-expiry").await;
}

/// Two web processes (two apps, no shared memory) and one worker: a job started through one
/// is polled through the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_processes_are_stateless() {
    let prefix = Prefix::new("stateless");
    let _worker = worker_in_process(prefix.manager());
    let web1 = app(prefix.manager()).await;
    let web2 = app(prefix.manager()).await;
    let body = stepper_body(3, "redis-stateless", 3, 50);
    let (_, started) = web1.start(&body).await;
    let web2 = App {
        end_id: web1.end_id.clone(),
        ..web2
    };
    let (status, last, _) = web2.poll_to_end(&started, &body).await;
    println!("started on web 1, finished through web 2: {status} {last}");
    assert_eq!(
        last["response"]["step-out"]["children"],
        json!("redis-stateless: done 3")
    );
}

/// Jobs wait in the queue until a worker comes, and are taken oldest first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_queue_until_a_worker_takes_them_oldest_first() {
    let prefix = Prefix::new("queue");
    let app = app(prefix.manager()).await;
    let mut started = Vec::new();
    for n in 1..=3u64 {
        let body = stepper_body(n, &format!("redis-queue-{n}"), 1, 10);
        let (_, s) = app.start(&body).await;
        started.push((body, s));
    }
    for (_, s) in &started {
        let info = app.info(s).await.expect("queued");
        assert_eq!(info.state, JobState::Queued);
    }
    println!("3 jobs queued with no worker");
    // One worker running one job at a time: they finish in the order they were queued.
    let _worker = worker_in_process(prefix.manager().worker_concurrency(1));
    let mut order = Vec::new();
    let begun = Instant::now();
    while order.len() < 3 {
        for (i, (_, s)) in started.iter().enumerate() {
            let done = app
                .info(s)
                .await
                .is_some_and(|info| info.state == JobState::Done);
            if done && !order.contains(&i) {
                order.push(i);
            }
        }
        assert!(begun.elapsed() < WAIT, "the queue did not drain: {order:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!("finished in the order {order:?}");
    assert_eq!(order, [0, 1, 2]);
    for (body, s) in &started {
        let (status, _, _) = app.poll_to_end(s, body).await;
        assert_eq!(status, StatusCode::OK);
    }
}

// ---------------------------------------------------------------------------------------
// Worker processes

/// A slow job that says which process finished it.
#[callback(
    output = Output("pid-out", "children"),
    inputs = [Input("pid-go", "n_clicks")],
    state = [State("pid-steps", "value")],
    background = true,
    progress = Output("pid-bar", "value"),
    prevent_initial_call = true,
)]
async fn which_process(progress: Progress<u32>, _n: Option<u64>, steps: u32) -> String {
    for step in 1..=steps {
        tokio::time::sleep(Duration::from_millis(100)).await;
        progress.set(step);
    }
    format!("finished by pid {}", std::process::id())
}

fn pid_body(steps: u32) -> Value {
    json!({
        "output": "pid-out.children",
        "outputs": {"id": "pid-out", "property": "children"},
        "inputs": [dep("pid-go", "n_clicks", json!(1))],
        "state": [dep("pid-steps", "value", json!(steps))],
        "changedPropIds": ["pid-go.n_clicks"],
    })
}

/// Not a test: the entry point of a worker process (see the module docs).
#[test]
#[ignore = "runs as a worker process started by the fault tests"]
fn worker_process() {
    let Ok(prefix) = std::env::var("DASH_BG_TEST_PREFIX") else {
        return;
    };
    let _ = tracing_subscriber::fmt().with_env_filter("info").try_init();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let manager = BackgroundManager::redis(redis_url())
        .key_prefix(prefix)
        .lease(Duration::from_secs(2))
        .worker_concurrency(2);
    if let Err(err) = runtime.block_on(run_worker(
        manager,
        dash_runtime::background::shutdown_signal(),
    )) {
        panic!("worker failed: {err}");
    }
}

struct WorkerProcess {
    child: Child,
    log: std::path::PathBuf,
}

impl WorkerProcess {
    fn start(prefix: &Prefix, n: usize) -> WorkerProcess {
        let exe = std::env::current_exe().expect("the test binary's path");
        let log = std::env::temp_dir().join(format!("dash-rs-worker-{}-{n}.log", rand_suffix()));
        let file = std::fs::File::create(&log).expect("worker log file");
        let err = file.try_clone().expect("worker log file");
        let child = Command::new(exe)
            .args([
                "worker_process",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("DASH_BG_TEST_PREFIX", &prefix.0)
            .env("REDIS_URL", redis_url())
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(err)
            .spawn()
            .expect("start a worker process");
        WorkerProcess { child, log }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.pid().to_string()])
            .status()
            .expect("kill(1)");
        assert!(status.success(), "kill -{signal} {} failed", self.pid());
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// The worker process whose pid appears in a worker name.
fn owner<'a>(workers: &'a mut [WorkerProcess], name: &str) -> Option<&'a mut WorkerProcess> {
    workers
        .iter_mut()
        .find(|w| name.contains(&format!("-pid{}-", w.pid())))
}

/// Start a slow job and wait until one of the workers runs it; returns its index.
async fn running_on(app: &App, workers: &mut [WorkerProcess], started: &Value) -> usize {
    let info = app
        .wait_info(started, "a worker to run the job", |i| {
            i.as_ref()
                .is_some_and(|i| i.state == JobState::Running && i.worker.is_some())
        })
        .await
        .expect("running");
    let name = info.worker.unwrap_or_default();
    let pid = owner(workers, &name)
        .map(|w| w.pid())
        .expect("one of our workers runs it");
    workers.iter().position(|w| w.pid() == pid).unwrap_or(0)
}

/// A worker process is killed mid-job; another worker takes the job over and finishes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_workers_job_is_finished_by_another_worker() {
    let prefix = Prefix::new("kill");
    let mut workers = vec![
        WorkerProcess::start(&prefix, 1),
        WorkerProcess::start(&prefix, 2),
    ];
    let app = app(prefix.manager()).await;
    let body = pid_body(30);
    let (_, started) = app.start(&body).await;
    let first = running_on(&app, &mut workers, &started).await;
    // Wait until it made progress, so the kill lands mid-job.
    let begun = Instant::now();
    loop {
        let (_, answer) = app.poll(&started, &body).await;
        if answer.get("progress").is_some() {
            println!(
                "job running on worker pid {}: {answer}",
                workers[first].pid()
            );
            break;
        }
        assert!(begun.elapsed() < WAIT);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    workers[first].signal("KILL");
    let _ = workers[first].child.wait();
    println!("killed worker pid {} mid-job", workers[first].pid());

    let (status, last, _) = app.poll_to_end(&started, &body).await;
    let info = app.info(&started).await.expect("known");
    let survivor = &workers[1 - first];
    println!(
        "final poll {status} {last}; job info {info:?}\n--- surviving worker (pid {}) log ---\n{}",
        survivor.pid(),
        survivor.output()
    );
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        last["response"]["pid-out"]["children"],
        json!(format!("finished by pid {}", survivor.pid()))
    );
    assert_eq!(info.attempt, 2);
    assert!(info
        .worker
        .unwrap_or_default()
        .contains(&format!("-pid{}-", survivor.pid())));
}

/// A worker that stalls (SIGSTOP) loses its job to another worker; when it wakes up, its
/// stale attempt cannot overwrite the newer attempt's result.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_attempt_never_overwrites_a_newer_result() {
    let prefix = Prefix::new("stale");
    let mut workers = vec![
        WorkerProcess::start(&prefix, 1),
        WorkerProcess::start(&prefix, 2),
    ];
    let app = app(prefix.manager()).await;
    let body = pid_body(20);
    let (_, started) = app.start(&body).await;
    let first = running_on(&app, &mut workers, &started).await;
    workers[first].signal("STOP");
    println!("stopped worker pid {} mid-job", workers[first].pid());
    let other = workers[1 - first].pid();
    let info = app
        .wait_info(&started, "the other worker to finish the job", |i| {
            i.as_ref()
                .is_some_and(|i| i.state == JobState::Done && i.attempt == 2)
        })
        .await;
    println!("taken over and finished: {info:?}");
    workers[first].signal("CONT");
    println!(
        "woke worker pid {} up; letting its stale attempt run out",
        workers[first].pid()
    );
    // Its remaining steps take at most 2 s; give it generously more.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let (status, last, _) = app.poll_to_end(&started, &body).await;
    let info = app.info(&started).await.expect("known");
    println!(
        "final poll {status} {last}; {info:?}\n--- woken worker log ---\n{}",
        workers[first].output()
    );
    assert_eq!(
        last["response"]["pid-out"]["children"],
        json!(format!("finished by pid {other}"))
    );
    assert_eq!(info.attempt, 2);
}
