//! The browser console, as chromedriver collects it (`goog:loggingPrefs`).

use serde_json::Value;

/// The level Chromium gives errors (`console.error`, failed resources, uncaught exceptions).
pub const ERROR_LEVEL: &str = "SEVERE";

/// One entry of the browser's console log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// `SEVERE`, `WARNING`, `INFO` or `DEBUG`.
    pub level: String,
    /// The message as Chromium reports it: source, position, then the logged text (strings
    /// logged by the page appear JSON-quoted).
    pub message: String,
}

impl LogEntry {
    /// Whether it is an error (level `SEVERE`).
    pub fn is_error(&self) -> bool {
        self.level == ERROR_LEVEL
    }
}

/// The entries of a `POST /se/log` answer (anything else reads as none).
pub(crate) fn entries(answer: &Value) -> Vec<LogEntry> {
    answer
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|e| LogEntry {
                    level: e["level"].as_str().unwrap_or_default().to_owned(),
                    message: e["message"].as_str().unwrap_or_default().to_owned(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Entries one `[LEVEL] message` a line, `(empty)` when there are none.
pub fn format_log(entries: &[LogEntry]) -> String {
    if entries.is_empty() {
        return "(empty)".into();
    }
    entries
        .iter()
        .map(|e| format!("[{}] {}", e.level, e.message))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_chromedriver_log_entries() {
        let answer = json!([
            {"level": "SEVERE", "message": "http://x/ 0:0 \"boom\"", "timestamp": 1},
            {"level": "INFO", "message": "hi", "timestamp": 2},
        ]);
        let got = entries(&answer);
        assert_eq!(got.len(), 2);
        assert!(got[0].is_error());
        assert!(!got[1].is_error());
        assert_eq!(
            format_log(&got),
            "[SEVERE] http://x/ 0:0 \"boom\"\n[INFO] hi"
        );
        assert!(entries(&json!(null)).is_empty());
    }
}
