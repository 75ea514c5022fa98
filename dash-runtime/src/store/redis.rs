//! The Redis backend: `SET key value PX ttl` under `dash-rs:<app name>:data:<key>`.

use std::time::Duration;

use axum::body::Bytes;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::{ttl_ms, Backend, BoxFuture, StoreError};

/// How long one attempt to connect may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// How long Redis may take to answer (values may be hundreds of megabytes).
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(60);

/// `host:port[/db]` of a Redis URL, without user or password.
pub(crate) fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.rsplit_once('@').map_or(rest, |(_, host)| host)
}

/// The Redis backend.
pub(crate) struct RedisBackend {
    conn: ConnectionManager,
    prefix: String,
    describe: String,
}

impl RedisBackend {
    /// A backend that connects on first use (an app starts while Redis is down).
    pub(crate) fn open(url: &str, prefix: String) -> Result<RedisBackend, StoreError> {
        let describe = format!("redis {}", host_of(url));
        let err = |e: redis::RedisError| StoreError::unavailable(&describe, e);
        let client = redis::Client::open(url).map_err(err)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_secs(1));
        let conn = ConnectionManager::new_lazy_with_config(client, config).map_err(err)?;
        Ok(RedisBackend {
            conn,
            prefix,
            describe,
        })
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn err(&self, e: redis::RedisError) -> StoreError {
        StoreError::unavailable(&self.describe, e)
    }
}

impl Backend for RedisBackend {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Bytes>, StoreError>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let value: Option<Vec<u8>> = redis::cmd("GET")
                .arg(self.key(key))
                .query_async(&mut conn)
                .await
                .map_err(|e| self.err(e))?;
            Ok(value.map(Bytes::from))
        })
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        value: Bytes,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            redis::cmd("SET")
                .arg(self.key(key))
                .arg(&value[..])
                .arg("PX")
                .arg(ttl_ms(ttl))
                .query_async::<()>(&mut conn)
                .await
                .map_err(|e| self.err(e))
        })
    }

    fn put_if_absent<'a>(
        &'a self,
        key: &'a str,
        value: Bytes,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let set: Option<String> = redis::cmd("SET")
                .arg(self.key(key))
                .arg(&value[..])
                .arg("NX")
                .arg("PX")
                .arg(ttl_ms(ttl))
                .query_async(&mut conn)
                .await
                .map_err(|e| self.err(e))?;
            Ok(set.is_some())
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            redis::cmd("DEL")
                .arg(self.key(key))
                .query_async::<()>(&mut conn)
                .await
                .map_err(|e| self.err(e))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn descriptions_hide_passwords() {
        assert_eq!(host_of("redis://:secret@cache:6379/2"), "cache:6379/2");
        assert_eq!(host_of("redis://127.0.0.1:6379"), "127.0.0.1:6379");
        assert_eq!(host_of("cache:6379"), "cache:6379");
    }
}
