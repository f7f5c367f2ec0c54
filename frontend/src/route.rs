//! Pages live in the URL's fragment (`#/search?q=…`), so the gateway serves one file and a
//! reload or a shared link opens the same page.

/// What the search page shows; every field is in the URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchQuery {
    pub text: String,
    /// `offer`, `programme`, `startup`, `talent`, `organisation`; empty means all.
    pub kinds: Vec<String>,
    /// Search filters as the API takes them, e.g. `sector:ict`.
    pub filters: Vec<String>,
    pub near: Option<String>,
    pub within_km: Option<u32>,
    /// `relevance`, `distance`, `deadline` or `newest`.
    pub sort: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Home,
    Search(SearchQuery),
    Offer(String),
    Programme(String),
    Login,
    Signup,
    /// The link of a sign-up e-mail: confirms the address and logs in.
    Verify(String),
    /// Asks for a password-reset link.
    Forgot,
    /// The link of a password-reset e-mail.
    Reset(String),
    Profile,
    Matches,
    Applications,
    Postings,
    NewOffer,
    EditOffer(String),
    NewProgramme,
    EditProgramme(String),
    Ranking(String),
    /// A programme's selection: review panel, raw and calibrated ranking, cohort, decisions.
    Selection(String),
    /// A reviewer's queue of applications to review.
    Reviews,
    /// My account: who I am on the platform, my id included.
    Account,
    /// The open-data observatory, public.
    Insights,
    NotFound,
}

impl Route {
    /// Parses a location fragment, with or without its `#`.
    pub fn parse(hash: &str) -> Route {
        let hash = hash.trim_start_matches('#');
        let (path, query) = hash.split_once('?').unwrap_or((hash, ""));
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            [] => Route::Home,
            ["search"] => Route::Search(SearchQuery::parse(query)),
            ["offer", id] => Route::Offer(decode(id)),
            ["programme", id] => Route::Programme(decode(id)),
            ["login"] => Route::Login,
            ["signup"] => Route::Signup,
            ["verify", token] => Route::Verify(decode(token)),
            ["forgot"] => Route::Forgot,
            ["reset", token] => Route::Reset(decode(token)),
            ["profile"] => Route::Profile,
            ["matches"] => Route::Matches,
            ["applications"] => Route::Applications,
            ["postings"] => Route::Postings,
            ["postings", "new-offer"] => Route::NewOffer,
            ["postings", "new-programme"] => Route::NewProgramme,
            ["postings", "offer", id] => Route::EditOffer(decode(id)),
            ["postings", "programme", id] => Route::EditProgramme(decode(id)),
            ["postings", "ranking", id] => Route::Ranking(decode(id)),
            ["postings", "selection", id] => Route::Selection(decode(id)),
            ["reviews"] => Route::Reviews,
            ["account"] => Route::Account,
            ["insights"] => Route::Insights,
            _ => Route::NotFound,
        }
    }

    /// The fragment that opens this page, with its `#`.
    pub fn href(&self) -> String {
        match self {
            Route::Home | Route::NotFound => "#/".into(),
            Route::Search(q) => {
                let query = q.to_query();
                if query.is_empty() { "#/search".into() } else { format!("#/search?{query}") }
            }
            Route::Offer(id) => format!("#/offer/{}", encode(id)),
            Route::Programme(id) => format!("#/programme/{}", encode(id)),
            Route::Login => "#/login".into(),
            Route::Signup => "#/signup".into(),
            Route::Verify(token) => format!("#/verify/{}", encode(token)),
            Route::Forgot => "#/forgot".into(),
            Route::Reset(token) => format!("#/reset/{}", encode(token)),
            Route::Profile => "#/profile".into(),
            Route::Matches => "#/matches".into(),
            Route::Applications => "#/applications".into(),
            Route::Postings => "#/postings".into(),
            Route::NewOffer => "#/postings/new-offer".into(),
            Route::NewProgramme => "#/postings/new-programme".into(),
            Route::EditOffer(id) => format!("#/postings/offer/{}", encode(id)),
            Route::EditProgramme(id) => format!("#/postings/programme/{}", encode(id)),
            Route::Ranking(id) => format!("#/postings/ranking/{}", encode(id)),
            Route::Selection(id) => format!("#/postings/selection/{}", encode(id)),
            Route::Reviews => "#/reviews".into(),
            Route::Account => "#/account".into(),
            Route::Insights => "#/insights".into(),
        }
    }
}

impl SearchQuery {
    pub fn parse(query: &str) -> SearchQuery {
        let mut q = SearchQuery::default();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            match key {
                "q" => q.text = value,
                "kind" => q.kinds.push(value),
                "f" => q.filters.push(value),
                "near" if !value.is_empty() => q.near = Some(value),
                "km" => q.within_km = value.parse().ok(),
                "sort" => q.sort = value,
                _ => {}
            }
        }
        q
    }

    pub fn to_query(&self) -> String {
        let mut pairs = Vec::new();
        if !self.text.is_empty() {
            pairs.push(format!("q={}", encode(&self.text)));
        }
        pairs.extend(self.kinds.iter().map(|k| format!("kind={}", encode(k))));
        pairs.extend(self.filters.iter().map(|f| format!("f={}", encode(f))));
        if let Some(near) = &self.near {
            pairs.push(format!("near={}", encode(near)));
        }
        if let Some(km) = self.within_km {
            pairs.push(format!("km={km}"));
        }
        if !self.sort.is_empty() {
            pairs.push(format!("sort={}", encode(&self.sort)));
        }
        pairs.join("&")
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986), as UTF-8.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes and `+`; malformed escapes are kept as they are.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_round_trips_through_its_fragment() {
        let q = SearchQuery {
            text: "sviluppatrice Rust & più".into(),
            kinds: vec!["offer".into(), "programme".into()],
            filters: vec!["sector:ict".into(), "language:en>=B2".into()],
            near: Some("moncalieri".into()),
            within_km: Some(15),
            sort: "distance".into(),
        };
        let routes = [
            Route::Home,
            Route::Search(q),
            Route::Search(SearchQuery::default()),
            Route::Offer("3000-1".into()),
            Route::Programme("p/1".into()),
            Route::Login,
            Route::Signup,
            Route::Verify("AbC-_9".into()),
            Route::Forgot,
            Route::Reset("xYz-_0".into()),
            Route::Profile,
            Route::Matches,
            Route::Applications,
            Route::Postings,
            Route::NewOffer,
            Route::NewProgramme,
            Route::EditOffer("a".into()),
            Route::EditProgramme("b".into()),
            Route::Ranking("c".into()),
            Route::Selection("d/1".into()),
            Route::Reviews,
            Route::Account,
            Route::Insights,
        ];
        for r in routes {
            assert_eq!(Route::parse(&r.href()), r, "{}", r.href());
        }
    }

    #[test]
    fn unknown_and_malformed_fragments_are_not_found_or_tolerated() {
        assert_eq!(Route::parse("#/nope"), Route::NotFound);
        assert_eq!(Route::parse(""), Route::Home);
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%41"), "%zzA");
        assert_eq!(decode("a+b%C3%A0"), "a bà");
        assert_eq!(SearchQuery::parse("km=abc&q=x").within_km, None);
    }
}
