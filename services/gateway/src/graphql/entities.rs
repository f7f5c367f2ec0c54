//! Writes on behalf of the viewer: profiles, offers, programmes and applications, each
//! checked for ownership before it reaches the profiles service.

use super::{Services, error, field_error, internal, me, profiles_error};
use crate::auth::Claims;
use async_graphql::{Error, ID, Json, Result, SimpleObject};
use crocevia_domain::{
    Applicant, Application, ApplicationId, ApplicationStage, ApplicationTarget, Entity, EntityKind, OfferId,
    ProgrammeId, Role, StageChange, StartupId, Status, TalentId, User,
};
use crocevia_kit::ErrorCode;
use crocevia_profiles::store;
use uuid::Uuid;

#[derive(SimpleObject, Debug)]
pub struct Saved {
    pub id: ID,
    pub version: i64,
    pub created: bool,
}

pub fn uuid(field: &str, id: &ID) -> Result<Uuid> {
    Uuid::parse_str(id).map_err(|_| field_error(field, format!("{:?} is not an id", id.as_str())))
}

/// Decodes a JSON input into a domain type; an error names the field inside `input`.
fn decode<T: serde::de::DeserializeOwned>(
    arg: &str,
    mut value: serde_json::Value,
    id: Uuid,
    extra: &[(&str, serde_json::Value)],
) -> Result<T> {
    let Some(object) = value.as_object_mut() else { return Err(field_error(arg, "must be an object")) };
    object.insert("id".into(), serde_json::Value::String(id.to_string()));
    for (k, v) in extra {
        object.insert((*k).to_owned(), v.clone());
    }
    serde_path_to_error::deserialize(value)
        .map_err(|e| field_error(&format!("{arg}.{}", e.path()), e.inner().to_string()))
}

async fn save(services: &Services, entity: Entity, expected: Option<u64>) -> Result<Saved> {
    let out = services.profiles.upsert(entity, expected, "graphql").await.map_err(profiles_error)?;
    Ok(Saved { id: ID(out.id.to_string()), version: out.version as i64, created: out.created })
}

/// The entity of `kind` whose `user_id` is the viewer, if any.
pub async fn own_profile(services: &Services, user: &User, kind: EntityKind) -> Result<Option<Uuid>> {
    let refs = store::inbound_refs(services.profiles.db(), user.id.as_uuid(), 20).await.map_err(internal)?;
    Ok(refs.into_iter().find(|(k, _, field)| k == kind.as_str() && field == "user_id").map(|(_, id, _)| id))
}

pub async fn save_profile(services: &Services, claims: &Claims, input: Json<serde_json::Value>) -> Result<Saved> {
    let user = me(services, claims).await?;
    let kind = match user.role {
        Role::Talent => EntityKind::Talent,
        Role::Startup => EntityKind::Startup,
        _ => return Err(error(ErrorCode::Forbidden, "only talents and startups have a profile")),
    };
    let existing = own_profile(services, &user, kind).await?;
    let id = existing.unwrap_or_else(Uuid::now_v7);
    let extra = [("user_id", serde_json::Value::String(user.id.to_string())), ("demo", serde_json::Value::Bool(false))];
    let entity = match kind {
        EntityKind::Talent => Entity::Talent(decode("profile", input.0, id, &extra)?),
        _ => Entity::Startup(decode("profile", input.0, id, &extra)?),
    };
    save(services, entity, None).await
}

fn organisation_of(user: &User) -> Result<crocevia_domain::OrganisationId> {
    match (user.role, user.organisation_id) {
        (Role::Organisation, Some(org)) => Ok(org),
        _ => Err(error(ErrorCode::Forbidden, "only members of an organisation post offers and programmes")),
    }
}

/// Creates (`id` = None) or updates an offer or programme of the viewer's organisation.
pub async fn save_posting(
    services: &Services,
    claims: &Claims,
    kind: EntityKind,
    id: Option<&ID>,
    input: Json<serde_json::Value>,
    expected: Option<u64>,
) -> Result<Saved> {
    let user = me(services, claims).await?;
    let org = organisation_of(&user)?;
    let id = match id {
        Some(id) => {
            let id = uuid("id", id)?;
            check_posting_owner(services, kind, id, org).await?;
            id
        }
        None => Uuid::now_v7(),
    };
    let extra =
        [("organisation_id", serde_json::Value::String(org.to_string())), ("demo", serde_json::Value::Bool(false))];
    let entity = match kind {
        EntityKind::Offer => Entity::Offer(decode("offer", input.0, id, &extra)?),
        _ => Entity::Programme(decode("programme", input.0, id, &extra)?),
    };
    save(services, entity, expected).await
}

