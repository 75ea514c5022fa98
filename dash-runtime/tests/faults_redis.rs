//! Faults with the Redis manager, with real processes: a worker killed mid-job, Redis killed
//! and restarted mid-job, a web process replaced mid-job, a rolling restart of every process.
//!
//! Web and worker processes are this test binary again (the ignored `web_process` and
//! `worker_process` tests, see `background_support::procs`). Tests that restart Redis start
//! their own `redis-server` on a free port; the others use the shared one with a key prefix
//! of their own. Each test ends with the job's right result; times are printed, never
//! asserted.

#![cfg(unix)]

mod background_support;

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use background_support::procs::{self, Prefix, Proc, RedisServer, Role};
use background_support::*;
use dash_runtime::background::BackgroundManager;
use dash_runtime::prelude::*;
use serde_json::{json, Value};

#[test]
#[ignore = "a worker process of the fault tests"]
fn worker_process() {
    procs::worker_main();
}

#[test]
#[ignore = "a web process of the fault tests"]
fn web_process() {
    procs::web_main();
}

/// A plain callback: it must keep working while Redis is away.
#[callback(
    output = Output("plain-out", "children"),
    inputs = [Input("plain-in", "value")],
    prevent_initial_call = true,
)]
fn plain(value: String) -> String {
    format!("plain {value}")
}

/// The web side in this process, with the manager's defaults (lease 5 s).
fn web_manager(prefix: &Prefix) -> BackgroundManager {
    BackgroundManager::redis(&prefix.url).key_prefix(&prefix.prefix)
}

/// The index of the worker whose pid is in the job's `worker` field.
fn runner_of(prefix: &Prefix, started: &Value, workers: &[Proc]) -> Option<usize> {
    let name = prefix.job_field(started["job"].as_str().unwrap_or(""), "worker")?;
    workers
        .iter()
        .position(|w| name.contains(&format!("-pid{}-", w.pid())))
}

async fn wait_runner(prefix: &Prefix, started: &Value, workers: &[Proc]) -> usize {
    let begun = Instant::now();
    loop {
        if let Some(i) = runner_of(prefix, started, workers) {
            return i;
        }
        assert!(begun.elapsed() < WAIT, "no worker took the job");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn logs(procs: &[&Proc]) -> String {
    procs
        .iter()
        .map(|p| format!("--- {} (pid {}) ---\n{}", p.name, p.pid(), p.output()))
        .collect()
}

/// SIGKILL the worker running a job: another worker finishes it, about one lease (default
/// 5 s) later.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_workers_job_is_finished_within_seconds() {
    let prefix = Prefix::new("fault-kill");
    let role = Role::redis(&prefix);
    let workers = vec![
        procs::worker(&role, "worker-1"),
        procs::worker(&role, "worker-2"),
    ];
    let app = app(web_manager(&prefix)).await;
    let body = stepper_body(1, "kill", 30, 100);
    let (status, started) = app.start(&body).await;
    assert_eq!(status, StatusCode::OK, "{started}");
    let progress = app.wait_progress(&started, &body).await;
    let first = wait_runner(&prefix, &started, &workers).await;
    println!("running on {}: {progress}", workers[first].name);
    workers[first].signal("KILL");
    let killed = Instant::now();
    let (status, last, _) = app.poll_to_end(&started, &body).await;
    let recovered = killed.elapsed();
    let info = app.info(&started).await;
    println!(
        "SIGKILL -> result in {recovered:?} (the job itself takes about 3 s); {info:?}\n{}",
        logs(&[&workers[1 - first]])
    );
    assert_eq!(status, StatusCode::OK, "{last}");
    assert_eq!(
        last["response"]["step-out"]["children"],
        json!("kill: done 1")
    );
    assert_eq!(runner_of(&prefix, &started, &workers), Some(1 - first));
}

/// Redis is killed mid-job and restarted on the same port (AOF on): while it is away, a
/// background start or poll is a 503 within seconds and plain callbacks still answer; then
/// the same web side and worker carry on without a restart and the job ends with its
/// result.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_restarted_mid_job() {
    let mut redis = RedisServer::start("fault-restart");
    let prefix = Prefix::on(&redis.url(), "fault-restart");
    let worker = procs::worker(&Role::redis(&prefix), "worker");
    let app = app(web_manager(&prefix)).await;
    let body = stepper_body(2, "restart", 40, 100);
    let (_, started) = app.start(&body).await;
    let progress = app.wait_progress(&started, &body).await;
    println!("job running: {progress}");

    redis.kill();
    println!("redis-server killed mid-job");
    let asked = Instant::now();
    let (status, answer) = app.start(&stepper_body(3, "restart-down", 1, 10)).await;
    println!(
        "background start while Redis is down: {status} {answer} after {:?}",
        asked.elapsed()
    );
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{answer}");
    let asked = Instant::now();
    let (status, _) = app.poll(&started, &body).await;
    println!(
        "poll while Redis is down: {status} after {:?}",
        asked.elapsed()
    );
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let (status, answer) = app
        .post(
            &format!("endId={}", encode(&app.end_id)),
            &simple_body("plain-out", "plain-in", json!("x")),
        )
        .await;
    println!("plain callback while Redis is down: {status} {answer}");
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        answer["response"]["plain-out"]["children"],
        json!("plain x")
    );

    tokio::time::sleep(Duration::from_secs(1)).await;
    redis.restart();
    let restarted = Instant::now();
    println!("redis-server restarted on the same port");
    let (status, last, seen) = app
        .poll_through(&started, &body, &[StatusCode::SERVICE_UNAVAILABLE])
        .await;
    let unavailable = seen.iter().filter(|a| a.get("status").is_some()).count();
    println!(
        "result {:?} after the restart ({unavailable} polls answered 503): {status} {last}; attempt {:?}\n{}",
        restarted.elapsed(),
        prefix.job_field(started["job"].as_str().unwrap_or(""), "attempt"),
        logs(&[&worker])
    );
    assert_eq!(status, StatusCode::OK, "{last}");
    assert_eq!(
        last["response"]["step-out"]["children"],
        json!("restart: done 2")
    );
    // A new job after the restart runs too (the worker's read loop and group are back).
    let body = stepper_body(4, "restart-after", 2, 10);
    let (_, again) = app.start(&body).await;
    let (status, last, _) = app.poll_to_end(&again, &body).await;
    assert_eq!(
        (status, last["response"]["step-out"]["children"].clone()),
        (StatusCode::OK, json!("restart-after: done 4"))
    );
}

