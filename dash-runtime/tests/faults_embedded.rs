//! Faults with the embedded manager, with real web processes sharing one SQLite file: a web
//! process stopped (SIGTERM) or killed (SIGKILL) mid-job, and a rolling restart.
//!
//! Web processes are this test binary again (the ignored `web_process` test, see
//! `background_support::procs`), with `DASH_RS_CACHE_DIR` pointing at a temporary directory:
//! their file is named after the app (this crate, `faults_embedded`), so every process finds
//! the same one. Each test ends with the job's right result; times are printed, never
//! asserted.

#![cfg(unix)]

mod background_support;

use std::os::unix::fs::PermissionsExt;
use std::time::Instant;

use axum::http::StatusCode;
use background_support::procs::{self, Role};
use background_support::*;
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

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or(0)
}

/// The pid in the `owner` of a job's record.
fn owner_pid(dir: &TempDir, started: &Value) -> Option<u32> {
    let file = dir.0.join("background").join("faults_embedded.sqlite3");
    let id = started["job"].as_str()?.split('~').next()?.to_owned();
    let conn = rusqlite::Connection::open(file).ok()?;
    let owner: String = conn
        .query_row("SELECT owner FROM jobs WHERE id = ?1", [id], |r| r.get(0))
        .ok()?;
    owner.strip_prefix("pid")?.split('-').next()?.parse().ok()
}

/// SIGTERM to the web process running a job: it hands the job over at once; the next web
/// process (started after it stopped) takes it and delivers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_web_process_hands_its_job_over() {
    let dir = TempDir::new("fault-emb-term");
    let role = Role::embedded(&dir.0);
    let mut web_a = procs::web(&role, "web-a").await;
    let file = dir.0.join("background").join("faults_embedded.sqlite3");
    println!("{}", web_a.proc.wait_line("MANAGER "));
    assert!(
        file.exists(),
        "the file is named after the app: {}",
        file.display()
    );
    assert_eq!(mode(&file), 0o600, "the SQLite file is private");
    assert_eq!(
        mode(&dir.0.join("background")),
        0o700,
        "its directory is private"
    );

    let body = stepper_body(1, "emb-term", 30, 100);
    let (status, started) = web_a.start(&body).await;
    assert_eq!(status, StatusCode::OK, "{started}");
    web_a.wait_progress(&started, &body).await;
    web_a.proc.signal("TERM");
    let stopped = Instant::now();
    println!("handed over: {}", web_a.proc.wait_line("HANDED OVER "));
    assert!(
        web_a.proc.wait_exit(WAIT),
        "web A did not stop:\n{}",
        web_a.proc.output()
    );
    let mut web_b = procs::web(&role, "web-b").await;
    web_b.end_id = web_a.end_id.clone();
    let (status, last, _) = web_b.poll_to_end(&started, &body).await;
    println!(
        "SIGTERM -> result through web B in {:?} (the job itself takes about 3 s): {status} {last}",
        stopped.elapsed()
    );
    assert_eq!(status, StatusCode::OK, "{last}\n{}", web_b.proc.output());
    assert_eq!(
        last["response"]["step-out"]["children"],
        json!("emb-term: done 1")
    );
}

/// SIGKILL to the web process running a job: another web process sharing the file takes the
/// job over once its lease lapses (default 5 s).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_web_process_job_is_taken_over() {
    let dir = TempDir::new("fault-emb-kill");
    let role = Role::embedded(&dir.0);
    let web_a = procs::web(&role, "web-a").await;
    let mut web_b = procs::web(&role, "web-b").await;
    web_b.end_id = web_a.end_id.clone();
    let body = stepper_body(2, "emb-kill", 30, 100);
    let (status, started) = web_a.start(&body).await;
    assert_eq!(status, StatusCode::OK, "{started}");
    web_a.wait_progress(&started, &body).await;
    // Either process may have taken the job from the shared queue: kill the one that runs it.
    let owner = owner_pid(&dir, &started).expect("the job has an owner");
    let (victim, survivor) = if owner == web_a.proc.pid() {
        (web_a, web_b)
    } else {
        (web_b, web_a)
    };
    println!("job runs on {} (pid {owner})", victim.proc.name);
    victim.proc.signal("KILL");
    let killed = Instant::now();
    let (status, last, _) = survivor.poll_to_end(&started, &body).await;
    println!(
        "SIGKILL -> result through {} in {:?} (the job itself takes about 3 s): {status} {last}",
        survivor.proc.name,
        killed.elapsed()
    );
    assert_eq!(status, StatusCode::OK, "{last}\n{}", survivor.proc.output());
    assert_eq!(
        last["response"]["step-out"]["children"],
        json!("emb-kill: done 2")
    );
}

/// Two web processes share the file; jobs are started, then each process is replaced in
/// turn (SIGTERM, then a new one): every job is delivered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolling_restart_of_web_processes_loses_no_job() {
    let dir = TempDir::new("fault-emb-rolling");
    let role = Role {
        concurrency: Some(2),
        ..Role::embedded(&dir.0)
    };
    let web_a = procs::web(&role, "web-a").await;
    let web_b = procs::web(&role, "web-b").await;
    let mut jobs: Vec<(Value, Value)> = Vec::new();
    for n in 1..=3u64 {
        let body = stepper_body(n, &format!("emb-rolling-{n}"), 25, 100);
        let (status, started) = web_a.start(&body).await;
        assert_eq!(status, StatusCode::OK, "{started}");
        jobs.push((body, started));
    }
    web_a.wait_progress(&jobs[0].1, &jobs[0].0).await;
    let begun = Instant::now();
    let end_id = web_a.end_id.clone();
    web_a.proc.signal("TERM");
    let web_c = procs::web(&role, "web-c").await;
    web_b.proc.signal("TERM");
    let mut web_d = procs::web(&role, "web-d").await;
    web_d.end_id = end_id;
    println!("both web processes replaced after {:?}", begun.elapsed());
    for (body, started) in &jobs {
        let (status, last, _) = web_d.poll_to_end(started, body).await;
        println!("{status} {last}");
        assert_eq!(
            status,
            StatusCode::OK,
            "{last}\n--- web C ---\n{}\n--- web D ---\n{}",
            web_c.proc.output(),
            web_d.proc.output()
        );
        let label = body["state"][0]["value"].as_str().unwrap_or("");
        let n = body["inputs"][0]["value"].as_u64().unwrap_or(0);
        assert_eq!(
            last["response"]["step-out"]["children"],
            json!(format!("{label}: done {n}"))
        );
    }
    println!(
        "all 3 jobs delivered {:?} after the restart began",
        begun.elapsed()
    );
}
