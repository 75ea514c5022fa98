//! The Redis manager: jobs on a Redis Stream read by a consumer group of worker processes;
//! job state, progress, `set_props` calls, results, cancel flags and the result cache in
//! keys that expire.
//!
//! Keys (all under the key prefix, `dash-rs:<program>:` by default):
//!
//! | key | type | holds |
//! |---|---|---|
//! | `jobs` | stream | one entry per queued job (`job` = id), consumer group `workers` |
//! | `job:<id>` | hash | `callback`, `state`, `attempt`, `released`, `worker`, `payload`, `cache_key`, `ttl_ms`, `result` |
//! | `progress:<id>` | string | the latest progress values (JSON) |
//! | `side:<id>` | list | `set_props` calls not delivered yet (JSON each) |
//! | `cancel:<id>` | string | present once the job is cancelled |
//! | `cache:<key>` | string | a `cache_by` result (JSON) |
//! | `secret` | string | the handle-signing secret shared by every process |
//!
//! Every write a worker makes runs as a script that first checks that the worker's attempt is
//! the job's latest and that the job still runs, so a worker that was presumed dead (and whose
//! job another worker took over) cannot overwrite the newer attempt's result.
//!
//! Connections are bounded in time: connecting gives up after [`CONNECT_TIMEOUT`] (three
//! attempts), a command after [`RESPONSE_TIMEOUT`], so an unreachable Redis is a
//! [`BackgroundError`] within seconds. The connection manager reconnects by itself when Redis
//! is back; the stream and its consumer group are recreated when they vanished.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::streams::StreamAutoClaimReply;
use redis::Script;
use serde_json::{Map, Value};

use super::record::{now_ms, JobInfo, JobPayload, JobState, Outcome, PollRead};
use super::store::{encode_side_updates, payload_at_rest, Claim, NewJob, Store, StoreFuture};
use super::BackgroundError;

/// The consumer group of the workers.
pub(crate) const GROUP: &str = "workers";

const SUBMIT: &str = r"
redis.call('HSET', KEYS[1], 'callback', ARGV[2], 'state', 'queued', 'attempt', 0,
           'payload', ARGV[3], 'cache_key', ARGV[4], 'ttl_ms', ARGV[5], 'created', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('XADD', KEYS[2], '*', 'job', ARGV[1])
return 1
";

const SUBMIT_DONE: &str = r"
redis.call('HSET', KEYS[1], 'callback', ARGV[1], 'state', 'done', 'attempt', 0,
           'payload', ARGV[2], 'cache_key', ARGV[3], 'ttl_ms', ARGV[4], 'created', ARGV[5],
           'result', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
";

const CACHED: &str = r"
local v = redis.call('GET', KEYS[1])
if v then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return v
";

const POLL: &str = r"
local f = redis.call('HMGET', KEYS[1], 'callback', 'state', 'result')
if not f[1] or f[1] ~= ARGV[1] then return {} end
local st = f[2]
local result = ''
if st == 'done' then
  result = f[3] or ''
  redis.call('HSET', KEYS[1], 'state', 'delivered')
  redis.call('HDEL', KEYS[1], 'result')
end
local progress = redis.call('GET', KEYS[2]) or ''
local side = redis.call('LRANGE', KEYS[3], 0, -1)
if #side > 0 then redis.call('DEL', KEYS[3]) end
local out = {st, progress, result}
for i = 1, #side do out[#out + 1] = side[i] end
return out
";

const CANCEL: &str = r"
local st = redis.call('HGET', KEYS[1], 'state')
if st ~= 'queued' and st ~= 'running' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'cancelled')
redis.call('HDEL', KEYS[1], 'result')
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 1000 then ttl = tonumber(ARGV[1]) end
redis.call('SET', KEYS[2], '1', 'PX', ttl)
return 1
";

const CLAIM: &str = r"
local f = redis.call('HMGET', KEYS[1], 'state', 'payload', 'cache_key', 'ttl_ms', 'released')
if not f[1] or (f[1] ~= 'queued' and f[1] ~= 'running') then return {'gone'} end
local a = redis.call('HINCRBY', KEYS[1], 'attempt', 1)
redis.call('HSET', KEYS[1], 'state', 'running', 'worker', ARGV[1])
return {'ok', tostring(a), f[2], f[3] or '', f[4], f[5] or '0'}
";

/// Shared head of the fenced scripts: the caller's attempt must be the latest, the job must
/// run, and the job's own expiry is pushed out to at least its TTL.
const FENCE: &str = r"
local f = redis.call('HMGET', KEYS[1], 'attempt', 'state')
if f[1] ~= ARGV[1] or f[2] ~= 'running' then return 0 end
local ttl = tonumber(ARGV[2])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
";

const PROGRESS: &str = r"
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2])
return 1
";