async fn check_posting_owner(
    services: &Services,
    kind: EntityKind,
    id: Uuid,
    org: crocevia_domain::OrganisationId,
) -> Result<Entity> {
    let entity = services.profiles.get(kind, id).await.map_err(profiles_error)?.entity;
    let owner = match &entity {
        Entity::Offer(o) => o.organisation_id,
        Entity::Programme(p) => p.organisation_id,
        _ => return Err(error(ErrorCode::NotFound, "no such offer or programme")),
    };
    if owner != org {
        return Err(error(ErrorCode::Forbidden, "this belongs to another organisation"));
    }
    Ok(entity)
}

pub async fn close_posting(services: &Services, claims: &Claims, kind: EntityKind, id: &ID) -> Result<Saved> {
    let user = me(services, claims).await?;
    let org = organisation_of(&user)?;
    let id = uuid("id", id)?;
    let entity = match check_posting_owner(services, kind, id, org).await? {
        Entity::Offer(mut o) => {
            o.status = Status::Closed;
            Entity::Offer(o)
        }
        Entity::Programme(mut p) => {
            p.status = Status::Closed;
            Entity::Programme(p)
        }
        _ => return Err(error(ErrorCode::NotFound, "no such offer or programme")),
    };
    save(services, entity, None).await
}

pub async fn apply(services: &Services, claims: &Claims, target: &ID, motivation: String) -> Result<Saved> {
    let user = me(services, claims).await?;
    let target_id = uuid("target", target)?;
    let (applicant, target) = match user.role {
        Role::Talent => {
            let talent = own_profile(services, &user, EntityKind::Talent)
                .await?
                .ok_or_else(|| error(ErrorCode::BadUserInput, "create your talent profile first"))?;
            (Applicant::Talent(TalentId::from_uuid(talent)), ApplicationTarget::Offer(OfferId::from_uuid(target_id)))
        }
        Role::Startup => {
            let startup = own_profile(services, &user, EntityKind::Startup)
                .await?
                .ok_or_else(|| error(ErrorCode::BadUserInput, "create your startup profile first"))?;
            (
                Applicant::Startup(StartupId::from_uuid(startup)),
                ApplicationTarget::Programme(ProgrammeId::from_uuid(target_id)),
            )
        }
        _ => return Err(error(ErrorCode::Forbidden, "talents apply to offers and startups to programmes")),
    };
    let now = chrono::Utc::now();
    let application = Application {
        id: ApplicationId::from_uuid(Uuid::now_v7()),
        applicant,
        target,
        stage: ApplicationStage::Submitted,
        history: vec![StageChange { stage: ApplicationStage::Submitted, at: now }],
        motivation,
        score: None,
        rubric: vec![],
    };
    save(services, Entity::Application(application), None).await
}

/// Who may act on an application: the target's organisation, or (to withdraw) the applicant.
pub async fn application_for(services: &Services, user: &User, id: &ID) -> Result<(Application, bool, bool)> {
    let id = uuid("id", id)?;
    let Entity::Application(application) =
        services.profiles.get(EntityKind::Application, id).await.map_err(profiles_error)?.entity
    else {
        return Err(error(ErrorCode::NotFound, "no such application"));
    };
    let (kind, target) = match application.target {
        ApplicationTarget::Offer(o) => (EntityKind::Offer, o.as_uuid()),
        ApplicationTarget::Programme(p) => (EntityKind::Programme, p.as_uuid()),
    };
    let is_organisation = match (user.role, user.organisation_id) {
        (Role::Organisation, Some(org)) => check_posting_owner(services, kind, target, org).await.is_ok(),
        _ => false,
    };
    let applicant_entity = match application.applicant {
        Applicant::Talent(t) => t.as_uuid(),
        Applicant::Startup(s) => s.as_uuid(),
    };
    let applicant_kind =
        if matches!(application.applicant, Applicant::Talent(_)) { EntityKind::Talent } else { EntityKind::Startup };
    let is_applicant = own_profile(services, user, applicant_kind).await? == Some(applicant_entity);
    Ok((application, is_organisation, is_applicant))
}

pub async fn move_application(services: &Services, claims: &Claims, id: &ID, stage: ApplicationStage) -> Result<Saved> {
    let user = me(services, claims).await?;
    let (mut application, is_organisation, is_applicant) = application_for(services, &user, id).await?;
    let allowed = is_organisation || (is_applicant && stage == ApplicationStage::Withdrawn);
    if !allowed {
        return Err(error(
            ErrorCode::Forbidden,
            "only the organisation moves an application; the applicant may withdraw it",
        ));
    }
    if !application.stage.can_move_to(stage) {
        return Err(field_error(
            "stage",
            format!("an application cannot move from {:?} to {stage:?}", application.stage),
        ));
    }
    application.stage = stage;
    application.history.push(StageChange { stage, at: chrono::Utc::now() });
    save(services, Entity::Application(application), None).await
}

