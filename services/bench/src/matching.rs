//! The matching benchmark: top-20 for an offer among the generated talents, with
//! explanations, and the re-match latency after a talent changes.

use super::Samples;
use chrono::Utc;
use crocevia_domain::{Entity, SkillId, TalentSkill};
use crocevia_matching::Engine;
use crocevia_proto::envelope::{Change, EventMeta};
use crocevia_search::index::SearchIndex;
use crocevia_search::taxonomy::Taxonomy;
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug)]
pub struct Figures {
    pub talents: usize,
    pub load_secs: f64,
    pub offer_top20: Samples,
    pub list_len_avg: f64,
    pub rematch: Samples,
}

fn meta(e: &Entity, version: u64) -> EventMeta {
    EventMeta {
        event_id: uuid::Uuid::now_v7(),
        entity_kind: e.kind(),
        entity_id: e.id(),
        entity_version: version,
        occurred_at: Utc::now(),
        correlation_id: "bench".into(),
    }
}

/// Blocking: run on a blocking thread.
pub fn run(entities: &[Entity], taxonomy: Arc<Taxonomy>) -> anyhow::Result<Figures> {
    let dir = tempfile::tempdir()?;
    let mut engine = Engine::new(SearchIndex::open(dir.path(), taxonomy)?);
    let started = Instant::now();
    for e in entities {
        engine.apply(&meta(e, 1), &Change::Upserted(e.clone()))?;
    }
    engine.commit_index()?;
    let load_secs = started.elapsed().as_secs_f64();
    let offers: Vec<uuid::Uuid> =
        entities.iter().filter(|e| matches!(e, Entity::Offer(_))).map(Entity::id).step_by(17).take(300).collect();
    let talents: Vec<Entity> =
        entities.iter().filter(|e| matches!(e, Entity::Talent(_))).step_by(331).take(200).cloned().collect();
    let mut offer_top20 = Samples::default();
    let mut lengths = 0usize;
    for id in &offers {
        let t = Instant::now();
        engine.recompute(&[*id])?;
        offer_top20.push(t.elapsed());
        lengths += engine.list(*id).len();
    }
    let mut rematch = Samples::default();
    let extra = SkillId::new("project-management").ok();
    for entity in talents {
        let Entity::Talent(mut talent) = entity else { continue };
        if let Some(skill) = &extra
            && !talent.skills.iter().any(|s| &s.skill == skill)
        {
            talent.skills.push(TalentSkill { skill: skill.clone(), years: 2 });
        }
        let changed = Entity::Talent(talent);
        let t = Instant::now();
        engine.apply(&meta(&changed, 2), &Change::Upserted(changed.clone()))?;
        engine.commit_index()?;
        engine.recompute(&[changed.id()])?;
        rematch.push(t.elapsed());
    }
    Ok(Figures {
        talents: entities.iter().filter(|e| matches!(e, Entity::Talent(_))).count(),
        load_secs,
        list_len_avg: lengths as f64 / offers.len().max(1) as f64,
        offer_top20,
        rematch,
    })
}
