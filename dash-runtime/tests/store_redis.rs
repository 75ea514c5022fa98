//! The Redis data store, against a real `redis-server` (`REDIS_URL`, default
//! `redis://127.0.0.1:6379/`; `scripts/setup-test-env` starts one). Every test uses its own
//! app name (so its own key prefix) and deletes its keys at the end.

use std::time::Duration;

use dash_runtime::store::{DataStore, StoreError};
use serde_json::json;

fn url() -> String {
    std::env::var("REDIS_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "redis://127.0.0.1:6379/".to_owned())
}

/// A unique app name; its keys are deleted on drop.
struct App(String);

impl App {
    fn new(test: &str) -> App {
        App(format!(
            "store-test-{test}-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ))
    }

    /// A store of this app (its own Redis client and connection).
    fn store(&self) -> DataStore {
        DataStore::redis(url()).app_name(&self.0)
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let Ok(client) = redis::Client::open(url()) else {
            return;
        };
        let Ok(mut conn) = client.get_connection() else {
            return;
        };
        let pattern = format!("dash-rs:{}:*", self.0);
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(&pattern)
            .query(&mut conn)
            .unwrap_or_default();
        if !keys.is_empty() {
            let _: redis::RedisResult<()> = redis::cmd("DEL").arg(keys).query(&mut conn);
        }
    }
}

#[tokio::test]
async fn values_round_trip_under_the_apps_prefix() {
    let app = App::new("roundtrip");
    let store = app.store();
    let value = json!({"a": [1, 2.5, "x", null], "n": -3});
    store.put("raw:json", &value, None).await.unwrap();
    assert_eq!(
        store.get::<serde_json::Value>("raw:json").await.unwrap(),
        Some(value)
    );
    let mb: Vec<u8> = (0..1 << 20).map(|i: u32| (i * 7 % 251) as u8).collect();
    store.put_bytes("raw:mb", mb.clone(), None).await.unwrap();
    assert_eq!(store.get_bytes("raw:mb").await.unwrap(), Some(mb));

    // The key is scoped by the app's name and carries the TTL.
    let client = redis::Client::open(url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let key = format!("dash-rs:{}:data:raw:json", app.0);
    let ttl: i64 = redis::cmd("PTTL")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(ttl > 0 && ttl <= 3_600_000, "{ttl}");
    store.delete("raw:json").await.unwrap();
    assert_eq!(store.get_bytes("raw:json").await.unwrap(), None);
}

#[tokio::test]
async fn two_stores_share_values() {
    let app = App::new("shared");
    let (a, b) = (app.store(), app.store());
    a.put("serverside:x", &vec![1u32, 2, 3], None)
        .await
        .unwrap();
    assert_eq!(
        b.get::<Vec<u32>>("serverside:x").await.unwrap(),
        Some(vec![1, 2, 3])
    );
    b.delete("serverside:x").await.unwrap();
    assert_eq!(a.get::<Vec<u32>>("serverside:x").await.unwrap(), None);
    // Another app's store does not see this app's values.
    let other = App::new("other");
    a.put("raw:k", &1u8, None).await.unwrap();
    assert_eq!(other.store().get::<u8>("raw:k").await.unwrap(), None);
}

#[tokio::test]
async fn values_expire() {
    let app = App::new("ttl");
    let store = app.store();
    store
        .put("raw:short", &1u8, Some(Duration::from_millis(100)))
        .await
        .unwrap();
    assert_eq!(store.get::<u8>("raw:short").await.unwrap(), Some(1));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(store.get::<u8>("raw:short").await.unwrap(), None);
}

#[tokio::test]
async fn put_if_absent_is_a_lock_across_clients() {
    let app = App::new("lock");
    let (a, b) = (app.store(), app.store());
    let lease = Duration::from_millis(150);
    assert!(a
        .put_if_absent("memo:lock", b"a".to_vec(), lease)
        .await
        .unwrap());
    assert!(!b
        .put_if_absent("memo:lock", b"b".to_vec(), lease)
        .await
        .unwrap());
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(b
        .put_if_absent("memo:lock", b"b".to_vec(), lease)
        .await
        .unwrap());
    b.delete("memo:lock").await.unwrap();
    assert!(a
        .put_if_absent("memo:lock", b"a".to_vec(), lease)
        .await
        .unwrap());

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
async fn limits_are_refused_before_redis() {
    let app = App::new("limits");
    let store = app.store().max_value_size(100);
    assert!(matches!(
        store.put_bytes("raw:big", vec![0; 101], None).await,
        Err(StoreError::TooLarge { .. })
    ));
    assert_eq!(store.get_bytes("raw:big").await.unwrap(), None);
}

#[tokio::test]
async fn redis_down_is_unavailable_not_a_panic() {
    // Nothing listens on port 1: the store is built (lazily), calls fail cleanly.
    let store = DataStore::redis("redis://:hunter2@127.0.0.1:1/").app_name("nowhere");
    let err = store.get_bytes("raw:k").await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable { .. }), "{err}");
    assert!(err.to_string().contains("127.0.0.1:1"), "{err}");
    assert!(!err.to_string().contains("hunter2"), "{err}");
}
