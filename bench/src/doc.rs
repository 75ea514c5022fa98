//! `docs/benchmarks.md` is written by several binaries, each owning one part:
//!
//! - the **head** (everything before the first marker line): the greeting benchmark of
//!   `dash-bench`;
//! - **sections**, each starting with a marker line `<!-- dash-bench-NAME -->` and running to
//!   the next marker line or the end of the file: `background` (`dash-bench-background`),
//!   `slow` (`dash-bench-slow`), `soak` (`dash-bench --soak`), `store` (`dash-bench-store`),
//!   `dataframe` (`dash-bench-dataframe`), `figure` (`dash-bench-figure`).
//!
//! Writing one part keeps every other part as it is; a section that is not there yet is
//! appended at the end.

use std::io;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// How every marker line starts.
const MARKER_PREFIX: &str = "<!-- dash-bench-";

/// The marker line of section `name`, e.g. `<!-- dash-bench-slow -->`.
pub fn marker(name: &str) -> String {
    format!("{MARKER_PREFIX}{name} -->")
}

/// Byte offsets of the marker lines in `text`, in order.
fn marker_offsets(text: &str) -> Vec<usize> {
    let mut offsets = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with(MARKER_PREFIX) && trimmed.ends_with("-->") {
            offsets.push(at);
        }
        at += line.len();
    }
    offsets
}

/// `existing` with its head (the part before the first marker) replaced by `head`.
pub fn replace_head(existing: &str, head: &str) -> String {
    match marker_offsets(existing).first() {
        Some(&first) => format!("{}\n\n{}", head.trim_end(), &existing[first..]),
        None => ensure_newline(head.trim_end()),
    }
}

/// `existing` with section `name` replaced by `section` (which should start with
/// [`marker`]`(name)`), or with `section` appended when there is none yet.
pub fn replace_section(existing: &str, name: &str, section: &str) -> String {
    let wanted = marker(name);
    let offsets = marker_offsets(existing);
    let own = offsets
        .iter()
        .position(|&at| existing[at..].lines().next().map(str::trim) == Some(wanted.as_str()));
    let section = section.trim_end();
    match own {
        Some(index) => {
            let start = offsets[index];
            let before = existing[..start].trim_end();
            let after = offsets
                .get(index + 1)
                .map_or("", |&next| existing[next..].trim_end());
            let mut out = String::new();
            for part in [before, section, after] {
                if part.is_empty() {
                    continue;
                }
                if !out.is_empty() {
                    out.push_str("\n\n");
                }
                out.push_str(part);
            }
            ensure_newline(&out)
        }
        None if existing.trim().is_empty() => ensure_newline(section),
        None => ensure_newline(&format!("{}\n\n{section}", existing.trim_end())),
    }
}

fn ensure_newline(text: &str) -> String {
    let mut out = text.to_owned();
    out.push('\n');
    out
}

/// Replace section `name` of the file at `path` (created if missing).
pub fn write_section(path: &str, name: &str, section: &str) -> io::Result<()> {
    let existing = read_or_empty(path)?;
    write(path, &replace_section(&existing, name, section))
}

/// Replace the head of the file at `path` (created if missing).
pub fn write_head(path: &str, head: &str) -> io::Result<()> {
    let existing = read_or_empty(path)?;
    write(path, &replace_head(&existing, head))
}

fn read_or_empty(path: &str) -> io::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(e),
    }
}

fn write(path: &str, text: &str) -> io::Result<()> {
    if let Some(dir) = Path::new(path).parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)?;
        }
    }
    std::fs::write(path, text)
}

/// The command line that reproduces this run: `cargo run --release -p dash-bench` plus
/// `--bin NAME` when given, plus the arguments, without `--note TEXT` (the notes are lines
/// of the report already).
pub fn command(bin: Option<&str>, args: &[String]) -> String {
    let mut command = String::from("cargo run --release -p dash-bench");
    if let Some(bin) = bin {
        command.push_str(" --bin ");
        command.push_str(bin);
    }
    let mut kept = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if arg == "--note" {
            rest.next();
        } else {
            kept.push(shell_quote(arg));
        }
    }
    if !kept.is_empty() {
        command.push_str(" -- ");
        command.push_str(&kept.join(" "));
    }
    command
}

/// `arg` as a POSIX shell word: as it is when that is safe, else in single quotes.
fn shell_quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

/// The system load averages (1/5/15 min) from `/proc/loadavg`, where there is one.
pub fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let parts: Vec<&str> = text.split_whitespace().take(3).collect();
    (parts.len() == 3).then(|| parts.join(" "))
}

/// `YYYY-MM-DD HH:MM` in UTC, now.
pub fn utc_now() -> String {
    utc_date(SystemTime::now())
}

/// `YYYY-MM-DD HH:MM` in UTC.
pub fn utc_date(now: SystemTime) -> String {
    let secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let (hour, minute) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}")
}

/// Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    const FILE: &str = "# Head\n\nold head\n\n<!-- dash-bench-background -->\n## Background\n\nbg\n\n<!-- dash-bench-slow -->\n## Slow\n\nold slow\n";

    #[test]
    fn head_keeps_sections() {
        let out = replace_head(FILE, "# Head\n\nnew head\n");
        assert!(out.starts_with("# Head\n\nnew head\n\n<!-- dash-bench-background -->\n"));
        assert!(out.ends_with("old slow\n"));
        assert_eq!(replace_head("", "# H\n"), "# H\n");
    }

    #[test]
    fn section_replaced_in_place() {
        let out = replace_section(
            FILE,
            "background",
            "<!-- dash-bench-background -->\nnew bg\n",
        );
        assert_eq!(
            out,
            "# Head\n\nold head\n\n<!-- dash-bench-background -->\nnew bg\n\n<!-- dash-bench-slow -->\n## Slow\n\nold slow\n"
        );
        let out = replace_section(FILE, "slow", "<!-- dash-bench-slow -->\nnew slow");
        assert!(
            out.ends_with("bg\n\n<!-- dash-bench-slow -->\nnew slow\n"),
            "{out}"
        );
    }

    #[test]
    fn commands_quote_their_arguments() {
        let args = [
            "--write",
            "docs/b.md",
            "--note",
            "cargo build ran",
            "it's a b",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            command(Some("x"), &args),
            "cargo run --release -p dash-bench --bin x -- --write docs/b.md 'it'\\''s a b'"
        );
        assert_eq!(command(None, &[]), "cargo run --release -p dash-bench");
    }

    #[test]
    fn missing_section_appended() {
        let out = replace_section(FILE, "soak", "<!-- dash-bench-soak -->\nsoak\n");
        assert!(out.starts_with(FILE.trim_end()));
        assert!(out.ends_with("old slow\n\n<!-- dash-bench-soak -->\nsoak\n"));
        assert_eq!(replace_section("", "soak", "x\n"), "x\n");
    }
}
