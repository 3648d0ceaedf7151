"""Validates FHIR R4 (4.0.1) Bundles with the fhir.resources package.

Usage: python3 tests/fhir/validate.py BUNDLE.json [...]
Exit 0: every bundle is valid. Exit 1: a bundle is not (the errors are
printed). Exit 3: fhir.resources is missing, or is not the R4 release
(what to install is printed).

fhir.resources 6.4.0 is the last release whose models are R4 (4.0.1); it is
written for pydantic 1. Under pydantic 2 it runs on the pydantic 1 API that
pydantic 2 ships as pydantic.v1.
"""

import importlib
import json
import pkgutil
import sys

REQUIRED = "fhir.resources==6.4.0"


def load_fhir():
    try:
        import fhir.resources as fr
        return fr
    except ImportError as first:
        try:
            import pydantic.v1 as v1
        except ImportError:
            raise first
    for m in pkgutil.iter_modules(v1.__path__):
        try:
            sys.modules["pydantic." + m.name] = importlib.import_module("pydantic.v1." + m.name)
        except ImportError:
            pass  # optional plugins (hypothesis, mypy)
    sys.modules["pydantic"] = v1
    for k in [k for k in sys.modules if k == "fhir" or k.startswith("fhir.")]:
        del sys.modules[k]
    import fhir.resources as fr
    return fr


def main(paths):
    try:
        fr = load_fhir()
    except ImportError as e:
        print(f"missing: the fhir.resources package ({e}); install it with: pip install {REQUIRED}")
        return 3
    if getattr(fr, "__fhir_version__", "") != "4.0.1":
        print(
            f"fhir.resources {getattr(fr, '__version__', '?')} carries FHIR "
            f"{getattr(fr, '__fhir_version__', '?')}, not R4 4.0.1: install it with: pip install {REQUIRED}"
        )
        return 3
    from fhir.resources.bundle import Bundle

    failed = False
    for path in paths:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        try:
            bundle = Bundle.parse_obj(data)
        except Exception as e:  # pydantic's ValidationError names every wrong field
            print(f"{path}: not a valid FHIR R4 Bundle:\n{e}")
            failed = True
            continue
        urls = [e.fullUrl for e in bundle.entry or []]
        if len(urls) != len(set(urls)):
            print(f"{path}: two entries share a fullUrl")
            failed = True
        kinds = {}
        for e in bundle.entry or []:
            kinds[e.resource.resource_type] = kinds.get(e.resource.resource_type, 0) + 1
        print(f"{path}: valid FHIR {fr.__fhir_version__} Bundle: {dict(sorted(kinds.items()))}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
