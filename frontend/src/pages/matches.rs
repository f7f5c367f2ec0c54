//! "My matches": the ranked offers (for a talent) or programmes (for a startup), each with
//! its explanation, kept current by the `myMatchesChanged` subscription.

use super::RequireRole;
use super::skills_gap::SkillsGapPanel;
use crate::components::{Explanation, Factor, Verdict, VerdictBadge};
use crate::format;
use crate::i18n::T;
use crate::live;
use crate::queries::MY_PROFILE;
use crate::route::Route;
use crate::session::{Session, use_session};
use crocevia_api::ProfileView;
use leptos::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Match {
    pub counterpart_id: String,
    pub kind: String,
    pub title: String,
    pub rank: i64,
    pub score: f64,
    pub mutual: f64,
    pub verdict: Option<Verdict>,
    pub factors: Vec<Factor>,
    /// An offer an AcceleraTO startup posted (a badge in a talent's list).
    #[serde(default)]
    pub from_startup: bool,
}

pub const MATCHES: &str = "query($s: ID!) { matches(subject: $s) { counterpartId kind title rank score mutual
    fromStartup verdict { status reasons { rule it en } } factors { key weight value reasonIt reasonEn } } }";

/// A ranked list, eligible programmes (or startups) first: see [`eligible_first`].
pub async fn load_matches(session: Session, subject: &str) -> Result<Vec<Match>, crate::api::ApiErrors> {
    let mut list: Vec<Match> = session.call(MATCHES, json!({"s": subject}), "matches").await?;
    eligible_first(&mut list);
    Ok(list)
}

/// Where a match goes in a list: a verdict's class (eligible 2, eligible if 1, not eligible
/// 0); a match without a verdict (offers and talents) above every verdict, as the platform
/// ranks them.
fn class(m: &Match) -> u8 {
    m.verdict.as_ref().map_or(3, Verdict::class)
}

/// Eligible first, then eligible if, then not eligible, each by fit (best first), however
/// the fits compare across classes: a programme the startup cannot apply to never tops one
/// it can. The sort is stable, so the platform's order (already this one) is kept, ties
/// included; ranks are the places in the list shown.
pub fn eligible_first(list: &mut [Match]) {
    list.sort_by(|a, b| class(b).cmp(&class(a)).then_with(|| b.score.total_cmp(&a.score)));
    for (place, m) in list.iter_mut().enumerate() {
        m.rank = i64::try_from(place).map_or(i64::MAX, |p| p + 1);
    }
}

pub fn counterpart_route(m: &Match) -> Option<Route> {
    match m.kind.as_str() {
        "OFFER" => Some(Route::Offer(m.counterpart_id.clone())),
        "PROGRAMME" => Some(Route::Programme(m.counterpart_id.clone())),
        _ => None,
    }
}

/// One ranked match with its explanation folded in a `<details>`. With a verdict (a
/// startup and a programme) the verdict comes first, with its reasons or conditions, and the
/// percentage is named for what it is: the fit, which says nothing of eligibility.
#[component]
pub fn MatchCard(m: Match) -> impl IntoView {
    let session = use_session();
    let lang = move || session.lang.get();
    let href = counterpart_route(&m).map(|r| r.href());
    let status = m.verdict.as_ref().map(|v| v.status.clone());
    let class = match status.as_deref() {
        Some("ELIGIBLE") => "match eligible",
        Some("ELIGIBLE_IF") => "match eligible-if",
        Some(_) => "match not-eligible",
        None => "match",
    };
    let scores = if m.verdict.is_some() {
        // The fit is the startup's score and its mutual one alike: shown once.
        view! {
            <p class="scores" title=move || session.t(T::FitMeans)>
                <span class="fit">{move || session.t(T::Fit)} ": " <strong>{move || format::percent(lang(), m.score)}</strong></span>
            </p>
        }
        .into_any()
    } else {
        view! {
            <p class="scores">
                {move || session.t(T::Score)} ": " <strong>{move || format::percent(lang(), m.score)}</strong>
                " · " {move || session.t(T::Mutual)} ": " {move || format::percent(lang(), m.mutual)}
            </p>
        }
        .into_any()
    };
    view! {
        <li class=class data-id=m.counterpart_id.clone() data-rank=m.rank data-status=status data-score=m.score>
            <span class="rank">{m.rank}</span>
            <div class="match-body">
                <h3>
                    {match href {
                        Some(h) => view! { <a href=h>{m.title.clone()}</a> }.into_any(),
                        None => view! { <span>{m.title.clone()}</span> }.into_any(),
                    }}
                </h3>
                {m.from_startup.then(|| view! { <span class="badge startup-badge">{move || session.t(T::StartupBadge)}</span> })}
                {m.verdict.clone().map(|v| view! { <VerdictBadge verdict=v /> })}
                {scores}
                <details>
                    <summary>{move || session.t(T::WhyMatch)}</summary>
                    <Explanation factors=m.factors.clone() />
                </details>
            </div>
        </li>
    }
}

#[component]
pub fn MatchesPage() -> impl IntoView {
    view! {
        <RequireRole allowed=|u| u.is_talent() || u.is_startup()>
            <MyMatches />
        </RequireRole>
    }
}

