//! Queries: what an actor may read, and how much of it.

use super::{Actor, App, AppError, owns, visible_kinds};
use crate::saved::{self, SavedSearch};
use crate::store;
use crocevia_api::{EntityView, NamedView, PostingView, ProfileView, wire};
use crocevia_domain::{
    Applicant, Application, ApplicationStage, ApplicationTarget, ConsentPurpose, Employer, Entity, EntityKind, Role,
};
use crocevia_matching::{Eligibility, Entry, PairView, Side, Viewpoint};
use crocevia_search::{SearchRequest, SearchResults};
use uuid::Uuid;

/// How an actor stands to an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Relation {
    /// A member of the organisation whose offer or programme it targets.
    pub organisation: bool,
    /// The talent or startup who applied.
    pub applicant: bool,
}

/// The entity kind behind a matching side.
pub fn kind_of(side: Side) -> EntityKind {
    match side {
        Side::Talent => EntityKind::Talent,
        Side::Offer => EntityKind::Offer,
        Side::Startup => EntityKind::Startup,
        Side::Programme => EntityKind::Programme,
    }
}

/// The profile kind of a role, if it has one.
pub fn profile_kind(role: Role) -> Option<EntityKind> {
    match role {
        Role::Talent => Some(EntityKind::Talent),
        Role::Startup => Some(EntityKind::Startup),
        Role::Organisation | Role::Admin => None,
    }
}

/// Applicant and target of an application as (kind, id).
pub(super) fn ends(a: &Application) -> ((EntityKind, Uuid), (EntityKind, Uuid)) {
    let applicant = match a.applicant {
        Applicant::Talent(t) => (EntityKind::Talent, t.as_uuid()),
        Applicant::Startup(s) => (EntityKind::Startup, s.as_uuid()),
    };
    let target = match a.target {
        ApplicationTarget::Offer(o) => (EntityKind::Offer, o.as_uuid()),
        ApplicationTarget::Programme(p) => (EntityKind::Programme, p.as_uuid()),
    };
    (applicant, target)
}

impl App {
    /// Ids of entities of `kind` that point at `to` through `field`.
    pub(super) async fn pointing(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        to: Uuid,
        kind: EntityKind,
        field: &str,
    ) -> Result<Vec<Uuid>, AppError> {
        let refs = store::inbound_refs(conn, to, 100_000).await?;
        Ok(refs.into_iter().filter(|(k, _, f)| k == kind.as_str() && f == field).map(|(_, id, _)| id).collect())
    }

    /// The members of an organisation, by name, for its own members (to choose a review
    /// panel from) and for administrators. A member's e-mail is not shown: a colleague picks
    /// by name, and the address stays with the account.
    pub async fn organisation_members(&self, actor: &Actor, organisation: Uuid) -> Result<Vec<NamedView>, AppError> {
        let user = actor.require()?;
        let own = actor.organisation().is_some_and(|o| o.as_uuid() == organisation);
        if !own && user.role != Role::Admin {
            return Err(AppError::forbidden("only the organisation's members see who its members are"));
        }
        let db = self.profiles.db();
        let ids = self.pointing(db, organisation, EntityKind::User, "organisation_id").await?;
        let mut members = Vec::with_capacity(ids.len());
        for (_, stored) in store::find_many(db, EntityKind::User, &ids).await? {
            if let Entity::User(u) = stored.entity
                && u.role == Role::Organisation
            {
                members.push(NamedView { id: wire::id(u.id), name: u.display_name });
            }
        }
        members.sort_by_key(|m| m.name.to_lowercase());
        Ok(members)
    }

    /// The actor's own talent or startup profile, if saved.
    pub async fn own_profile(&self, actor: &Actor) -> Result<Option<(EntityKind, Uuid)>, AppError> {
        let user = actor.require()?;
        let Some(kind) = profile_kind(user.role) else { return Ok(None) };
        let ids = self.pointing(self.profiles.db(), user.id.as_uuid(), kind, "user_id").await?;
        Ok(ids.first().map(|id| (kind, *id)))
    }

