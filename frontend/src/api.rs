//! The platform's GraphQL API over `fetch`: the only way this app talks to Crocevia.

use crate::components::Reason;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// One error of a GraphQL response: the code from the platform's error table, for bad
/// input the field it names (e.g. `profile.talent.languages[0].level`), and for a refusal
/// (an application to a programme the startup is not eligible for) every reason.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
    pub reasons: Vec<Reason>,
}

impl ApiError {
    pub fn network(message: impl Into<String>) -> Self {
        Self { code: "NETWORK".into(), message: message.into(), field: None, reasons: Vec::new() }
    }
}

/// The errors of one response.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ApiErrors(pub Vec<ApiError>);

impl ApiErrors {
    pub fn one(e: ApiError) -> Self {
        Self(vec![e])
    }

    /// The message for a form field, matching the API's field path inside its input
    /// (`profile.talent.skills[2].skill` belongs to the field `skills`).
    pub fn for_field(&self, field: &str) -> Option<String> {
        self.0.iter().find(|e| e.field.as_deref().is_some_and(|f| field_matches(f, field))).map(|e| e.message.clone())
    }

    /// Errors no form field claims, shown at the top of the form.
    pub fn general(&self, known: &[&str]) -> Vec<String> {
        self.0
            .iter()
            .filter(|e| e.field.as_deref().is_none_or(|f| !known.iter().any(|k| field_matches(f, k))))
            .map(|e| e.message.clone())
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn has_code(&self, code: &str) -> bool {
        self.0.iter().any(|e| e.code == code)
    }

    pub fn summary(&self) -> String {
        self.0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; ")
    }

    /// Every reason of every refusal, in the order the server gave them.
    pub fn reasons(&self) -> Vec<Reason> {
        self.0.iter().flat_map(|e| e.reasons.iter().cloned()).collect()
    }
}

/// Whether an API field path (`profile.talent.contactEmail`, `offer.salaryMinEur`,
/// `input.text`, `email`) names the form field `field` (`contact_email`, `salary_min_eur`,
/// `text`, `email`). Forms keep snake_case names (they are the pages' DOM ids), the API
/// spells fields in camelCase: both are compared in snake_case.
pub fn field_matches(path: &str, field: &str) -> bool {
    let inside = inside_input(path);
    if field.contains('.') {
        // A nested field ("residence.country") claims its own path and what lies under it.
        let (inside, field) = (snake_case(inside), snake_case(field));
        return inside.strip_prefix(&field).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']));
    }
    let head = inside.split(['.', '[']).next().unwrap_or(inside);
    snake_case(head) == snake_case(field)
}

/// A field path without its argument (`profile`, `offer`...) and, for the profile's
/// `@oneOf` input, the member chosen (`talent`, `startup`).
fn inside_input(path: &str) -> &str {
    match path.split_once('.') {
        Some(("profile", rest)) => match rest.split_once('.') {
            Some(("talent" | "startup", field)) => field,
            _ => rest,
        },
        Some(("offer" | "programme" | "organisation" | "input", rest)) => rest,
        _ => path,
    }
}

fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// What a mutation that stores an entity answers (`Saved`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Saved {
    pub id: String,
    pub version: i64,
}

/// Parses a GraphQL response body into its data or its errors.
pub fn parse_response(body: &str) -> Result<Value, ApiErrors> {
    let value: Value = serde_json::from_str(body)
        .map_err(|e| ApiErrors::one(ApiError::network(format!("the server sent no JSON ({e})"))))?;
    if let Some(errors) = value.get("errors").and_then(Value::as_array).filter(|e| !e.is_empty()) {
        return Err(ApiErrors(
            errors
                .iter()
                .map(|e| ApiError {
                    code: e.pointer("/extensions/code").and_then(Value::as_str).unwrap_or("INTERNAL").to_owned(),
                    message: e.get("message").and_then(Value::as_str).unwrap_or("error").to_owned(),
                    field: e.pointer("/extensions/field").and_then(Value::as_str).map(str::to_owned),
                    reasons: e
                        .pointer("/extensions/reasons")
                        .and_then(Value::as_array)
                        .map(|list| list.iter().map(Reason::from_refusal).collect())
                        .unwrap_or_default(),
                })
                .collect(),
        ));
    }
    Ok(value.get("data").cloned().unwrap_or(Value::Null))
}

fn js_error(context: &str, e: JsValue) -> ApiErrors {
    ApiErrors::one(ApiError::network(format!("{context}: {}", e.as_string().unwrap_or_else(|| format!("{e:?}")))))
}

#[derive(Serialize)]
struct Body<'a, V> {
    query: &'a str,
    variables: V,
}

