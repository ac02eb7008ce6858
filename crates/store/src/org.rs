//! The organisation tree: nodes, their materialised paths, and the zone columns a ticket copies.

use crate::conn::{Get, on, parse};
use crate::{Conn, StoreError, Tx, ts};
use chrono::{DateTime, Utc};
use guichet_core::org::{EstablishmentType, OrgKind, OrgPath, Zone};
use guichet_core::{OrgNodeId, Uai};

/// A node of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgNode {
    pub id: OrgNodeId,
    pub kind: OrgKind,
    pub parent: Option<OrgNodeId>,
    pub path: OrgPath,
    pub name: String,
    pub code: Option<String>,
    pub uai: Option<Uai>,
    pub establishment_type: Option<EstablishmentType>,
    pub commune: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl OrgNode {
    pub fn zone(&self) -> Zone {
        Zone {
            node: self.id,
            kind: self.kind,
            path: self.path.clone(),
        }
    }
}

/// A node to create. The app checks the tree shape ([`OrgKind::allowed_parent`]).
#[derive(Debug, Clone)]
pub struct NewOrgNode {
    pub kind: OrgKind,
    pub parent: Option<OrgNodeId>,
    pub name: String,
    pub code: Option<String>,
    pub uai: Option<Uai>,
    pub establishment_type: Option<EstablishmentType>,
    pub commune: Option<String>,
}

/// Where a ticket sits in the tree, copied onto it so that zone lists are index scans.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketZone {
    pub establishment: Option<OrgNodeId>,
    pub circonscription: Option<OrgNodeId>,
    pub departement: Option<OrgNodeId>,
    pub path: Option<OrgPath>,
}

const COLUMNS: &str =
    "id, kind, parent_id, path, name, code, uai, establishment_type, commune, created_at";

pub(crate) fn from_row(r: &impl Get) -> Result<OrgNode, StoreError> {
    let path = r.opt_text("path")?.unwrap_or_default();
    Ok(OrgNode {
        id: OrgNodeId(r.i64("id")?),
        kind: parse("org_node.kind", r.text("kind")?, OrgKind::parse)?,
        parent: r.opt_i64("parent_id")?.map(OrgNodeId),
        path: OrgPath::from_stored(&path).ok_or(StoreError::Corrupt {
            column: "org_node.path",
            value: path,
        })?,
        name: r.text("name")?,
        code: r.opt_text("code")?,
        uai: r
            .opt_text("uai")?
            .map(|u| parse("org_node.uai", u, Uai::parse))
            .transpose()?,
        establishment_type: r
            .opt_text("establishment_type")?
            .map(|t| parse("org_node.establishment_type", t, EstablishmentType::parse))
            .transpose()?,
        commune: r.opt_text("commune")?,
        created_at: r.ts("created_at")?,
    })
}

