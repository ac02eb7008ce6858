//! `/requesters` (find someone to file a phone request for, by name, email or UAI) and
//! `/persons/{id}/card` (the requester card of a ticket page). Desk agents only.

use super::reference::{OrgDto, PersonDto, PersonPage, name_cursor, parse_name_cursor, person_dto};
use super::tickets::dto::TicketDto;
use crate::AppState;
use crate::extract::{Auth, Params, not_found};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use guichet_app::requester::Place;
use guichet_core::{FieldError, PersonId};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(find))
        .routes(routes!(card))
}

/// An establishment where the requester works, with its circonscription and département.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceDto {
    pub establishment: OrgDto,
    pub circonscription: Option<OrgDto>,
    pub departement: Option<OrgDto>,
}

impl From<&Place> for PlaceDto {
    fn from(p: &Place) -> Self {
        Self {
            establishment: OrgDto::from(&p.establishment),
            circonscription: p.circonscription.as_ref().map(OrgDto::from),
            departement: p.departement.as_ref().map(OrgDto::from),
        }
    }
}

/// The requester card.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardDto {
    /// With their roles.
    pub person: PersonDto,
    pub places: Vec<PlaceDto>,
    /// Their open requests the caller may read, newest first (20 at most).
    pub open_requests: Vec<TicketDto>,
    pub more_requests: bool,
}

/// People to file a phone request for: `q` is a UAI (the establishment's staff) or part of a name
/// or email. Each with their roles.
#[utoipa::path(get, path = "/requesters", tag = "reference",
    params(("q" = String, Query, description = "A UAI, or at least 2 characters of a name or email"),
        ("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query, description = "1 to 100, default 20")),
    responses((status = 200, body = PersonPage), (status = 422, description = "`q` missing or too short", content_type = "application/problem+json")))]
async fn find(
    State(s): State<AppState>,
    Auth(c): Auth,
    p: Params,
) -> Result<Json<PersonPage>, ApiError> {
    let q = p.get("q").ok_or(FieldError::required("q"))?;
    let limit = p.i64("limit")?.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(FieldError::new("limit", "invalid").into());
    }
    let mut hits = s
        .app
        .find_requesters(&c, q, parse_name_cursor(&p)?, limit + 1)
        .await?;
    let more = hits.len() as i64 > limit;
    hits.truncate(usize::try_from(limit).unwrap_or(0));
    let next_cursor = if more {
        hits.last()
            .map(|h| name_cursor(&h.person.display_name, h.person.id.0))
    } else {
        None
    };
    Ok(Json(PersonPage {
        items: hits
            .iter()
            .map(|h| person_dto(&h.person, Some(&h.roles)))
            .collect(),
        next_cursor,
    }))
}

/// A requester's card: roles, establishments with UAI, circonscription and département, and
/// their other open requests the caller may read.
#[utoipa::path(get, path = "/persons/{id}/card", tag = "reference",
    params(("id" = i64, Path), ("except" = Option<String>, Query, description = "A ticket reference to leave out (the one being shown)")),
    responses((status = 200, body = CardDto), (status = 403, description = "Desk agents only", content_type = "application/problem+json")))]
async fn card(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
    p: Params,
) -> Result<Json<CardDto>, ApiError> {
    let id = PersonId(id.parse().map_err(|_| not_found("person"))?);
    let except = match p.get("except") {
        Some(r) => Some(s.app.ticket_id(r).await?),
        None => None,
    };
    let card = s.app.requester_card(&c, id, except).await?;
    Ok(Json(CardDto {
        person: person_dto(&card.person, Some(&card.roles)),
        places: card.places.iter().map(PlaceDto::from).collect(),
        open_requests: card.open_requests.iter().map(TicketDto::from).collect(),
        more_requests: card.more_requests,
    }))
}
