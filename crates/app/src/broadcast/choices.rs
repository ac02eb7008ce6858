//! What the compose page offers and how it names a refusal: the zones a caller may inform, and
//! which zones of an audience lie beyond theirs. The rule itself stays
//! [`guichet_core::broadcast::may_broadcast`]; nothing here widens it.

use super::{AudienceInput, audience_nodes, steering};
use crate::{App, AppError, Caller};
use guichet_core::OrgNodeId;
use guichet_core::broadcast::may_broadcast;
use guichet_core::org::OrgKind;
use guichet_store::Conn;
use guichet_store::org::OrgNode;

/// The most nodes of one kind under one zone the page offers (a département has a few dozen
/// circonscriptions; more are given by UAI or as the wider zone).
const CHOICES_MAX: i64 = 200;

/// The children of `parent` of `kind`, in name order.
async fn children(
    conn: &mut Conn,
    kind: OrgKind,
    parent: Option<OrgNodeId>,
) -> Result<Vec<OrgNode>, AppError> {
    Ok(conn
        .list_org_nodes(Some(kind), parent, None, None, CHOICES_MAX)
        .await?)
}

impl App {
    /// The zones the caller may inform, each once, widest first: their own zones and the
    /// départements and circonscriptions inside them; for an administrator every académie,
    /// département and circonscription. Establishments are addressed by UAI.
    pub async fn broadcast_zone_choices(&self, caller: &Caller) -> Result<Vec<OrgNode>, AppError> {
        steering(caller)?;
        let mut conn = self.store().read().await?;
        let mut out: Vec<OrgNode> = Vec::new();
        if caller.subject.admin {
            for kind in [
                OrgKind::Academie,
                OrgKind::Departement,
                OrgKind::Circonscription,
            ] {
                out.extend(children(&mut conn, kind, None).await?);
            }
            return Ok(out);
        }
        for zone in &caller.subject.zones {
            let node = conn.org_node(zone.node).await?;
            let mut inside = Vec::new();
            match node.kind {
                OrgKind::Academie => {
                    for dep in children(&mut conn, OrgKind::Departement, Some(node.id)).await? {
                        let circs =
                            children(&mut conn, OrgKind::Circonscription, Some(dep.id)).await?;
                        inside.push(dep);
                        inside.extend(circs);
                    }
                }
                OrgKind::Departement => {
                    inside = children(&mut conn, OrgKind::Circonscription, Some(node.id)).await?;
                }
                _ => {}
            }
            out.push(node);
            out.extend(inside);
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|n| seen.insert(n.id));
        Ok(out)
    }

    /// The zones and establishments of `input` the caller may not inform, so that a refusal
    /// can name them. Empty when the audience is within the caller's zones.
    pub async fn broadcast_zones_beyond(
        &self,
        caller: &Caller,
        input: &AudienceInput,
    ) -> Result<Vec<OrgNode>, AppError> {
        steering(caller)?;
        let mut conn = self.store().read().await?;
        let nodes = audience_nodes(&mut conn, input).await?;
        Ok(nodes
            .into_iter()
            .filter(|n| may_broadcast(&caller.subject, &[n.zone()]).is_err())
            .collect())
    }
}