impl Tx {
    /// Creates a node under its parent and gives it its path.
    pub async fn insert_org_node(
        &mut self,
        node: &NewOrgNode,
        now: DateTime<Utc>,
    ) -> Result<OrgNode, StoreError> {
        let parent_path = match node.parent {
            Some(p) => Some(self.org_node(p).await?.path),
            None => None,
        };
        let id: i64 = on!(self, |c| {
            sqlx::query_scalar(
                "INSERT INTO org_node (kind, parent_id, name, code, uai, establishment_type, commune, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(node.kind.as_str())
            .bind(node.parent.map(|p| p.0))
            .bind(&node.name)
            .bind(&node.code)
            .bind(node.uai.as_ref().map(Uai::as_str))
            .bind(node.establishment_type.map(EstablishmentType::as_str))
            .bind(&node.commune)
            .bind(ts(now))
            .fetch_one(c)
            .await?
        });
        let id = OrgNodeId(id);
        let path = match parent_path {
            Some(p) => p.child(id),
            None => OrgPath::root(id),
        };
        on!(self, |c| {
            sqlx::query("UPDATE org_node SET path = $1 WHERE id = $2")
                .bind(path.as_str())
                .bind(id.0)
                .execute(c)
                .await?;
        });
        self.org_node(id).await
    }
}

impl Conn {
    pub async fn org_node(&mut self, id: OrgNodeId) -> Result<OrgNode, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM org_node WHERE id = $1");
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id.0)
                .fetch_one(c)
                .await?;
            from_row(&row)
        })
    }

    pub async fn org_node_by_uai(&mut self, uai: &Uai) -> Result<OrgNode, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM org_node WHERE uai = $1");
        on!(self, |c| {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(uai.as_str())
                .fetch_one(c)
                .await?;
            from_row(&row)
        })
    }

    /// Nodes in name order, optionally only one kind, one parent's children or names containing
    /// `q`; keyset-paginated on (name, id).
    pub async fn list_org_nodes(
        &mut self,
        kind: Option<OrgKind>,
        parent: Option<OrgNodeId>,
        q: Option<&str>,
        after: Option<(String, i64)>,
        limit: i64,
    ) -> Result<Vec<OrgNode>, StoreError> {
        use crate::sql::{Arg, Sql};
        let mut sql = Sql::new(&format!("SELECT {COLUMNS} FROM org_node WHERE 1 = 1"));
        if let Some(k) = kind {
            sql.push(" AND kind = ").arg(Arg::Text(k.as_str().into()));
        }
        if let Some(p) = parent {
            sql.push(" AND parent_id = ").arg(Arg::I64(p.0));
        }
        if let Some(q) = q.filter(|q| !q.trim().is_empty()) {
            let needle = q.trim().to_lowercase().replace(['%', '_'], "");
            sql.push(" AND (")
                .contains_ignoring_case(self.is_sqlite(), "name", &needle)
                .push(" OR uai = ")
                .arg(Arg::Text(q.trim().to_uppercase()))
                .push(")");
        }
        if let Some((name, id)) = after {
            sql.push(" AND (name, id) > (")
                .arg(Arg::Text(name))
                .push(", ")
                .arg(Arg::I64(id))
                .push(")");
        }
        sql.push(" ORDER BY name, id LIMIT ").arg(Arg::I64(limit));
        on!(self, |c| {
            let q = crate::sql::bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.text)), sql.args);
            q.fetch_all(c).await?.iter().map(from_row).collect()
        })
    }

    /// The zone columns a ticket of `node` copies: the node itself when it is an establishment,
    /// and its circonscription and département ancestors.
    pub async fn ticket_zone(&mut self, node: OrgNodeId) -> Result<TicketZone, StoreError> {
        let target = self.org_node(node).await?;
        self.ticket_zone_of(target).await
    }

    /// [`Conn::ticket_zone`] for a node already read.
    pub async fn ticket_zone_of(&mut self, target: OrgNode) -> Result<TicketZone, StoreError> {
        let node = target.id;
        let ancestors: Vec<i64> = target.path.ids().map(|i| i.0).collect();
        let mut sql = crate::sql::Sql::new("SELECT id, kind FROM org_node WHERE id IN ");
        sql.list(ancestors.iter().map(|i| crate::sql::Arg::I64(*i)));
        let kinds: Vec<(i64, String)> = on!(self, |c| {
            let q = crate::sql::bind_all!(
                sqlx::query_as::<_, (i64, String)>(sqlx::AssertSqlSafe(sql.text)),
                sql.args
            );
            q.fetch_all(c).await?
        });
        let find = |kind: OrgKind| {
            kinds
                .iter()
                .find(|(_, k)| k == kind.as_str())
                .map(|(id, _)| OrgNodeId(*id))
        };
        Ok(TicketZone {
            establishment: Some(node),
            circonscription: find(OrgKind::Circonscription),
            departement: find(OrgKind::Departement),
            path: Some(target.path),
        })
    }
}
