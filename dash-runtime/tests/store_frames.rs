//! A 1,000,000-row polars DataFrame through both data stores (feature `polars`): the value
//! comes back equal, and what is stored is the Arrow IPC file (about 8 bytes per float),
//! not JSON (about 28 bytes per row for these values).
#![cfg(feature = "polars")]

use std::path::PathBuf;

use dash_runtime::store::{DataStore, Frame};
use polars::prelude::*;

const ROWS: usize = 1_000_000;

/// `x` = 0..n as floats and `y` = sin(x / 1000), as in the `store` example.
fn million_rows() -> DataFrame {
    let x: Vec<f64> = (0..ROWS).map(|i| i as f64).collect();
    let y: Vec<f64> = x.iter().map(|x| (x / 1000.0).sin()).collect();
    df!("x" => x, "y" => y).expect("two equal-length columns")
}

/// Checks the stored bytes of `key`: at most the IPC file plus a small header, and far less
/// than the same frame as JSON (under three quarters of its size).
async fn assert_stored_as_ipc(store: &DataStore, key: &str, frame: &Frame) {
    let stored = store
        .get_bytes(key)
        .await
        .expect("store answers")
        .expect("value present");
    let ipc = frame.to_ipc().expect("IPC encodes");
    assert!(
        stored.len() <= ipc.len() + 64,
        "stored {} bytes for an IPC file of {} bytes",
        stored.len(),
        ipc.len()
    );
    let json_len = serde_json::to_vec(&serde_json::json!({
        "x": frame.0.column("x").unwrap().f64().unwrap().into_no_null_iter().collect::<Vec<_>>(),
        "y": frame.0.column("y").unwrap().f64().unwrap().into_no_null_iter().collect::<Vec<_>>(),
    }))
    .unwrap()
    .len();
    assert!(
        stored.len() * 4 < json_len * 3,
        "stored {} bytes, JSON would be {json_len}",
        stored.len()
    );
}

#[tokio::test]
async fn a_million_row_frame_round_trips_through_the_embedded_store() {
    let dir: PathBuf = std::env::temp_dir().join(format!(
        "dash-store-frames-{}-{}",
        std::process::id(),
        rand::random::<u64>()
    ));
    let file = dir.join("app.sqlite3");
    let df = million_rows();
    let frame = Frame(df.clone());
    {
        let store = DataStore::embedded_at(&file);
        store
            .put("serverside:frame", &frame, None)
            .await
            .expect("put");
        let back = store
            .get::<Frame>("serverside:frame")
            .await
            .expect("get")
            .expect("present");
        assert!(back.0.equals(&df));
        assert_stored_as_ipc(&store, "serverside:frame", &frame).await;
    }
    // A new store on the same file (a restart) reads the frame from SQLite.
    let reopened = DataStore::embedded_at(&file);
    let back = reopened
        .get::<Frame>("serverside:frame")
        .await
        .expect("get after restart")
        .expect("present after restart");
    assert_eq!(back.0.height(), ROWS);
    assert!(back.0.equals(&df));
    drop(reopened);
    let _ = std::fs::remove_dir_all(&dir);
}

fn redis_url() -> String {
    std::env::var("REDIS_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "redis://127.0.0.1:6379/".to_owned())
}

#[tokio::test]
async fn a_million_row_frame_round_trips_through_redis_between_two_clients() {
    let app = format!(
        "store-frames-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    );
    let (writer, reader) = (
        DataStore::redis(redis_url()).app_name(&app),
        DataStore::redis(redis_url()).app_name(&app),
    );
    let df = million_rows();
    let frame = Frame(df.clone());
    writer
        .put("serverside:frame", &frame, None)
        .await
        .expect("put");
    let back = reader
        .get::<Frame>("serverside:frame")
        .await
        .expect("get")
        .expect("present");
    assert_eq!(back.0.height(), ROWS);
    assert!(back.0.equals(&df));
    assert_stored_as_ipc(&reader, "serverside:frame", &frame).await;
    reader.delete("serverside:frame").await.expect("delete");
    assert!(reader
        .get_bytes("serverside:frame")
        .await
        .expect("get")
        .is_none());
}