    /// My talent or startup profile (and my startup's offers), or my organisation's offers and
    /// programmes.
    pub async fn owned_subjects(&self, actor: &Actor) -> Result<Vec<Uuid>, AppError> {
        if let Some(org) = actor.organisation() {
            let db = self.profiles.db();
            let mut ids = self.pointing(db, org.as_uuid(), EntityKind::Offer, "organisation_id").await?;
            // A programme whose blind round hides its applicants from this member is not theirs
            // (see `owns`).
            for id in self.pointing(db, org.as_uuid(), EntityKind::Programme, "organisation_id").await? {
                if let Some(stored) = store::find(db, EntityKind::Programme, id).await?
                    && owns(actor, &stored.entity)
                {
                    ids.push(id);
                }
            }
            return Ok(ids);
        }
        let mut ids: Vec<Uuid> = self.own_profile(actor).await?.into_iter().map(|(_, id)| id).collect();
        if let Some(startup) = actor.startup() {
            ids.extend(self.pointing(self.profiles.db(), startup.as_uuid(), EntityKind::Offer, "startup_id").await?);
        }
        Ok(ids)
    }

    /// The offers an employer posted (its own or an organisation's), any status.
    async fn offers_of(&self, employer: Employer) -> Result<Vec<Uuid>, AppError> {
        let field = match employer {
            Employer::Organisation(_) => "organisation_id",
            Employer::Startup(_) => "startup_id",
        };
        self.pointing(self.profiles.db(), employer.as_uuid(), EntityKind::Offer, field).await
    }

    /// Applications I made, or applications to my organisation's (or my startup's) offers and
    /// programmes.
    pub async fn applications(&self, actor: &Actor) -> Result<Vec<Application>, AppError> {
        Ok(self.stored_applications(actor).await?.into_iter().map(|(a, _)| a).collect())
    }

    /// [`App::applications`] with the version each was read at.
    pub(super) async fn stored_applications(&self, actor: &Actor) -> Result<Vec<(Application, u64)>, AppError> {
        let user = actor.require()?;
        // A startup both applies (its profile is the applicant) and hires (its offers are
        // the targets).
        let profile = match user.role {
            Role::Organisation => None,
            _ => self.own_profile(actor).await?.map(|(_, id)| id),
        };
        let mut out = Vec::new();
        for subject in self.owned_subjects(actor).await? {
            let field = if Some(subject) == profile { "applicant" } else { "target" };
            for id in self.pointing(self.profiles.db(), subject, EntityKind::Application, field).await? {
                // A read that fails is an error, never a silently shorter list.
                match store::find(self.profiles.db(), EntityKind::Application, id).await? {
                    Some(stored) => {
                        if let Entity::Application(mut a) = stored.entity {
                            self.withhold_scores(actor, &mut a).await?;
                            out.push((a, stored.version));
                        }
                    }
                    None => continue, // deleted between the two reads
                }
            }
        }
        out.sort_by_key(|(a, _)| a.id);
        Ok(out)
    }

    /// One application and how the actor stands to it; FORBIDDEN when they have no relation
    /// (and are not an administrator).
    pub async fn application(&self, actor: &Actor, id: Uuid) -> Result<(Application, u64, Relation), AppError> {
        let stored = self.profiles.get(EntityKind::Application, id).await?;
        let Entity::Application(mut application) = stored.entity else {
            return Err(AppError::not_found("no such application"));
        };
        let relation = self.relation(actor, &application).await?;
        if !relation.organisation && !relation.applicant && !actor.is_admin() {
            return Err(AppError::forbidden("this application is between others"));
        }
        self.withhold_scores(actor, &mut application).await?;
        Ok((application, stored.version, relation))
    }

    pub(super) async fn relation(&self, actor: &Actor, application: &Application) -> Result<Relation, AppError> {
        let Some(user) = actor.user() else { return Ok(Relation::default()) };
        let ((_, applicant), (target_kind, target)) = ends(application);
        let organisation = match actor.employer() {
            Some(_) => match store::find(self.profiles.db(), target_kind, target).await? {
                Some(stored) => owns(actor, &stored.entity),
                None => false,
            },
            None => false,
        };
        let applicant = profile_kind(user.role).is_some()
            && self.own_profile(actor).await?.is_some_and(|(_, mine)| mine == applicant);
        Ok(Relation { organisation, applicant })
    }

