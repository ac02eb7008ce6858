//! The words of a routing rule: conditions (field, operator, value), actions, rules and rule sets.
//!
//! Every value is checked when it is built ([`Condition::new`], [`Action::new`]), so evaluation
//! never meets a malformed rule; the JSON form and its error paths are [`super`]'s.

use crate::desk::{self, Level};
use crate::org::OrgPath;
use crate::person::{self, RoleKind};
use crate::search;
use crate::ticket::{Channel, Priority, TicketType};
use serde_json::Value as Json;

/// Most items one condition or action may list.
pub(crate) const MAX_ITEMS: usize = 100;
/// Longest tag, in characters.
const MAX_TAG_CHARS: usize = 40;

named_enum!(
    /// What a condition looks at in the ticket as submitted.
    Field, field = "field", {
        Channel => "channel",
        /// The application's code (`ONDE`, `LSUN`).
        Application => "application",
        Type => "type",
        /// Any of the requester's roles.
        RequesterRole => "requester_role",
        /// The establishment's place in the organisation tree, for zone (subtree) matches.
        Establishment => "establishment",
        Subject => "subject",
        Body => "body",
        /// The subject or the body.
        Text => "text",
        /// The address of the mailbox an email ticket came in through.
        Mailbox => "mailbox",
        Priority => "priority",
    }
);

named_enum!(
    /// How a condition compares. Which operators a field accepts: see [`Field::accepts`].
    Operator, field = "op", {
        Is => "is",
        IsNot => "is_not",
        In => "in",
        NotIn => "not_in",
        /// Priority at least this high.
        AtLeast => "at_least",
        AtMost => "at_most",
        /// The establishment lies in one of these subtrees.
        Within => "within",
        NotWithin => "not_within",
        /// Every listed word or phrase occurs (a phrase: all its words, in any order).
        ContainsAll => "contains_all",
        ContainsAny => "contains_any",
        ContainsNone => "contains_none",
        IsSet => "is_set",
        IsUnset => "is_unset",
    }
);

impl Field {
    /// Whether this field may be compared with `op`.
    pub fn accepts(self, op: Operator) -> bool {
        use Operator::*;
        let equality = matches!(op, Is | IsNot | In | NotIn);
        match self {
            Self::Channel | Self::Type | Self::RequesterRole => equality,
            Self::Priority => equality || matches!(op, AtLeast | AtMost),
            Self::Application | Self::Mailbox => equality || matches!(op, IsSet | IsUnset),
            Self::Establishment => matches!(op, Within | NotWithin | IsSet | IsUnset),
            Self::Subject | Self::Body | Self::Text => {
                matches!(op, ContainsAll | ContainsAny | ContainsNone)
            }
        }
    }
}

impl Operator {
    /// How the value is written: one item, a list, or nothing.
    pub(crate) fn arity(self) -> Arity {
        match self {
            Self::Is | Self::IsNot | Self::AtLeast | Self::AtMost => Arity::One,
            Self::IsSet | Self::IsUnset => Arity::Nothing,
            _ => Arity::List,
        }
    }
}

/// The shape of an operator's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arity {
    One,
    List,
    Nothing,
}

/// A word or phrase of a text condition, as written and as search stems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    pub text: String,
    pub stems: Vec<String>,
}

/// A condition's checked value; `is`/`is_not`/`at_*` hold one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    None,
    Channels(Vec<Channel>),
    Types(Vec<TicketType>),
    Roles(Vec<RoleKind>),
    Priorities(Vec<Priority>),
    /// Application codes, upper case.
    Codes(Vec<String>),
    /// Mailbox addresses, lower case.
    Mailboxes(Vec<String>),
    Paths(Vec<OrgPath>),
    Words(Vec<Words>),
}

/// What is wrong with a condition or an action, relative to it: `at` is `field`, `op`, `value`,
/// `value[2]`…
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub at: String,
    pub code: &'static str,
}

impl Invalid {
    fn new(at: impl Into<String>, code: &'static str) -> Self {
        Self {
            at: at.into(),
            code,
        }
    }
}

/// One test on the ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub field: Field,
    pub op: Operator,
    pub value: Value,
}

impl Condition {
    /// Checks that `field` accepts `op` and that `value` has the shape and the items they need.
    pub fn new(field: Field, op: Operator, value: Option<&Json>) -> Result<Self, Invalid> {
        if !field.accepts(op) {
            return Err(Invalid::new("op", "not_for_field"));
        }
        let items = items(op.arity(), value)?;
        let value = match field {
            _ if op.arity() == Arity::Nothing => Value::None,
            Field::Channel => Value::Channels(each(&items, |s| Channel::parse(s).ok())?),
            Field::Type => Value::Types(each(&items, |s| TicketType::parse(s).ok())?),
            Field::RequesterRole => Value::Roles(each(&items, |s| RoleKind::parse(s).ok())?),
            Field::Priority => Value::Priorities(each(&items, |s| Priority::parse(s).ok())?),
            Field::Application => {
                Value::Codes(each(&items, |s| desk::parse_code("value", s).ok())?)
            }
            Field::Mailbox => {
                Value::Mailboxes(each(&items, |s| person::parse_email("value", s).ok())?)
            }
            Field::Establishment => Value::Paths(each(&items, |s| OrgPath::from_stored(s.trim()))?),
            Field::Subject | Field::Body | Field::Text => Value::Words(each(&items, |s| {
                let stems: Vec<String> = search::terms(s).collect();
                (!stems.is_empty()).then(|| Words {
                    text: s.trim().to_owned(),
                    stems,
                })
            })?),
        };
        Ok(Self { field, op, value })
    }
}

