//! `guichet-bench page-users`: chooses the people of the page benchmark in a loaded database
//! (agents of the busiest groups, directors of the busiest schools), gives them the demo
//! password, and writes what each will open: their groups' queues and tickets of their groups
//! (agents) or of their school (directors), spread over the whole database.
//!
//! Runs before `guichet serve` starts. The sessions themselves are opened later through the real
//! sign-in form (`pages::browse`), with its CSRF token and its throttle untouched: a successful
//! sign-in is never throttled, and none of these fail.

use anyhow::{Context, bail};
use chrono::Utc;
use guichet_core::PersonId;
use guichet_store::{Store, StoreOptions};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// One person of the benchmark, as written to (and read from) the users file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// An agent (desk pages) or a director (portal pages).
    pub agent: bool,
    pub email: String,
    /// The agent's groups (their queues); empty for a director.
    pub groups: Vec<i64>,
    /// Tickets to open: of the agent's groups, or of the director's school.
    pub references: Vec<String>,
}

impl User {
    /// `agent|director <TAB> email <TAB> group,group <TAB> ref,ref`.
    fn line(&self) -> String {
        let groups: Vec<String> = self.groups.iter().map(i64::to_string).collect();
        format!(
            "{}\t{}\t{}\t{}",
            if self.agent { "agent" } else { "director" },
            self.email,
            groups.join(","),
            self.references.join(",")
        )
    }

    fn parse(line: &str) -> anyhow::Result<Self> {
        let f: Vec<&str> = line.split('\t').collect();
        let [kind, email, groups, refs] = f.as_slice() else {
            bail!("bad users line {line:?}");
        };
        let list = |s: &str| -> Vec<String> {
            s.split(',')
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect()
        };
        Ok(Self {
            agent: *kind == "agent",
            email: (*email).to_owned(),
            groups: list(groups)
                .iter()
                .map(|g| g.parse().context("group id"))
                .collect::<anyhow::Result<_>>()?,
            references: list(refs),
        })
    }
}

/// Reads a users file written by [`prepare`].
pub fn read(path: &Path) -> anyhow::Result<Vec<User>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(User::parse)
        .collect()
}

/// Rows of a query whose columns are all text.
async fn rows(store: &Store, sql: &str) -> anyhow::Result<Vec<Vec<String>>> {
    store
        .query_strings(sql)
        .await
        .with_context(|| format!("running {sql}"))
}

/// Sample of tickets spread over the ids: (group, establishment, reference).
async fn sample(store: &Store, every: i64) -> anyhow::Result<Vec<(String, String, String)>> {
    let sql = format!(
        "SELECT COALESCE(CAST(group_id AS TEXT), ''), COALESCE(CAST(establishment_id AS TEXT), ''), reference \
         FROM ticket WHERE id % {every} = 0 ORDER BY id"
    );
    Ok(rows(store, &sql)
        .await?
        .into_iter()
        .filter_map(|r| match r.as_slice() {
            [g, e, reference] => Some((g.clone(), e.clone(), reference.clone())),
            _ => None,
        })
        .collect())
}

/// At most `n` items of `v`, evenly spaced.
fn spread<T: Clone>(v: &[T], n: usize) -> Vec<T> {
    if v.len() <= n {
        return v.to_vec();
    }
    (0..n).map(|i| v[i * v.len() / n].clone()).collect()
}

