//! The memory tier: an LRU map bounded by a byte budget, and the memory-only backend.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use axum::body::Bytes;
use lru::LruCache;

use super::{now_ms, ttl_ms, Backend, BoxFuture, StoreError};
use crate::observability::Eviction;

/// Bytes counted for an entry besides its key and value (map slot, bookkeeping).
const ENTRY_OVERHEAD: usize = 64;

/// One value held in memory.
#[derive(Clone)]
pub(crate) struct Entry {
    pub value: Bytes,
    /// Milliseconds since the Unix epoch.
    pub expires_at: i64,
    /// The version of the stored row this copy is of (embedded store; 0 for memory only).
    pub version: i64,
}

struct State {
    map: LruCache<String, Entry>,
    bytes: usize,
}

/// Hot values, least recently used first out when the byte budget is exceeded.
pub(crate) struct MemoryCache {
    state: Mutex<State>,
    budget: usize,
    evictions: AtomicU64,
}

fn cost(key: &str, entry: &Entry) -> usize {
    key.len() + entry.value.len() + ENTRY_OVERHEAD
}

impl MemoryCache {
    pub(crate) fn new(budget: usize) -> Self {
        MemoryCache {
            state: Mutex::new(State {
                map: LruCache::unbounded(),
                bytes: 0,
            }),
            budget,
            evictions: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The entry under `key` unless expired (then dropped); marks it recently used.
    pub(crate) fn get(&self, key: &str, now: i64) -> Option<Entry> {
        let mut state = self.lock();
        let entry = state.map.get(key)?.clone();
        if entry.expires_at <= now {
            Self::remove_locked(&mut state, key);
            self.report(&state);
            return None;
        }
        Some(entry)
    }

    /// Keep `entry` under `key` (replacing any older one), evicting least recently used
    /// entries until the budget holds. An entry bigger than the whole budget is not kept.
    pub(crate) fn insert(&self, key: &str, entry: Entry) {
        let mut state = self.lock();
        self.insert_locked(&mut state, key, entry);
    }

    /// Keep `entry` unless a live entry is under `key`; whether it was kept.
    pub(crate) fn insert_if_absent(&self, key: &str, entry: Entry, now: i64) -> bool {
        let mut state = self.lock();
        if state.map.peek(key).is_some_and(|e| e.expires_at > now) {
            return false;
        }
        self.insert_locked(&mut state, key, entry)
    }

    fn insert_locked(&self, state: &mut State, key: &str, entry: Entry) -> bool {
        Self::remove_locked(state, key);
        let size = cost(key, &entry);
        if size > self.budget {
            self.report(state);
            return false;
        }
        let mut evicted = 0u64;
        while state.bytes + size > self.budget {
            match state.map.pop_lru() {
                Some((k, e)) => {
                    state.bytes = state.bytes.saturating_sub(cost(&k, &e));
                    evicted += 1;
                }
                None => break,
            }
        }
        state.bytes += size;
        state.map.put(key.to_owned(), entry);
        if evicted > 0 {
            self.evictions.fetch_add(evicted, Ordering::Relaxed);
            crate::observability::store_evictions(Eviction::MemoryBudget, evicted);
        }
        self.report(state);
        true
    }

    pub(crate) fn remove(&self, key: &str) {
        let mut state = self.lock();
        Self::remove_locked(&mut state, key);
        self.report(&state);
    }

    fn remove_locked(state: &mut State, key: &str) {
        if let Some(old) = state.map.pop(key) {
            state.bytes = state.bytes.saturating_sub(cost(key, &old));
        }
    }

    /// Drop every expired entry.
    pub(crate) fn sweep(&self, now: i64) {
        let mut state = self.lock();
        let expired: Vec<String> = state
            .map
            .iter()
            .filter(|(_, e)| e.expires_at <= now)
            .map(|(k, _)| k.clone())
            .collect();
        for key in expired {
            Self::remove_locked(&mut state, &key);
        }
        self.report(&state);
    }

    fn report(&self, state: &State) {
        crate::observability::store_memory_bytes(state.bytes);
    }

    /// Bytes held and entries.
    pub(crate) fn usage(&self) -> (usize, usize) {
        let state = self.lock();
        (state.bytes, state.map.len())
    }

    /// Entries evicted to keep the budget, since the start.
    pub(crate) fn evictions(&self) -> u64 {
        self.evictions.load(Ordering::Relaxed)
    }
}

/// The memory-only backend: values live in this process; evicted values are gone.
pub(crate) struct MemoryBackend {
    cache: MemoryCache,
}

impl MemoryBackend {
    pub(crate) fn new(budget: usize) -> Self {
        MemoryBackend {
            cache: MemoryCache::new(budget),
        }
    }
}

impl Backend for MemoryBackend {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Bytes>, StoreError>> {
        Box::pin(async move { Ok(self.cache.get(key, now_ms()).map(|e| e.value)) })
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        value: Bytes,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let entry = Entry {
                value,
                expires_at: now_ms().saturating_add(ttl_ms(ttl)),
                version: 0,
            };
            self.cache.insert(key, entry);
            Ok(())
        })
    }

    fn put_if_absent<'a>(
        &'a self,
        key: &'a str,
        value: Bytes,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let now = now_ms();
            let entry = Entry {
                value,
                expires_at: now.saturating_add(ttl_ms(ttl)),
                version: 0,
            };
            Ok(self.cache.insert_if_absent(key, entry, now))
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.cache.remove(key);
            Ok(())
        })
    }

    fn memory(&self) -> Option<&MemoryCache> {
        Some(&self.cache)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(len: usize, expires_at: i64) -> Entry {
        Entry {
            value: Bytes::from(vec![7u8; len]),
            expires_at,
            version: 0,
        }
    }

    #[test]
    fn least_recently_used_goes_first_and_the_budget_holds() {
        let cache = MemoryCache::new(3 * (100 + 1 + ENTRY_OVERHEAD));
        for key in ["a", "b", "c"] {
            cache.insert(key, entry(100, i64::MAX));
        }
        assert!(cache.get("a", 0).is_some()); // "b" is now the oldest
        cache.insert("d", entry(100, i64::MAX));
        assert!(cache.get("b", 0).is_none());
        assert!(cache.get("a", 0).is_some());
        assert_eq!(cache.evictions(), 1);
        let (bytes, entries) = cache.usage();
        assert_eq!(entries, 3);
        assert!(bytes <= 3 * (100 + 1 + ENTRY_OVERHEAD));
        // Bigger than the whole budget: not kept, nothing evicted for it.
        cache.insert("huge", entry(10_000, i64::MAX));
        assert!(cache.get("huge", 0).is_none());
        assert_eq!(cache.usage().1, 3);
    }

    #[test]
    fn expired_entries_are_absent_and_swept() {
        let cache = MemoryCache::new(10_000);
        cache.insert("old", entry(10, 5));
        cache.insert("new", entry(10, 50));
        assert!(cache.get("old", 10).is_none());
        cache.insert("old2", entry(10, 5));
        cache.sweep(10);
        assert_eq!(cache.usage().1, 1);
        assert!(!cache.insert_if_absent("new", entry(1, 99), 10));
        assert!(cache.insert_if_absent("new", entry(1, 99), 60));
    }
}