/// The strings of a value of the given shape; errors say whether the shape or an item is wrong.
fn items(arity: Arity, value: Option<&Json>) -> Result<Vec<String>, Invalid> {
    let as_text = |v: &Json, at: String| match v {
        Json::String(s) if !s.trim().is_empty() => Ok(s.clone()),
        Json::String(_) => Err(Invalid::new(at, "required")),
        _ => Err(Invalid::new(at, "type")),
    };
    match (arity, value) {
        (Arity::Nothing, None | Some(Json::Null)) => Ok(Vec::new()),
        (Arity::Nothing, Some(_)) => Err(Invalid::new("value", "unexpected")),
        (_, None | Some(Json::Null)) => Err(Invalid::new("value", "required")),
        (Arity::One, Some(v)) => Ok(vec![as_text(v, "value".into())?]),
        (Arity::List, Some(Json::Array(list))) => {
            if list.is_empty() {
                return Err(Invalid::new("value", "required"));
            }
            if list.len() > MAX_ITEMS {
                return Err(Invalid::new("value", "too_many"));
            }
            list.iter()
                .enumerate()
                .map(|(i, v)| as_text(v, format!("value[{i}]")))
                .collect()
        }
        (Arity::List, Some(_)) => Err(Invalid::new("value", "type")),
    }
}

/// Parses each item, naming the first one that does not parse (`value` alone for a single item).
fn each<T: PartialEq>(
    items: &[String],
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Vec<T>, Invalid> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = if items.len() == 1 {
            "value".to_owned()
        } else {
            format!("value[{i}]")
        };
        let parsed = parse(item).ok_or(Invalid::new(at, "invalid"))?;
        if !out.contains(&parsed) {
            out.push(parsed);
        }
    }
    Ok(out)
}

/// What a matching rule does to the ticket. Groups, applications and SLA policies are named by
/// code and watchers by address, so that a rule set exported from one instance imports into
/// another; the app resolves them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    SetGroup(String),
    SetLevel(Level),
    SetPriority(Priority),
    SetApplication(String),
    AddTags(Vec<String>),
    AddWatchers(Vec<String>),
    SetSlaPolicy(String),
}

named_enum!(
    /// The kinds of [`Action`], as JSON names them.
    ActionKind, field = "action", {
        SetGroup => "set_group",
        SetLevel => "set_level",
        SetPriority => "set_priority",
        SetApplication => "set_application",
        AddTags => "add_tags",
        AddWatchers => "add_watchers",
        SetSlaPolicy => "set_sla_policy",
    }
);

impl Action {
    /// Checks an action's value: one code or name, or a list of tags or addresses.
    pub fn new(kind: ActionKind, value: Option<&Json>) -> Result<Self, Invalid> {
        let one = || -> Result<String, Invalid> {
            items(Arity::One, value)?
                .pop()
                .ok_or(Invalid::new("value", "required"))
        };
        let invalid = |_| Invalid::new("value", "invalid");
        let code = || desk::parse_code("value", &one()?).map_err(invalid);
        Ok(match kind {
            ActionKind::SetGroup => Self::SetGroup(code()?),
            ActionKind::SetApplication => Self::SetApplication(code()?),
            ActionKind::SetSlaPolicy => Self::SetSlaPolicy(code()?),
            ActionKind::SetLevel => Self::SetLevel(Level::parse(one()?.trim()).map_err(invalid)?),
            ActionKind::SetPriority => {
                Self::SetPriority(Priority::parse(one()?.trim()).map_err(invalid)?)
            }
            ActionKind::AddTags => Self::AddTags(each(&items(Arity::List, value)?, |s| {
                let tag = s.trim().to_lowercase();
                (tag.chars().count() <= MAX_TAG_CHARS && !tag.chars().any(char::is_control))
                    .then_some(tag)
            })?),
            ActionKind::AddWatchers => Self::AddWatchers(each(&items(Arity::List, value)?, |s| {
                person::parse_email("value", s).ok()
            })?),
        })
    }

    pub fn kind(&self) -> ActionKind {
        match self {
            Self::SetGroup(_) => ActionKind::SetGroup,
            Self::SetLevel(_) => ActionKind::SetLevel,
            Self::SetPriority(_) => ActionKind::SetPriority,
            Self::SetApplication(_) => ActionKind::SetApplication,
            Self::AddTags(_) => ActionKind::AddTags,
            Self::AddWatchers(_) => ActionKind::AddWatchers,
            Self::SetSlaPolicy(_) => ActionKind::SetSlaPolicy,
        }
    }
}

named_enum!(
    /// How a rule combines its conditions. A rule without conditions always matches (a
    /// catch-all, usually last).
    Match, field = "match", { All => "all", Any => "any" }
);

named_enum!(
    /// How a rule set applies its rules, as GLPI's business rules do.
    Mode, field = "mode", {
        /// The first enabled rule that matches is applied; the others are not looked at.
        FirstMatch => "first_match",
        /// Every enabled rule that matches is applied, in order; for a value set twice the
        /// last rule wins (see [`super::eval`]).
        ApplyAll => "apply_all",
    }
);

named_enum!(
    /// When rules are evaluated.
    Trigger, field = "on", {
        /// A ticket is created, whatever the channel.
        Created => "created",
        /// A ticket's application changes.
        ApplicationChanged => "application_changed",
    }
);

/// One routing rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Unique in its set; the timeline names the rule by it ("routed to N1-ONDE by rule X").
    pub name: String,
    pub enabled: bool,
    pub on: Vec<Trigger>,
    pub combine: Match,
    pub conditions: Vec<Condition>,
    pub actions: Vec<Action>,
}

/// A desk's ordered rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSet {
    pub mode: Mode,
    pub rules: Vec<Rule>,
}