    /// Whether `actor` may see the contact details of the talent or startup `entity`: its
    /// owner, an administrator, an organisation it applied to, or any organisation when the
    /// talent consented to contact sharing.
    async fn may_contact(&self, actor: &Actor, entity: &Entity) -> Result<bool, AppError> {
        if actor.is_admin() || owns(actor, entity) {
            return Ok(true);
        }
        let (owner, profile) = match entity {
            Entity::Talent(t) => (t.user_id, t.id.as_uuid()),
            Entity::Startup(s) => (s.user_id, s.id.as_uuid()),
            _ => return Ok(false),
        };
        if actor.employer().is_none() {
            return Ok(false);
        }
        if self.applications(actor).await?.iter().any(|a| ends(a).0.1 == profile) {
            return Ok(true);
        }
        match owner {
            Some(owner) => self.consents_to(owner, ConsentPurpose::ContactSharing).await,
            None => Ok(false),
        }
    }

    /// One entity, without the fields the actor may not see. Talents are people: only
    /// organisation members, administrators and the talent see them; users, consents and
    /// applications only their own parties.
    pub async fn entity(&self, actor: &Actor, kind: EntityKind, id: Uuid) -> Result<EntityView, AppError> {
        let mut stored = self.profiles.get(kind, id).await?;
        let readable = actor.is_admin()
            || match &stored.entity {
                Entity::User(_) | Entity::Consent(_) => owns(actor, &stored.entity),
                Entity::Application(a) => {
                    let r = self.relation(actor, a).await?;
                    r.organisation || r.applicant
                }
                Entity::Talent(_) => super::sees_talents(actor) || owns(actor, &stored.entity),
                _ => true,
            };
        if !readable {
            return Err(if actor.user().is_none() {
                AppError::Unauthenticated("log in to read this".into())
            } else {
                AppError::forbidden("you may not read this")
            });
        }
        if let Entity::Application(a) = &mut stored.entity {
            self.withhold_scores(actor, a).await?;
        }
        let contact = self.may_contact(actor, &stored.entity).await?;
        let accepted = match &stored.entity {
            Entity::Programme(p) if actor.is_admin() || owns(actor, &stored.entity) => {
                Some(self.accepted(p.id.as_uuid()).await?)
            }
            _ => None,
        };
        let mut view = EntityView::of(&stored.entity, stored.version, contact, accepted);
        if let (EntityView::Offer(o), Entity::Offer(offer)) = (&mut view, &stored.entity)
            && let Some(employer) = offer.employer()
        {
            o.employer.name = self.employer_name(employer).await?;
        }
        Ok(view)
    }

    /// The public name of an offer's employer: the organisation's or the startup's name,
    /// never its contact.
    pub(super) async fn employer_name(&self, employer: Employer) -> Result<String, AppError> {
        let kind = match employer {
            Employer::Organisation(_) => EntityKind::Organisation,
            Employer::Startup(_) => EntityKind::Startup,
        };
        match self.profiles.get(kind, employer.as_uuid()).await {
            Ok(stored) => Ok(title_of(&stored.entity)),
            Err(crate::ProfilesError::NotFound { .. }) => Ok(String::new()),
            Err(e) => Err(e.into()),
        }
    }

    /// The applications to an offer or programme, withdrawn ones included (a read that fails
    /// is an error, never a shorter list; one deleted between the two reads is gone).
    pub(super) async fn applications_to(&self, target: Uuid) -> Result<Vec<Application>, AppError> {
        let db = self.profiles.db();
        let mut out = Vec::new();
        for id in self.pointing(db, target, EntityKind::Application, "target").await? {
            if let Some(stored) = store::find(db, EntityKind::Application, id).await?
                && let Entity::Application(a) = stored.entity
            {
                out.push(a);
            }
        }
        Ok(out)
    }

    /// How many applications to a programme were accepted (its cohort so far).
    async fn accepted(&self, programme: Uuid) -> Result<u32, AppError> {
        let all = self.applications_to(programme).await?;
        Ok(all.iter().filter(|a| a.stage == ApplicationStage::Accepted).count() as u32)
    }

    /// My talent or startup profile as [`App::entity`] shows it to me; `None` until saved.
    pub async fn my_profile(&self, actor: &Actor) -> Result<Option<ProfileView>, AppError> {
        let Some((kind, id)) = self.own_profile(actor).await? else { return Ok(None) };
        match self.entity(actor, kind, id).await? {
            EntityView::Talent(t) => Ok(Some(ProfileView::Talent(t))),
            EntityView::Startup(s) => Ok(Some(ProfileView::Startup(s))),
            _ => Err(AppError::Other(anyhow::anyhow!("profile {id} is not a talent or startup"))),
        }
    }