/// The web process that started a job is killed; a new web process answers the polls (web
/// processes keep no job state).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replaced_web_process_still_delivers() {
    let prefix = Prefix::new("fault-web");
    let role = Role::redis(&prefix);
    let _worker = procs::worker(&role, "worker");
    let web_a = procs::web(&role, "web-a").await;
    let body = stepper_body(5, "web", 20, 100);
    let (status, started) = web_a.start(&body).await;
    assert_eq!(status, StatusCode::OK, "{started}");
    web_a.wait_progress(&started, &body).await;
    web_a.proc.signal("KILL");
    let end_id = web_a.end_id.clone();
    drop(web_a);
    let mut web_b = procs::web(&role, "web-b").await;
    web_b.end_id = end_id;
    let (status, last, _) = web_b.poll_to_end(&started, &body).await;
    println!("polled through the new web process: {status} {last}");
    assert_eq!(status, StatusCode::OK, "{last}");
    assert_eq!(
        last["response"]["step-out"]["children"],
        json!("web: done 5")
    );
}

/// A rolling restart: each worker and the web process get SIGTERM in turn while jobs run,
/// and are replaced by new ones. Stopping workers hand their unfinished jobs over; no job is
/// lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolling_restart_loses_no_job() {
    let prefix = Prefix::new("fault-rolling");
    let role = Role {
        grace_ms: Some(500),
        concurrency: Some(2),
        ..Role::redis(&prefix)
    };
    let mut w1 = procs::worker(&role, "worker-1");
    let mut w2 = procs::worker(&role, "worker-2");
    let web_a = procs::web(&role, "web-a").await;
    let jobs: Vec<(Value, Value)> = {
        let mut jobs = Vec::new();
        for n in 1..=4u64 {
            let body = stepper_body(n, &format!("rolling-{n}"), 30, 100);
            let (status, started) = web_a.start(&body).await;
            assert_eq!(status, StatusCode::OK, "{started}");
            jobs.push((body, started));
        }
        jobs
    };
    for (body, started) in &jobs {
        web_a.wait_progress(started, body).await;
    }
    println!("4 jobs running on 2 workers");
    let begun = Instant::now();
    w1.signal("TERM");
    assert!(
        w1.wait_exit(WAIT),
        "worker 1 did not stop:\n{}",
        w1.output()
    );
    let w3 = procs::worker(&role, "worker-3");
    w2.signal("TERM");
    assert!(
        w2.wait_exit(WAIT),
        "worker 2 did not stop:\n{}",
        w2.output()
    );
    let w4 = procs::worker(&role, "worker-4");
    web_a.proc.signal("TERM");
    let end_id = web_a.end_id.clone();
    let mut web_b = procs::web(&role, "web-b").await;
    web_b.end_id = end_id;
    println!("every process replaced after {:?}", begun.elapsed());
    for (body, started) in &jobs {
        let (status, last, _) = web_b
            .poll_through(started, body, &[StatusCode::BAD_GATEWAY])
            .await;
        let attempt = prefix.job_field(started["job"].as_str().unwrap_or(""), "attempt");
        println!("{status} {last} (attempt {attempt:?})");
        assert_eq!(
            status,
            StatusCode::OK,
            "{last}\n{}",
            logs(&[&w1, &w2, &w3, &w4])
        );
        let label = body["state"][0]["value"].as_str().unwrap_or("");
        let n = body["inputs"][0]["value"].as_u64().unwrap_or(0);
        assert_eq!(
            last["response"]["step-out"]["children"],
            json!(format!("{label}: done {n}"))
        );
    }
    println!(
        "all 4 jobs delivered {:?} after the restart began",
        begun.elapsed()
    );
    println!("{}", logs(&[&w1, &w2]));
}
