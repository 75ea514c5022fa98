//! The embedded data store: memory in front of an SQLite file. Every test uses its own file
//! in a fresh directory under the system's temporary directory, removed at the end.

use std::path::PathBuf;
use std::time::Duration;

use dash_runtime::store::{codec, DataStore, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A fresh directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "dash-store-test-{name}-{}-{}",
            std::process::id(),
            rand::random::<u64>()
        ));
        TempDir(dir)
    }

    fn file(&self) -> PathBuf {
        self.0.join("data").join("app.sqlite3")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Report {
    title: String,
    rows: Vec<(u32, f64)>,
    note: Option<String>,
}

/// Bytes that do not compress (a simple xorshift stream).
fn noise(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[tokio::test]
async fn typed_values_round_trip() {
    let dir = TempDir::new("typed");
    let store = DataStore::embedded_at(dir.file());
    let report = Report {
        title: "q3".into(),
        rows: vec![(1, 0.5), (2, -1.25)],
        note: None,
    };
    store.put("raw:report", &report, None).await.unwrap();
    assert_eq!(
        store.get::<Report>("raw:report").await.unwrap(),
        Some(report)
    );

    let value = json!({"a": [1, 2.5, "x", null, {"b": true}], "big": u64::MAX, "neg": -7});
    store.put("raw:json", &value, None).await.unwrap();
    assert_eq!(
        store.get::<serde_json::Value>("raw:json").await.unwrap(),
        Some(value)
    );

    // 1 MB: incompressible bytes, and a compressible string (stored compressed).
    let bytes = noise(1 << 20);
    store
        .put_bytes("raw:noise", bytes.clone(), None)
        .await
        .unwrap();
    assert_eq!(store.get_bytes("raw:noise").await.unwrap(), Some(bytes));
    let text = "abc".repeat(400_000);
    store.put("raw:text", &text, None).await.unwrap();
    assert_eq!(
        store.get::<String>("raw:text").await.unwrap(),
        Some(text.clone())
    );
    let stored = store.get_bytes("raw:text").await.unwrap().unwrap();
    assert!(
        stored.len() < text.len() / 10,
        "compressed: {}",
        stored.len()
    );

    // The wrong type is a codec error, not a panic.
    assert!(matches!(
        store.get::<Vec<u64>>("raw:report").await,
        Err(StoreError::Codec(_))
    ));
    assert_eq!(store.get::<String>("raw:absent").await.unwrap(), None);
}

#[tokio::test]
async fn values_expire() {
    let dir = TempDir::new("ttl");
    let store = DataStore::embedded_at(dir.file()).default_ttl(Duration::from_millis(100));
    store.put("raw:short", &1u8, None).await.unwrap();
    store
        .put("raw:long", &2u8, Some(Duration::from_secs(600)))
        .await
        .unwrap();
    assert_eq!(store.get::<u8>("raw:short").await.unwrap(), Some(1));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(store.get::<u8>("raw:short").await.unwrap(), None);
    assert_eq!(store.get::<u8>("raw:long").await.unwrap(), Some(2));
    // Expired on disk too: another store on the file does not see it.
    let other = DataStore::embedded_at(dir.file());
    assert_eq!(other.get::<u8>("raw:short").await.unwrap(), None);
    assert_eq!(other.get::<u8>("raw:long").await.unwrap(), Some(2));
}

#[tokio::test]
async fn eviction_keeps_values_on_disk() {
    let dir = TempDir::new("evict");
    let budget = 4 * 1024;
    let store = DataStore::embedded_at(dir.file()).memory_budget(budget);
    for i in 0..20u8 {
        store
            .put_bytes(&format!("raw:v{i}"), vec![i; 1000], None)
            .await
            .unwrap();
    }
    let stats = store.stats();
    assert!(stats.evictions >= 16, "{stats:?}");
    assert!(stats.memory_bytes <= budget, "{stats:?}");
    assert!(stats.memory_entries <= 4, "{stats:?}");
    // Every value is still there, read back from the file.
    for i in 0..20u8 {
        assert_eq!(
            store.get_bytes(&format!("raw:v{i}")).await.unwrap(),
            Some(vec![i; 1000]),
            "value {i}"
        );
    }
    // A value bigger than the whole budget is stored (on disk only).
    store
        .put_bytes("raw:big", noise(10_000), None)
        .await
        .unwrap();
    assert_eq!(
        store.get_bytes("raw:big").await.unwrap(),
        Some(noise(10_000))
    );
}

#[tokio::test]
async fn a_restart_keeps_values() {
    let dir = TempDir::new("restart");
    {
        let store = DataStore::embedded_at(dir.file());
        store.put("raw:kept", &"still here", None).await.unwrap();
        store.put("raw:gone", &"deleted", None).await.unwrap();
        store.delete("raw:gone").await.unwrap();
    }
    let store = DataStore::embedded_at(dir.file());
    assert_eq!(
        store.get::<String>("raw:kept").await.unwrap().as_deref(),
        Some("still here")
    );
    assert_eq!(store.get::<String>("raw:gone").await.unwrap(), None);
}

#[tokio::test]
async fn two_stores_on_one_file_see_each_others_writes() {
    let dir = TempDir::new("shared");
    let a = DataStore::embedded_at(dir.file());
    let b = DataStore::embedded_at(dir.file());
    a.put("session:s1", &1u32, None).await.unwrap();
    // b holds the value in memory after this read ...
    assert_eq!(b.get::<u32>("session:s1").await.unwrap(), Some(1));
    // ... and still sees a's replacement and a's delete.
    a.put("session:s1", &2u32, None).await.unwrap();
    assert_eq!(b.get::<u32>("session:s1").await.unwrap(), Some(2));
    a.delete("session:s1").await.unwrap();
    assert_eq!(b.get::<u32>("session:s1").await.unwrap(), None);
    assert_eq!(a.stats().memory_entries, 0);
}

#[tokio::test]
async fn put_if_absent_is_a_lock() {
    let dir = TempDir::new("lock");
    let a = DataStore::embedded_at(dir.file());
    let b = DataStore::embedded_at(dir.file());
    let lease = Duration::from_millis(150);
    assert!(a
        .put_if_absent("memo:lock", b"a".to_vec(), lease)
        .await
        .unwrap());
    assert!(!b
        .put_if_absent("memo:lock", b"b".to_vec(), lease)
        .await
        .unwrap());
    assert!(!a
        .put_if_absent("memo:lock", b"a2".to_vec(), lease)
        .await
        .unwrap());
    assert_eq!(b.get_bytes("memo:lock").await.unwrap(), Some(b"a".to_vec()));
    // The lease lapses: the next taker wins.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(b
        .put_if_absent("memo:lock", b"b".to_vec(), lease)
        .await
        .unwrap());
    assert_eq!(a.get_bytes("memo:lock").await.unwrap(), Some(b"b".to_vec()));
    // Released: free again.
    b.delete("memo:lock").await.unwrap();
    assert!(a
        .put_if_absent("memo:lock", b"a".to_vec(), lease)
        .await
        .unwrap());

    // Concurrent takers: exactly one wins.
    let takers = (0..8).map(|i| {
        let store = if i % 2 == 0 { a.clone() } else { b.clone() };
        tokio::spawn(async move {
            store
                .put_if_absent("memo:race", vec![i], Duration::from_secs(60))
                .await
                .unwrap()
        })
    });
    let mut won = 0;
    for taker in takers {
        won += usize::from(taker.await.unwrap());
    }
    assert_eq!(won, 1);
}

#[tokio::test]
async fn limits_are_refused() {
    let dir = TempDir::new("limits");
    let store = DataStore::embedded_at(dir.file()).max_value_size(1000);
    assert!(matches!(
        store.put_bytes("raw:big", vec![0; 1001], None).await,
        Err(StoreError::TooLarge {
            size: 1001,
            limit: 1000
        })
    ));
    assert!(matches!(
        store.put("raw:big", &noise(2000), None).await,
        Err(StoreError::TooLarge { .. })
    ));
    assert_eq!(store.get_bytes("raw:big").await.unwrap(), None);
    store
        .put_bytes("raw:ok", vec![0; 1000], None)
        .await
        .unwrap();
    assert!(matches!(
        store.put_bytes("", vec![], None).await,
        Err(StoreError::InvalidKey)
    ));
}

#[cfg(unix)]
#[tokio::test]
async fn the_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("private");
    let store = DataStore::embedded_at(dir.file());
    store.put("raw:k", &1u8, None).await.unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.file()), 0o600);
    assert_eq!(mode(dir.file().parent().unwrap()), 0o700);
}

