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
