//! `/tickets/{reference}/…`: one endpoint per use case. Each answers the ticket as it now is.

use super::dto::{
    ApplicationBody, AssignBody, LinkBody, MessageBody, PriorityBody, ReasonBody, ResolveBody,
    RouteBody, SurveyBody, TicketDto, WaitBody, uploads,
};
use crate::AppState;
use crate::extract::{ApiJson, Auth};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use guichet_core::lifecycle::WaitingOn;
use guichet_core::ticket::{LinkKind, Priority};
use guichet_core::{FieldError, PersonId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

type Answer = Result<Json<TicketDto>, ApiError>;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(take))
        .routes(routes!(assign))
        .routes(routes!(reply))
        .routes(routes!(note))
        .routes(routes!(wait))
        .routes(routes!(resume))
        .routes(routes!(escalate))
        .routes(routes!(transfer))
        .routes(routes!(link))
        .routes(routes!(unlink))
        .routes(routes!(priority))
        .routes(routes!(application))
        .routes(routes!(resolve))
        .routes(routes!(close))
        .routes(routes!(reopen))
        .routes(routes!(cancel))
        .routes(routes!(reject))
        .routes(routes!(survey))
}

fn ok(t: guichet_store::ticket::Ticket) -> Answer {
    Ok(Json(TicketDto::from(&t)))
}

/// Take the ticket in charge: it becomes the caller's, `in_progress`.
#[utoipa::path(post, path = "/tickets/{reference}/take", tag = "ticket actions", params(("reference" = String, Path)), responses((status = 200, body = TicketDto)))]
async fn take(State(s): State<AppState>, Auth(c): Auth, Path(r): Path<String>) -> Answer {
    ok(s.app.take_in_charge(&c, s.app.ticket_id(&r).await?).await?)
}

/// Assign to an agent of the ticket's group, or dispatch to another group of the same desk and level.
#[utoipa::path(post, path = "/tickets/{reference}/assign", tag = "ticket actions", params(("reference" = String, Path)), request_body = AssignBody, responses((status = 200, body = TicketDto)))]
async fn assign(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(r): Path<String>,
    ApiJson(b): ApiJson<AssignBody>,
) -> Answer {
    let group = match b.group.as_deref() {
        Some(g) => Some(s.app.group_id("group", g).await?),
        None => None,
    };
    ok(s.app
        .assign(
            &c,
            s.app.ticket_id(&r).await?,
            b.assignee_id.map(PersonId),
            group,
        )
        .await?)
}

/// A public reply.
#[utoipa::path(post, path = "/tickets/{reference}/reply", tag = "ticket actions", params(("reference" = String, Path)), request_body = MessageBody, responses((status = 200, body = TicketDto)))]
async fn reply(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(r): Path<String>,
    ApiJson(b): ApiJson<MessageBody>,
) -> Answer {
    let files = uploads(b.attachments)?;
    ok(s.app
        .reply(
            &c,
            s.app.ticket_id(&r).await?,
            &b.body,
            files,
            b.wait_for_requester,
        )
        .await?)
}

/// An internal note, for the desk only.
#[utoipa::path(post, path = "/tickets/{reference}/notes", tag = "ticket actions", params(("reference" = String, Path)), request_body = MessageBody, responses((status = 200, body = TicketDto)))]
async fn note(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(r): Path<String>,
    ApiJson(b): ApiJson<MessageBody>,
) -> Answer {
    let files = uploads(b.attachments)?;
    ok(s.app
        .note(&c, s.app.ticket_id(&r).await?, &b.body, files)
        .await?)
}

/// Put on hold until the requester or a third party answers.
#[utoipa::path(post, path = "/tickets/{reference}/wait", tag = "ticket actions", params(("reference" = String, Path)), request_body = WaitBody, responses((status = 200, body = TicketDto)))]
async fn wait(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(r): Path<String>,
    ApiJson(b): ApiJson<WaitBody>,
) -> Answer {
    let on = WaitingOn::parse(&b.waiting_on)?;
    ok(s.app
        .wait(&c, s.app.ticket_id(&r).await?, on, &b.reason)
        .await?)
}

/// Back to work after a pause.
#[utoipa::path(post, path = "/tickets/{reference}/resume", tag = "ticket actions", params(("reference" = String, Path)), responses((status = 200, body = TicketDto)))]
async fn resume(State(s): State<AppState>, Auth(c): Auth, Path(r): Path<String>) -> Answer {
    ok(s.app.resume(&c, s.app.ticket_id(&r).await?).await?)
}

/// Escalate to a group of a higher level; the reason is required.
#[utoipa::path(post, path = "/tickets/{reference}/escalate", tag = "ticket actions", params(("reference" = String, Path)), request_body = RouteBody, responses((status = 200, body = TicketDto)))]
async fn escalate(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(r): Path<String>,
    ApiJson(b): ApiJson<RouteBody>,
) -> Answer {
    let id = s.app.ticket_id(&r).await?;
    let group = s.app.group_id("group", &b.group).await?;
    ok(s.app.escalate(&c, id, group, &b.reason).await?)
}