const SIDE: &str = r"
for i = 3, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
";

const FINISH: &str = r"
redis.call('HSET', KEYS[1], 'state', 'done', 'result', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('PEXPIRE', KEYS[3], ARGV[2])
if ARGV[4] == '1' then redis.call('SET', KEYS[4], ARGV[3], 'PX', ARGV[2]) end
return 1
";

const HEARTBEAT: &str = r"
redis.call('XCLAIM', KEYS[2], ARGV[3], ARGV[4], 0, ARGV[5], 'JUSTID')
return 1
";

const RELEASE: &str = r"
redis.call('HSET', KEYS[1], 'state', 'queued')
redis.call('HINCRBY', KEYS[1], 'released', 1)
redis.call('HDEL', KEYS[1], 'worker')
redis.call('XCLAIM', KEYS[2], ARGV[3], ARGV[4], 0, ARGV[5], 'IDLE', ARGV[6], 'JUSTID')
return 1
";

const ACK: &str = r"
local a = redis.call('HGET', KEYS[1], 'attempt')
if a and a ~= ARGV[1] then return 0 end
redis.call('XACK', KEYS[2], ARGV[2], ARGV[3])
redis.call('XDEL', KEYS[2], ARGV[3])
return 1
";

fn fenced(body: &str) -> Script {
    Script::new(&format!("{FENCE}{body}"))
}

/// The Redis store.
pub(crate) struct RedisStore {
    conn: ConnectionManager,
    client: redis::Client,
    prefix: String,
    keep_headers: Vec<String>,
    scripts: Scripts,
}

struct Scripts {
    submit: Script,
    submit_done: Script,
    cached: Script,
    poll: Script,
    cancel: Script,
    claim: Script,
    progress: Script,
    side: Script,
    finish: Script,
    heartbeat: Script,
    release: Script,
    ack: Script,
}

/// How long one attempt to connect to Redis may take.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// How long Redis may take to answer a command (a blocking stream read: this beyond its
/// block time).
pub(crate) const RESPONSE_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection whose commands may block for `block` (stream reads). Reconnecting tries
/// three times (about 0.1 s and 0.2 s apart), each attempt bounded by [`CONNECT_TIMEOUT`].
pub(crate) async fn connect(
    client: &redis::Client,
    block: Duration,
) -> Result<ConnectionManager, BackgroundError> {
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(CONNECT_TIMEOUT))
        .set_response_timeout(Some(block + RESPONSE_TIMEOUT))
        .set_number_of_retries(2)
        .set_max_delay(Duration::from_secs(1));
    Ok(client.get_connection_manager_with_config(config).await?)
}

/// A connection made on first use, so that a web process starts while Redis is down (its
/// background calls are answered 503 until Redis is back).
fn connect_lazily(client: &redis::Client) -> Result<ConnectionManager, BackgroundError> {
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(CONNECT_TIMEOUT))
        .set_response_timeout(Some(RESPONSE_TIMEOUT))
        .set_number_of_retries(2)
        .set_max_delay(Duration::from_secs(1));
    Ok(ConnectionManager::new_lazy_with_config(
        client.clone(),
        config,
    )?)
}

impl RedisStore {
    /// Connect, and create the stream and its consumer group when missing. Stored jobs keep
    /// only the request headers named in `keep_headers`.
    pub(crate) async fn connect(
        url: &str,
        prefix: &str,
        keep_headers: &[String],
    ) -> Result<RedisStore, BackgroundError> {
        let store = Self::open(url, prefix, keep_headers)?;
        store.ensure_group().await?;
        Ok(store)
    }

    /// Like [`connect`](Self::connect), for web processes: starts while Redis is unreachable
    /// (logged), connecting on first use; workers create the consumer group when they start.
    pub(crate) async fn connect_web(
        url: &str,
        prefix: &str,
        keep_headers: &[String],
    ) -> Result<RedisStore, BackgroundError> {
        let store = Self::open(url, prefix, keep_headers)?;
        if let Err(err) = store.ensure_group().await {
            tracing::error!("Redis is unreachable ({err}); background callbacks are answered 503 until it is back");
        }
        Ok(store)
    }

