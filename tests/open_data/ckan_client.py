#!/usr/bin/env python3
"""Reads a CKAN action API the way a CKAN client does, with ckanapi (POST with a JSON body,
as ckanapi sends), and prints what it got as one JSON object for the test to check.

    python3 tests/open_data/ckan_client.py BASE_URL

Exits 0 when every call answered, 1 when one failed (the error is printed), 2 on usage.
"""
import json
import sys

try:
    from ckanapi import RemoteCKAN
    from ckanapi.errors import CKANAPIError, NotFound, ValidationError
except ImportError as e:  # pragma: no cover
    print(f"error: {e} (python3 -m pip install ckanapi)", file=sys.stderr)
    sys.exit(2)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    ckan = RemoteCKAN(sys.argv[1], user_agent="crocevia-test-harvester/1.0")
    out = {}
    try:
        out["status"] = ckan.action.status_show()
        out["package_list"] = ckan.action.package_list()
        out["organization_list"] = ckan.action.organization_list(all_fields=True)
        # The CKAN harvester's gather stage: everything modified since a date, a page at a time.
        pages, start = [], 0
        while True:
            page = ckan.action.package_search(
                fq="metadata_modified:[2000-01-01T00:00:00Z TO NOW]", rows=5, start=start
            )
            pages.append([p["name"] for p in page["results"]])
            out["search_count"] = page["count"]
            start += 5
            if start >= page["count"]:
                break
        out["search_pages"] = pages
        out["package_show"] = ckan.action.package_show(id=out["package_list"][0])
        out["with_resources"] = ckan.action.current_package_list_with_resources(limit=3)
        out["text_search"] = [p["name"] for p in ckan.action.package_search(q="startup", rows=100)["results"]]
    except CKANAPIError as e:
        print(f"a call failed: {e!r}", file=sys.stderr)
        return 1
    try:
        ckan.action.package_show(id="no_such_dataset")
        out["missing"] = "answered"
    except NotFound:
        out["missing"] = "NotFound"
    try:
        ckan.action.package_search(rows="many")
        out["bad_rows"] = "answered"
    except ValidationError as e:
        out["bad_rows"] = e.error_dict
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
