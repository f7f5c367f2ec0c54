//! Charts without a chart library: horizontal bars in HTML and CSS, a monthly trend in inline
//! SVG. Every figure is also written out as text (next to its bar, or in the trend's table), so
//! the numbers reach screen readers and survive a missing style sheet.

use crate::format;
use crate::i18n::{Lang, T};
use crate::session::use_session;
use leptos::prelude::*;

/// A text in both languages; the chart shows the reader's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bilingual {
    pub it: String,
    pub en: String,
}

impl Bilingual {
    pub fn new(it: impl Into<String>, en: impl Into<String>) -> Self {
        Self { it: it.into(), en: en.into() }
    }

    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.it, &self.en)
    }
}

/// One bar: a category, its count, and optionally its share of the population and a note
/// (e.g. an acceptance rate).
#[derive(Clone, Debug, PartialEq)]
pub struct BarRow {
    pub key: String,
    pub label: Bilingual,
    pub count: u64,
    pub share: Option<f64>,
    pub note: Option<Bilingual>,
}

/// The length of a bar, as a percentage of the longest one.
pub fn bar_width(count: u64, max: u64) -> f64 {
    if max == 0 { 0.0 } else { (count as f64 / max as f64 * 100.0).clamp(0.0, 100.0) }
}

/// Horizontal bars in the order given; `ranked` numbers them (the merged "other" row excepted).
#[component]
pub fn BarChart(
    rows: Vec<BarRow>,
    #[prop(optional)] ranked: bool,
    /// The id of the heading that names the chart.
    #[prop(optional, into)]
    labelledby: Option<String>,
) -> impl IntoView {
    let session = use_session();
    let max = rows.iter().map(|r| r.count).max().unwrap_or(0);
    let items = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let other = r.key == "other";
            let width = format!("width: {:.1}%", bar_width(r.count, max));
            let (label, note, share, count) = (r.label, r.note, r.share, r.count);
            let rank = (ranked && !other).then(|| (i + 1).to_string());
            view! {
                <li class="bar-row" class:other=other data-key=r.key data-count=count.to_string()>
                    {ranked.then(|| view! { <span class="bar-rank">{rank}</span> })}
                    <span class="bar-label">{move || label.get(session.lang.get()).to_owned()}</span>
                    <span class="bar" aria-hidden="true">
                        <span class="bar-fill" style=width></span>
                    </span>
                    <span class="bar-value">
                        <span class="bar-count">{move || format::number(session.lang.get(), count as f64, 0)}</span>
                        {share.map(|s| view! { <span class="bar-share">{move || format::percent(session.lang.get(), s)}</span> })}
                    </span>
                    {note.map(|n| view! { <span class="bar-note">{move || n.get(session.lang.get()).to_owned()}</span> })}
                </li>
            }
        })
        .collect_view();
    if ranked {
        view! { <ol class="bar-chart ranked" aria-labelledby=labelledby>{items}</ol> }.into_any()
    } else {
        view! { <ul class="bar-chart" aria-labelledby=labelledby>{items}</ul> }.into_any()
    }
}

/// One month of a trend; `None` when the month's count is below the publication threshold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrendPoint {
    /// `YYYY-MM`.
    pub key: String,
    pub count: Option<u64>,
}

/// Axis step and top for counts up to `max`: a 1-2-5 step giving about four gridlines.
pub fn axis(max: u64) -> (u64, u64) {
    let target = max.div_ceil(4).max(1);
    let mut power = 1u64;
    let step = loop {
        if let Some(step) = [1, 2, 5].iter().map(|m| m * power).find(|s| *s >= target) {
            break step;
        }
        power = power.saturating_mul(10);
    };
    (step, max.div_ceil(step).max(1) * step)
}

/// An SVG `<title>`, built by hand: the view macro makes an HTML `<title>` (which neither names
/// nor labels anything) when the element has siblings.
fn svg_title(text: impl Fn() -> String + Send + Sync + 'static) -> impl IntoView {
    leptos::svg::title().child(text)
}

const HEIGHT: f64 = 240.0;
const TOP: f64 = 26.0;
const BOTTOM: f64 = 44.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;

