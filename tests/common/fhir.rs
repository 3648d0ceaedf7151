//! The FHIR tests' validator: tests/fhir/validate.py, which checks bundles
//! with the `fhir.resources` package (the R4 release).

use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// The fhir.resources release whose models are FHIR R4 (4.0.1).
pub const VALIDATOR: &str = "fhir.resources==6.4.0";

/// Runs tests/fhir/validate.py on the files; skipped (with what to install)
/// when python3 or fhir.resources is missing, unless CI=true.
pub fn validate(files: &[&Path]) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fhir/validate.py");
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let out = match Command::new("python3").arg(&script).args(files).output() {
        Ok(o) => o,
        Err(e) => {
            let msg = format!(
                "python3 is not available ({e}): install Python 3, then pip install {VALIDATOR}"
            );
            assert!(!ci, "{msg}");
            eprintln!("SKIPPED the FHIR validation: {msg}");
            return;
        }
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.code() == Some(3) {
        assert!(!ci, "the FHIR validator is missing under CI: {text}");
        eprintln!("SKIPPED the FHIR validation: {text}");
        return;
    }
    assert!(
        out.status.success(),
        "the FHIR validator refused the export:\n{text}"
    );
    assert!(text.contains("valid FHIR 4.0.1 Bundle"), "{text}");
}

/// Every `reference` string anywhere in `v`, in document order.
pub fn references(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("reference", Value::String(s)) => out.push(s.clone()),
                    _ => references(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| references(x, out)),
        _ => {}
    }
}
