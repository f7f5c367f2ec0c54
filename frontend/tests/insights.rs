//! The observatory's charts and report in a real browser (wasm-bindgen-test in headless
//! Chromium): bars proportional to their counts, one column per month, figures and labels in
//! the reader's language, and "—" where a group is too small to publish.

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use crocevia_frontend::components::{BarChart, BarRow, Bilingual, TrendChart, TrendPoint};
use crocevia_frontend::i18n::{Lang, T};
use crocevia_frontend::open_data::OpenData;
use crocevia_frontend::pages::InsightsReport;
use crocevia_frontend::session::Session;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn host() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let el: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&el).unwrap();
    el
}

async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

fn all(root: &web_sys::HtmlElement, css: &str) -> Vec<web_sys::Element> {
    let list = root.query_selector_all(css).unwrap();
    (0..list.length()).filter_map(|i| list.item(i)).map(|n| n.unchecked_into()).collect()
}

fn texts(root: &web_sys::HtmlElement, css: &str) -> Vec<String> {
    all(root, css).iter().map(|n| n.text_content().unwrap_or_default()).collect()
}

fn attrs(root: &web_sys::HtmlElement, css: &str, name: &str) -> Vec<String> {
    all(root, css).iter().map(|n| n.get_attribute(name).unwrap_or_default()).collect()
}

fn session(lang: Lang) -> Session {
    let s = Session::restore();
    s.set_lang(lang);
    s
}

fn bar(key: &str, it: &str, en: &str, count: u64) -> BarRow {
    BarRow { key: key.into(), label: Bilingual::new(it, en), count, share: None, note: None }
}

#[wasm_bindgen_test]
async fn bars_are_one_per_row_proportional_and_in_the_readers_language() {
    let root = host();
    let s = session(Lang::It);
    let rows = vec![
        bar("ict", "ICT e digitale", "ICT and digital", 20),
        bar("automotive", "Automotive e mobilità", "Automotive and mobility", 10),
        bar("other", "Altro", "Other", 5),
    ];
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_context(s);
        view! { <h3 id="chart-title">"Offerte"</h3><BarChart rows=rows labelledby="chart-title" /> }
    });
    settle().await;
    assert_eq!(attrs(&root, ".bar-row", "data-key"), ["ict", "automotive", "other"]);
    assert_eq!(attrs(&root, ".bar-fill", "style"), ["width: 100.0%", "width: 50.0%", "width: 25.0%"]);
    assert_eq!(texts(&root, ".bar-count"), ["20", "10", "5"], "every figure is written out");
    assert_eq!(texts(&root, ".bar-label")[0], "ICT e digitale");
    assert_eq!(attrs(&root, ".bar-chart", "aria-labelledby"), ["chart-title"]);
    assert!(all(&root, ".bar-row")[2].class_list().contains("other"));

    s.set_lang(Lang::En);
    settle().await;
    assert_eq!(texts(&root, ".bar-label"), ["ICT and digital", "Automotive and mobility", "Other"]);
}

#[wasm_bindgen_test]
async fn a_ranked_chart_numbers_its_rows_but_not_the_merged_rest() {
    let root = host();
    let s = session(Lang::It);
    let rows = vec![
        bar("torino", "Torino", "Torino", 1234),
        bar("moncalieri", "Moncalieri", "Moncalieri", 7),
        bar("other", "Altro", "Other", 9),
    ];
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_context(s);
        view! { <BarChart rows=rows ranked=true /> }
    });
    settle().await;
    assert_eq!(all(&root, "ol.bar-chart").len(), 1);
    assert_eq!(texts(&root, ".bar-rank"), ["1", "2", ""]);
    assert_eq!(texts(&root, ".bar-count")[0], "1.234", "grouped the Italian way");
}

#[wasm_bindgen_test]
async fn the_trend_has_one_column_per_month_with_month_labels_in_the_readers_language() {
    let root = host();
    let s = session(Lang::It);
    let points = vec![
        TrendPoint { key: "2026-10".into(), count: Some(25) },
        TrendPoint { key: "2026-11".into(), count: None },
        TrendPoint { key: "2026-12".into(), count: Some(10) },
        TrendPoint { key: "2027-01".into(), count: Some(5) },
    ];
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_context(s);
        view! { <TrendChart points=points title=Bilingual::new("Offerte per mese", "Offers by month") k=5 id="t" /> }
    });
    settle().await;
    assert_eq!(attrs(&root, ".trend-point", "data-month"), ["2026-10", "2026-11", "2026-12", "2027-01"]);
    assert_eq!(attrs(&root, ".trend-point[data-count]", "data-count"), ["25", "10", "5"]);
    assert_eq!(all(&root, ".trend-point[data-suppressed]").len(), 1, "a month below k is marked, not skipped");
    assert_eq!(texts(&root, ".trend-month"), ["ott", "nov", "dic", "gen"]);
    assert_eq!(texts(&root, ".trend-year"), ["2026", "2027"]);

    // Columns grow with their counts.
    let heights: Vec<f64> =
        attrs(&root, ".trend-point[data-count] rect", "height").iter().map(|h| h.parse().unwrap()).collect();
    assert!(heights[0] > heights[1] && heights[1] > heights[2] && heights[2] > 0.0, "{heights:?}");
    assert!((heights[0] / heights[1] - 2.5).abs() < 0.01, "{heights:?}");

    // Real SVG, named for assistive technology, with the figures also in a table.
    let svg = root.query_selector("svg.trend-chart").unwrap().unwrap();
    assert_eq!(svg.namespace_uri().as_deref(), Some("http://www.w3.org/2000/svg"));
    assert!(svg.get_attribute("viewBox").is_some());
    assert_eq!(svg.get_attribute("role").as_deref(), Some("img"));
    let title = root.query_selector("svg.trend-chart > title").unwrap().unwrap();
    assert_eq!(title.namespace_uri().as_deref(), Some("http://www.w3.org/2000/svg"));
    assert_eq!(svg.get_attribute("aria-labelledby"), title.get_attribute("id"));
    assert_eq!(title.text_content().as_deref(), Some("Offerte per mese"));
    let tips = all(&root, ".trend-point > title");
    assert_eq!(tips.len(), 4, "every column has a tooltip");
    assert!(tips.iter().all(|t| t.namespace_uri().as_deref() == Some("http://www.w3.org/2000/svg")));
    assert_eq!(tips[0].text_content().as_deref(), Some("ott 2026: 25"));
    assert_eq!(texts(&root, ".trend-table tbody td"), ["25", "meno di 5", "10", "5"]);

    s.set_lang(Lang::En);
    settle().await;
    assert_eq!(texts(&root, ".trend-month"), ["Oct", "Nov", "Dec", "Jan"]);
    assert_eq!(texts(&root, "svg.trend-chart > title"), ["Offers by month"]);
    assert_eq!(texts(&root, ".trend-table tbody th")[0], "Oct 2026");
}

