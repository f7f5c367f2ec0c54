//! The DCAT-AP_IT catalogue in Turtle, written from the same JSON-LD document, for harvesters
//! that read RDF but not JSON-LD. Handles the JSON-LD this crate writes (compact IRIs of the
//! context's prefixes, `@id` references, nodes nested with an `@id`, blank nodes without one,
//! language-tagged and typed literals), not JSON-LD in general.

use serde_json::{Map, Value};
use std::fmt::Write;

/// A string as a Turtle literal: quotes, backslashes and line breaks escaped.
fn literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An IRI: a compact one (`dcat:Dataset`) as it is, a full one in angle brackets.
fn iri(s: &str) -> String {
    if s.contains("://") || s.starts_with("mailto:") { format!("<{}>", s.replace('>', "%3E")) } else { s.to_owned() }
}

struct Writer {
    out: String,
    /// Nodes with an `@id` met inside others, written as subjects of their own.
    pending: Vec<Map<String, Value>>,
}

impl Writer {
    /// One object of a triple.
    fn object(&mut self, value: &Value, indent: usize) -> String {
        match value {
            Value::String(s) => literal(s),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Object(map) => {
                if let Some(v) = map.get("@value").and_then(Value::as_str) {
                    return match (
                        map.get("@language").and_then(Value::as_str),
                        map.get("@type").and_then(Value::as_str),
                    ) {
                        (Some(lang), _) => format!("{}@{lang}", literal(v)),
                        (_, Some(datatype)) => format!("{}^^{}", literal(v), iri(datatype)),
                        _ => literal(v),
                    };
                }
                match map.get("@id").and_then(Value::as_str) {
                    Some(id) => {
                        if map.len() > 1 {
                            self.pending.push(map.clone());
                        }
                        iri(id)
                    }
                    None => format!("[\n{}{}]", self.predicates(map, indent + 4), " ".repeat(indent)),
                }
            }
            Value::Null | Value::Array(_) => String::new(),
        }
    }

    /// A node's predicate-object list, one predicate a line, `;`-separated.
    fn predicates(&mut self, node: &Map<String, Value>, indent: usize) -> String {
        let pad = " ".repeat(indent);
        let mut lines = Vec::new();
        for (key, value) in node {
            if key == "@id" || key == "@context" {
                continue;
            }
            let values = match value {
                Value::Array(items) => items.iter().collect::<Vec<_>>(),
                Value::Null => continue,
                one => vec![one],
            };
            let (predicate, objects) = if key == "@type" {
                ("a".to_owned(), values.iter().filter_map(|v| v.as_str()).map(iri).collect::<Vec<_>>())
            } else {
                (key.clone(), values.iter().map(|v| self.object(v, indent)).collect())
            };
            if !objects.is_empty() {
                lines.push(format!("{pad}{predicate} {}", objects.join(", ")));
            }
        }
        let mut text = lines.join(" ;\n");
        text.push('\n');
        text
    }

    fn subject(&mut self, node: &Map<String, Value>) {
        let id = node.get("@id").and_then(Value::as_str).map_or_else(|| "[]".to_owned(), iri);
        let body = self.predicates(node, 4);
        let _ = write!(self.out, "\n{id}\n{}.\n", body.trim_end_matches('\n').to_owned() + " ");
    }
}

/// `doc` (an `@context` of prefixes and an `@graph` of nodes) as Turtle.
pub fn from_json_ld(doc: &Value) -> String {
    let mut writer = Writer { out: String::new(), pending: Vec::new() };
    if let Some(context) = doc.get("@context").and_then(Value::as_object) {
        for (prefix, namespace) in context {
            if let Some(ns) = namespace.as_str() {
                let _ = writeln!(writer.out, "@prefix {prefix}: <{ns}> .");
            }
        }
    }
    let graph = doc.get("@graph").and_then(Value::as_array).cloned().unwrap_or_default();
    for node in graph.iter().filter_map(Value::as_object) {
        writer.subject(node);
        while let Some(nested) = writer.pending.pop() {
            writer.subject(&nested);
        }
    }
    writer.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nodes_references_blank_nodes_and_literals() {
        let doc = json!({
            "@context": { "dct": "http://purl.org/dc/terms/", "xsd": "http://www.w3.org/2001/XMLSchema#" },
            "@graph": [{
                "@id": "https://x.example/c",
                "@type": ["dct:Thing"],
                "dct:title": [{ "@value": "Un \"titolo\"\nsu due righe", "@language": "it" }],
                "dct:modified": { "@value": "2026-12-07", "@type": "xsd:date" },
                "dct:hasPart": { "@id": "https://x.example/d", "dct:title": "D" },
                "dct:temporal": { "dct:start": { "@value": "2026-01-01", "@type": "xsd:date" } },
                "dct:publisher": { "@id": "mailto:a@b.example" },
            }],
        });
        let ttl = from_json_ld(&doc);
        assert!(ttl.contains("@prefix dct: <http://purl.org/dc/terms/> ."), "{ttl}");
        assert!(ttl.contains("<https://x.example/c>\n    a dct:Thing ;"), "{ttl}");
        assert!(ttl.contains(r#""Un \"titolo\"\nsu due righe"@it"#), "{ttl}");
        assert!(ttl.contains(r#""2026-12-07"^^xsd:date"#), "{ttl}");
        assert!(ttl.contains("dct:hasPart <https://x.example/d>"), "{ttl}");
        assert!(ttl.contains("<https://x.example/d>\n    dct:title \"D\" ."), "{ttl}");
        assert!(ttl.contains("dct:temporal [\n        dct:start \"2026-01-01\"^^xsd:date\n    ]"), "{ttl}");
        assert!(ttl.contains("dct:publisher <mailto:a@b.example>"), "{ttl}");
    }
}