/// Scores an application with a rubric; the score is the rubric's total, 0 to 100.
pub async fn score_application(
    services: &Services,
    claims: &Claims,
    id: &ID,
    rubric: Vec<(String, i32, i32)>,
) -> Result<Saved> {
    let user = me(services, claims).await?;
    let (mut application, is_organisation, _) = application_for(services, &user, id).await?;
    if !is_organisation {
        return Err(error(ErrorCode::Forbidden, "only the organisation scores its applications"));
    }
    if rubric.is_empty() {
        return Err(field_error("rubric", "must name at least one criterion"));
    }
    let mut scores = Vec::with_capacity(rubric.len());
    for (i, (criterion, points, max_points)) in rubric.into_iter().enumerate() {
        let small = |field: &str, v: i32| {
            u8::try_from(v).map_err(|_| field_error(&format!("rubric[{i}].{field}"), "must be between 0 and 255"))
        };
        scores.push(crocevia_domain::RubricScore {
            criterion,
            points: small("points", points)?,
            max_points: small("maxPoints", max_points)?,
        });
    }
    application.score = crocevia_domain::rubric_total(&scores);
    application.rubric = scores;
    save(services, Entity::Application(application), None).await
}

pub fn forbidden_unless(ok: bool, message: &str) -> Result<(), Error> {
    if ok { Ok(()) } else { Err(error(ErrorCode::Forbidden, message)) }
}

/// Ids of entities that point at `to` through `field`, of `kind`.
pub(super) async fn pointing(services: &Services, to: Uuid, kind: EntityKind, field: &str) -> Result<Vec<Uuid>> {
    let refs = store::inbound_refs(services.profiles.db(), to, 100_000).await.map_err(internal)?;
    Ok(refs.into_iter().filter(|(k, _, f)| k == kind.as_str() && f == field).map(|(_, id, _)| id).collect())
}

/// My talent or startup profile, or my organisation's offers and programmes.
pub async fn owned_subjects(services: &Services, user: &User) -> Result<Vec<Uuid>> {
    match (user.role, user.organisation_id) {
        (Role::Organisation, Some(org)) => {
            let mut ids = pointing(services, org.as_uuid(), EntityKind::Offer, "organisation_id").await?;
            ids.extend(pointing(services, org.as_uuid(), EntityKind::Programme, "organisation_id").await?);
            Ok(ids)
        }
        (Role::Talent, _) => Ok(own_profile(services, user, EntityKind::Talent).await?.into_iter().collect()),
        (Role::Startup, _) => Ok(own_profile(services, user, EntityKind::Startup).await?.into_iter().collect()),
        _ => Ok(vec![]),
    }
}

/// Applications I made, or applications to my organisation's offers and programmes.
pub async fn applications_of_viewer(services: &Services, user: &User) -> Result<Vec<Application>> {
    let field = if user.role == Role::Organisation { "target" } else { "applicant" };
    let mut out = Vec::new();
    for subject in owned_subjects(services, user).await? {
        for id in pointing(services, subject, EntityKind::Application, field).await? {
            if let Ok(stored) = services.profiles.get(EntityKind::Application, id).await
                && let Entity::Application(a) = stored.entity
            {
                out.push(a);
            }
        }
    }
    out.sort_by_key(|a| a.id);
    Ok(out)
}