    /// My organisation's offers and programmes, or my startup's offers, open and closed,
    /// newest first.
    pub async fn my_postings(&self, actor: &Actor) -> Result<Vec<PostingView>, AppError> {
        let user = actor.require()?;
        let employer = actor.employer().ok_or_else(|| match user.role {
            Role::Startup => AppError::forbidden("save your startup profile first: offers are posted in its name"),
            _ => AppError::forbidden("postings belong to organisation members and startups"),
        })?;
        let mut ids: Vec<_> = self.offers_of(employer).await?.into_iter().map(|id| (EntityKind::Offer, id)).collect();
        if let Some(org) = actor.organisation() {
            let found =
                self.pointing(self.profiles.db(), org.as_uuid(), EntityKind::Programme, "organisation_id").await?;
            ids.extend(found.into_iter().map(|id| (EntityKind::Programme, id)));
        }
        // v7 ids grow with time.
        ids.sort_unstable_by_key(|(_, id)| std::cmp::Reverse(*id));
        let mut out = Vec::with_capacity(ids.len());
        for (kind, id) in ids {
            match self.entity(actor, kind, id).await? {
                EntityView::Offer(o) => out.push(PostingView::Offer(o)),
                EntityView::Programme(p) => out.push(PostingView::Programme(p)),
                _ => {}
            }
        }
        Ok(out)
    }

    /// A search as `actor` may run it (see [`visible_kinds`]).
    pub async fn search(&self, actor: &Actor, mut request: SearchRequest) -> Result<SearchResults, AppError> {
        request.kinds = visible_kinds(actor, &request.kinds)?;
        Ok(self.search_api()?.search(request).await?)
    }

    /// The ranked matches of the actor's own talent or startup profile, or of their
    /// organisation's offer or programme (administrators: any).
    pub async fn matches(&self, actor: &Actor, subject: Uuid) -> Result<(Side, Vec<Entry>), AppError> {
        actor.require()?;
        let matching = self.matching_api()?;
        let side = match matching.side_of(subject).await {
            Ok(side) => side,
            // Matching cannot say yet (catching up at start, or unreachable): an id the
            // database does not hold is still not found; one it holds is "retry shortly".
            Err(crocevia_matching::MatchingError::Unavailable(reason)) => {
                if self.held_to_match(subject).await? {
                    return Err(AppError::Unavailable(reason));
                }
                None
            }
            Err(e) => return Err(e.into()),
        }
        .ok_or_else(|| AppError::not_found("no talent, offer, startup or programme open to matching has this id"))?;
        if !actor.is_admin() {
            let entity = self.profiles.get(kind_of(side), subject).await?.entity;
            if !owns(actor, &entity) {
                return Err(AppError::forbidden("these matches belong to someone else"));
            }
        }
        let list = matching.matches(subject).await?;
        // A list shown to a member of the organisation that decides on it is recorded.
        self.record_list(actor, side, subject, &list).await?;
        Ok((side, list))
    }