/// POSTs `body` to `url` as `content_type`, with the bearer token if there is one; answers
/// whether the status was a success, and the response's text. The one way the app calls the
/// platform, for GraphQL and for uploads alike.
async fn post(url: &str, content_type: &str, body: &JsValue, token: Option<&str>) -> Result<(bool, String), ApiErrors> {
    let window = web_sys::window().ok_or_else(|| ApiErrors::one(ApiError::network("no window")))?;
    let headers = web_sys::Headers::new().map_err(|e| js_error("headers", e))?;
    headers.set("Content-Type", content_type).map_err(|e| js_error("headers", e))?;
    if let Some(token) = token {
        headers.set("Authorization", &format!("Bearer {token}")).map_err(|e| js_error("headers", e))?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(body);
    let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(|e| js_error("request", e))?;
    let response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|e| js_error("the platform cannot be reached", e))?;
    let response: web_sys::Response = response.dyn_into().map_err(|e| js_error("response", e))?;
    let text = JsFuture::from(response.text().map_err(|e| js_error("response", e))?)
        .await
        .map_err(|e| js_error("response", e))?;
    Ok((response.ok(), text.as_string().unwrap_or_default()))
}

/// Runs one operation; `variables` is anything that serializes to the operation's
/// variables (typed inputs included), `token` the bearer token of the logged-in user.
pub async fn request(query: &str, variables: impl Serialize, token: Option<&str>) -> Result<Value, ApiErrors> {
    let body = serde_json::to_string(&Body { query, variables })
        .map_err(|e| ApiErrors::one(ApiError::network(format!("the request cannot be written ({e})"))))?;
    let (_, text) = post("/graphql", "application/json", &JsValue::from_str(&body), token).await?;
    parse_response(&text)
}

/// Runs one operation and decodes the field `field` of its data.
pub async fn fetch<T: DeserializeOwned>(
    query: &str,
    variables: impl Serialize,
    token: Option<&str>,
    field: &str,
) -> Result<T, ApiErrors> {
    let data = request(query, variables, token).await?;
    serde_json::from_value(data.get(field).cloned().unwrap_or(Value::Null))
        .map_err(|e| ApiErrors::one(ApiError::network(format!("unexpected answer for {field}: {e}"))))
}

/// Uploads a PDF to `POST /api/v1/files?name=...` as the raw body, with the bearer token;
/// the server answers what it stored (`{id,name,bytes,sha256}`).
pub async fn upload_file(file: &web_sys::File, token: Option<&str>) -> Result<crocevia_api::FileView, ApiErrors> {
    let name = String::from(js_sys::encode_uri_component(&file.name()));
    let (ok, text) = post(&format!("/api/v1/files?name={name}"), "application/pdf", file, token).await?;
    parse_upload(ok, &text)
}

/// What the files endpoint answered: the stored file, or its problem (RFC 9457: `code`,
/// `detail`, `field`) as one API error.
pub fn parse_upload(ok: bool, body: &str) -> Result<crocevia_api::FileView, ApiErrors> {
    let value: Value = serde_json::from_str(body).unwrap_or(Value::String(body.to_owned()));
    if ok {
        return serde_json::from_value(value)
            .map_err(|e| ApiErrors::one(ApiError::network(format!("unexpected answer for the upload: {e}"))));
    }
    let text = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_owned);
    Err(ApiErrors::one(ApiError {
        code: text("code").unwrap_or_else(|| "BAD_USER_INPUT".into()),
        message: text("detail")
            .or_else(|| value.as_str().map(str::to_owned))
            .unwrap_or_else(|| "upload refused".into()),
        field: text("field"),
        reasons: Vec::new(),
    }))
}

