//! The organisation tree: académie → département → circonscription → établissement, plus partner
//! organisations. Every ticket and role hangs on a node; a zone is a subtree.
//!
//! A node carries its materialised path (`/1/4/17/`), so "is this ticket in my zone" is a prefix test
//! here and an indexed range scan in the store.

use crate::OrgNodeId;
use serde::{Deserialize, Serialize};
use std::fmt;

named_enum!(
    /// What a node of the tree is.
    OrgKind, field = "kind", {
        Academie => "academie",
        Departement => "departement",
        Circonscription => "circonscription",
        Etablissement => "etablissement",
        /// A commune, a département council, the Région, a software vendor…
        Partner => "partner",
    }
);

impl OrgKind {
    /// Which kinds may be this kind's parent. The académie is the root; partners hang anywhere
    /// above the establishments.
    pub fn allowed_parent(self, parent: Option<Self>) -> bool {
        matches!(
            (self, parent),
            (Self::Academie, None)
                | (Self::Departement, Some(Self::Academie))
                | (Self::Circonscription, Some(Self::Departement))
                | (
                    Self::Etablissement,
                    Some(Self::Circonscription | Self::Departement | Self::Academie)
                )
                | (
                    Self::Partner,
                    Some(Self::Academie | Self::Departement | Self::Circonscription)
                )
        )
    }
}

named_enum!(
    /// The kind of an establishment (école, collège, lycée…), as the national directory names them.
    EstablishmentType, field = "establishment_type", {
        EcoleMaternelle => "ecole_maternelle",
        EcoleElementaire => "ecole_elementaire",
        EcolePrimaire => "ecole_primaire",
        College => "college",
        Lycee => "lycee",
        LyceeProfessionnel => "lycee_professionnel",
        Other => "other",
    }
);

impl EstablishmentType {
    /// Primary schools (1er degré), whose head is a directeur d'école.
    pub fn is_primary(self) -> bool {
        matches!(
            self,
            Self::EcoleMaternelle | Self::EcoleElementaire | Self::EcolePrimaire
        )
    }
}

/// A node's position in the tree: the ids from the root down to the node, as `/1/4/17/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrgPath(String);

impl OrgPath {
    /// The path of a root node.
    pub fn root(id: OrgNodeId) -> Self {
        Self(format!("/{id}/"))
    }

    /// The path of a child of this node.
    pub fn child(&self, id: OrgNodeId) -> Self {
        Self(format!("{}{id}/", self.0))
    }

    /// Rebuilds a path read from storage; `None` if it is not of the form `/1/2/`.
    pub fn from_stored(raw: &str) -> Option<Self> {
        let inner = raw.strip_prefix('/')?.strip_suffix('/')?;
        let ok = !inner.is_empty()
            && inner
                .split('/')
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
        ok.then(|| Self(raw.to_owned()))
    }

    /// True when `other` is this node or one of its descendants.
    pub fn contains(&self, other: &OrgPath) -> bool {
        other.0.starts_with(&self.0)
    }

    /// The node ids from the root down to this node.
    pub fn ids(&self) -> impl Iterator<Item = OrgNodeId> + '_ {
        self.0
            .split('/')
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse().ok().map(OrgNodeId))
    }

    /// The half-open range `[start, end)` of stored paths inside this subtree: the store turns a
    /// zone filter into an index range scan with it (`/` + 1 is `0` in ASCII).
    pub fn subtree_range(&self) -> (String, String) {
        let mut end = self.0.clone();
        end.pop();
        end.push('0');
        (self.0.clone(), end)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A zone: a node and everything under it. Kept with its kind so that the store can filter on the
/// ticket column that names the node directly (a département, a circonscription) rather than on
/// a path range.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Zone {
    pub node: OrgNodeId,
    pub kind: OrgKind,
    pub path: OrgPath,
}

impl Zone {
    pub fn contains(&self, path: &OrgPath) -> bool {
        self.path.contains(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn paths_nest() {
        let academie = OrgPath::root(OrgNodeId(1));
        let dep = academie.child(OrgNodeId(4));
        let school = dep.child(OrgNodeId(17));
        assert_eq!(school.as_str(), "/1/4/17/");
        assert!(academie.contains(&school));
        assert!(dep.contains(&school));
        assert!(!school.contains(&dep));
        // `/1/4/` must not contain `/1/40/`: the trailing slash keeps siblings apart.
        assert!(!dep.contains(&academie.child(OrgNodeId(40))));
        assert_eq!(school.ids().collect::<Vec<_>>(), [1, 4, 17].map(OrgNodeId));
        assert_eq!(OrgPath::from_stored("/1/4/"), Some(dep));
        assert_eq!(OrgPath::from_stored("/1//"), None);
        assert_eq!(OrgPath::from_stored("1/4/"), None);
    }

    #[test]
    fn tree_shape_is_enforced() {
        assert!(OrgKind::Academie.allowed_parent(None));
        assert!(!OrgKind::Departement.allowed_parent(None));
        assert!(OrgKind::Circonscription.allowed_parent(Some(OrgKind::Departement)));
        assert!(!OrgKind::Circonscription.allowed_parent(Some(OrgKind::Etablissement)));
        assert!(!OrgKind::Etablissement.allowed_parent(Some(OrgKind::Etablissement)));
    }

    proptest! {
        #[test]
        fn subtree_range_matches_contains(a in proptest::collection::vec(1i64..60, 1..4),
                                          b in proptest::collection::vec(1i64..60, 1..5)) {
            let build = |ids: &[i64]| {
                let mut p = OrgPath::root(OrgNodeId(ids[0]));
                for id in &ids[1..] { p = p.child(OrgNodeId(*id)); }
                p
            };
            let (zone, other) = (build(&a), build(&b));
            let (start, end) = zone.subtree_range();
            let in_range = other.as_str() >= start.as_str() && other.as_str() < end.as_str();
            prop_assert_eq!(in_range, zone.contains(&other));
        }
    }
}