/// Transfer to a group of another desk; the reason is required.
#[utoipa::path(post, path = "/tickets/{reference}/transfer", tag = "ticket actions", params(("reference" = String, Path)), request_body = RouteBody, responses((status = 200, body = TicketDto)))]
async fn transfer(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(r): Path<String>,
    ApiJson(b): ApiJson<RouteBody>,
) -> Answer {
    let id = s.app.ticket_id(&r).await?;
    let group = s.app.group_id("group", &b.group).await?;
    ok(s.app.transfer(&c, id, group, &b.reason).await?)
}

/// Link to another ticket. As `duplicate`, this ticket is closed and its requester follows the other.
#[utoipa::path(post, path = "/tickets/{reference}/links", tag = "ticket actions", params(("reference" = String, Path)), request_body = LinkBody, responses((status = 200, body = TicketDto)))]
async fn link(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(r): Path<String>,
    ApiJson(b): ApiJson<LinkBody>,
) -> Answer {
    let kind = LinkKind::parse(&b.kind)?;
    let id = s.app.ticket_id(&r).await?;
    let other = s
        .app
        .ticket_id(&b.other)
        .await
        .map_err(|_| FieldError::new("other", "reference"))?;
    ok(s.app.link(&c, id, other, kind).await?)
}

/// Remove the link with another ticket.
#[utoipa::path(delete, path = "/tickets/{reference}/links/{other}", tag = "ticket actions", params(("reference" = String, Path), ("other" = String, Path)), responses((status = 200, body = TicketDto)))]
async fn unlink(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path((r, other)): Path<(String, String)>,
) -> Answer {
    let id = s.app.ticket_id(&r).await?;
    let other = s.app.ticket_id(&other).await?;
    ok(s.app.unlink(&c, id, other).await?)
}

/// Change the priority.
#[utoipa::path(post, path = "/tickets/{reference}/priority", tag = "ticket actions", params(("reference" = String, Path)), request_body = PriorityBody, responses((status = 200, body = TicketDto)))]
async fn priority(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(r): Path<String>,
    ApiJson(b): ApiJson<PriorityBody>,
) -> Answer {
    let p = Priority::parse(&b.priority)?;
    ok(s.app
        .change_priority(&c, s.app.ticket_id(&r).await?, p)
        .await?)
}

/// Reclassify under another application.
#[utoipa::path(post, path = "/tickets/{reference}/application", tag = "ticket actions", params(("reference" = String, Path)), request_body = ApplicationBody, responses((status = 200, body = TicketDto)))]
async fn application(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(r): Path<String>,
    ApiJson(b): ApiJson<ApplicationBody>,
) -> Answer {
    let id = s.app.ticket_id(&r).await?;
    let app = s.app.application_id("application", &b.application).await?;
    ok(s.app.change_application(&c, id, app).await?)
}

/// Resolve with a solution.
#[utoipa::path(post, path = "/tickets/{reference}/resolve", tag = "ticket actions", params(("reference" = String, Path)), request_body = ResolveBody, responses((status = 200, body = TicketDto)))]
async fn resolve(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(r): Path<String>,
    ApiJson(b): ApiJson<ResolveBody>,
) -> Answer {
    ok(s.app
        .resolve(&c, s.app.ticket_id(&r).await?, &b.solution)
        .await?)
}

/// Close a resolved ticket (the requester confirms, or the desk closes).
#[utoipa::path(post, path = "/tickets/{reference}/close", tag = "ticket actions", params(("reference" = String, Path)), responses((status = 200, body = TicketDto)))]
async fn close(State(s): State<AppState>, Auth(c): Auth, Path(r): Path<String>) -> Answer {
    ok(s.app.close(&c, s.app.ticket_id(&r).await?).await?)
}

/// Reopen ("it is not solved"); the reason is required.
#[utoipa::path(post, path = "/tickets/{reference}/reopen", tag = "ticket actions", params(("reference" = String, Path)), request_body = ReasonBody, responses((status = 200, body = TicketDto)))]
async fn reopen(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(r): Path<String>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> Answer {
    ok(s.app
        .reopen(&c, s.app.ticket_id(&r).await?, &b.reason)
        .await?)
}

/// Withdraw the request.
#[utoipa::path(post, path = "/tickets/{reference}/cancel", tag = "ticket actions", params(("reference" = String, Path)), request_body = ReasonBody, responses((status = 200, body = TicketDto)))]
async fn cancel(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(r): Path<String>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> Answer {
    ok(s.app
        .cancel(&c, s.app.ticket_id(&r).await?, &b.reason)
        .await?)
}

/// Refuse the request; the reason is required and shown to the requester.
#[utoipa::path(post, path = "/tickets/{reference}/reject", tag = "ticket actions", params(("reference" = String, Path)), request_body = ReasonBody, responses((status = 200, body = TicketDto)))]
async fn reject(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(r): Path<String>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> Answer {
    ok(s.app
        .reject(&c, s.app.ticket_id(&r).await?, &b.reason)
        .await?)
}

/// Answer the satisfaction survey (requester, once resolved).
#[utoipa::path(post, path = "/tickets/{reference}/survey", tag = "ticket actions", params(("reference" = String, Path)), request_body = SurveyBody, responses((status = 200, body = TicketDto)))]
async fn survey(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(r): Path<String>,
    ApiJson(b): ApiJson<SurveyBody>,
) -> Answer {
    ok(s.app
        .rate(&c, s.app.ticket_id(&r).await?, b.score, &b.comment)
        .await?)
}