    fn open(
        url: &str,
        prefix: &str,
        keep_headers: &[String],
    ) -> Result<RedisStore, BackgroundError> {
        let client = redis::Client::open(url)?;
        let conn = connect_lazily(&client)?;
        Ok(RedisStore {
            conn,
            client,
            prefix: prefix.to_owned(),
            keep_headers: keep_headers.to_vec(),
            scripts: Scripts {
                submit: Script::new(SUBMIT),
                submit_done: Script::new(SUBMIT_DONE),
                cached: Script::new(CACHED),
                poll: Script::new(POLL),
                cancel: Script::new(CANCEL),
                claim: Script::new(CLAIM),
                progress: fenced(PROGRESS),
                side: fenced(SIDE),
                finish: fenced(FINISH),
                heartbeat: fenced(HEARTBEAT),
                release: fenced(RELEASE),
                ack: Script::new(ACK),
            },
        })
    }

    /// Create the stream and its consumer group when missing.
    pub(crate) async fn ensure_group(&self) -> Result<(), BackgroundError> {
        let created: Result<(), redis::RedisError> = redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(self.stream())
            .arg(GROUP)
            .arg("0")
            .arg("MKSTREAM")
            .query_async(&mut self.conn.clone())
            .await;
        match created {
            Err(e) if e.code() != Some("BUSYGROUP") => Err(e.into()),
            _ => Ok(()),
        }
    }

    pub(crate) fn client(&self) -> &redis::Client {
        &self.client
    }

    pub(crate) fn key(&self, kind: &str, id: &str) -> String {
        format!("{}{kind}:{id}", self.prefix)
    }

    pub(crate) fn stream(&self) -> String {
        format!("{}jobs", self.prefix)
    }

    fn conn(&self) -> ConnectionManager {
        self.conn.clone()
    }

    /// Worker side: take a job read from the stream. `None`: the job is gone (cancelled,
    /// finished or expired) and its entry should be acknowledged.
    pub(crate) async fn claim(
        &self,
        id: &str,
        worker: &str,
    ) -> Result<Option<Claim>, BackgroundError> {
        let reply: Vec<String> = self
            .scripts
            .claim
            .key(self.key("job", id))
            .arg(worker)
            .invoke_async(&mut self.conn())
            .await?;
        match reply.as_slice() {
            [ok, attempt, payload, cache_key, ttl, released] if ok == "ok" => {
                let payload: JobPayload = serde_json::from_str(payload)
                    .map_err(|e| BackgroundError::Corrupt(e.to_string()))?;
                Ok(Some(Claim {
                    id: id.to_owned(),
                    attempt: attempt.parse().unwrap_or(u32::MAX),
                    released: released.parse().unwrap_or(0),
                    payload,
                    cache_key: (!cache_key.is_empty()).then(|| cache_key.clone()),
                    ttl_ms: ttl.parse().unwrap_or(3_600_000),
                }))
            }
            _ => Ok(None),
        }
    }

    /// Worker side: keep the job's stream entry ours (its idle time restarts) while the
    /// attempt is the latest; `false` when the job is no longer ours to run.
    pub(crate) async fn heartbeat(
        &self,
        claim: &Claim,
        entry: &str,
        worker: &str,
    ) -> Result<bool, BackgroundError> {
        self.on_entry(&self.scripts.heartbeat, claim, entry, worker, None)
            .await
    }

    /// Worker side (shutdown): give a running job back: it is `queued` again and its stream
    /// entry looks long idle, so the next `XAUTOCLAIM` of any worker takes it at once.
    pub(crate) async fn release(
        &self,
        claim: &Claim,
        entry: &str,
        worker: &str,
    ) -> Result<bool, BackgroundError> {
        // The entry is made to look a day idle, so the next `XAUTOCLAIM` takes it.
        self.on_entry(
            &self.scripts.release,
            claim,
            entry,
            worker,
            Some(86_400_000),
        )
        .await
    }

    /// Run a fenced script on a job and its stream entry of this worker's (`heartbeat`,
    /// `release`); `true` when the attempt was still the job's latest.
    async fn on_entry(
        &self,
        script: &Script,
        claim: &Claim,
        entry: &str,
        worker: &str,
        idle_ms: Option<u64>,
    ) -> Result<bool, BackgroundError> {
        let mut call = script.key(self.key("job", &claim.id));
        call.key(self.stream())
            .arg(claim.attempt)
            .arg(claim.ttl_ms)
            .arg(GROUP)
            .arg(worker)
            .arg(entry);
        if let Some(idle) = idle_ms {
            call.arg(idle);
        }
        let done: i64 = call.invoke_async(&mut self.conn()).await?;
        Ok(done == 1)
    }

