//! What every submission reads and almost never changes, kept in memory: applications, groups,
//! organisation nodes and their ticket zones, desks' routing plans, and (SQLite only) the person
//! and permission facts behind each API token.
//!
//! Every change to these goes through a use case that commits it with
//! [`crate::App::commit_reference_change`]: the database's reference generation is bumped in
//! the same transaction and this cache cleared after the commit.
//!
//! - **SQLite**: one process owns the database file, so the local clear is enough. Entries also
//!   expire after [`TTL`], which bounds what a change made outside the server (the CLI on the
//!   same file) can leave stale.
//! - **PostgreSQL**: several instances share the database and cannot see one another's clears.
//!   The cache is used only while it is *synced*: a task reads the reference generation every
//!   [`SYNC_EVERY`] ([`crate::App::keep_reference_cache`]) and the cache empties itself when
//!   the generation moved. Each poll keeps it usable for [`SYNC_VALID`]; a process without the
//!   task (tests, one-shot commands), or whose database stopped answering, reads everything from
//!   the database, as before. So a change made on one instance is seen by the others within about
//!   a second. Tokens are never cached there: a revoked token is refused at once by every
//!   instance.
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

/// How often a process on PostgreSQL reads the reference generation.
pub const SYNC_EVERY: Duration = Duration::from_secs(1);

/// How long one reading of the generation keeps a PostgreSQL cache usable: a few missed polls
/// (a slow database) turn the cache off rather than let it go stale.
const SYNC_VALID: Duration = Duration::from_secs(3);

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
    /// This process's count of clears: a read stamped before one is not kept.
    generation: u64,
    applications: Memo<ApplicationId, Application>,
    /// Every application, active or not, by code (what the mail intake matches keywords on).
    application_list: Memo<(), Arc<Vec<Application>>>,
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
            application_list: Memo::new(),
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
    /// Several processes share the database (PostgreSQL): see the module's documentation.
    shared: bool,
    maps: Mutex<Maps>,
    sync: Mutex<Sync>,
}

/// What a shared cache last learnt of the database's reference generation.
#[derive(Debug, Default)]
struct Sync {
    seen: Option<i64>,
    valid_until: Option<Instant>,
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
    /// `shared`: several processes use the database (PostgreSQL).
    pub(crate) fn new(shared: bool) -> Self {
        Self {
            shared,
            maps: Mutex::new(Maps::new(0)),
            sync: Mutex::new(Sync::default()),
        }
    }

    fn usable(&self, now: Instant) -> bool {
        !self.shared
            || lock(&self.sync)
                .valid_until
                .is_some_and(|until| now < until)
    }

    fn with<T>(&self, f: impl FnOnce(&mut Maps) -> T) -> Option<T> {
        if !self.usable(Instant::now()) {
            return None;
        }
        Some(f(&mut lock(&self.maps)))
    }

    /// Whether this cache must follow the database's reference generation.
    pub(crate) fn shared(&self) -> bool {
        self.shared
    }

    /// The database's reference generation, just read: a moved generation empties the cache;
    /// any reading keeps a shared cache usable for [`SYNC_VALID`].
    pub(crate) fn observe(&self, generation: i64) {
        let mut sync = lock(&self.sync);
        if sync.seen != Some(generation) {
            // Cleared before the cache becomes usable again, under the same lock as `usable`
            // reads, so no lookup sees the old entries with the new generation.
            let mut maps = lock(&self.maps);
            *maps = Maps::new(maps.generation + 1);
            sync.seen = Some(generation);
        }
        sync.valid_until = Some(Instant::now() + SYNC_VALID);
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
    memo!(
        application_list,
        put_application_list,
        application_list,
        (),
        Arc<Vec<Application>>
    );
    memo!(group, put_group, groups, GroupId, Group);
    memo!(intake_group, put_intake_group, intake, (), Group);
    memo!(node, put_node, nodes, OrgNodeId, OrgNode);
    memo!(uai, put_uai, uais, String, OrgNodeId);
    memo!(zone, put_zone, zones, OrgNodeId, TicketZone);
    memo!(desk_plan, put_desk_plan, desk_plans, DeskId, Arc<DeskPlan>);

    /// The person and permission facts behind a token digest; never on a shared database.
    pub(crate) fn caller(&self, digest: &String) -> Option<(Person, Subject)> {
        if self.shared {
            return None;
        }
        self.with(|m| m.callers.get(digest, Instant::now()))
            .flatten()
    }

    pub(crate) fn put_caller(&self, at: Stamp, digest: String, v: (Person, Subject)) {
        if !self.shared {
            self.put_with(at, |m, now| m.callers.put(digest, v, now));
        }
    }
}

/// A panic while holding the lock can only have left a map half-filled, never wrong.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_begun_before_a_clear_is_not_kept() {
        let cache = Cache::new(false);
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
    fn a_shared_cache_keeps_nothing_until_synced() {
        let cache = Cache::new(true);
        let t = cache.stamp();
        cache.put_uai(t, "0211234C".into(), OrgNodeId(7));
        assert_eq!(cache.uai(&"0211234C".to_owned()), None);
    }

    #[test]
    fn a_shared_cache_forgets_when_the_generation_moves() {
        let cache = Cache::new(true);
        cache.observe(4);
        let t = cache.stamp();
        cache.put_uai(t, "0211234C".into(), OrgNodeId(7));
        cache.observe(4);
        assert_eq!(cache.uai(&"0211234C".to_owned()), Some(OrgNodeId(7)));
        // A read begun before another instance's change is not kept after it is seen.
        let before = cache.stamp();
        cache.observe(5);
        assert_eq!(cache.uai(&"0211234C".to_owned()), None);
        cache.put_uai(before, "0211234C".into(), OrgNodeId(7));
        assert_eq!(cache.uai(&"0211234C".to_owned()), None);
    }
}
