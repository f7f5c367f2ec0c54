#!/usr/bin/env python3
"""Validates a DCAT-AP_IT catalogue against SHACL shapes (pySHACL, no inference).

    python3 tests/open_data/validate_dcat.py SHAPES DATA

SHAPES is a Turtle file (tests/open_data/dcat-ap_it.shapes.ttl). DATA is a file path or an
http(s) URL serving the catalogue as JSON-LD; a name ending in .ttl is read as Turtle.

Prints pySHACL's report, then one line per problem. Exits 0 when the catalogue conforms
(and then prints "conforms: N catalogues, M datasets, D distributions"), 1 when it does not
(also when it holds no dcatapit:Catalog or no dcatapit:Dataset, so an empty document fails,
or when it holds relative IRIs), 2 on a usage, fetch or parse error.

Relative IRIs: the document is parsed against the base file:///relative-iri/, so a relative
reference in it (e.g. "@id": "/open-data/v1/x.csv") comes out as a file: IRI whether DATA is
a file or a URL; every file: IRI in the graph is reported as a problem.
"""
import sys
import urllib.parse
import urllib.request

try:
    import pyshacl
    import rdflib
    from rdflib.namespace import RDF, SH
except ImportError as e:  # pragma: no cover
    print(f"error: {e} (python3 -m pip install pyshacl)", file=sys.stderr)
    sys.exit(2)

DCATAPIT = rdflib.Namespace("http://dati.gov.it/onto/dcatapit#")
SENTINEL_BASE = "file:///relative-iri/"
PREFIXES = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatapit": str(DCATAPIT),
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "schema": "http://schema.org/",
    "locn": "http://www.w3.org/ns/locn#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "adms": "http://www.w3.org/ns/adms#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": str(SH),
}


# What a failed constraint means, for the one-line summary.
KINDS = {
    SH.MinCountConstraintComponent: "missing",
    SH.QualifiedMinCountConstraintComponent: "missing",
    SH.MaxCountConstraintComponent: "too many",
    SH.PatternConstraintComponent: "wrong value",
    SH.HasValueConstraintComponent: "wrong value",
    SH.ClassConstraintComponent: "wrong type",
    SH.NodeKindConstraintComponent: "wrong kind",
    SH.DatatypeConstraintComponent: "wrong datatype",
    SH.NodeConstraintComponent: "wrong value",
    SH.OrConstraintComponent: "wrong value",
    SH.NotConstraintComponent: "not allowed",
    SH.LessThanOrEqualsConstraintComponent: "wrong order",
    SH.UniqueLangConstraintComponent: "duplicate language",
}


def usage(message):
    print(f"error: {message}", file=sys.stderr)
    print("usage: python3 validate_dcat.py SHAPES DATA   (DATA: a path or an http(s) URL)", file=sys.stderr)
    sys.exit(2)


def read_data(location):
    """The document's bytes and the rdflib format to parse them with."""
    is_url = urllib.parse.urlsplit(location).scheme in ("http", "https")
    if is_url:
        request = urllib.request.Request(
            location, headers={"Accept": "application/ld+json, application/json;q=0.9, text/turtle;q=0.5"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (http(s) only)
            body = response.read()
            content_type = response.headers.get_content_type()
        turtle = content_type == "text/turtle" or urllib.parse.urlsplit(location).path.endswith(".ttl")
    else:
        with open(location, "rb") as f:
            body = f.read()
        turtle = location.endswith(".ttl")
    return body, ("turtle" if turtle else "json-ld")


def short(graph, term):
    if term is None:
        return "-"
    if isinstance(term, rdflib.URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:  # noqa: BLE001
            return f"<{term}>"
    if isinstance(term, rdflib.BNode):
        return "[blank node]"
    return term.n3(graph.namespace_manager)


def problems(report, data):
    """One readable line per validation result: severity, focus node, path, message, value."""
    lines = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        component = report.value(result, SH.sourceConstraintComponent)
        messages = [str(m) for m in report.objects(result, SH.resultMessage)]
        kind = KINDS.get(component, str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent"))
        line = f"{short(data, severity).removeprefix('sh:')} [{kind}]: {short(data, focus)}"
        if path is not None:
            line += f" {short(data, path)}"
        line += f": {'; '.join(messages) or '(no message)'}"
        if value is not None and value != focus:
            line += f" [value: {short(data, value)}]"
        lines.append(line)
    return sorted(set(lines))


def main(argv):
    if len(argv) != 3:
        usage("expected 2 arguments")
    shapes_path, location = argv[1], argv[2]

    shapes = rdflib.Graph()
    try:
        shapes.parse(shapes_path, format="turtle")
    except Exception as e:  # noqa: BLE001
        usage(f"cannot read the shapes {shapes_path}: {e}")

    data = rdflib.Graph()
    try:
        body, fmt = read_data(location)
        data.parse(data=body, format=fmt, publicID=SENTINEL_BASE)
    except Exception as e:  # noqa: BLE001
        usage(f"cannot read the catalogue {location}: {e}")
    for prefix, namespace in PREFIXES.items():
        data.bind(prefix, namespace, replace=True)

    try:
        conforms, report, text = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            meta_shacl=True,
            abort_on_first=False,
            allow_warnings=False,
        )
    except Exception as e:  # noqa: BLE001 (e.g. the shapes themselves are not valid SHACL)
        usage(f"validation could not run: {e}")

    print(text.rstrip())

    lines = problems(report, data)
    relative = sorted(
        {str(t) for triple in data for t in triple if isinstance(t, rdflib.URIRef) and str(t).startswith("file:")}
    )
    lines += [f"Violation: relative or file: IRI in the document (resolved as {iri}); use absolute http(s) IRIs" for iri in relative]

    catalogues = set(data.subjects(RDF.type, DCATAPIT.Catalog))
    datasets = set(data.subjects(RDF.type, DCATAPIT.Dataset))
    distributions = set(data.subjects(RDF.type, DCATAPIT.Distribution))
    if not catalogues:
        lines.append("Violation: no node typed dcatapit:Catalog (empty or foreign document)")
    if not datasets:
        lines.append("Violation: no node typed dcatapit:Dataset")

    if lines or not conforms:
        print(f"\nDOES NOT CONFORM: {len(lines)} problem(s)")
        for line in lines:
            print(f"  {line}")
        return 1
    print(f"conforms: {len(catalogues)} catalogues, {len(datasets)} datasets, {len(distributions)} distributions")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
