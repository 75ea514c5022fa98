//! The memory of a server under test, from Linux's `/proc`.
//!
//! The server is found by its listening TCP port: every process that holds the listening
//! socket (the one process of a dash-rs app; gunicorn's or uvicorn's parent and its workers).

use std::collections::BTreeSet;
use std::fs;

/// The processes that hold the socket listening on `127.0.0.1:port` (or any address on
/// `port`), by pid; empty when there is no `/proc` or nothing listens there.
pub fn listeners(port: u16) -> Vec<u32> {
    let inodes = listening_inodes(port);
    if inodes.is_empty() {
        return Vec::new();
    }
    let wanted: BTreeSet<String> = inodes.iter().map(|i| format!("socket:[{i}]")).collect();
    let mut pids = Vec::new();
    let Ok(entries) = fs::read_dir("/proc") else {
        return pids;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        // Processes of other users, or gone by now, cannot be read: not ours.
        let Ok(fds) = fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        let holds = fds.flatten().any(|fd| {
            fs::read_link(fd.path())
                .ok()
                .and_then(|target| target.to_str().map(|t| wanted.contains(t)))
                .unwrap_or(false)
        });
        if holds {
            pids.push(pid);
        }
    }
    pids
}

/// Socket inodes of TCP sockets in state LISTEN on `port` (IPv4 and IPv6).
fn listening_inodes(port: u16) -> Vec<u64> {
    let mut inodes = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = fs::read_to_string(table) else {
            continue;
        };
        inodes.extend(
            text.lines()
                .skip(1)
                .filter_map(|line| listening_inode(line, port)),
        );
    }
    inodes
}

/// The inode of one `/proc/net/tcp` line when it is a LISTEN socket on `port`.
fn listening_inode(line: &str, port: u16) -> Option<u64> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let local = fields.get(1)?;
    let state = fields.get(3)?;
    let inode = fields.get(9)?;
    let (_, hex_port) = local.rsplit_once(':')?;
    let local_port = u16::from_str_radix(hex_port, 16).ok()?;
    (local_port == port && *state == "0A")
        .then(|| inode.parse().ok())
        .flatten()
}

/// `VmRSS` of process `pid` in KiB, from `/proc/<pid>/status`.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_vm_rss(&status)
}

fn parse_vm_rss(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The summed `VmRSS` of `pids` in KiB, and how many of them could be read.
pub fn total_rss_kib(pids: &[u32]) -> (u64, usize) {
    pids.iter()
        .filter_map(|&pid| rss_kib(pid))
        .fold((0, 0), |(sum, n), kib| (sum + kib, n + 1))
}

/// `12.3 MiB`.
pub fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tcp_lines() {
        let listen = "   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 123456 1 0000000000000000 100 0 0 10 0";
        assert_eq!(listening_inode(listen, 8080), Some(123_456));
        assert_eq!(listening_inode(listen, 8081), None);
        let established = listen.replace(" 0A ", " 01 ");
        assert_eq!(listening_inode(&established, 8080), None);
    }

    #[test]
    fn parses_status() {
        let status = "Name:\thello\nVmPeak:\t  100 kB\nVmRSS:\t   20480 kB\nThreads:\t3\n";
        assert_eq!(parse_vm_rss(status), Some(20_480));
        assert_eq!(parse_vm_rss("Name:\tx\n"), None);
    }

    #[test]
    fn own_process_has_rss() {
        assert!(rss_kib(std::process::id()).is_some_and(|kib| kib > 0));
    }
}