/// Whether the viewer may see the contact details of the talent or startup `entity`: its
/// owner, an administrator, an organisation it applied to, or any organisation when the
/// talent consented to contact sharing.
async fn may_contact(services: &Services, user: &User, entity: &Entity) -> Result<bool> {
    if user.role == Role::Admin {
        return Ok(true);
    }
    let (owner, profile, kind) = match entity {
        Entity::Talent(t) => (t.user_id, t.id.as_uuid(), EntityKind::Talent),
        Entity::Startup(s) => (s.user_id, s.id.as_uuid(), EntityKind::Startup),
        _ => return Ok(false),
    };
    if owner == Some(user.id) {
        return Ok(true);
    }
    if user.role != Role::Organisation {
        return Ok(false);
    }
    if applications_of_viewer(services, user).await?.iter().any(|a| match a.applicant {
        Applicant::Talent(t) => kind == EntityKind::Talent && t.as_uuid() == profile,
        Applicant::Startup(s) => kind == EntityKind::Startup && s.as_uuid() == profile,
    }) {
        return Ok(true);
    }
    if let Some(owner) = owner {
        for consent in pointing(services, owner.as_uuid(), EntityKind::Consent, "user_id").await? {
            if let Ok(stored) = services.profiles.get(EntityKind::Consent, consent).await
                && let Entity::Consent(c) = stored.entity
                && c.purpose == crocevia_domain::ConsentPurpose::ContactSharing
                && c.granted
            {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// An entity as JSON, with the fields the viewer may not see removed.
pub async fn view(
    services: &Services,
    user: Option<&User>,
    kind: EntityKind,
    id: Uuid,
) -> Result<(serde_json::Value, u64)> {
    let stored = services.profiles.get(kind, id).await.map_err(profiles_error)?;
    let admin = user.is_some_and(|u| u.role == Role::Admin);
    let readable = match &stored.entity {
        Entity::User(u) => admin || user.is_some_and(|me| me.id == u.id),
        Entity::Consent(c) => admin || user.is_some_and(|me| me.id == c.user_id),
        Entity::Application(a) => {
            admin
                || match user {
                    Some(me) => applications_of_viewer(services, me).await?.iter().any(|x| x.id == a.id),
                    None => false,
                }
        }
        Entity::Talent(_) => user.is_some_and(|me| {
            matches!(me.role, Role::Organisation | Role::Admin) || may_contact_owner(me, &stored.entity)
        }),
        _ => true,
    };
    if !readable {
        return Err(error(ErrorCode::Forbidden, "you may not read this"));
    }
    let mut data = serde_json::to_value(&stored.entity).map_err(internal)?.get("data").cloned().unwrap_or_default();
    let contact = match user {
        Some(me) => may_contact(services, me, &stored.entity).await?,
        None => false,
    };
    if !contact && let Some(object) = data.as_object_mut() {
        object.remove("contact_email");
        object.remove("user_id");
    }
    Ok((data, stored.version))
}

fn may_contact_owner(me: &User, entity: &Entity) -> bool {
    matches!(entity, Entity::Talent(t) if t.user_id == Some(me.id))
}

/// Everything Crocevia holds about the viewer, as JSON (GDPR Art. 15/20).
pub async fn export(services: &Services, user: &User) -> Result<serde_json::Value> {
    let mut profiles = Vec::new();
    for id in owned_subjects(services, user).await? {
        if user.role != Role::Organisation {
            for kind in [EntityKind::Talent, EntityKind::Startup] {
                if let Ok(stored) = services.profiles.get(kind, id).await {
                    profiles.push(serde_json::to_value(&stored.entity).map_err(internal)?);
                }
            }
        }
    }
    let applications =
        if user.role == Role::Organisation { vec![] } else { applications_of_viewer(services, user).await? };
    let mut consents = Vec::new();
    for id in pointing(services, user.id.as_uuid(), EntityKind::Consent, "user_id").await? {
        if let Ok(stored) = services.profiles.get(EntityKind::Consent, id).await {
            consents.push(serde_json::to_value(&stored.entity).map_err(internal)?);
        }
    }
    let searches: Vec<serde_json::Value> = crate::saved::of_user(services.profiles.db(), user.id.as_uuid())
        .await?
        .into_iter()
        .map(|s| serde_json::json!({ "id": s.id, "name": s.name, "request": s.request }))
        .collect();
    Ok(serde_json::json!({
        "user": user,
        "profiles": profiles,
        "applications": applications,
        "consents": consents,
        "saved_searches": searches,
        "exported_at": chrono::Utc::now(),
    }))
}

/// Erases the viewer (GDPR Art. 17): applications, profile, consents, saved searches,
/// credentials and the account. Each deletion leaves an erasure event for search and matching.
pub async fn erase(services: &Services, user: &User) -> Result<u64> {
    let mut erased = 0;
    let reason = "erasure_request";
    if user.role != Role::Organisation {
        for application in applications_of_viewer(services, user).await? {
            services
                .profiles
                .delete(EntityKind::Application, application.id.as_uuid(), reason, "erase")
                .await
                .map_err(profiles_error)?;
            erased += 1;
        }
        for id in owned_subjects(services, user).await? {
            for kind in [EntityKind::Talent, EntityKind::Startup] {
                if services.profiles.get(kind, id).await.is_ok() {
                    services.profiles.delete(kind, id, reason, "erase").await.map_err(profiles_error)?;
                    erased += 1;
                }
            }
        }
    }
    for id in pointing(services, user.id.as_uuid(), EntityKind::Consent, "user_id").await? {
        services.profiles.delete(EntityKind::Consent, id, reason, "erase").await.map_err(profiles_error)?;
        erased += 1;
    }
    crate::saved::delete_of_user(services.profiles.db(), user.id.as_uuid()).await?;
    services.accounts.delete_user(user.id.as_uuid()).await.map_err(|e| internal(e.to_string()))?;
    services.profiles.delete(EntityKind::User, user.id.as_uuid(), reason, "erase").await.map_err(profiles_error)?;
    Ok(erased + 1)
}
