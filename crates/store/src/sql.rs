//! A small builder for the queries whose shape depends on the request (ticket lists): SQL text with
//! `$n` placeholders and the values to bind, bound per engine by [`bind_all!`].

use chrono::{DateTime, Utc};

/// A value to bind.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    I64(i64),
    I16(i16),
    Text(String),
    Ts(DateTime<Utc>),
    Bool(bool),
    OptI64(Option<i64>),
    OptI16(Option<i16>),
    OptText(Option<String>),
    OptTs(Option<DateTime<Utc>>),
}

#[derive(Debug, Default)]
pub(crate) struct Sql {
    pub text: String,
    pub args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            args: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `arg`.
    pub fn arg(&mut self, arg: Arg) -> &mut Self {
        self.args.push(arg);
        self.text.push('$');
        self.text.push_str(&self.args.len().to_string());
        self
    }

    /// Appends `(p1, p2, …)` for the values.
    pub fn list(&mut self, args: impl IntoIterator<Item = Arg>) -> &mut Self {
        self.text.push('(');
        for (i, a) in args.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.arg(a);
        }
        self.text.push(')');
        self
    }

    /// Appends "`column` contains `needle`, whatever the case", the same on both engines.
    /// `needle` is lower-case text without wildcards. PostgreSQL's `LOWER` folds every letter, but
    /// SQLite's `LOWER` and `LIKE` fold ASCII only (`école` would never find `École`): there a
    /// `GLOB` pattern lists the cases of each letter instead (`*[éÉ]cole*`).
    pub fn contains_ignoring_case(
        &mut self,
        sqlite: bool,
        column: &str,
        needle: &str,
    ) -> &mut Self {
        if sqlite {
            self.push(column)
                .push(" GLOB ")
                .arg(Arg::Text(glob_ignoring_case(needle)))
        } else {
            self.push("LOWER(")
                .push(column)
                .push(") LIKE ")
                .arg(Arg::Text(format!("%{needle}%")))
        }
    }
}

/// A SQLite `GLOB` pattern matching any text that contains `needle` in any case: each letter
/// becomes the class of its cases, and GLOB's own wildcards are matched literally.
fn glob_ignoring_case(needle: &str) -> String {
    let mut out = String::from("*");
    for c in needle.chars() {
        let mut cases = vec![c];
        for other in [
            c.to_lowercase().collect::<Vec<_>>(),
            c.to_uppercase().collect(),
        ] {
            if let [single] = other[..]
                && !cases.contains(&single)
            {
                cases.push(single);
            }
        }
        if cases.len() > 1 || matches!(c, '*' | '?' | '[') {
            out.push('[');
            out.extend(cases);
            out.push(']');
        } else {
            out.push(c);
        }
    }
    out.push('*');
    out
}

/// Binds every [`Arg`] of `$args` to the query `$q`, in order.
macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                $crate::sql::Arg::I64(v) => q.bind(v),
                $crate::sql::Arg::I16(v) => q.bind(v),
                $crate::sql::Arg::Text(v) => q.bind(v),
                $crate::sql::Arg::Ts(v) => q.bind(v),
                $crate::sql::Arg::Bool(v) => q.bind(v),
                $crate::sql::Arg::OptI64(v) => q.bind(v),
                $crate::sql::Arg::OptI16(v) => q.bind(v),
                $crate::sql::Arg::OptText(v) => q.bind(v),
                $crate::sql::Arg::OptTs(v) => q.bind(v),
            };
        }
        q
    }};
}
pub(crate) use bind_all;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut sql = Sql::new("SELECT 1 WHERE a = ");
        sql.arg(Arg::I64(1))
            .push(" AND b IN ")
            .list([Arg::I16(2), Arg::I16(3)]);
        assert_eq!(sql.text, "SELECT 1 WHERE a = $1 AND b IN ($2, $3)");
        assert_eq!(sql.args.len(), 3);
    }

    #[test]
    fn glob_patterns_list_every_case() {
        assert_eq!(glob_ignoring_case("école"), "*[éÉ][cC][oO][lL][eE]*");
        assert_eq!(glob_ignoring_case("œ 1-*?[]"), "*[œŒ] 1-[*][?][[]]*");
        // Letters whose other case is not one character keep their own.
        assert_eq!(glob_ignoring_case("ß"), "*ß*");
    }
}
