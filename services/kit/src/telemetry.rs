//! Structured logs with `tracing` (human-readable by default, JSON for log shippers) and,
//! when `telemetry.otlp_endpoint` is set, OpenTelemetry traces exported over OTLP/HTTP.
//!
//! A trace crosses processes with the W3C trace context (`traceparent`, `tracestate`): in
//! HTTP headers between the gateway and the processes it calls, and in Kafka headers from
//! the profiles outbox (which keeps each row's context) to every consumer. So one GraphQL
//! mutation is one trace through the gateway, the profiles process, its relay, the broker
//! and the consumers. Off by default: with no endpoint nothing is propagated or exported.

use crate::config::{LogFormat, TelemetrySettings};
use opentelemetry::propagation::{Extractor, Injector};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// The W3C trace-context header names, as they travel in HTTP and Kafka headers.
pub const TRACE_HEADERS: [&str; 2] = ["traceparent", "tracestate"];

/// Finished spans waiting for export, at most, per process: the queue of the SDK's batch
/// span processor, which keeps its default size (opentelemetry_sdk's
/// `OTEL_BSP_MAX_QUEUE_SIZE_DEFAULT`, unless the `OTEL_BSP_MAX_QUEUE_SIZE` environment
/// variable says otherwise). When the collector is slower, further spans are dropped, never
/// the request.
pub const SPAN_QUEUE: usize = 2048;

/// Keeps the exporter alive; [`Telemetry::shutdown`] sends what is still buffered.
#[derive(Debug, Default)]
#[must_use = "dropping it early stops the trace export"]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Exports the spans still buffered (a process that stops cleanly loses none).
    pub fn shutdown(self) {
        if let Some(provider) = self.provider
            && let Err(e) = provider.shutdown()
        {
            tracing::warn!(error = %e, "flushing the last spans failed");
        }
    }
}

/// Installs the global subscriber once (later calls, in tests, are ignored); `service` names
/// this process in the traces (`crocevia-gateway`, ...).
pub fn init(settings: &TelemetrySettings, service: &str) -> Telemetry {
    // Logs follow `telemetry.filter`; spans for traces are kept from `info` up whatever the
    // log level, so quiet logs do not cut traces short.
    let logs = EnvFilter::try_new(&settings.filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let fmt = match settings.format {
        LogFormat::Pretty => fmt.with_target(true).with_filter(logs).boxed(),
        LogFormat::Json => fmt.json().flatten_event(true).with_filter(logs).boxed(),
    };
    let mut failed = None;
    let provider = settings.otlp_endpoint.as_deref().and_then(|endpoint| {
        exporter(endpoint, service).map_err(|e| failed = Some((endpoint.to_owned(), format!("{e:#}")))).ok()
    });
    let otel = provider
        .as_ref()
        .map(|p| tracing_opentelemetry::layer().with_tracer(p.tracer("crocevia")).with_filter(EnvFilter::new("info")));
    let installed = tracing_subscriber::registry().with(fmt).with(otel).try_init().is_ok();
    if let Some((endpoint, error)) = failed {
        tracing::error!(endpoint, error, "traces are not exported");
    }
    if installed && provider.is_some() {
        opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
        tracing::info!(service, "exporting traces over OTLP/HTTP");
    }
    Telemetry { provider: if installed { provider } else { None } }
}

fn exporter(endpoint: &str, service: &str) -> anyhow::Result<SdkTracerProvider> {
    // The collector's traces path, as OTLP/HTTP clients add it to a base endpoint.
    let url = format!("{}/v1/traces", endpoint.trim_end_matches('/'));
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpJson)
        .with_endpoint(url)
        .with_timeout(std::time::Duration::from_secs(5))
        .build()?;
    let resource = opentelemetry_sdk::Resource::builder().with_service_name(service.to_owned()).build();
    // The batch processor's queue (2,048 spans by default) bounds what waits for export;
    // beyond it spans are dropped, never the request.
    Ok(SdkTracerProvider::builder().with_batch_exporter(exporter).with_resource(resource).build())
}

/// The current span's trace context as headers to send on (empty when traces are off or no
/// span is being recorded).
pub fn current_context() -> Vec<(String, String)> {
    let context = tracing::Span::current().context();
    let mut headers = Vec::new();
    opentelemetry::global::get_text_map_propagator(|p| p.inject_context(&context, &mut Pairs(&mut headers)));
    headers
}

/// Makes `span` a child of the trace context in `headers` (from another process), if any.
pub fn continue_trace<'a>(span: &tracing::Span, headers: impl Fn(&str) -> Option<&'a str>) {
    if headers(TRACE_HEADERS[0]).is_none() {
        return;
    }
    let found: Vec<(&str, &str)> = TRACE_HEADERS.iter().filter_map(|k| headers(k).map(|v| (*k, v))).collect();
    let context = opentelemetry::global::get_text_map_propagator(|p| p.extract(&Found(&found)));
    if let Err(e) = span.set_parent(context) {
        tracing::debug!(error = ?e, "a span could not continue its trace");
    }
}

struct Pairs<'a>(&'a mut Vec<(String, String)>);

impl Injector for Pairs<'_> {
    fn set(&mut self, key: &str, value: String) {
        self.0.push((key.to_owned(), value));
    }
}

struct Found<'a>(&'a [(&'a str, &'a str)]);

impl Extractor for Found<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| *v)
    }

    fn keys(&self) -> Vec<&str> {
        self.0.iter().map(|(k, _)| *k).collect()
    }
}

/// What a write did on behalf of which request: the request's id, given by the caller
/// (`x-request-id`, from a proxy or the gateway) or made at the door, is every event's
/// `correlation_id`, so one request's events can be found together.
pub mod request {
    use std::future::Future;

    /// The header carrying the request id between processes and back to the client.
    pub const HEADER: &str = "x-request-id";

    tokio::task_local! {
        static REQUEST_ID: String;
    }

    /// Runs `work` as request `id`.
    pub async fn scope<F: Future>(id: String, work: F) -> F::Output {
        REQUEST_ID.scope(id, work).await
    }

    /// The id of the request being served, if any.
    pub fn current() -> Option<String> {
        REQUEST_ID.try_with(Clone::clone).ok()
    }

    /// The caller's id when it is a sensible one (up to 128 letters, digits and `-_.:`),
    /// else a new UUID v7: a client cannot smuggle log lines or huge values in.
    pub fn accept(given: Option<&str>) -> String {
        match given {
            Some(id)
                if !id.is_empty()
                    && id.len() <= 128
                    && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')) =>
            {
                id.to_owned()
            }
            _ => uuid::Uuid::now_v7().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::request;

    #[test]
    fn the_span_queue_is_the_sdk_default() {
        assert_eq!(super::SPAN_QUEUE, opentelemetry_sdk::trace::OTEL_BSP_MAX_QUEUE_SIZE_DEFAULT);
    }

    #[test]
    fn request_ids_are_kept_when_sensible_and_made_otherwise() {
        assert_eq!(request::accept(Some("abc-123_x.y:z")), "abc-123_x.y:z");
        for bad in [None, Some(""), Some("line\nbreak"), Some("a b")] {
            let made = request::accept(bad);
            assert!(uuid::Uuid::parse_str(&made).is_ok(), "{bad:?} -> {made}");
        }
        assert_ne!(request::accept(Some(&"x".repeat(129))), "x".repeat(129));
    }

    #[tokio::test]
    async fn the_request_id_is_known_inside_its_scope_only() {
        assert_eq!(request::current(), None);
        let inside = request::scope("r-1".into(), async { request::current() }).await;
        assert_eq!(inside.as_deref(), Some("r-1"));
    }
}