#[component]
fn MyMatches() -> impl IntoView {
    let session = use_session();
    let subject = RwSignal::new(None::<Option<String>>);
    let list = RwSignal::new(None::<Vec<Match>>);
    let connected = RwSignal::new(false);
    let updated = RwSignal::new(String::new());
    let error = RwSignal::new(String::new());
    // Bumped on every refresh: the skills gap follows the same changes as the list.
    let gap_version = RwSignal::new(0u32);

    let refresh = move || {
        let Some(Some(id)) = subject.get_untracked() else { return };
        gap_version.update(|v| *v += 1);
        leptos::task::spawn_local(async move {
            match load_matches(session, &id).await {
                Ok(l) => {
                    list.set(Some(l));
                    let now = js_sys::Date::new_0();
                    updated.set(format!("{:02}:{:02}:{:02}", now.get_hours(), now.get_minutes(), now.get_seconds()));
                }
                Err(e) => error.set(e.summary()),
            }
        });
    };

    leptos::task::spawn_local(async move {
        let mine = session.call::<Option<ProfileView>>(MY_PROFILE, Value::Null, "myProfile").await;
        let id = mine.ok().flatten().map(|p| match p {
            ProfileView::Talent(t) => t.id.to_string(),
            ProfileView::Startup(s) => s.id.to_string(),
        });
        subject.set(Some(id));
        refresh();
    });

    // The subscription lives as long as the page.
    let token = session.token().unwrap_or_default();
    live::follow(
        &token,
        "subscription { myMatchesChanged { subject } }",
        move |_| refresh(),
        move |up| {
            connected.set(up);
            if up {
                // Changes while disconnected were missed: catch up.
                refresh();
            }
        },
    );

    view! {
        <section class="matches">
            <h1>{move || session.t(T::MyMatches)}</h1>
            <p class="live" id="live-status" data-connected=move || connected.get().to_string()>
                <span class="dot" aria-hidden="true"></span>
                {move || session.t(T::LiveUpdates)} ": "
                {move || session.t(if connected.get() { T::LiveConnected } else { T::LiveDisconnected })}
                {move || (!updated.get().is_empty()).then(|| format!(" · {} {}", session.t(T::UpdatedAt), updated.get()))}
            </p>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || match (subject.get(), list.get()) {
                (Some(None), _) => view! {
                    <p><a href=Route::Profile.href()>{move || session.t(T::CreateProfileFirst)}</a></p>
                }.into_any(),
                (_, None) => view! { <p>{move || session.t(T::Loading)}</p> }.into_any(),
                (_, Some(l)) if l.is_empty() => view! { <p class="empty">{move || session.t(T::NoMatchesYet)}</p> }.into_any(),
                (_, Some(l)) => {
                    // A startup's programmes: say how the list is ordered and what the figure means.
                    let verdicts = l.iter().any(|m| m.verdict.is_some());
                    view! {
                        {verdicts.then(|| view! {
                            <p class="hint" id="matches-order">{move || session.t(T::EligibleFirst)} " " {move || session.t(T::FitMeans)}</p>
                        })}
                        <ol class="match-list" aria-live="polite">{l.into_iter().map(|m| view! { <MatchCard m=m /> }).collect_view()}</ol>
                    }.into_any()
                }
            }}
            {move || {
                let talent = session.user.get().is_some_and(|u| u.is_talent());
                (talent && matches!(subject.get(), Some(Some(_)))).then(|| view! { <SkillsGapPanel version=gap_version /> })
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::Reason;

    fn programme(id: &str, status: &str, score: f64) -> Match {
        let reasons = if status == "ELIGIBLE" {
            vec![]
        } else {
            vec![Reason { rule: "team_size".into(), it: "team di 20".into(), en: "team of 20".into() }]
        };
        Match {
            counterpart_id: id.into(),
            kind: "PROGRAMME".into(),
            title: id.into(),
            rank: 0,
            score,
            mutual: score,
            verdict: Some(Verdict { status: status.into(), reasons }),
            factors: vec![],
            from_startup: false,
        }
    }

    fn ids(list: &[Match]) -> Vec<&str> {
        list.iter().map(|m| m.counterpart_id.as_str()).collect()
    }

    #[test]
    fn eligible_programmes_come_first_whatever_their_fit() {
        let mut list = vec![
            programme("ne-high", "NOT_ELIGIBLE", 0.75),
            programme("e-low", "ELIGIBLE", 0.40),
            programme("if-mid", "ELIGIBLE_IF", 0.60),
            programme("e-mid", "ELIGIBLE", 0.45),
            programme("ne-low", "NOT_ELIGIBLE", 0.20),
            programme("if-high", "ELIGIBLE_IF", 0.90),
        ];
        eligible_first(&mut list);
        assert_eq!(ids(&list), ["e-mid", "e-low", "if-high", "if-mid", "ne-high", "ne-low"]);
        assert_eq!(list.iter().map(|m| m.rank).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6], "ranks are places");
    }

    #[test]
    fn the_platforms_order_is_kept_ties_included() {
        let mut list = vec![
            programme("b", "ELIGIBLE", 0.5),
            programme("a", "ELIGIBLE", 0.5),
            programme("c", "ELIGIBLE_IF", 0.9),
            programme("d", "NOT_ELIGIBLE", 0.95),
        ];
        let before: Vec<String> = list.iter().map(|m| m.counterpart_id.clone()).collect();
        eligible_first(&mut list);
        assert_eq!(ids(&list), before);
    }

    #[test]
    fn lists_without_verdicts_stay_ranked_by_score() {
        let mut offer = programme("o1", "ELIGIBLE", 0.8);
        offer.verdict = None;
        let mut second = programme("o2", "ELIGIBLE", 0.3);
        second.verdict = None;
        let mut list = vec![offer, second];
        eligible_first(&mut list);
        assert_eq!(ids(&list), ["o1", "o2"]);
    }
}
