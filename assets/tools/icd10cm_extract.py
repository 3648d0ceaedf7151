#!/usr/bin/env python3
"""Writes assets/icd10cm.tsv.gz, the ICD-10-CM code list that wardline ships.

Run once when a new ICD-10-CM release is adopted (never at run time):

    pip install simple-icd-10-cm==1.5.0
    python3 assets/tools/icd10cm_extract.py

The source is the CDC's ICD-10-CM tabular list (public domain), as carried by
the PyPI package `simple-icd-10-cm`. Every category and subcategory is
written, seven-character codes included, one per line:

    CODE<TAB>B<TAB>DESCRIPTION

with the code as printed (`E11.9`), B = 1 when the code is valid for
submission (billable: a leaf of the classification) and 0 for a heading
(`E11`). Chapters and blocks (`A00-A09`) are left out. The first line is a
`#` header naming the source and the release. The output is gzip with a
fixed timestamp and no file name, so that the same release gives the same
bytes.
"""

import gzip
import importlib.metadata
import io
import os
import sys
import warnings

PACKAGE = "simple-icd-10-cm"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "icd10cm.tsv.gz")


def release_name(cm) -> str:
    """The release the package carries, from its data file's name."""
    name = getattr(sys.modules.get("simple_icd_10_cm.simple_icd_10_cm"), "_all_codes_package_file_name", "")
    # e.g. code-list-April-2026.txt
    stem = name.rsplit(".", 1)[0]
    parts = stem.split("-")
    if len(parts) >= 2 and parts[-1].isdigit():
        return f"{parts[-2]} {parts[-1]}"
    return "unknown release"


def main() -> int:
    try:
        import simple_icd_10_cm as cm
    except ImportError:
        print(f"install the source first: pip install {PACKAGE}", file=sys.stderr)
        return 1
    warnings.simplefilter("ignore")
    version = importlib.metadata.version(PACKAGE)
    release = release_name(cm)
    lines = [
        f"# ICD-10-CM {release} release, US CDC National Center for Health Statistics "
        f"(public domain); extracted with {PACKAGE} {version}; code<TAB>billable<TAB>description"
    ]
    count = billable = 0
    seen = set()
    for code in cm.get_all_codes(True):
        if not (cm.is_category_or_subcategory(code) or cm.is_extended_subcategory(code)):
            continue
        # A block of one category (B20) is listed as the block and again as
        # the category: one line.
        if code in seen:
            continue
        seen.add(code)
        description = " ".join(cm.get_description(code).split())
        if "\t" in code or not description:
            print(f"unexpected entry {code!r}", file=sys.stderr)
            return 1
        leaf = cm.is_leaf(code)
        lines.append(f"{code}\t{1 if leaf else 0}\t{description}")
        count += 1
        billable += leaf
    data = ("\n".join(lines) + "\n").encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    with open(OUT, "wb") as f:
        f.write(buffer.getvalue())
    print(
        f"wrote {os.path.normpath(OUT)}: {count} codes ({billable} billable), "
        f"{len(data)} bytes of text, {len(buffer.getvalue())} compressed",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