/// Counts by month as columns joined by a line, with the count above each column, the month
/// (and the year at January and at the start) below, and the same figures in a table.
#[component]
pub fn TrendChart(points: Vec<TrendPoint>, title: Bilingual, k: u32, id: &'static str) -> impl IntoView {
    let session = use_session();
    let n = points.len().max(1) as f64;
    let plot_w = (n * 60.0).max(520.0);
    let width = LEFT + plot_w + RIGHT;
    let slot = plot_w / n;
    let column = (slot * 0.6).min(56.0);
    let plot_h = HEIGHT - TOP - BOTTOM;
    let (step, top) = axis(points.iter().filter_map(|p| p.count).max().unwrap_or(0));
    let y = move |count: u64| TOP + plot_h - count as f64 / top as f64 * plot_h;
    let x = move |i: usize| LEFT + slot * (i as f64 + 0.5);
    let base = TOP + plot_h;
    let below_k = move |lang: Lang| T::NotPublished.get(lang).replace("{k}", &k.to_string());

    let grid = (0..=top / step)
        .map(|i| {
            let value = i * step;
            let gy = y(value);
            view! {
                <g class="trend-grid">
                    <line x1=LEFT x2=LEFT + plot_w y1=gy y2=gy />
                    <text x=LEFT - 6.0 y=gy + 4.0 text-anchor="end">
                        {move || format::number(session.lang.get(), value as f64, 0)}
                    </text>
                </g>
            }
        })
        .collect_view();
    let line: String = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.count.map(|c| format!("{:.1},{:.1}", x(i), y(c))))
        .collect::<Vec<_>>()
        .join(" ");
    let columns = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let cx = x(i);
            let key = p.key.clone();
            let month_key = key.clone();
            let title_key = key.clone();
            let year_shown = i == 0 || key.ends_with("-01");
            let month = move || format::month_parts(session.lang.get(), &month_key).map(|(m, _)| m).unwrap_or("");
            let year = format::month_parts(Lang::It, &key).map(|(_, y)| y.to_string()).unwrap_or_default();
            let label_y = base + 16.0;
            let axis_labels = view! {
                <text class="trend-month" x=cx y=label_y text-anchor="middle">{month}</text>
                {year_shown.then(|| view! { <text class="trend-year" x=cx y=label_y + 15.0 text-anchor="middle">{year}</text> })}
            };
            match p.count {
                Some(count) => {
                    let top_y = y(count);
                    let tip = move || {
                        let lang = session.lang.get();
                        format!("{}: {}", format::month(lang, &title_key), format::number(lang, count as f64, 0))
                    };
                    view! {
                        <g class="trend-point" data-month=key data-count=count.to_string()>
                            {svg_title(tip)}
                            <rect x=cx - column / 2.0 y=top_y width=column height=(base - top_y).max(0.0) rx="3" />
                            <text class="trend-value" x=cx y=top_y - 6.0 text-anchor="middle">
                                {move || format::number(session.lang.get(), count as f64, 0)}
                            </text>
                            {axis_labels}
                        </g>
                    }
                    .into_any()
                }
                None => {
                    let tip = move || {
                        let lang = session.lang.get();
                        format!("{}: {}", format::month(lang, &title_key), below_k(lang))
                    };
                    view! {
                        <g class="trend-point suppressed" data-month=key data-suppressed="true">
                            {svg_title(tip)}
                            <rect x=cx - column / 2.0 y=base - 8.0 width=column height="8" rx="2" />
                            <text class="trend-value" x=cx y=base - 14.0 text-anchor="middle">{format!("<{k}")}</text>
                            {axis_labels}
                        </g>
                    }
                    .into_any()
                }
            }
        })
        .collect_view();
    let rows = points
        .into_iter()
        .map(|p| {
            let key = p.key.clone();
            view! {
                <tr data-month=p.key>
                    <th scope="row">{move || format::month(session.lang.get(), &key)}</th>
                    <td>{move || match p.count {
                        Some(c) => format::number(session.lang.get(), c as f64, 0),
                        None => below_k(session.lang.get()),
                    }}</td>
                </tr>
            }
        })
        .collect_view();
    let title_id = format!("{id}-svg-title");
    let labelledby = title_id.clone();
    let (title_text, desc_text) = (title.clone(), title);
    view! {
        <figure class="trend" id=id>
            <svg
                class="trend-chart"
                viewBox=format!("0 0 {width:.0} {HEIGHT:.0}")
                role="img"
                aria-labelledby=labelledby
                style=format!("max-width: {width:.0}px")
            >
                {leptos::svg::title().id(title_id).child(move || title_text.get(session.lang.get()).to_owned())}
                {grid}
                <polyline class="trend-line" points=line />
                {columns}
            </svg>
            <details class="trend-table">
                <summary>{move || session.t(T::ShowTable)}</summary>
                <table class="table">
                    <caption class="visually-hidden">{move || desc_text.get(session.lang.get()).to_owned()}</caption>
                    <thead><tr>
                        <th scope="col">{move || session.t(T::Month)}</th>
                        <th scope="col">{move || session.t(T::Count)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional_to_the_longest() {
        assert_eq!(bar_width(20, 20), 100.0);
        assert_eq!(bar_width(5, 20), 25.0);
        assert_eq!(bar_width(0, 0), 0.0);
    }

    #[test]
    fn axis_steps_are_round() {
        assert_eq!(axis(0), (1, 1));
        assert_eq!(axis(3), (1, 3));
        assert_eq!(axis(25), (10, 30));
        assert_eq!(axis(22), (10, 30));
        assert_eq!(axis(40), (10, 40));
        assert_eq!(axis(1234), (500, 1500));
    }
}