    /// Worker side: acknowledge and delete a stream entry, unless a newer attempt of its job
    /// is running elsewhere.
    pub(crate) async fn ack(
        &self,
        id: &str,
        attempt: u32,
        entry: &str,
    ) -> Result<(), BackgroundError> {
        let _: i64 = self
            .scripts
            .ack
            .key(self.key("job", id))
            .key(self.stream())
            .arg(attempt)
            .arg(GROUP)
            .arg(entry)
            .invoke_async(&mut self.conn())
            .await?;
        Ok(())
    }

    /// Worker side: take over up to `count` entries idle for at least `min_idle`.
    pub(crate) async fn autoclaim(
        &self,
        worker: &str,
        min_idle: Duration,
        count: usize,
    ) -> Result<StreamAutoClaimReply, BackgroundError> {
        Ok(redis::cmd("XAUTOCLAIM")
            .arg(self.stream())
            .arg(GROUP)
            .arg(worker)
            .arg(u64::try_from(min_idle.as_millis()).unwrap_or(u64::MAX))
            .arg("0-0")
            .arg("COUNT")
            .arg(count)
            .query_async(&mut self.conn())
            .await?)
    }

    /// Worker side: which of these jobs were cancelled.
    pub(crate) async fn cancelled(&self, ids: &[String]) -> Result<Vec<bool>, BackgroundError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut pipe = redis::pipe();
        for id in ids {
            pipe.cmd("EXISTS").arg(self.key("cancel", id));
        }
        let found: Vec<i64> = pipe.query_async(&mut self.conn()).await?;
        Ok(found.into_iter().map(|n| n > 0).collect())
    }
}

