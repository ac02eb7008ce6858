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
}
