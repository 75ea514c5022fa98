//! Background callbacks with the Redis manager, against a real `redis-server` on 127.0.0.1
//! (`REDIS_URL`, default `redis://127.0.0.1:6379/`; `scripts/setup-test-env` starts one).
//! Every test uses its own key prefix and deletes its keys at the end.
//!
//! The fault tests start worker processes: this test binary again, running only the ignored
//! test `worker_process`, which serves the queue until it is killed (see
//! `background_support::procs`; `faults_redis.rs` has the other fault tests).

mod background_support;

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use background_support::procs::{worker_main, Prefix, Proc, Role};
use background_support::*;
use dash_runtime::background::{run_worker, BackgroundManager, JobState};
use dash_runtime::prelude::*;
use serde_json::{json, Value};
use tokio::sync::oneshot;

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
    assert_eq!(app.jobs.queue_depth().await.expect("depth"), 3);
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
    worker_main();
}

/// A worker process on `prefix` (lease 2 s, two jobs at once).
fn worker_process_on(prefix: &Prefix, n: usize) -> Proc {
    let role = Role {
        lease_ms: Some(2000),
        concurrency: Some(2),
        ..Role::redis(prefix)
    };
    background_support::procs::worker(&role, &format!("worker-{n}"))
}

/// The worker process whose pid appears in a worker name.
fn owner<'a>(workers: &'a mut [Proc], name: &str) -> Option<&'a mut Proc> {
    workers
        .iter_mut()
        .find(|w| name.contains(&format!("-pid{}-", w.pid())))
}

/// Start a slow job and wait until one of the workers runs it; returns its index.
async fn running_on(app: &App, workers: &mut [Proc], started: &Value) -> usize {
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
    let mut workers = vec![worker_process_on(&prefix, 1), worker_process_on(&prefix, 2)];
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
    workers[first].wait_exit(WAIT);
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
    let mut workers = vec![worker_process_on(&prefix, 1), worker_process_on(&prefix, 2)];
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

/// A stored job keeps only the headers the app lists.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_jobs_keep_only_allowed_headers() {
    let prefix = Prefix::new("headers");
    let app = app(prefix.manager().keep_headers(["x-user"])).await;
    let body = stepper_body(1, "redis-headers", 1, 10);
    let req = axum::http::Request::post(format!(
        "/_dash-update-component?endId={}",
        encode(&app.end_id)
    ))
    .header("content-type", "application/json")
    .header("cookie", "session=secret-cookie")
    .header("authorization", "Bearer secret-token")
    .header("x-user", "ada")
    .body(axum::body::Body::from(body.to_string()))
    .expect("request");
    let (status, started) = send(&app.router, req).await;
    assert_eq!(status, StatusCode::OK, "{started}");
    let started: Value = serde_json::from_str(&started).expect("JSON");
    let payload = prefix
        .job_field(started["job"].as_str().unwrap_or(""), "payload")
        .expect("the job is stored");
    println!("stored payload: {payload}");
    assert!(!payload.contains("secret"), "a secret header was stored");
    assert!(payload.contains("x-user") && payload.contains("ada"));
}