/// Downloads `GET /api/v1/files/{id}` with the bearer token and saves it through a Blob URL
/// (a plain link cannot carry the token).
pub async fn download_file(id: &str, name: &str, token: Option<&str>) -> Result<(), ApiErrors> {
    let window = web_sys::window().ok_or_else(|| ApiErrors::one(ApiError::network("no window")))?;
    let headers = web_sys::Headers::new().map_err(|e| js_error("headers", e))?;
    if let Some(token) = token {
        headers.set("Authorization", &format!("Bearer {token}")).map_err(|e| js_error("headers", e))?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_headers(&headers);
    let url = format!("/api/v1/files/{}", String::from(js_sys::encode_uri_component(id)));
    let request = web_sys::Request::new_with_str_and_init(&url, &init).map_err(|e| js_error("request", e))?;
    let response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|e| js_error("the platform cannot be reached", e))?;
    let response: web_sys::Response = response.dyn_into().map_err(|e| js_error("response", e))?;
    if !response.ok() {
        let text = JsFuture::from(response.text().map_err(|e| js_error("response", e))?)
            .await
            .map_err(|e| js_error("response", e))?
            .as_string()
            .unwrap_or_default();
        return Err(parse_upload(false, &text).err().unwrap_or_default());
    }
    let blob = JsFuture::from(response.blob().map_err(|e| js_error("response", e))?)
        .await
        .map_err(|e| js_error("response", e))?;
    let blob: web_sys::Blob = blob.dyn_into().map_err(|e| js_error("response", e))?;
    let href = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| js_error("download", e))?;
    let document = window.document().ok_or_else(|| ApiErrors::one(ApiError::network("no document")))?;
    let anchor: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(|e| js_error("download", e))?.unchecked_into();
    anchor.set_href(&href);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&href);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_keep_code_and_field() {
        let body = r#"{"data":null,"errors":[
            {"message":"must be between 1 and 10000","extensions":{"code":"BAD_USER_INPUT","field":"profile.startup.teamSize"}},
            {"message":"nope","extensions":{"code":"FORBIDDEN"}}]}"#;
        let errors = parse_response(body).unwrap_err();
        assert_eq!(errors.for_field("team_size").as_deref(), Some("must be between 1 and 10000"));
        assert_eq!(errors.for_field("name"), None);
        assert_eq!(errors.general(&["team_size"]), vec!["nope".to_owned()]);
        assert!(errors.has_code("FORBIDDEN"));
    }

    #[test]
    fn field_paths_map_to_form_fields() {
        assert!(field_matches("profile.talent.languages[0].level", "languages"));
        assert!(field_matches("profile.talent.contactEmail", "contact_email"));
        assert!(field_matches("profile.startup.fundingRaisedEur", "funding_raised_eur"));
        assert!(field_matches("offer.salaryMinEur", "salary_min_eur"));
        assert!(field_matches("offer.requiredSkills[1]", "required_skills"));
        assert!(field_matches("programme.eligibility[1].months", "eligibility"));
        assert!(field_matches("input.displayName", "displayName"));
        assert!(field_matches("input.text", "text"));
        assert!(field_matches("email", "email"));
        assert!(!field_matches("profile.talent.languages", "language"));
        assert!(!field_matches("profile.talent.headline", "talent"));
        assert!(!field_matches("offer.salaryMaxEur", "salary_min_eur"));
        // A nested field claims its own path only, so each error sits by its own control.
        assert!(field_matches("profile.talent.residence.country", "residence.country"));
        assert!(field_matches("profile.startup.seat.city", "seat.city"));
        assert!(!field_matches("profile.talent.residence.city", "residence.country"));
        assert!(!field_matches("profile.talent.residence", "residence.country"));
        assert!(!field_matches("profile.talent.residenceX.country", "residence.country"));
    }

    #[test]
    fn a_refusal_keeps_every_reason_in_both_languages() {
        let body = r#"{"data":null,"errors":[{"message":"your startup is not eligible for this programme: a; b",
            "extensions":{"code":"BAD_USER_INPUT","field":"target","reasons":[
                "team_size: team of 20, admitted 1–10 / team di 20 persone, ammesso 1–10",
                "founders: the programme asks for: female-led / il programma chiede: a guida femminile",
                {"rule":"legal_form_in","it":"se costituisci la società","en":"if you incorporate"},
                "closed"]}}]}"#;
        let errors = parse_response(body).unwrap_err();
        let reasons = errors.reasons();
        assert_eq!(reasons.len(), 4, "{reasons:?}");
        assert_eq!(reasons[0].rule, "team_size");
        assert_eq!(reasons[0].en, "team of 20, admitted 1–10");
        assert_eq!(reasons[0].it, "team di 20 persone, ammesso 1–10");
        assert_eq!(reasons[1].rule, "founders");
        assert_eq!(reasons[1].en, "the programme asks for: female-led");
        assert_eq!(reasons[1].it, "il programma chiede: a guida femminile");
        assert_eq!(reasons[2].en, "if you incorporate");
        assert_eq!(
            (reasons[3].rule.as_str(), reasons[3].it.as_str(), reasons[3].en.as_str()),
            ("", "closed", "closed")
        );
        assert!(parse_response(r#"{"errors":[{"message":"x"}]}"#).unwrap_err().reasons().is_empty());
    }

    #[test]
    fn uploads_answer_a_file_or_an_error() {
        let f = parse_upload(true, r#"{"id":"f1","name":"deck.pdf","bytes":12,"sha256":"ab"}"#).unwrap();
        assert_eq!((f.name.as_str(), f.bytes), ("deck.pdf", 12.0));
        let e = parse_upload(
            false,
            r#"{"type":"about:blank","title":"Bad","status":400,"code":"BAD_USER_INPUT","detail":"not a PDF"}"#,
        )
        .unwrap_err();
        assert_eq!(e.summary(), "not a PDF");
        assert!(parse_upload(false, "too large").unwrap_err().summary().contains("too large"));
    }

    #[test]
    fn data_and_garbage() {
        assert_eq!(parse_response(r#"{"data":{"x":1}}"#).unwrap()["x"], 1);
        assert!(parse_response("<html>").unwrap_err().has_code("NETWORK"));
    }
}
