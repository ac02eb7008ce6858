//! Reference data: `/organisations`, `/persons`, `/me`, `/desks`, `/groups`, `/applications`.
//! Everyone signed in reads the tree, desks and applications; the desk reads people;
//! administrators create.

use crate::AppState;
use crate::extract::{ApiJson, Auth, Params};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use guichet_app::admin::{OrgNodeInput, PersonInput};
use guichet_core::desk::{Expertise, Level};
use guichet_core::org::OrgKind;
use guichet_core::person::RoleKind;
use guichet_core::{DeskId, FieldError, GroupId, OrgNodeId, PersonId};
use guichet_store::application::Application;
use guichet_store::desk::{Desk, Group};
use guichet_store::org::OrgNode;
use guichet_store::person::{Person, PersonRole};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_orgs, create_org))
        .routes(routes!(show_org))
        .routes(routes!(list_persons, create_person))
        .routes(routes!(show_person))
        .routes(routes!(grant_role))
        .routes(routes!(me))
        .routes(routes!(list_desks, create_desk))
        .routes(routes!(list_groups, create_group))
        .routes(routes!(add_member))
        .routes(routes!(list_applications, create_application))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgDto {
    pub id: i64,
    /// `academie`, `departement`, `circonscription`, `etablissement`, `partner`.
    pub kind: String,
    pub parent_id: Option<i64>,
    pub name: String,
    pub code: Option<String>,
    pub uai: Option<String>,
    pub establishment_type: Option<String>,
    pub commune: Option<String>,
}

