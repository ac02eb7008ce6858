//! What every submission reads and almost never changes, kept in memory: applications, groups,
//! organisation nodes and their ticket zones, and the person and permission facts behind each
//! API token.
//!
//! Only on SQLite, where one process owns the database file and every change to these goes
//! through this process's use cases, which clear the cache after committing
//! ([`Cache::clear`]: the admin use cases, token revocation). On PostgreSQL several instances
//! share the database and an instance cannot see another's changes, so nothing is cached there:
//! every read goes to the database, as before. Entries also expire after [`TTL`], which bounds
//! what a change made outside the server (the CLI on the same file) can leave stale.
//!
//! A read that started before a clear never fills the cache after it (a generation number), so
//! a revoked token is refused by the very next request.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::routing::DeskPlan;
use guichet_core::permission::Subject;
use guichet_core::{ApplicationId, DeskId, GroupId, OrgNodeId};
use guichet_store::application::Application;
use guichet_store::desk::Group;
use guichet_store::org::{OrgNode, TicketZone};
use guichet_store::person::Person;
use std::sync::Arc;

/// How long an entry is trusted without a change seen by this process.
pub(crate) const TTL: Duration = Duration::from_secs(30);

/// Beyond this many entries in one map, it is emptied rather than grown (a bound, not an LRU:
/// a whole académie's reference data fits well below it).
const MAX_ENTRIES: usize = 100_000;

/// A map whose entries expire.
#[derive(Debug)]
struct Memo<K, V> {
    entries: HashMap<K, (Instant, V)>,
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    fn new() -> Self {
        Self {
            entries: HashMap::new(),
        }
    }

    fn get(&self, k: &K, now: Instant) -> Option<V> {
        self.entries
            .get(k)
            .filter(|(at, _)| now.duration_since(*at) < TTL)
            .map(|(_, v)| v.clone())
    }

    fn put(&mut self, k: K, v: V, now: Instant) {
        if self.entries.len() >= MAX_ENTRIES {
            self.entries.clear();
        }
        self.entries.insert(k, (now, v));
    }
}

#[derive(Debug)]
struct Maps {
    generation: u64,
    applications: Memo<ApplicationId, Application>,
    application_codes: Memo<String, ApplicationId>,
    groups: Memo<GroupId, Group>,
    intake: Memo<(), Group>,
    nodes: Memo<OrgNodeId, OrgNode>,
    uais: Memo<String, OrgNodeId>,
    zones: Memo<OrgNodeId, TicketZone>,
    /// By token digest: the person and their permission facts.
    callers: Memo<String, (Person, Subject)>,
    /// A desk's routing rules, SLA policies and their calendars (see `crate::routing`).
    desk_plans: Memo<DeskId, Arc<DeskPlan>>,
}

impl Maps {
    fn new(generation: u64) -> Self {
        Self {
            generation,
            applications: Memo::new(),
            application_codes: Memo::new(),
            groups: Memo::new(),
            intake: Memo::new(),
            nodes: Memo::new(),
            uais: Memo::new(),
            zones: Memo::new(),
            callers: Memo::new(),
            desk_plans: Memo::new(),
        }
    }
}

/// The cache one [`crate::App`] and its clones share.
#[derive(Debug)]
pub(crate) struct Cache {
    enabled: bool,
    maps: Mutex<Maps>,
}

/// Where a value read from the database may be put back: taken before reading.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stamp(Option<u64>);

macro_rules! memo {
    ($get:ident, $put:ident, $map:ident, $k:ty, $v:ty) => {
        pub(crate) fn $get(&self, k: &$k) -> Option<$v> {
            self.with(|m| m.$map.get(k, Instant::now())).flatten()
        }

        pub(crate) fn $put(&self, at: Stamp, k: $k, v: $v) {
            self.put_with(at, |m, now| m.$map.put(k, v, now));
        }
    };
}

impl Cache {
    pub(crate) fn new(enabled: bool) -> Self {
        Self {
            enabled,
            maps: Mutex::new(Maps::new(0)),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Maps) -> T) -> Option<T> {
        if !self.enabled {
            return None;
        }
        // A panic while holding the lock can only have left a map half-filled, never wrong.
        let mut maps = self.maps.lock().unwrap_or_else(|p| p.into_inner());
        Some(f(&mut maps))
    }

    /// Call before reading what will be put back.
    pub(crate) fn stamp(&self) -> Stamp {
        Stamp(self.with(|m| m.generation))
    }

    fn put_with(&self, at: Stamp, f: impl FnOnce(&mut Maps, Instant)) {
        self.with(|m| {
            if at.0 == Some(m.generation) {
                f(m, Instant::now());
            }
        });
    }

    /// Forgets everything: after any change to reference data, people, roles or tokens.
    pub(crate) fn clear(&self) {
        self.with(|m| *m = Maps::new(m.generation + 1));
    }

    memo!(
        application,
        put_application,
        applications,
        ApplicationId,
        Application
    );
    memo!(
        application_code,
        put_application_code,
        application_codes,
        String,
        ApplicationId
    );
    memo!(group, put_group, groups, GroupId, Group);
    memo!(intake_group, put_intake_group, intake, (), Group);
    memo!(node, put_node, nodes, OrgNodeId, OrgNode);
    memo!(uai, put_uai, uais, String, OrgNodeId);
    memo!(zone, put_zone, zones, OrgNodeId, TicketZone);
    memo!(caller, put_caller, callers, String, (Person, Subject));
    memo!(desk_plan, put_desk_plan, desk_plans, DeskId, Arc<DeskPlan>);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_begun_before_a_clear_is_not_kept() {
        let cache = Cache::new(true);
        let before = cache.stamp();
        cache.clear();
        cache.put_uai(before, "0211234C".into(), OrgNodeId(7));
        assert_eq!(cache.uai(&"0211234C".to_owned()), None);
        let after = cache.stamp();
        cache.put_uai(after, "0211234C".into(), OrgNodeId(7));
        assert_eq!(cache.uai(&"0211234C".to_owned()), Some(OrgNodeId(7)));
        cache.clear();
        assert_eq!(cache.uai(&"0211234C".to_owned()), None);
    }

    #[test]
    fn a_disabled_cache_keeps_nothing() {
        let cache = Cache::new(false);
        let t = cache.stamp();
        cache.put_uai(t, "0211234C".into(), OrgNodeId(7));
        assert_eq!(cache.uai(&"0211234C".to_owned()), None);
    }
}
