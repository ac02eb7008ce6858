//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use axum::Json;
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

/// Adds what the handlers do not say themselves: title, version, the bearer scheme.
pub fn finish(mut spec: OpenApi) -> OpenApi {
    spec.info.title = "Guichet API".into();
    spec.info.version = env!("CARGO_PKG_VERSION").into();
    spec.info.description = Some(
        "The service desk of an académie. Authenticate with `Authorization: Bearer <token>` \
         (`guichet token create --user EMAIL`). Errors are `application/problem+json` with a \
         stable `code` and the `field` at fault, in French or English per `Accept-Language`."
            .into(),
    );
    let components = spec.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
    );
    spec.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
        "bearer",
        Vec::<String>::new(),
    )]);
    spec
}

pub async fn serve(spec: OpenApi) -> Json<OpenApi> {
    Json(spec)
}
