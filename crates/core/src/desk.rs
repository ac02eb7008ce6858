//! Desks (guichets), their groups (queues) at support levels N0–N3, and applications.

use crate::{FieldError, GroupId};
use serde::{Deserialize, Serialize};

/// Support level: N0 local, N1 global (qualifies and routes), N2 expertise, N3 vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Level {
    N0,
    N1,
    N2,
    N3,
}

impl Level {
    pub const ALL: [Self; 4] = [Self::N0, Self::N1, Self::N2, Self::N3];

    pub fn as_i16(self) -> i16 {
        self as i16
    }

    pub fn from_i16(n: i16) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|l| l.as_i16() == n)
            .ok_or(FieldError::new("level", "invalid"))
    }

    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s))
            .ok_or(FieldError::new("level", "invalid"))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::N0 => "N0",
            Self::N1 => "N1",
            Self::N2 => "N2",
            Self::N3 => "N3",
        }
    }
}

named_enum!(
    /// The kind of expertise a group brings.
    Expertise, field = "expertise", {
        Functional => "functional",
        Pedagogical => "pedagogical",
        Technical => "technical",
    }
);

/// What the permission and routing rules need to know of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupFacts {
    pub id: GroupId,
    pub desk: crate::DeskId,
    pub level: Level,
}

/// A short, stable code for a desk, group or application: `DSI`, `N1-ONDE`, `LSUN`.
pub fn parse_code(field: &'static str, input: &str) -> Result<String, FieldError> {
    let code = input.trim().to_ascii_uppercase();
    if code.is_empty() {
        return Err(FieldError::required(field));
    }
    let ok = code.len() <= 32
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(code)
    } else {
        Err(FieldError::new(field, "code"))
    }
}

/// Normalises the keywords that identify an application in an email subject: trimmed, upper case,
/// deduplicated, none empty.
pub fn parse_keywords(input: &[String]) -> Result<Vec<String>, FieldError> {
    let mut out: Vec<String> = Vec::with_capacity(input.len());
    for raw in input {
        let kw = raw.trim().to_uppercase();
        if kw.is_empty() || kw.chars().count() > 40 {
            return Err(FieldError::new("keywords", "invalid"));
        }
        if !out.contains(&kw) {
            out.push(kw);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered() {
        assert!(Level::N0 < Level::N1 && Level::N2 < Level::N3);
        assert_eq!(Level::from_i16(2), Ok(Level::N2));
        assert_eq!(Level::parse("n3"), Ok(Level::N3));
        assert!(Level::from_i16(4).is_err());
    }

    #[test]
    fn codes_and_keywords() {
        assert_eq!(parse_code("code", " lsun ").as_deref(), Ok("LSUN"));
        assert_eq!(
            parse_code("code", "N1 ONDE"),
            Err(FieldError::new("code", "code"))
        );
        assert_eq!(
            parse_keywords(&["lsun".into(), " LSU ".into(), "LSUN".into()]),
            Ok(vec!["LSUN".to_owned(), "LSU".to_owned()])
        );
        assert!(parse_keywords(&[" ".into()]).is_err());
    }
}
