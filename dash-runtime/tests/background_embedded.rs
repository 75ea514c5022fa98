//! Background callbacks with the embedded manager (SQLite), driven through the router as
//! dash-renderer drives them.

mod background_support;

use std::time::Duration;

use background_support::*;
use dash_runtime::background::{BackgroundManager, JobState};
use serde_json::json;

fn manager(dir: &TempDir) -> BackgroundManager {
    BackgroundManager::embedded_at(dir.db()).lease(Duration::from_secs(2))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_side_updates_and_result() {
    let dir = TempDir::new("progress");
    let app = app(manager(&dir)).await;
    println!("manager: {}", app.jobs.describe());
    background_support::progress_side_updates_and_result(&app, "emb-progress").await;
    background_support::progress_survives_reads(&app, "emb-reads").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_handles_are_204() {
    let dir = TempDir::new("handles");
    let app = app(manager(&dir)).await;
    background_support::foreign_handles_are_204(&app, "emb-handles").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_and_supersede() {
    let dir = TempDir::new("cancel");
    let app = app(manager(&dir)).await;
    background_support::cancel_stops_the_job(&app, "emb-cancel").await;
    background_support::supersede_cancels_the_old_job(&app, "emb-supersede").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cache_shares_only_when_asked() {
    let dir = TempDir::new("cache");
    let app = app(manager(&dir)).await;
    background_support::cache_shares_only_when_asked(&app, "emb-cache").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_and_prevented_updates() {
    let dir = TempDir::new("errors");
    let app = app(manager(&dir)).await;
    background_support::errors_and_prevented_updates(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_results_are_removed() {
    let dir = TempDir::new("expiry");
    let app = app(manager(&dir)
        .result_ttl(Duration::from_millis(800))
        .sweep_every(Duration::from_millis(200)))
    .await;
    background_support::expired_results_are_removed(&app, "emb-expiry").await;
}

/// Two processes share one SQLite file: a job started by one is polled through the other
/// (handles verify everywhere), and when the first process dies mid-job the second takes the
/// job over and finishes it.
#[test]
fn a_second_process_takes_over_a_dead_process_job() {
    let dir = TempDir::new("takeover");
    let db = dir.db();
    // "Process" A: its own runtime, dropped mid-job (its tasks die with it, as in a crash).
    let runtime_a = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime A");
    let (app_a, end_a, started, body) = runtime_a.block_on(async {
        let app = app(BackgroundManager::embedded_at(&db).lease(Duration::from_secs(1))).await;
        let body = stepper_body(7, "emb-takeover", 20, 100);
        let (_, started) = app.start(&body).await;
        let begun = std::time::Instant::now();
        loop {
            let (_, answer) = app.poll(&started, &body).await;
            if answer.get("progress").is_some() {
                println!("process A: job running, {answer}");
                break;
            }
            assert!(begun.elapsed() < WAIT);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        (app.jobs.clone(), app.end_id.clone(), started, body)
    });
    let first = runtime_a
        .block_on(app_a.info(started["job"].as_str().unwrap_or("")))
        .expect("store answers")
        .expect("job known");
    println!("process A runs it: {first:?}");
    drop(runtime_a);
    drop(app_a);
    println!("process A stopped mid-job");

    let runtime_b = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime B");
    runtime_b.block_on(async {
        let app = app(BackgroundManager::embedded_at(&db).lease(Duration::from_secs(1))).await;
        // Same page token as A's page: both processes sign with the secret in the file.
        let app = App {
            end_id: end_a.clone(),
            ..app
        };
        let (status, last, _) = app.poll_to_end(&started, &body).await;
        let info = app.info(&started).await.expect("known");
        println!("process B finished it: {info:?}; final poll {status} {last}");
        assert_eq!(status, axum::http::StatusCode::OK);
        assert_eq!(
            last["response"]["step-out"]["children"],
            json!("emb-takeover: done 7")
        );
        assert_eq!(info.attempt, 2);
        assert_eq!(info.state, JobState::Delivered);
        assert_ne!(info.worker, first.worker, "another process finished it");
    });
}

/// At most `worker_concurrency` jobs run at once; the others report `queued` (a poll answers
/// without progress) and start oldest first as slots free up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_beyond_the_concurrency_wait_oldest_first() {
    let dir = TempDir::new("bounded");
    let app = app(manager(&dir).worker_concurrency(2)).await;
    let mut jobs = Vec::new();
    for n in 1..=5u64 {
        let body = stepper_body(n, &format!("emb-bounded-{n}"), 4, 100);
        let (_, started) = app.start(&body).await;
        jobs.push((body, started));
    }
    let (status, queued) = app.poll(&jobs[4].1, &jobs[4].0).await;
    println!("a poll of the 5th job: {status} {queued}");
    assert_eq!(
        (status, queued),
        (axum::http::StatusCode::OK, json!({"multi": true}))
    );
    let mut started_order: Vec<usize> = Vec::new();
    let mut most_running = 0;
    let begun = std::time::Instant::now();
    loop {
        let mut running = 0;
        let mut done = 0;
        for (i, (_, s)) in jobs.iter().enumerate() {
            let state = app.info(s).await.map(|i| i.state);
            if state != Some(JobState::Queued) && !started_order.contains(&i) {
                started_order.push(i);
            }
            match state {
                Some(JobState::Running) => running += 1,
                Some(JobState::Done) => done += 1,
                _ => {}
            }
        }
        // State reads of five jobs are not one snapshot (a job may finish and the next start
        // between two reads), so this is only what polling saw; the bound is checked below
        // by the jobs themselves.
        most_running = most_running.max(running);
        if done == jobs.len() {
            break;
        }
        assert!(begun.elapsed() < WAIT, "the queue did not drain");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!("started in the order {started_order:?}; at most {most_running} at once");
    let most = most_in_flight("emb-bounded");
    println!("the jobs saw at most {most} of them running at once");
    assert_eq!(
        most, 2,
        "worker_concurrency(2) runs two jobs at once, never more"
    );
    // Two slots: the first two jobs start first, the next two take the slots they free (in
    // one claim, so polling may see either of the pair first), the fifth comes last.
    let mut first = started_order[..2].to_vec();
    let mut second = started_order[2..4].to_vec();
    first.sort_unstable();
    second.sort_unstable();
    assert_eq!(
        (first, second, started_order[4]),
        (vec![0, 1], vec![2, 3], 4)
    );
    for (body, s) in &jobs {
        let (status, last, _) = app.poll_to_end(s, body).await;
        assert_eq!(status, axum::http::StatusCode::OK);
        let label = body["state"][0]["value"].as_str().unwrap_or("");
        let n = body["inputs"][0]["value"].as_u64().unwrap_or(0);
        assert_eq!(
            last["response"]["step-out"]["children"],
            json!(format!("{label}: done {n}"))
        );
    }
}

/// A stored job keeps only the headers the app lists; the file and its directory are private.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_jobs_keep_only_allowed_headers() {
    let dir = TempDir::new("headers");
    let db = dir.0.join("private").join("jobs.sqlite3");
    let app = app(BackgroundManager::embedded_at(&db).keep_headers(["X-User"])).await;
    let body = stepper_body(1, "emb-headers", 1, 10);
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
    let (status, text) = send(&app.router, req).await;
    assert_eq!(status, axum::http::StatusCode::OK, "{text}");
    let conn = rusqlite::Connection::open(&db).expect("the file opens");
    let payload: String = conn
        .query_row("SELECT payload FROM jobs", [], |r| r.get(0))
        .expect("one job");
    println!("stored payload: {payload}");
    assert!(!payload.contains("secret"), "a secret header was stored");
    assert!(payload.contains("x-user") && payload.contains("ada"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| {
            std::fs::metadata(p)
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or(0)
        };
        assert_eq!(mode(&db), 0o600);
        assert_eq!(mode(&dir.0.join("private")), 0o700);
    }
}

/// `Jobs::hand_over` puts a running job back in the queue at once; another process takes it,
/// and a handed-over attempt does not count as a failed one (`max_attempts(1)` still runs
/// it again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handed_over_job_is_taken_by_another_process_and_not_counted_as_failed() {
    let dir = TempDir::new("handover");
    let a = app(manager(&dir).max_attempts(1)).await;
    let body = stepper_body(9, "emb-handover", 10, 100);
    let (_, started) = a.start(&body).await;
    a.wait_progress(&started, &body).await;
    let handed = a.jobs.hand_over().await.expect("the store answers");
    let info = a.info(&started).await;
    println!("handed over {handed} job(s): {info:?}");
    assert_eq!(handed, 1);
    assert_eq!(info.map(|i| i.state), Some(JobState::Queued));
    assert_eq!(a.jobs.queue_depth().await.expect("depth"), 1);
    let b = app(manager(&dir).max_attempts(1)).await;
    let b = App {
        end_id: a.end_id.clone(),
        ..b
    };
    let (status, last, _) = b.poll_to_end(&started, &body).await;
    let info = b.info(&started).await;
    println!("delivered through B: {status} {last}; {info:?}");
    assert_eq!(
        last["response"]["step-out"]["children"],
        json!("emb-handover: done 9")
    );
    assert_eq!(info.map(|i| i.attempt), Some(2));
}