const FIXTURE: &str = r#"{"k":5,"licence":"CC BY 4.0","licenceUrl":"https://creativecommons.org/licenses/by/4.0/",
  "refreshedAt":"2026-11-29T10:00:00Z","datasets":[
  {"id":"offers_by_sector","population":"offers","dimension":"sector","titleIt":"Offerte per settore",
   "titleEn":"Offers by sector","descriptionIt":"d","descriptionEn":"d","total":47,"headline":null,
   "headlineIt":null,"headlineEn":null,"csvUrl":"/open-data/v1/offers_by_sector.csv",
   "jsonUrl":"/open-data/v1/offers_by_sector.json","rows":[
     {"key":"ict","labelIt":"ICT e digitale","labelEn":"ICT and digital","count":17,"share":0.36,"value":null},
     {"key":"other","labelIt":"Altro","labelEn":"Other","count":9,"share":0.19,"value":null}]},
  {"id":"talents_by_origin","population":"talents","dimension":"country","titleIt":"Talenti per origine",
   "titleEn":"Talents by origin","descriptionIt":"d","descriptionEn":"d","total":41,"headline":0.37,
   "headlineIt":"Quota internazionale","headlineEn":"International share","csvUrl":"/open-data/v1/talents_by_origin.csv",
   "jsonUrl":"/open-data/v1/talents_by_origin.json","rows":[
     {"key":"IT","labelIt":"Italia","labelEn":"Italy","count":26,"share":0.63,"value":null}]},
  {"id":"applications_by_model","population":"applications","dimension":"model","titleIt":"Candidature per modello",
   "titleEn":"Applications by model","descriptionIt":"d","descriptionEn":"d","total":null,"headline":null,
   "headlineIt":null,"headlineEn":null,"csvUrl":"/open-data/v1/applications_by_model.csv",
   "jsonUrl":"/open-data/v1/applications_by_model.json","rows":[]}]}"#;

#[wasm_bindgen_test]
async fn the_report_shows_headlines_dashes_below_k_downloads_and_the_licence() {
    let root = host();
    let s = session(Lang::It);
    let data: OpenData = serde_json::from_str(FIXTURE).unwrap();
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_context(s);
        view! { <InsightsReport data=data /> }
    });
    settle().await;
    assert_eq!(texts(&root, "#tile-talents .tile-value"), ["41"]);
    assert_eq!(texts(&root, "#tile-international .tile-value"), ["37%"]);
    assert_eq!(texts(&root, "#tile-offers .tile-value"), ["47"], "no offers_by_kind: falls back to offers_by_sector");
    assert_eq!(texts(&root, "#tile-time-to-match .tile-value"), ["—"], "a dataset missing altogether");
    assert_eq!(texts(&root, "#tile-acceptance .tile-value"), ["—"]);
    assert_eq!(texts(&root, "#tile-acceptance .tile-note"), [T::BelowK.get(Lang::It)]);
    assert_eq!(texts(&root, "[data-dataset=applications_by_model] .below-k"), [T::BelowK.get(Lang::It)]);
    assert_eq!(all(&root, "#insights-sectors .bar-row").len(), 2);
    assert_eq!(
        attrs(&root, "[data-dataset=offers_by_sector] a.download", "href"),
        ["/open-data/v1/offers_by_sector.csv", "/open-data/v1/offers_by_sector.json"]
    );
    assert_eq!(
        attrs(&root, "[data-dataset=offers_by_sector] a.download", "aria-label")[0],
        "Scarica in CSV: Offerte per settore"
    );
    assert!(texts(&root, "#insights-k")[0].contains("almeno 5 persone"));
    assert_eq!(attrs(&root, "#insights-licence", "href"), ["https://creativecommons.org/licenses/by/4.0/"]);
    assert_eq!(attrs(&root, "#insights-dictionary", "href"), ["/open-data/v1/dictionary.json"]);
    assert!(texts(&root, "#insights-refreshed time")[0].contains("nov 2026"));
    assert_eq!(texts(&root, "#insights-glance"), ["In sintesi"]);

    s.set_lang(Lang::En);
    settle().await;
    assert_eq!(texts(&root, "#insights-glance"), ["At a glance"]);
    assert_eq!(texts(&root, "[data-dataset=offers_by_sector] h3"), ["Offers by sector"]);
    assert!(texts(&root, "#insights-k")[0].contains("at least 5 people"));
    assert!(texts(&root, "#insights-refreshed time")[0].contains("Nov 2026"));
}
