//! Latency and errors per GraphQL operation name, for `/metrics`: every call goes to one
//! `/graphql` route, so the route label alone tells nothing of which operation is slow or
//! failing. Queries and mutations are timed from parse to response; subscriptions, which
//! live as long as their socket, are not. Names come from clients, so the labels are bounded: past
//! [`MAX_OPERATION_LABELS`] distinct names, new ones count as `other`.

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest, NextRequest,
};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument};
use async_graphql::{Request, Response, ServerResult, Variables};
use crocevia_kit::metrics::{GRAPHQL_ERRORS, GRAPHQL_SECONDS};
use std::collections::HashSet;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Instant;

/// Distinct operation names that get a label of their own (the app uses a few dozen).
pub const MAX_OPERATION_LABELS: usize = 200;

static LABELLED: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(|| Mutex::new(HashSet::new()));

/// The label for operation `name`: the name while fewer than `limit` names are labelled (or
/// it already is one), else `other`; `anonymous` for an unnamed operation.
fn label(name: Option<&str>, labelled: &Mutex<HashSet<String>>, limit: usize) -> String {
    let Some(name) = name else { return "anonymous".into() };
    let mut seen = labelled.lock().unwrap_or_else(|p| p.into_inner());
    if seen.contains(name) || (seen.len() < limit && seen.insert(name.to_owned())) {
        name.to_owned()
    } else {
        "other".into()
    }
}

#[derive(Debug, Default)]
pub struct OperationMetrics;

impl ExtensionFactory for OperationMetrics {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(OperationMetricsExtension::default())
    }
}

/// One per request: the name is learnt when the document is parsed.
#[derive(Debug, Default)]
struct OperationMetricsExtension {
    name: Mutex<Option<String>>,
}

#[async_trait::async_trait]
impl Extension for OperationMetricsExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let started = Instant::now();
        let response = next.run(ctx).await;
        let name = self.name.lock().unwrap_or_else(|p| p.into_inner()).take();
        let operation = label(name.as_deref(), &LABELLED, MAX_OPERATION_LABELS);
        GRAPHQL_SECONDS.with_label_values(&[operation.as_str()]).observe(started.elapsed().as_secs_f64());
        for error in &response.errors {
            let code = super::code_of(error).unwrap_or(super::UNCODED.as_str());
            GRAPHQL_ERRORS.with_label_values(&[operation.as_str(), code]).inc();
        }
        response
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        self.name.lock().unwrap_or_else(|p| p.into_inner()).clone_from(&request.operation_name);
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        // A document of one named operation is `Multiple` with one entry; with several, the
        // request names the one it runs.
        let mut name = self.name.lock().unwrap_or_else(|p| p.into_inner());
        if name.is_none()
            && let DocumentOperations::Multiple(operations) = &document.operations
            && operations.len() == 1
        {
            *name = operations.keys().next().map(|n| n.to_string());
        }
        Ok(document)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_bounded() {
        let labelled = Mutex::new(HashSet::new());
        assert_eq!(label(None, &labelled, 2), "anonymous");
        assert_eq!(label(Some("Search"), &labelled, 2), "Search");
        assert_eq!(label(Some("Matches"), &labelled, 2), "Matches");
        assert_eq!(label(Some("Third"), &labelled, 2), "other");
        assert_eq!(label(Some("Search"), &labelled, 2), "Search", "a labelled name keeps its label");
    }
}
