//! Ticket use cases. Each public function is one transaction; `change::Change` is the shared shape of
//! every change to an existing ticket: lock it, check the caller may act, apply lifecycle moves,
//! write entries, then save with its audit record and outbox event.

pub(crate) mod attach;
pub(crate) mod change;
mod close;
mod link;
mod read;
mod reply;
mod route;
mod submit;
mod work;

pub use attach::Upload;
pub use read::{ListQuery, TicketView};
pub(crate) use submit::Mailed;
pub use submit::SubmitTicket;
