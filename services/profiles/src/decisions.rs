//! The decision records' store (EU AI Act Art. 12 record-keeping, Art. 14 human oversight):
//! each ranking shown to a decision-maker with its entries, and each human decision on an
//! application with the ranking it followed. Written in the transactions of the reads and
//! moves they record; kept until `retain_until`; a person's erasure leaves the records
//! without anything that names them (see [`forget_person`]).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

pub mod ranking {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "decision_rankings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub viewer_id: Uuid,
        /// The offer or programme ranked for.
        pub target_id: Uuid,
        /// `candidates` (an offer's talents), `startups` (a programme's), `selection` (a
        /// programme's panel ranking).
        pub list: String,
        pub engine_version: String,
        pub target_version: i64,
        /// What the list was computed from beyond its entries (the review totals of a
        /// selection ranking).
        #[sea_orm(column_type = "JsonBinary")]
        pub inputs: Json,
        /// A hash of everything shown: the same list seen again is not recorded twice.
        pub fingerprint: String,
        pub created_at: DateTimeUtc,
        /// The last time the same list was shown again to the same viewer.
        pub last_shown_at: DateTimeUtc,
        pub retain_until: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod entry {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "decision_ranking_entries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub ranking_id: Uuid,
        /// 1 = first shown.
        #[sea_orm(primary_key, auto_increment = false)]
        pub position: i32,
        /// Null once the person was erased.
        pub counterpart_id: Option<Uuid>,
        pub counterpart_version: i64,
        /// The entry as shown: score, verdict, factors with weights and reasons.
        #[sea_orm(column_type = "JsonBinary")]
        pub entry: Json,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod decision {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "decisions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Null once the applicant was erased.
        pub application_id: Option<Uuid>,
        pub target_id: Uuid,
        pub applicant_id: Option<Uuid>,
        pub actor_id: Uuid,
        pub from_stage: String,
        pub to_stage: String,
        /// The ranking the decision-maker saw last for the target, if any.
        pub ranking_id: Option<Uuid>,
        /// The applicant's place in it (1 = first), if listed.
        pub rank_seen: Option<i32>,
        /// The decision-maker marked it as going against the ranking.
        pub against_ranking: bool,
        pub reason: String,
        pub decided_at: DateTimeUtc,
        pub retain_until: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use decision::Model as Decision;
pub use entry::Model as RankingEntry;
pub use ranking::Model as Ranking;

/// Longest kept reason of a decision, in characters.
pub const MAX_REASON_CHARS: usize = 2_000;

/// A ranking to record.
#[derive(Debug)]
pub struct NewRanking {
    pub viewer: Uuid,
    pub target: Uuid,
    pub list: &'static str,
    pub engine_version: String,
    pub target_version: u64,
    pub inputs: serde_json::Value,
    /// (counterpart, its version, the entry as shown), in the order shown.
    pub entries: Vec<(Uuid, u64, serde_json::Value)>,
}

fn fingerprint(r: &NewRanking) -> String {
    use sha2::Digest;
    let mut hash = sha2::Sha256::new();
    hash.update(r.list.as_bytes());
    hash.update(r.engine_version.as_bytes());
    hash.update(r.target_version.to_be_bytes());
    hash.update(r.inputs.to_string().as_bytes());
    for (id, version, entry) in &r.entries {
        hash.update(id.as_bytes());
        hash.update(version.to_be_bytes());
        hash.update(entry.to_string().as_bytes());
    }
    hex::encode(hash.finalize())
}

fn version(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Records a ranking `r` as shown now, kept until `retain_until`; the same list shown again
/// to the same viewer (same fingerprint as their last one for the target) is the record
/// already kept. Returns the record's id.
pub async fn record(conn: &impl ConnectionTrait, r: NewRanking, retain_until: DateTime<Utc>) -> Result<Uuid, DbErr> {
    let print = fingerprint(&r);
    // The same list of the same kind seen again (a page reopened, a live refresh) is the
    // record already kept, even if the viewer looked at another list in between.
    let last = ranking::Entity::find()
        .filter(ranking::Column::ViewerId.eq(r.viewer))
        .filter(ranking::Column::TargetId.eq(r.target))
        .filter(ranking::Column::List.eq(r.list))
        .order_by_desc(ranking::Column::CreatedAt)
        .order_by_desc(ranking::Column::Id)
        .one(conn)
        .await?;
    if let Some(last) = last
        && last.fingerprint == print
    {
        // Kept longer too: it is the one a decision made now follows.
        ranking::Entity::update_many()
            .col_expr(ranking::Column::LastShownAt, Expr::value(Utc::now()))
            .col_expr(ranking::Column::RetainUntil, Expr::value(retain_until))
            .filter(ranking::Column::Id.eq(last.id))
            .exec(conn)
            .await?;
        return Ok(last.id);
    }
    let id = Uuid::now_v7();
    let row = ranking::ActiveModel {
        id: Set(id),
        viewer_id: Set(r.viewer),
        target_id: Set(r.target),
        list: Set(r.list.to_owned()),
        engine_version: Set(r.engine_version),
        target_version: Set(version(r.target_version)),
        inputs: Set(r.inputs),
        fingerprint: Set(print),
        created_at: Set(Utc::now()),
        last_shown_at: Set(Utc::now()),
        retain_until: Set(retain_until),
    };
    ranking::Entity::insert(row).exec_without_returning(conn).await?;
    if !r.entries.is_empty() {
        let rows = r.entries.into_iter().zip(1..).map(|((counterpart, v, entry), position)| entry::ActiveModel {
            ranking_id: Set(id),
            position: Set(position),
            counterpart_id: Set(Some(counterpart)),
            counterpart_version: Set(version(v)),
            entry: Set(entry),
        });
        entry::Entity::insert_many(rows).exec_without_returning(conn).await?;
    }
    Ok(id)
}

/// The last ranking `viewer` was shown for `target`, and the place of `counterpart` in it.
pub async fn last_seen(
    conn: &impl ConnectionTrait,
    viewer: Uuid,
    target: Uuid,
    counterpart: Uuid,
) -> Result<Option<(Uuid, Option<i32>)>, DbErr> {
    let last = ranking::Entity::find()
        .filter(ranking::Column::ViewerId.eq(viewer))
        .filter(ranking::Column::TargetId.eq(target))
        .order_by_desc(ranking::Column::LastShownAt)
        .order_by_desc(ranking::Column::Id)
        .one(conn)
        .await?;
    let Some(last) = last else { return Ok(None) };
    let place = entry::Entity::find()
        .filter(entry::Column::RankingId.eq(last.id))
        .filter(entry::Column::CounterpartId.eq(counterpart))
        .one(conn)
        .await?;
    Ok(Some((last.id, place.map(|e| e.position))))
}

pub async fn insert_decision(conn: &impl ConnectionTrait, d: Decision) -> Result<(), DbErr> {
    let row = decision::ActiveModel {
        id: Set(d.id),
        application_id: Set(d.application_id),
        target_id: Set(d.target_id),
        applicant_id: Set(d.applicant_id),
        actor_id: Set(d.actor_id),
        from_stage: Set(d.from_stage),
        to_stage: Set(d.to_stage),
        ranking_id: Set(d.ranking_id),
        rank_seen: Set(d.rank_seen),
        against_ranking: Set(d.against_ranking),
        reason: Set(d.reason.chars().take(MAX_REASON_CHARS).collect()),
        decided_at: Set(d.decided_at),
        retain_until: Set(d.retain_until),
    };
    decision::Entity::insert(row).exec_without_returning(conn).await?;
    Ok(())
}

/// Most records one export holds of each kind (the oldest beyond it are left out and counted).
pub const EXPORT_LIMIT: u64 = 10_000;

pub async fn rankings_of(conn: &impl ConnectionTrait, target: Uuid) -> Result<Vec<Ranking>, DbErr> {
    ranking::Entity::find()
        .filter(ranking::Column::TargetId.eq(target))
        .order_by_desc(ranking::Column::CreatedAt)
        .limit(EXPORT_LIMIT)
        .all(conn)
        .await
}

pub async fn ranking(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Ranking>, DbErr> {
    ranking::Entity::find_by_id(id).one(conn).await
}

pub async fn entries_of(conn: &impl ConnectionTrait, ranking: Uuid) -> Result<Vec<RankingEntry>, DbErr> {
    entry::Entity::find()
        .filter(entry::Column::RankingId.eq(ranking))
        .order_by_asc(entry::Column::Position)
        .all(conn)
        .await
}

pub async fn decisions_of(conn: &impl ConnectionTrait, target: Uuid) -> Result<Vec<Decision>, DbErr> {
    decision::Entity::find()
        .filter(decision::Column::TargetId.eq(target))
        .order_by_asc(decision::Column::DecidedAt)
        .limit(EXPORT_LIMIT)
        .all(conn)
        .await
}

pub async fn decisions_on(conn: &impl ConnectionTrait, application: Uuid) -> Result<Vec<Decision>, DbErr> {
    decision::Entity::find()
        .filter(decision::Column::ApplicationId.eq(application))
        .order_by_asc(decision::Column::DecidedAt)
        .all(conn)
        .await
}

/// Removes what names an erased person: their entries keep their place, score and factor
/// values (so a ranking still replays) but lose their id and the reasons, which describe
/// them; decisions on their applications keep stage, time and decider but lose the
/// application, the applicant and the free-text reason.
pub async fn forget_person(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<(), DbErr> {
    let rows = entry::Entity::find().filter(entry::Column::CounterpartId.is_in(ids.iter().copied())).all(conn).await?;
    for row in rows {
        let mut value = row.entry.clone();
        strip_person(&mut value);
        entry::Entity::update_many()
            .col_expr(entry::Column::CounterpartId, Expr::value(Option::<Uuid>::None))
            .col_expr(entry::Column::Entry, Expr::value(value))
            .filter(entry::Column::RankingId.eq(row.ranking_id))
            .filter(entry::Column::Position.eq(row.position))
            .exec(conn)
            .await?;
    }
    decision::Entity::update_many()
        .col_expr(decision::Column::ApplicantId, Expr::value(Option::<Uuid>::None))
        .col_expr(decision::Column::ApplicationId, Expr::value(Option::<Uuid>::None))
        .col_expr(decision::Column::Reason, Expr::value(String::new()))
        .filter(decision::Column::ApplicantId.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(())
}

/// An entry without its counterpart's id and its factors' reasons.
fn strip_person(value: &mut serde_json::Value) {
    if let Some(object) = value.as_object_mut() {
        object.insert("counterpart".into(), serde_json::Value::String(Uuid::nil().to_string()));
        if let Some(factors) =
            object.get_mut("explanation").and_then(|e| e.get_mut("factors")).and_then(|f| f.as_array_mut())
        {
            for factor in factors {
                if let Some(f) = factor.as_object_mut() {
                    f.insert("reason_it".into(), serde_json::Value::String(String::new()));
                    f.insert("reason_en".into(), serde_json::Value::String(String::new()));
                }
            }
        }
        if let Some(verdict) = object.get_mut("verdict") {
            *verdict = strip_reasons(verdict.take());
        }
    }
}

fn strip_reasons(verdict: serde_json::Value) -> serde_json::Value {
    match verdict {
        serde_json::Value::Object(mut o) => {
            for (_, v) in o.iter_mut() {
                if let Some(reasons) = v.as_array_mut() {
                    for r in reasons {
                        if let Some(r) = r.as_object_mut() {
                            r.insert("it".into(), serde_json::Value::String(String::new()));
                            r.insert("en".into(), serde_json::Value::String(String::new()));
                        }
                    }
                }
            }
            serde_json::Value::Object(o)
        }
        other => other,
    }
}

/// Deletes records past their retention; returns how many rankings and decisions went.
pub async fn purge_expired(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(u64, u64), DbErr> {
    let expired: Vec<Uuid> = ranking::Entity::find()
        .select_only()
        .column(ranking::Column::Id)
        .filter(ranking::Column::RetainUntil.lt(now))
        .limit(10_000)
        .into_tuple()
        .all(conn)
        .await?;
    if !expired.is_empty() {
        entry::Entity::delete_many().filter(entry::Column::RankingId.is_in(expired.clone())).exec(conn).await?;
        ranking::Entity::delete_many().filter(ranking::Column::Id.is_in(expired.clone())).exec(conn).await?;
    }
    let decisions =
        decision::Entity::delete_many().filter(decision::Column::RetainUntil.lt(now)).exec(conn).await?.rows_affected;
    Ok((expired.len() as u64, decisions))
}