/// Chooses `agents` agents and `directors` directors, sets their password, writes the file.
pub async fn prepare(
    database_url: &str,
    agents: usize,
    directors: usize,
    out: &Path,
) -> anyhow::Result<()> {
    let store = Store::connect(database_url, &StoreOptions::default())
        .await
        .context("opening the database")?;
    let tickets = sample(&store, 211).await?;
    if tickets.is_empty() {
        bail!("no tickets: is the database loaded?");
    }
    let mut by_group: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut by_school: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (g, e, r) in &tickets {
        by_group.entry(g.clone()).or_default().push(r.clone());
        by_school.entry(e.clone()).or_default().push(r.clone());
    }

    // Agents: the demo ones first, then one of each group in turn, busiest groups first.
    let members = rows(
        &store,
        "SELECT CAST(p.id AS TEXT), p.email, CAST(m.group_id AS TEXT) FROM group_member m \
         JOIN person p ON p.id = m.person_id WHERE p.active ORDER BY p.id, m.group_id",
    )
    .await?;
    let mut groups_of: BTreeMap<i64, (String, Vec<i64>)> = BTreeMap::new();
    for r in &members {
        let [id, email, g] = r.as_slice() else {
            continue;
        };
        let entry = groups_of
            .entry(id.parse().context("person id")?)
            .or_insert_with(|| (email.clone(), Vec::new()));
        entry.1.push(g.parse().context("group id")?);
    }
    let busy = |g: &i64| by_group.get(&g.to_string()).map_or(0, Vec::len);
    // Each agent's busiest group; agents taken one per group in turn, busiest groups first,
    // the demo agents before anyone.
    let mut round: BTreeMap<i64, usize> = BTreeMap::new();
    let mut ranked: Vec<(bool, usize, usize, i64)> = groups_of
        .iter()
        .map(|(id, (email, groups))| {
            let main = groups.iter().copied().max_by_key(busy).unwrap_or(0);
            let k = round.entry(main).or_insert(0);
            *k += 1;
            (!email.contains(".demo@"), *k, usize::MAX - busy(&main), *id)
        })
        .collect();
    ranked.sort();
    let mut chosen: Vec<(i64, User)> = Vec::new();
    for (_, _, _, id) in ranked.into_iter().take(agents) {
        let Some((email, groups)) = groups_of.remove(&id) else {
            continue;
        };
        let mut refs: Vec<String> = groups
            .iter()
            .flat_map(|g| by_group.get(&g.to_string()).cloned().unwrap_or_default())
            .collect();
        refs.sort();
        chosen.push((
            id,
            User {
                agent: true,
                email,
                groups,
                references: spread(&refs, 24),
            },
        ));
    }

    // Directors of the schools with the most tickets, the demo director first.
    let heads = rows(
        &store,
        "SELECT CAST(p.id AS TEXT), p.email, CAST(r.node_id AS TEXT) FROM person_role r \
         JOIN person p ON p.id = r.person_id WHERE r.kind = 'director' AND p.active ORDER BY p.id",
    )
    .await?;
    let mut heads: Vec<(bool, usize, String, String, String)> = heads
        .into_iter()
        .filter_map(|r| match r.as_slice() {
            [id, email, node] => Some((
                !email.contains(".demo@"),
                usize::MAX - by_school.get(node).map_or(0, Vec::len),
                id.clone(),
                email.clone(),
                node.clone(),
            )),
            _ => None,
        })
        .collect();
    heads.sort();
    for (_, _, id, email, node) in heads.into_iter().take(directors) {
        let refs = by_school.get(&node).cloned().unwrap_or_default();
        chosen.push((
            id.parse().context("person id")?,
            User {
                agent: false,
                email,
                groups: Vec::new(),
                references: spread(&refs, 12),
            },
        ));
    }

    let hash = guichet_app::password::hash(guichet_demo::DEMO_PASSWORD)
        .map_err(|e| anyhow::anyhow!("hashing the demo password: {e}"))?;
    let mut tx = store.write().await?;
    let now = Utc::now();
    for (id, _) in &chosen {
        tx.set_password_hash(PersonId(*id), &hash, now).await?;
    }
    tx.commit().await?;
    store.close().await;

    let mut text = String::new();
    for (_, u) in &chosen {
        let _ = writeln!(text, "{}", u.line());
    }
    std::fs::write(out, text).with_context(|| format!("writing {}", out.display()))?;
    let a = chosen.iter().filter(|(_, u)| u.agent).count();
    eprintln!(
        "{} agents and {} directors, password set, written to {}",
        a,
        chosen.len() - a,
        out.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_line_reads_back() {
        let u = User {
            agent: true,
            email: "a@b.fr".into(),
            groups: vec![3, 4],
            references: vec!["2026-000001".into()],
        };
        assert_eq!(User::parse(&u.line()).expect("parses"), u);
        let d = User {
            agent: false,
            email: "d@b.fr".into(),
            groups: vec![],
            references: vec![],
        };
        assert_eq!(User::parse(&d.line()).expect("parses"), d);
    }

    #[test]
    fn spread_keeps_the_ends_apart() {
        assert_eq!(spread(&[1, 2, 3, 4, 5, 6], 3), vec![1, 3, 5]);
        assert_eq!(spread(&[1, 2], 3), vec![1, 2]);
    }
}
