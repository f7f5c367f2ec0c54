//! The form that posts or edits a programme.

use super::{load_posting, submit_posting};
use crate::api::ApiErrors;
use crate::application_form::{FormBuilder, rows_of};
use crate::components::{
    Check, Choice, ComuneSelect, ErrorList, Labelled, MultiChoice, TextArea, TextInput, field_id, key_of,
};
use crate::form::{FormReader, date_text, keys, number_text};
use crate::i18n::T;
use crate::pages::{RequireRole, options};
use crate::session::use_session;
use crocevia_api::{
    AgeRule, EligibilityRule, EligibilityRuleInput, EntityKind, EntityView, ProgrammeInput, ProgrammeModel,
    ProgrammePhase, Question, SeatRule, SectorRule, StageRule, Status, TeamSizeRule,
};
use crocevia_domain::{OrganisationId, ProgrammeId};
use leptos::prelude::*;

const FORM: &str = "programme";

const FIELDS: &[&str] = &[
    "title",
    "description",
    "model",
    "phases",
    "sectors",
    "eligibility",
    "comune",
    "cohort_start",
    "cohort_end",
    "application_deadline",
    "capacity",
    "languages",
    "rule_stages",
    "rule_sectors",
    "rule_max_age",
    "rule_team_min",
    "rule_team_max",
    // Errors about the form's questions sit next to each question.
    "form",
];

#[component]
pub fn ProgrammeForm(id: Option<String>) -> impl IntoView {
    view! {
        <RequireRole allowed=|u| u.is_organisation()>
            <ProgrammeEditor id=id.clone() />
        </RequireRole>
    }
}