impl From<&OrgNode> for OrgDto {
    fn from(n: &OrgNode) -> Self {
        Self {
            id: n.id.0,
            kind: n.kind.as_str().into(),
            parent_id: n.parent.map(|p| p.0),
            name: n.name.clone(),
            code: n.code.clone(),
            uai: n.uai.as_ref().map(ToString::to_string),
            establishment_type: n.establishment_type.map(|t| t.as_str().into()),
            commune: n.commune.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgPage {
    pub items: Vec<OrgDto>,
    pub next_cursor: Option<String>,
}

/// Keyset cursors on (name, id) for name-ordered lists.
pub(super) fn name_cursor(name: &str, id: i64) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{id}|{name}"))
}

pub(super) fn parse_name_cursor(p: &Params) -> Result<Option<(String, i64)>, ApiError> {
    use base64::Engine as _;
    let Some(c) = p.get("cursor") else {
        return Ok(None);
    };
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or(FieldError::new("cursor", "cursor"))?;
    let (id, name) = raw
        .split_once('|')
        .ok_or(FieldError::new("cursor", "cursor"))?;
    Ok(Some((
        name.to_owned(),
        id.parse()
            .map_err(|_| FieldError::new("cursor", "cursor"))?,
    )))
}

fn limit(p: &Params) -> Result<i64, ApiError> {
    let l = p.i64("limit")?.unwrap_or(50);
    if (1..=200).contains(&l) {
        Ok(l)
    } else {
        Err(FieldError::new("limit", "invalid").into())
    }
}

/// The organisation tree: filter by `kind`, `parent` or `q` (name or UAI).
#[utoipa::path(get, path = "/organisations", tag = "reference",
    params(("kind" = Option<String>, Query), ("parent" = Option<i64>, Query), ("q" = Option<String>, Query), ("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query)),
    responses((status = 200, body = OrgPage)))]
async fn list_orgs(
    State(s): State<AppState>,
    _auth: Auth,
    p: Params,
) -> Result<Json<OrgPage>, ApiError> {
    let kind = p.get("kind").map(OrgKind::parse).transpose()?;
    let limit = limit(&p)?;
    let items = s
        .app
        .list_org_nodes(
            kind,
            p.i64("parent")?.map(OrgNodeId),
            p.get("q"),
            parse_name_cursor(&p)?,
            limit + 1,
        )
        .await?;
    let more = items.len() as i64 > limit;
    let items: Vec<_> = items.into_iter().take(limit as usize).collect();
    let next_cursor = more
        .then(|| items.last().map(|n| name_cursor(&n.name, n.id.0)))
        .flatten();
    Ok(Json(OrgPage {
        items: items.iter().map(OrgDto::from).collect(),
        next_cursor,
    }))
}

#[utoipa::path(get, path = "/organisations/{id}", tag = "reference", params(("id" = i64, Path)), responses((status = 200, body = OrgDto)))]
async fn show_org(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<OrgDto>, ApiError> {
    let id = id
        .parse()
        .map_err(|_| crate::extract::not_found("org node"))?;
    Ok(Json(OrgDto::from(&s.app.org_node(OrgNodeId(id)).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrg {
    pub kind: String,
    pub parent_id: Option<i64>,
    pub name: String,
    #[serde(default)]
    pub code: Option<String>,
    /// Required for an establishment; validated (check letter).
    #[serde(default)]
    pub uai: Option<String>,
    #[serde(default)]
    pub establishment_type: Option<String>,
    #[serde(default)]
    pub commune: Option<String>,
}

/// Create a node (administrators).
#[utoipa::path(post, path = "/organisations", tag = "reference", request_body = CreateOrg, responses((status = 201, body = OrgDto)))]
async fn create_org(
    State(s): State<AppState>,
    Auth(c): Auth,
    ApiJson(b): ApiJson<CreateOrg>,
) -> Result<(StatusCode, Json<OrgDto>), ApiError> {
    let input = OrgNodeInput {
        kind: b.kind,
        parent: b.parent_id.map(OrgNodeId),
        name: b.name,
        code: b.code,
        uai: b.uai,
        establishment_type: b.establishment_type,
        commune: b.commune,
    };
    Ok((
        StatusCode::CREATED,
        Json(OrgDto::from(&s.app.create_org_node(&c, input).await?)),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoleDto {
    pub kind: String,
    pub node_id: i64,
    pub node_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonDto {
    pub id: i64,
    pub uid: Option<String>,
    pub email: String,
    pub display_name: String,
    pub locale: String,
    pub active: bool,
    /// Present when reading one person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<RoleDto>>,
}

pub(super) fn person_dto(p: &Person, roles: Option<&[PersonRole]>) -> PersonDto {
    PersonDto {
        id: p.id.0,
        uid: p.uid.clone(),
        email: p.email.clone(),
        display_name: p.display_name.clone(),
        locale: p.locale.as_str().into(),
        active: p.active,
        roles: roles.map(|r| {
            r.iter()
                .map(|r| RoleDto {
                    kind: r.kind.as_str().into(),
                    node_id: r.node.0,
                    node_name: r.node_name.clone(),
                })
                .collect()
        }),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonPage {
    pub items: Vec<PersonDto>,
    pub next_cursor: Option<String>,
}

/// Find people by name or email (the desk).
#[utoipa::path(get, path = "/persons", tag = "reference", params(("q" = Option<String>, Query), ("cursor" = Option<String>, Query), ("limit" = Option<i64>, Query)), responses((status = 200, body = PersonPage)))]
async fn list_persons(
    State(s): State<AppState>,
    Auth(c): Auth,
    p: Params,
) -> Result<Json<PersonPage>, ApiError> {
    let limit = limit(&p)?;
    let items = s
        .app
        .list_persons(&c, p.get("q"), parse_name_cursor(&p)?, limit + 1)
        .await?;
    let more = items.len() as i64 > limit;
    let items: Vec<_> = items.into_iter().take(limit as usize).collect();
    let next_cursor = more
        .then(|| items.last().map(|n| name_cursor(&n.display_name, n.id.0)))
        .flatten();
    Ok(Json(PersonPage {
        items: items.iter().map(|p| person_dto(p, None)).collect(),
        next_cursor,
    }))
}

#[utoipa::path(get, path = "/persons/{id}", tag = "reference", params(("id" = i64, Path)), responses((status = 200, body = PersonDto)))]
async fn show_person(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
) -> Result<Json<PersonDto>, ApiError> {
    let id = id
        .parse()
        .map_err(|_| crate::extract::not_found("person"))?;
    let (p, roles) = s.app.person(&c, PersonId(id)).await?;
    Ok(Json(person_dto(&p, Some(&roles))))
}

/// The caller, with their roles.
#[utoipa::path(get, path = "/me", tag = "reference", responses((status = 200, body = PersonDto)))]
async fn me(State(s): State<AppState>, Auth(c): Auth) -> Result<Json<PersonDto>, ApiError> {
    let id = c
        .person_id()
        .ok_or(ApiError::Unauthorized("token-unknown"))?;
    let (p, roles) = s.app.person(&c, id).await?;
    Ok(Json(person_dto(&p, Some(&roles))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePerson {
    pub email: String,
    pub display_name: String,
    #[serde(default)]
    pub uid: Option<String>,
    /// `fr` (default) or `en`.
    #[serde(default)]
    pub locale: Option<String>,
    /// A local password (12 characters or more); none for single sign-on only.
    #[serde(default)]
    pub password: Option<String>,
}

/// Create a person (administrators).
#[utoipa::path(post, path = "/persons", tag = "reference", request_body = CreatePerson, responses((status = 201, body = PersonDto)))]
async fn create_person(
    State(s): State<AppState>,
    Auth(c): Auth,
    ApiJson(b): ApiJson<CreatePerson>,
) -> Result<(StatusCode, Json<PersonDto>), ApiError> {
    let input = PersonInput {
        email: b.email,
        display_name: b.display_name,
        uid: b.uid,
        locale: b.locale,
        password: b.password,
    };
    let p = s.app.create_person(&c, input).await?;
    Ok((StatusCode::CREATED, Json(person_dto(&p, None))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRole {
    /// `director`, `head`, `teacher`, `staff`, `ien`, `dasen`, `steering`, `admin`.
    pub role: String,
    pub node_id: i64,
}

/// Grant a role at a node (administrators).
#[utoipa::path(post, path = "/persons/{id}/roles", tag = "reference", params(("id" = i64, Path)), request_body = GrantRole, responses((status = 204)))]
async fn grant_role(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<GrantRole>,
) -> Result<StatusCode, ApiError> {
    let id = id
        .parse()
        .map_err(|_| crate::extract::not_found("person"))?;
    let role = RoleKind::parse(&b.role)?;
    s.app
        .grant_role(&c, PersonId(id), role, OrgNodeId(b.node_id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeskDto {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub node_id: Option<i64>,
}

impl From<&Desk> for DeskDto {
    fn from(d: &Desk) -> Self {
        Self {
            id: d.id.0,
            code: d.code.clone(),
            name: d.name.clone(),
            node_id: d.node.map(|n| n.0),
        }
    }
}

#[utoipa::path(get, path = "/desks", tag = "reference", responses((status = 200, body = Vec<DeskDto>)))]
async fn list_desks(
    State(s): State<AppState>,
    _auth: Auth,
) -> Result<Json<Vec<DeskDto>>, ApiError> {
    Ok(Json(
        s.app
            .list_desks()
            .await?
            .iter()
            .map(DeskDto::from)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDesk {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub node_id: Option<i64>,
}

/// Create a desk (administrators).
#[utoipa::path(post, path = "/desks", tag = "reference", request_body = CreateDesk, responses((status = 201, body = DeskDto)))]
async fn create_desk(
    State(s): State<AppState>,
    Auth(c): Auth,
    ApiJson(b): ApiJson<CreateDesk>,
) -> Result<(StatusCode, Json<DeskDto>), ApiError> {
    let d = s
        .app
        .create_desk(&c, &b.code, &b.name, b.node_id.map(OrgNodeId))
        .await?;
    Ok((StatusCode::CREATED, Json(DeskDto::from(&d))))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GroupDto {
    pub id: i64,
    pub desk_id: i64,
    pub code: String,
    pub name: String,
    pub level: String,
    pub expertise: String,
    pub description: String,
    /// An inactive group is offered as no target; its members still read its queue.
    pub active: bool,
}

impl From<&Group> for GroupDto {
    fn from(g: &Group) -> Self {
        Self {
            id: g.id.0,
            desk_id: g.desk.0,
            code: g.code.clone(),
            name: g.name.clone(),
            level: g.level.as_str().into(),
            expertise: g.expertise.as_str().into(),
            description: g.description.clone(),
            active: g.active,
        }
    }
}

#[utoipa::path(get, path = "/groups", tag = "reference", params(("desk" = Option<i64>, Query)), responses((status = 200, body = Vec<GroupDto>)))]
async fn list_groups(
    State(s): State<AppState>,
    _auth: Auth,
    p: Params,
) -> Result<Json<Vec<GroupDto>>, ApiError> {
    let desk = p.i64("desk")?.map(DeskId);
    Ok(Json(
        s.app
            .list_groups(desk)
            .await?
            .iter()
            .map(GroupDto::from)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGroup {
    pub desk_id: i64,
    pub code: String,
    pub name: String,
    /// `N0` … `N3`.
    pub level: String,
    /// `functional`, `pedagogical`, `technical`.
    pub expertise: String,
}

/// Create a group (administrators).
#[utoipa::path(post, path = "/groups", tag = "reference", request_body = CreateGroup, responses((status = 201, body = GroupDto)))]
async fn create_group(
    State(s): State<AppState>,
    Auth(c): Auth,
    ApiJson(b): ApiJson<CreateGroup>,
) -> Result<(StatusCode, Json<GroupDto>), ApiError> {
    let level = Level::parse(&b.level)?;
    let expertise = Expertise::parse(&b.expertise)?;
    let g = s
        .app
        .create_group(&c, DeskId(b.desk_id), &b.code, &b.name, level, expertise)
        .await?;
    Ok((StatusCode::CREATED, Json(GroupDto::from(&g))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    pub person_id: i64,
}

/// Make a person an agent of a group (administrators).
#[utoipa::path(post, path = "/groups/{id}/members", tag = "reference", params(("id" = i64, Path)), request_body = AddMember, responses((status = 204)))]
async fn add_member(
    State(s): State<AppState>,
    Auth(c): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<AddMember>,
) -> Result<StatusCode, ApiError> {
    let id = id.parse().map_err(|_| crate::extract::not_found("group"))?;
    s.app
        .add_member(&c, GroupId(id), PersonId(b.person_id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationDto {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub default_group_id: Option<i64>,
    pub active: bool,
}

impl From<&Application> for ApplicationDto {
    fn from(a: &Application) -> Self {
        Self {
            id: a.id.0,
            code: a.code.clone(),
            name: a.name.clone(),
            description: a.description.clone(),
            keywords: a.keywords.clone(),
            default_group_id: a.default_group.map(|g| g.0),
            active: a.active,
        }
    }
}

#[utoipa::path(get, path = "/applications", tag = "reference", responses((status = 200, body = Vec<ApplicationDto>)))]
async fn list_applications(
    State(s): State<AppState>,
    _auth: Auth,
) -> Result<Json<Vec<ApplicationDto>>, ApiError> {
    Ok(Json(
        s.app
            .list_applications()
            .await?
            .iter()
            .map(ApplicationDto::from)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApplication {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Words that identify it in an email subject.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Group id or code.
    #[serde(default)]
    pub default_group: Option<String>,
}

/// Create an application (administrators).
#[utoipa::path(post, path = "/applications", tag = "reference", request_body = CreateApplication, responses((status = 201, body = ApplicationDto)))]
async fn create_application(
    State(s): State<AppState>,
    Auth(c): Auth,
    ApiJson(b): ApiJson<CreateApplication>,
) -> Result<(StatusCode, Json<ApplicationDto>), ApiError> {
    let group = match b.default_group.as_deref() {
        Some(g) => Some(s.app.group_id("default_group", g).await?),
        None => None,
    };
    let a = s
        .app
        .create_application(&c, &b.code, &b.name, &b.description, &b.keywords, group)
        .await?;
    Ok((StatusCode::CREATED, Json(ApplicationDto::from(&a))))
}
