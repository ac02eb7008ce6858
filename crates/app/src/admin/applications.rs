//! Editing an application: its name, description, the keywords that name it in an email
//! subject (mail intake matches them), its default group and whether requesters may choose it.
//! Its code never changes: routing rules and tickets refer to it.

use super::audit;
use crate::error::NotFoundAs;
use crate::{App, AppError, Caller};
use guichet_core::desk::parse_keywords;
use guichet_core::error::required_text;
use guichet_core::permission::{GlobalAction, may_global};
use guichet_core::{ApplicationId, GroupId};
use guichet_store::application::{Application, ApplicationChange};
use serde_json::json;

/// An application's editable fields, as typed.
#[derive(Debug, Clone, Default)]
pub struct ApplicationInput {
    pub name: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub default_group: Option<GroupId>,
    pub active: bool,
}

impl App {
    /// One application, whatever its state, for its administration page. Administrators only.
    pub async fn admin_application(
        &self,
        caller: &Caller,
        id: ApplicationId,
    ) -> Result<Application, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        self.store()
            .read()
            .await?
            .application(id)
            .await
            .or_not_found("application")
    }

    /// Rewrites an application's editable fields; keywords are normalised (upper case,
    /// deduplicated). Administrators only; audited with the keywords before and after.
    pub async fn update_application(
        &self,
        caller: &Caller,
        id: ApplicationId,
        input: ApplicationInput,
    ) -> Result<Application, AppError> {
        may_global(&caller.subject, GlobalAction::Administer)?;
        let name = required_text("name", &input.name, 200)?;
        let keywords = parse_keywords(&input.keywords)?;
        let now = self.now();
        let mut tx = self.store().write().await?;
        let before = tx.application(id).await.or_not_found("application")?;
        if let Some(g) = input.default_group {
            // The page offers a list: another value is a forged form, named on its field.
            let group = tx
                .group(g)
                .await
                .map_err(|_| AppError::invalid("default_group", "invalid"))?;
            if !group.active && before.default_group != Some(g) {
                return Err(AppError::invalid("default_group", "group.inactive"));
            }
        }
        let app = tx
            .update_application(
                id,
                &ApplicationChange {
                    name,
                    description: input.description.trim().to_owned(),
                    keywords,
                    default_group: input.default_group,
                    active: input.active,
                },
            )
            .await?;
        audit(
            &mut tx,
            caller,
            "application.update",
            "application",
            id.to_string(),
            json!({
                "code": app.code,
                "keywords_before": before.keywords,
                "keywords": app.keywords,
                "active": app.active,
            }),
            now,
        )
        .await?;
        self.commit_reference_change(tx).await?;
        Ok(app)
    }
}