#[tokio::test]
async fn an_unwritable_place_is_unavailable_not_a_panic() {
    let dir = TempDir::new("blocked");
    std::fs::create_dir_all(&dir.0).unwrap();
    // A file where the directory should be.
    let blocker = dir.0.join("data");
    std::fs::write(&blocker, b"not a directory").unwrap();
    let store = DataStore::embedded_at(blocker.join("app.sqlite3"));
    let err = store.put("raw:k", &1u8, None).await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable { .. }), "{err}");
    assert!(err.to_string().contains("embedded"), "{err}");
}

#[tokio::test]
async fn the_default_file_is_named_after_the_app() {
    let dir = TempDir::new("default");
    // nextest runs each test in its own process; no other test reads this variable.
    std::env::set_var("DASH_RS_CACHE_DIR", &dir.0);
    let store = DataStore::embedded().app_name("shop front");
    store.put("raw:k", &1u8, None).await.unwrap();
    assert!(dir.0.join("data").join("shop_front.sqlite3").exists());

    // A handle the program keeps opens the file named after the app it was given to.
    use dash_runtime::prelude::*;
    let kept = DataStore::embedded();
    let _server = Dash::new()
        .name("named by the app")
        .serve_locally(false)
        .data_store(kept.clone())
        .layout(html::div("x"))
        .build()
        .await
        .expect("the app builds");
    kept.put("raw:k", &1u8, None).await.unwrap();
    assert!(dir.0.join("data").join("named_by_the_app.sqlite3").exists());
}

#[test]
fn codec_is_public() {
    let bytes = codec::encode(&json!({"k": [1, 2]}), 64 * 1024).unwrap();
    assert_eq!(
        codec::decode::<serde_json::Value>(&bytes).unwrap(),
        json!({"k": [1, 2]})
    );
}

#[tokio::test]
async fn the_apps_store_is_current() {
    use dash_runtime::prelude::*;
    let dir = TempDir::new("app");
    let store = DataStore::embedded_at(dir.file());
    let _server = Dash::new()
        .name("store test")
        .serve_locally(false)
        .data_store(store.clone())
        .layout(html::div("x"))
        .build()
        .await
        .expect("the app builds");
    store.put("raw:k", &5u8, None).await.unwrap();
    let current = dash_runtime::store::current();
    assert_eq!(current.describe(), store.describe());
    assert_eq!(current.get::<u8>("raw:k").await.unwrap(), Some(5));
}
