//! The index schema. One index holds every searchable kind, told apart by `kind`, so one
//! commit covers a whole batch of events and the consumer stores its offsets after exactly
//! that commit.

use crate::analysis::{ENGLISH, ITALIAN, RAW};
use tantivy::schema::{
    FacetOptions, Field, INDEXED, IndexRecordOption, NumericOptions, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};

#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    /// The id's 128 bits as two fast columns: matching reads the ids of hundreds of retrieved
    /// candidates per change, and a column read is far cheaper than loading each stored
    /// document (or looking each term up in a compressed text column's dictionary).
    pub id_high: Field,
    pub id_low: Field,
    pub kind: Field,
    pub version: Field,
    pub title: Field,
    pub body: Field,
    pub text_language: Field,
    pub title_it: Field,
    pub title_en: Field,
    pub body_it: Field,
    pub body_en: Field,
    pub raw: Field,
    pub skills: Field,
    pub roles: Field,
    pub facets: Field,
    pub comune: Field,
    pub deadline: Field,
    pub posted: Field,
    pub available: Field,
    /// The bus partition the document came from (absent when built from the database), so a
    /// member of the search group can drop a partition another member took over.
    pub partition: Field,
}

fn text(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let date = || NumericOptions::default().set_indexed().set_fast().set_stored();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        id_high: b.add_u64_field("id_high", NumericOptions::default().set_fast()),
        id_low: b.add_u64_field("id_low", NumericOptions::default().set_fast()),
        kind: b.add_text_field("kind", STRING | STORED),
        version: b.add_u64_field("version", NumericOptions::default().set_fast().set_stored()),
        title: b.add_text_field("title", STORED),
        body: b.add_text_field("body", STORED),
        text_language: b.add_text_field("text_language", STRING | STORED),
        title_it: b.add_text_field("title_it", text(ITALIAN)),
        title_en: b.add_text_field("title_en", text(ENGLISH)),
        body_it: b.add_text_field("body_it", text(ITALIAN)),
        body_en: b.add_text_field("body_en", text(ENGLISH)),
        raw: b.add_text_field("raw", text(RAW)),
        skills: b.add_text_field("skills", STRING | STORED),
        roles: b.add_text_field("roles", STRING),
        facets: b.add_facet_field("facets", FacetOptions::default().set_stored()),
        // 1 + position in the comuni table; 0 when the entity has no comune of the area.
        comune: b.add_u64_field("comune", NumericOptions::default().set_fast().set_stored() | INDEXED),
        // Days since 1970-01-01; absent when the entity has none.
        deadline: b.add_i64_field("deadline", date()),
        posted: b.add_i64_field("posted", date()),
        available: b.add_i64_field("available", date()),
        partition: b.add_u64_field("partition", NumericOptions::default().set_indexed()),
    };
    (b.build(), fields)
}
