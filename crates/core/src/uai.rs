//! The UAI (Unité administrative immatriculée, formerly RNE): every establishment's national code.
//!
//! Seven digits and a check letter: the 7-digit number modulo 23 indexes
//! `ABCDEFGHJKLMNPRSTUVWXYZ` (no I, O, Q). Validated, never guessed or corrected.

use crate::FieldError;
use serde::{Deserialize, Deserializer, Serialize};
use std::{fmt, str::FromStr};

const CHECK_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPRSTUVWXYZ";

/// A valid UAI, stored in upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Uai(String);

impl Uai {
    /// Parses a UAI, accepting lower case and surrounding spaces.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let code = input.trim().to_ascii_uppercase();
        let bytes = code.as_bytes();
        if bytes.len() != 8 {
            return Err(FieldError::new("uai", "uai.length"));
        }
        let (digits, letter) = bytes.split_at(7);
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(FieldError::new("uai", "uai.digits"));
        }
        let number: u32 = digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'));
        if CHECK_LETTERS[(number % 23) as usize] != letter[0] {
            return Err(FieldError::new("uai", "uai.check_letter"));
        }
        Ok(Self(code))
    }

    /// Builds the valid UAI for a 7-digit number (used by demo data; never to "fix" user input).
    pub fn from_number(number: u32) -> Option<Self> {
        (number < 10_000_000).then(|| {
            let letter = CHECK_LETTERS[(number % 23) as usize] as char;
            Self(format!("{number:07}{letter}"))
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Uai {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Uai {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl<'de> Deserialize<'de> for Uai {
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
    fn known_codes() {
        assert_eq!(
            Uai::parse("0750654D").map(|u| u.to_string()).as_deref(),
            Ok("0750654D")
        );
        assert_eq!(
            Uai::parse(" 0750654d ").map(|u| u.to_string()).as_deref(),
            Ok("0750654D")
        );
        assert_eq!(
            Uai::parse("0740003A"),
            Err(FieldError::new("uai", "uai.check_letter"))
        );
        assert_eq!(
            Uai::parse("075065D"),
            Err(FieldError::new("uai", "uai.length"))
        );
        assert_eq!(
            Uai::parse("07506X4D"),
            Err(FieldError::new("uai", "uai.digits"))
        );
        assert_eq!(
            Uai::parse("0750654É"),
            Err(FieldError::new("uai", "uai.length"))
        );
    }

    proptest! {
        #[test]
        fn every_number_has_exactly_one_valid_letter(n in 0u32..10_000_000) {
            let valid = Uai::from_number(n).expect("7 digits");
            prop_assert_eq!(Uai::parse(valid.as_str()), Ok(valid.clone()));
            let accepted = CHECK_LETTERS
                .iter()
                .filter(|&&l| Uai::parse(&format!("{n:07}{}", l as char)).is_ok())
                .count();
            prop_assert_eq!(accepted, 1);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,12}") {
            let _ = Uai::parse(&s);
        }
    }
}
