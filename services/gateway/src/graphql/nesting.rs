//! A bound on how deeply a GraphQL document nests, checked on the raw text before any
//! recursive parser sees it. The parser recurses once per level of `{`, `[` or `(`, so a
//! few kilobytes of `{a:{a:{a:...}}}` in an argument literal would overflow a worker's stack
//! and abort the whole process; the depth limit of validation comes too late, after parsing.
//! The check runs as a schema extension, so it guards HTTP and WebSocket alike.

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ErrorExtensionValues, ServerError, ServerResult, Variables};
use crocevia_kit::ErrorCode;
use std::sync::Arc;

/// Deepest nesting of brackets accepted. Real documents stay far below (the standard
/// introspection query nests 12 levels), and the parser is safe well above.
pub const MAX_NESTING: usize = 64;

/// Whether `query` nests brackets deeper than `limit`, outside strings and comments. Linear
/// and non-recursive; stops at the first level past the limit.
pub fn too_deep(query: &str, limit: usize) -> bool {
    let bytes = query.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    false
}

/// The error a too-deep document gets: BAD_USER_INPUT, naming the limit.
pub fn error() -> ServerError {
    let mut e = ServerError::new(format!("the document nests deeper than {MAX_NESTING} levels"), None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", ErrorCode::BadUserInput.as_str());
    e.extensions = Some(extensions);
    e
}

/// The schema extension that refuses a too-deep document before it is parsed.
#[derive(Debug, Default)]
pub struct NestingLimit;

impl ExtensionFactory for NestingLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(NestingLimitExtension)
    }
}

struct NestingLimitExtension;

#[async_trait::async_trait]
impl Extension for NestingLimitExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if too_deep(query, MAX_NESTING) {
            return Err(error());
        }
        next.run(ctx, query, variables).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts_brackets_outside_strings_and_comments() {
        assert!(!too_deep("{ a { b { c } } }", 3));
        assert!(too_deep("{ a { b { c { d } } } }", 3));
        assert!(!too_deep(r#"{ a(s: "{{{{{{{{") }"#, 3), "inside a string");
        assert!(!too_deep("{ a } # {{{{{{{{\n", 3), "inside a comment");
        assert!(!too_deep(r#"{ a(s: """ {{{{ \""" {{{{ """) }"#, 3), "inside a block string");
        assert!(!too_deep(r#"{ a(s: "\"{{{{{") }"#, 3), "after an escaped quote");
        let deep = format!("{{ skills(query: {}1{}) {{ id }} }}", "{a:".repeat(1500), "}".repeat(1500));
        assert!(too_deep(&deep, MAX_NESTING));
    }

    proptest! {
        /// Any text, however odd: the scan ends and never panics, and a document it passes
        /// has no bracket run deeper than the limit.
        #[test]
        fn never_panics(text in "\\PC{0,400}") {
            let _ = too_deep(&text, 8);
        }

        #[test]
        fn agrees_with_plain_nesting(depth in 0usize..200) {
            let doc = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            prop_assert_eq!(too_deep(&doc, MAX_NESTING), depth > MAX_NESTING);
        }
    }
}