/// The programme editor offers the common eligibility rules as plain controls; the rules it
/// does not show are kept as they were.
#[component]
fn ProgrammeEditor(id: Option<String>) -> impl IntoView {
    let session = use_session();
    let s = || RwSignal::new(String::new());
    let (title, description, start, end, deadline, capacity, languages) = (s(), s(), s(), s(), s(), s(), s());
    let model = RwSignal::new(key_of(&ProgrammeModel::Acceleration));
    let phases = RwSignal::new(vec![key_of(&ProgrammePhase::Acceleration)]);
    let sectors = RwSignal::new(Vec::<String>::new());
    let comune = RwSignal::new("torino".to_owned());
    languages.set("it, en".into());
    capacity.set("10".into());
    // Eligibility rules with controls here.
    let rule_stages = RwSignal::new(Vec::<String>::new());
    let rule_sectors = RwSignal::new(Vec::<String>::new());
    let rule_seat = RwSignal::new(false);
    let rule_relocation = RwSignal::new(true);
    let rule_max_age = s();
    let (team_min, team_max) = (s(), s());
    let other_rules = StoredValue::new(Vec::<EligibilityRuleInput>::new());
    // The programme's application form, one builder row per question.
    let form = RwSignal::new(Vec::new());
    let version = RwSignal::new(None::<i64>);
    let errors = RwSignal::new(ApiErrors::default());
    let busy = RwSignal::new(false);
    let loaded = load_posting(EntityKind::Programme, id.clone(), move |view| {
        let EntityView::Programme(p) = view else { return };
        version.set(Some(p.version));
        title.set(p.title);
        description.set(p.description);
        model.set(key_of(&p.model));
        phases.set(keys(&p.phases));
        sectors.set(keys(&p.sectors));
        comune.set(p.comune);
        start.set(date_text(p.cohort_start));
        end.set(date_text(p.cohort_end));
        deadline.set(date_text(p.application_deadline));
        capacity.set(p.capacity.to_string());
        languages.set(p.languages.join(", "));
        let mut next = 0;
        form.set(rows_of(&p.form, &mut next));
        let mut others = Vec::new();
        for rule in p.eligibility.iter().filter_map(EligibilityRule::to_input) {
            use EligibilityRuleInput as R;
            match rule {
                R::StageIn(r) => rule_stages.set(keys(&r.stages)),
                R::SectorIn(r) => rule_sectors.set(keys(&r.sectors)),
                R::SeatInMetroArea(r) => {
                    rule_seat.set(true);
                    rule_relocation.set(r.allow_relocation);
                }
                R::MaxAgeMonths(r) => rule_max_age.set(r.months.to_string()),
                R::TeamSize(r) => {
                    team_min.set(number_text(r.min));
                    team_max.set(number_text(r.max));
                }
                other => others.push(other),
            }
        }
        other_rules.set_value(others);
    });
    let read = move || {
        use EligibilityRuleInput as R;
        let mut f = FormReader::new("programme", session.lang.get_untracked());
        let mut rules = Vec::new();
        let stages = f.choices("rule_stages", &rule_stages.get_untracked());
        if !stages.is_empty() {
            rules.push(R::StageIn(StageRule { stages }));
        }
        let rule_sectors = f.choices("rule_sectors", &rule_sectors.get_untracked());
        if !rule_sectors.is_empty() {
            rules.push(R::SectorIn(SectorRule { sectors: rule_sectors }));
        }
        if rule_seat.get_untracked() {
            rules.push(R::SeatInMetroArea(SeatRule { allow_relocation: rule_relocation.get_untracked() }));
        }
        if let Some(months) = f.number("rule_max_age", &rule_max_age.get_untracked()) {
            rules.push(R::MaxAgeMonths(AgeRule { months }));
        }
        let (min, max) = (
            f.number("rule_team_min", &team_min.get_untracked()),
            f.number("rule_team_max", &team_max.get_untracked()),
        );
        if min.is_some() || max.is_some() {
            rules.push(R::TeamSize(TeamSizeRule { min, max }));
        }
        rules.extend(other_rules.get_value());
        let phases = f.choices("phases", &phases.get_untracked());
        let languages: Vec<String> = languages
            .get_untracked()
            .split([',', ' '])
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_lowercase)
            .collect();
        let input = ProgrammeInput {
            title: f.required("title", &title.get_untracked()),
            description: description.get_untracked().trim().to_owned(),
            model: f.choice("model", &model.get_untracked(), ProgrammeModel::Acceleration),
            phases: f.required_list("phases", phases),
            sectors: f.choices("sectors", &sectors.get_untracked()),
            eligibility: rules,
            comune: comune.get_untracked(),
            cohort_start: f.required_date("cohortStart", &start.get_untracked()),
            cohort_end: f.required_date("cohortEnd", &end.get_untracked()),
            application_deadline: f.required_date("applicationDeadline", &deadline.get_untracked()),
            capacity: f.required_number("capacity", &capacity.get_untracked()),
            languages: f.required_list("languages", languages),
            form: form
                .get_untracked()
                .iter()
                .enumerate()
                .map(|(i, (_, row))| row.get_untracked().read(&mut f, i))
                .collect::<Vec<Question>>(),
        };
        let nil = uuid::Uuid::nil();
        f.finish(input, |i| i.into_domain(ProgrammeId::from_uuid(nil), OrganisationId::from_uuid(nil), Status::Open))
    };
    let id = StoredValue::new(id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit_posting("Programme", read(), id.get_value(), version.get_untracked(), errors, busy);
    };
    view! {
        <section class="posting-form">
            <h1>{move || session.t(if id.with_value(Option::is_some) { T::Edit } else { T::NewProgramme })}</h1>
            <Show when=move || loaded.get() fallback=move || view! { <p>{session.t(T::Loading)}</p> }>
                <form on:submit=submit novalidate id="programme-form">
                    <ErrorList errors=errors known=FIELDS />
                    <TextInput form=FORM field="title" label=T::Title value=title errors=errors />
                    <TextArea form=FORM field="description" label=T::Description value=description errors=errors />
                    <Choice form=FORM field="model" label=T::Model value=model errors=errors options=options::models />
                    <MultiChoice form=FORM field="phases" label=T::Phases values=phases errors=errors options=options::phases />
                    <MultiChoice form=FORM field="sectors" label=T::Sectors values=sectors errors=errors options=options::sectors />
                    <Labelled form=FORM field="comune" label=T::Comune errors=errors>
                        <ComuneSelect id=field_id(FORM, "comune") value=comune />
                    </Labelled>
                    <TextInput form=FORM field="application_deadline" label=T::ApplicationDeadline value=deadline errors=errors kind="date" />
                    <TextInput form=FORM field="cohort_start" label=T::CohortStart value=start errors=errors kind="date" />
                    <TextInput form=FORM field="cohort_end" label=T::CohortEnd value=end errors=errors kind="date" />
                    <TextInput form=FORM field="capacity" label=T::Capacity value=capacity errors=errors kind="number" />
                    <TextInput form=FORM field="languages" label=T::ProgrammeLanguages value=languages errors=errors />
                    <fieldset class="field rules" class:invalid=move || errors.with(|e| e.for_field("eligibility").is_some())>
                        <legend>{move || session.t(T::Eligibility)}</legend>
                        <MultiChoice form=FORM field="rule_stages" label=T::RuleStages values=rule_stages errors=errors options=options::startup_stages />
                        <MultiChoice form=FORM field="rule_sectors" label=T::RuleSectors values=rule_sectors errors=errors options=options::sectors />
                        <Check id=field_id(FORM, "rule_seat") label=T::RuleSeat checked=rule_seat />
                        <Check id=field_id(FORM, "rule_relocation") label=T::AllowRelocation checked=rule_relocation />
                        <TextInput form=FORM field="rule_max_age" label=T::RuleMaxAge value=rule_max_age errors=errors kind="number" />
                        <TextInput form=FORM field="rule_team_min" label=T::RuleTeam value=team_min errors=errors kind="number" />
                        <TextInput form=FORM field="rule_team_max" label=T::Max value=team_max errors=errors kind="number" />
                        <p class="field-error" role="alert">{move || errors.with(|e| e.for_field("eligibility"))}</p>
                    </fieldset>
                    <FormBuilder rows=form errors=errors />
                    <button type="submit" class="primary" id="programme-save" disabled=move || busy.get()>{move || session.t(T::Save)}</button>
                </form>
            </Show>
        </section>
    }
}
