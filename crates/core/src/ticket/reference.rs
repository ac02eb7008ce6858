//! Human ticket references: `2026-000123`, the year and a counter that restarts each year.

use crate::FieldError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::{fmt, str::FromStr};

/// A ticket's human reference. Printed with at least six digits; a seventh appears only past
/// 999,999 tickets in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TicketRef {
    pub year: i32,
    pub seq: i64,
}

impl TicketRef {
    pub fn new(year: i32, seq: i64) -> Self {
        Self { year, seq }
    }

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let err = || FieldError::new("reference", "reference");
        let (year, seq) = input.trim().split_once('-').ok_or_else(err)?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4 || !digits(year) || seq.len() < 6 || seq.len() > 9 || !digits(seq) {
            return Err(err());
        }
        let year = year.parse().map_err(|_| err())?;
        let seq: i64 = seq.parse().map_err(|_| err())?;
        if seq == 0 {
            return Err(err());
        }
        Ok(Self { year, seq })
    }
}

impl fmt::Display for TicketRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:06}", self.year, self.seq)
    }
}

impl FromStr for TicketRef {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for TicketRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TicketRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_and_parses() {
        assert_eq!(TicketRef::new(2026, 123).to_string(), "2026-000123");
        assert_eq!(TicketRef::new(2026, 1_234_567).to_string(), "2026-1234567");
        assert_eq!(
            TicketRef::parse("2026-000123"),
            Ok(TicketRef::new(2026, 123))
        );
        for bad in [
            "2026-123",
            "26-000123",
            "2026000123",
            "2026-000000",
            "2026-00012a",
            "",
        ] {
            assert!(TicketRef::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn round_trips(year in 2000i32..2100, seq in 1i64..100_000_000) {
            let r = TicketRef::new(year, seq);
            prop_assert_eq!(TicketRef::parse(&r.to_string()), Ok(r));
        }
    }
}
