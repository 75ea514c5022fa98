//! Background callbacks as MCP tasks.
//!
//! Calling a background callback's tool starts its job and answers a task id at once. The id
//! carries the job's signed handles (`<tool>:<job>:<cacheKey>:<created>`, as in Dash), so any
//! process of the app can follow it: polling asks the job store through the dispatch core,
//! the way the renderer polls. A finished job's answer is handed out once by the store, so
//! each process keeps the last finished answers (bounded) for repeated reads.

use std::num::NonZeroUsize;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// A finished task, kept for repeated reads.
#[derive(Debug, Clone)]
pub(crate) enum Finished {
    /// The callback's answer (the response body).
    Completed(Value),
    /// The job failed.
    Failed(String),
    /// Cancelled through MCP.
    Cancelled,
}

/// Where a task is.
#[derive(Debug, Clone)]
pub(crate) enum TaskState {
    Working { progress: Option<Value> },
    Done(Finished),
}

/// A task id's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TaskId {
    pub tool: String,
    pub job: String,
    pub cache_key: String,
    pub created: i64,
}

impl TaskId {
    pub fn new(tool: &str, job: String, cache_key: String) -> Self {
        TaskId {
            tool: tool.to_owned(),
            job,
            cache_key,
            created: Utc::now().timestamp(),
        }
    }

    /// `<tool>:<job>:<cacheKey>:<created>`.
    pub fn render(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.tool, self.job, self.cache_key, self.created
        )
    }

    /// The parts of a task id, if it has that form.
    pub fn parse(raw: &str) -> Option<TaskId> {
        let (tool, rest) = raw.split_once(':')?;
        let (job, rest) = rest.split_once(':')?;
        let (cache_key, created) = rest.rsplit_once(':')?;
        Some(TaskId {
            tool: tool.to_owned(),
            job: job.to_owned(),
            cache_key: cache_key.to_owned(),
            created: created.parse().ok()?,
        })
    }

    /// When the task was created, ISO 8601.
    pub fn created_at(&self) -> String {
        DateTime::<Utc>::from_timestamp(self.created, 0)
            .unwrap_or_default()
            .to_rfc3339()
    }
}

/// The finished tasks this process has seen, the most recent first out of the cache last.
#[derive(Debug)]
pub(crate) struct Tasks {
    finished: Mutex<lru::LruCache<String, Finished>>,
}

/// Finished answers kept per process.
const KEPT: usize = 1024;

impl Default for Tasks {
    fn default() -> Self {
        Tasks {
            finished: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(KEPT).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }
}

impl Tasks {
    pub fn finished(&self, id: &str) -> Option<Finished> {
        self.finished.lock().ok()?.get(id).cloned()
    }

    pub fn finish(&self, id: &str, outcome: Finished) {
        if let Ok(mut map) = self.finished.lock() {
            map.put(id.to_owned(), outcome);
        }
    }
}

/// The task as `tasks/get` and the polling tool show it.
pub(crate) fn task_json(id: &TaskId, state: &TaskState, poll_ms: u64) -> Value {
    let (status, message) = match state {
        TaskState::Working { progress } => (
            "working",
            progress.as_ref().map(|p| match p {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }),
        ),
        TaskState::Done(Finished::Completed(_)) => ("completed", None),
        TaskState::Done(Finished::Failed(msg)) => ("failed", Some(msg.clone())),
        TaskState::Done(Finished::Cancelled) => ("cancelled", None),
    };
    let mut task = json!({
        "taskId": id.render(),
        "status": status,
        "createdAt": id.created_at(),
        "lastUpdatedAt": Utc::now().to_rfc3339(),
        "ttlMs": null,
        "pollIntervalMs": poll_ms,
    });
    if let Some(message) = message {
        task["statusMessage"] = Value::String(message);
    }
    task
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_ids_round_trip_with_colons_only_as_separators() {
        let id = TaskId::new("run", "job-1~abcd".into(), "key~ef01".into());
        assert_eq!(TaskId::parse(&id.render()), Some(id.clone()));
        assert!(id.created_at().ends_with("+00:00"));
        assert_eq!(TaskId::parse("nonsense"), None);
        assert_eq!(TaskId::parse("a:b:c:notanumber"), None);
    }

    #[test]
    fn finished_tasks_are_kept_and_bounded() {
        let tasks = Tasks::default();
        for i in 0..(KEPT + 5) {
            tasks.finish(&format!("t{i}"), Finished::Cancelled);
        }
        assert!(tasks.finished("t0").is_none());
        assert!(matches!(
            tasks.finished(&format!("t{}", KEPT + 4)),
            Some(Finished::Cancelled)
        ));
    }
}