impl Store for RedisStore {
    fn shared_secret(&self) -> StoreFuture<'_, Vec<u8>> {
        Box::pin(async move {
            let key = format!("{}secret", self.prefix);
            let candidate = hex::encode(rand::random::<[u8; 32]>());
            let mut conn = self.conn();
            let _: Option<String> = redis::cmd("SET")
                .arg(&key)
                .arg(candidate)
                .arg("NX")
                .query_async(&mut conn)
                .await?;
            let secret: String = redis::cmd("GET").arg(&key).query_async(&mut conn).await?;
            Ok(secret.into_bytes())
        })
    }

    fn cached(&self, key: &str, ttl_ms: i64) -> StoreFuture<'_, Option<Outcome>> {
        let key = self.key("cache", key);
        Box::pin(async move {
            let text: Option<String> = self
                .scripts
                .cached
                .key(key)
                .arg(ttl_ms)
                .invoke_async(&mut self.conn())
                .await?;
            Ok(text.and_then(|t| Outcome::from_json(&t).ok()))
        })
    }

    fn submit(&self, job: NewJob) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let payload = payload_at_rest(&job.payload, &self.keep_headers)?;
            let _: i64 = self
                .scripts
                .submit
                .key(self.key("job", &job.id))
                .key(self.stream())
                .arg(&job.id)
                .arg(&job.payload.callback)
                .arg(payload)
                .arg(job.cache_key.as_deref().unwrap_or(""))
                .arg(job.ttl_ms)
                .arg(now_ms())
                .invoke_async(&mut self.conn())
                .await?;
            Ok(())
        })
    }

    fn submit_done(&self, job: NewJob, outcome: Outcome) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let payload = payload_at_rest(&job.payload, &self.keep_headers)?;
            let _: i64 = self
                .scripts
                .submit_done
                .key(self.key("job", &job.id))
                .arg(&job.payload.callback)
                .arg(payload)
                .arg(job.cache_key.as_deref().unwrap_or(""))
                .arg(job.ttl_ms)
                .arg(now_ms())
                .arg(outcome.to_json())
                .invoke_async(&mut self.conn())
                .await?;
            Ok(())
        })
    }

    fn poll<'a>(&'a self, id: &'a str, callback: &'a str) -> StoreFuture<'a, PollRead> {
        Box::pin(async move {
            let reply: Vec<String> = self
                .scripts
                .poll
                .key(self.key("job", id))
                .key(self.key("progress", id))
                .key(self.key("side", id))
                .arg(callback)
                .invoke_async(&mut self.conn())
                .await?;
            let Some((head, side)) = reply.split_first_chunk::<3>() else {
                return Ok(PollRead::default());
            };
            let [state, progress, result] = head;
            let state = JobState::parse(state)
                .ok_or_else(|| BackgroundError::Corrupt(format!("job state {state:?}")))?;
            Ok(PollRead {
                state: Some(state),
                outcome: (!result.is_empty())
                    .then(|| Outcome::from_json(result))
                    .transpose()?,
                progress: serde_json::from_str(progress).ok(),
                side_updates: side
                    .iter()
                    .filter_map(|c| serde_json::from_str::<(String, Map<String, Value>)>(c).ok())
                    .collect(),
            })
        })
    }

    fn cancel<'a>(&'a self, id: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let changed: i64 = self
                .scripts
                .cancel
                .key(self.key("job", id))
                .key(self.key("cancel", id))
                .arg(3_600_000)
                .invoke_async(&mut self.conn())
                .await?;
            Ok(changed == 1)
        })
    }

    fn info<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<JobInfo>> {
        Box::pin(async move {
            let (state, attempt, worker, callback): (
                Option<String>,
                Option<u32>,
                Option<String>,
                Option<String>,
            ) = redis::cmd("HMGET")
                .arg(self.key("job", id))
                .arg(&["state", "attempt", "worker", "callback"])
                .query_async(&mut self.conn())
                .await?;
            Ok(
                match (state.as_deref().and_then(JobState::parse), callback) {
                    (Some(state), Some(callback)) => Some(JobInfo {
                        state,
                        attempt: attempt.unwrap_or(0),
                        worker,
                        callback,
                    }),
                    _ => None,
                },
            )
        })
    }

    fn write_progress<'a>(&'a self, claim: &'a Claim, values: Vec<Value>) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let written: i64 = self
                .scripts
                .progress
                .key(self.key("job", &claim.id))
                .key(self.key("progress", &claim.id))
                .arg(claim.attempt)
                .arg(claim.ttl_ms)
                .arg(Value::Array(values).to_string())
                .invoke_async(&mut self.conn())
                .await?;
            Ok(written == 1)
        })
    }

    fn push_side_updates<'a>(
        &'a self,
        claim: &'a Claim,
        calls: Vec<(String, Map<String, Value>)>,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let texts = encode_side_updates(calls);
            let written: i64 = self
                .scripts
                .side
                .key(self.key("job", &claim.id))
                .key(self.key("side", &claim.id))
                .arg(claim.attempt)
                .arg(claim.ttl_ms)
                .arg(texts)
                .invoke_async(&mut self.conn())
                .await?;
            Ok(written == 1)
        })
    }

    fn finish<'a>(&'a self, claim: &'a Claim, outcome: &'a Outcome) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let cacheable = matches!(outcome, Outcome::Values { .. }) && claim.cache_key.is_some();
            let cache = match &claim.cache_key {
                Some(key) => self.key("cache", key),
                None => self.key("cache", "-"),
            };
            let written: i64 = self
                .scripts
                .finish
                .key(self.key("job", &claim.id))
                .key(self.key("progress", &claim.id))
                .key(self.key("side", &claim.id))
                .key(cache)
                .arg(claim.attempt)
                .arg(claim.ttl_ms)
                .arg(outcome.to_json())
                .arg(if cacheable { "1" } else { "0" })
                .invoke_async(&mut self.conn())
                .await?;
            Ok(written == 1)
        })
    }

    fn queue_depth(&self) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            // The consumer group's `lag`: stream entries no worker has read yet.
            let groups: Vec<std::collections::HashMap<String, redis::Value>> = redis::cmd("XINFO")
                .arg("GROUPS")
                .arg(self.stream())
                .query_async(&mut self.conn())
                .await?;
            let lag = groups
                .iter()
                .find(|g| {
                    g.get("name").is_some_and(|n| {
                        redis::from_redis_value_ref::<String>(n).is_ok_and(|n| n == GROUP)
                    })
                })
                .and_then(|g| g.get("lag"))
                .and_then(|v| redis::from_redis_value_ref::<u64>(v).ok())
                .unwrap_or(0);
            Ok(lag)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_share_the_fence() {
        for body in [PROGRESS, SIDE, FINISH, HEARTBEAT, RELEASE] {
            let script = format!("{FENCE}{body}");
            assert!(script.contains("f[1] ~= ARGV[1]"));
        }
    }
}