    /// Whether the database holds a talent, offer, startup or programme with this id.
    async fn held_to_match(&self, id: Uuid) -> Result<bool, AppError> {
        for side in [Side::Talent, Side::Offer, Side::Startup, Side::Programme] {
            match self.profiles.get(kind_of(side), id).await {
                Ok(_) => return Ok(true),
                Err(crate::ProfilesError::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(false)
    }

    /// A startup's eligibility for a programme, for the startup, the programme's
    /// organisation and administrators.
    pub async fn eligibility(&self, actor: &Actor, startup: Uuid, programme: Uuid) -> Result<Eligibility, AppError> {
        actor.require()?;
        if !actor.is_admin() {
            let owner = owns(actor, &self.profiles.get(EntityKind::Startup, startup).await?.entity);
            let runs = owns(actor, &self.profiles.get(EntityKind::Programme, programme).await?.entity);
            if !owner && !runs {
                return Err(AppError::forbidden("this startup belongs to someone else"));
            }
        }
        self.matching_api()?
            .eligibility(startup, programme)
            .await?
            .ok_or_else(|| AppError::not_found("no such startup or open programme"))
    }

    /// My profile scored now against one open offer or programme.
    pub async fn my_match_with(&self, actor: &Actor, target: Uuid) -> Result<PairView, AppError> {
        let user = actor.require()?;
        let kind = profile_kind(user.role)
            .ok_or_else(|| AppError::forbidden("only talents and startups have a profile to match"))?;
        let (_, profile) = self.own_profile(actor).await?.ok_or_else(|| AppError::Refused {
            field: "profile".into(),
            message: format!("create your {} profile first", kind.as_str()),
            reasons: vec![],
        })?;
        // The profile as stored now: one saved a moment ago scores before matching hears of it.
        let entity = self.profiles.get(kind, profile).await?.entity;
        self.pair(entity, target, Viewpoint::Subject).await
    }

    /// How an application's applicant scores against its target now, for the organisation
    /// that received it (and administrators): from the target's side, so the score and its
    /// reasons are the ones its candidate list shows.
    pub async fn application_match(&self, actor: &Actor, id: Uuid) -> Result<PairView, AppError> {
        let (application, _, relation) = self.application(actor, id).await?;
        if !relation.organisation && !actor.is_admin() {
            return Err(AppError::forbidden("only the organisation that received it sees this"));
        }
        let ((kind, applicant), (_, target)) = ends(&application);
        let entity = self.profiles.get(kind, applicant).await?.entity;
        self.pair(entity, target, Viewpoint::Target).await
    }

    async fn pair(&self, entity: Entity, target: Uuid, from: Viewpoint) -> Result<PairView, AppError> {
        match self.matching_api()?.pair(entity, target, from).await {
            Err(crocevia_matching::MatchingError::NotFound(_)) => {
                Err(AppError::not_found("no offer or programme open to matching has this id"))
            }
            other => Ok(other?),
        }
    }

    pub async fn saved_searches(&self, actor: &Actor) -> Result<Vec<SavedSearch>, AppError> {
        let user = actor.require()?;
        Ok(saved::of_user(self.profiles.db(), user.id.as_uuid()).await?)
    }

    /// One of my saved searches, as I may run it now: its kinds go through
    /// [`visible_kinds`] every time, so saving `kinds: [TALENT]` (or none) reveals nothing
    /// the actor could not search directly.
    pub async fn saved_search(&self, actor: &Actor, id: Uuid) -> Result<SearchRequest, AppError> {
        let user = actor.require()?;
        let row = saved::get(self.profiles.db(), id)
            .await?
            .ok_or_else(|| AppError::not_found("no saved search of yours has this id"))?;
        if row.user_id != user.id.as_uuid() {
            return Err(AppError::forbidden("this saved search belongs to someone else"));
        }
        let mut request: SearchRequest = serde_json::from_value(row.request)
            .map_err(|e| AppError::Other(anyhow::anyhow!("saved search {id} does not decode: {e}")))?;
        request.kinds = visible_kinds(actor, &request.kinds)?;
        Ok(request)
    }

    /// Runs one of my saved searches as I may run it now (see [`App::saved_search`]).
    pub async fn run_saved(&self, actor: &Actor, id: Uuid) -> Result<SearchResults, AppError> {
        let request = self.saved_search(actor, id).await?;
        Ok(self.search_api()?.search(request).await?)
    }

    /// The display title of an entity (offer or programme title, startup or organisation
    /// name, talent or user display name), or an empty string when it is gone: a list may
    /// still name an entity erased a moment ago. For naming counterparts in lists the actor
    /// was already allowed to see.
    pub async fn title(&self, kind: EntityKind, id: Uuid) -> Result<String, AppError> {
        match self.profiles.get(kind, id).await {
            Ok(stored) => Ok(title_of(&stored.entity)),
            Err(crate::ProfilesError::NotFound { .. }) => Ok(String::new()),
            Err(e) => Err(e.into()),
        }
    }
}

/// The human name of an entity.
pub fn title_of(entity: &Entity) -> String {
    match entity {
        Entity::Offer(o) => o.title.clone(),
        Entity::Programme(p) => p.title.clone(),
        Entity::Startup(s) => s.name.clone(),
        Entity::Talent(t) => t.display_name.clone(),
        Entity::Organisation(o) => o.name.clone(),
        Entity::User(u) => u.display_name.clone(),
        Entity::Consent(_) | Entity::Application(_) => String::new(),
    }
}
