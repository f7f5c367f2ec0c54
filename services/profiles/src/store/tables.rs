//! sea-orm entities: one table per entity kind, plus references, tombstones, skills and
//! the outbox.
//!
//! Kind tables share one shape: the columns the service queries by (`id`, `version`,
//! `label`) and the validated domain value as JSON in `data`, which the service alone writes
//! and reads (other services get the typed protobuf events). Links between entities live in
//! `entity_refs`, so "what refers to this offer" is one indexed query for every kind.

macro_rules! kind_table {
    ($module:ident, $table:tt) => {
        pub mod $module {
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                #[sea_orm(primary_key, auto_increment = false)]
                pub id: Uuid,
                pub version: i64,
                pub label: String,
                #[sea_orm(column_type = "JsonBinary")]
                pub data: Json,
                pub created_at: DateTimeUtc,
                pub updated_at: DateTimeUtc,
            }

            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}

            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}

kind_table!(users, "users");
kind_table!(consents, "consents");
kind_table!(organisations, "organisations");
kind_table!(talents, "talents");
kind_table!(startups, "startups");
kind_table!(programmes, "programmes");
kind_table!(offers, "offers");
kind_table!(applications, "applications");

/// Table name of each kind, for the migration.
pub const KIND_TABLES: [&str; 8] =
    ["users", "consents", "organisations", "talents", "startups", "programmes", "offers", "applications"];

pub mod entity_refs {
    use sea_orm::entity::prelude::*;

    /// `from` refers to `to` through `field` (e.g. an offer's `organisation_id`).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "entity_refs")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub from_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub field: String,
        pub from_kind: String,
        pub to_kind: String,
        pub to_id: Uuid,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod tombstones {
    use sea_orm::entity::prelude::*;

    /// The last version of a deleted entity, so a re-created one continues the sequence and
    /// consumers never mistake its events for stale ones.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "tombstones")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub kind: String,
        pub version: i64,
        pub deleted_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod skills {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "skills")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub category: String,
        pub label_it: String,
        pub label_en: String,
        #[sea_orm(column_type = "JsonBinary")]
        pub data: Json,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod outbox {
    use sea_orm::entity::prelude::*;

    /// One event to publish. `seq` orders the relay; `published_at` is set once the bus
    /// acknowledged the event.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "outbox")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub event_id: Uuid,
        pub topic: String,
        pub entity_kind: String,
        pub entity_id: Uuid,
        pub entity_version: i64,
        pub payload: Vec<u8>,
        pub created_at: DateTimeUtc,
        pub published_at: Option<DateTimeUtc>,
        /// The W3C `traceparent` of the request that wrote the row, when traces are on.
        pub trace_context: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
