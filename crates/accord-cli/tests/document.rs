//! The agreement document (issue 14): `accord document` on the cease-fire scenario (Markdown
//! with the clauses in order and their wording; a PDF with pages), and
//! `GET /api/negotiations/{id}/document` for every seat, carrying none of the parties'
//! confidential data, and 404 for outsiders.

use common::server::{call, call_with_headers, create, ok, seat_person, sign_up, start};
use serde_json::{json, Value};

mod common;

/// The cease-fire scenario's draft, in issue order, with each option's wording.
const CEASEFIRE_CLAUSES: [(&str, &str, &str); 6] = [
    ("hostages", "all", "All hostages are released."),
    (
        "ceasefire",
        "pause",
        "The parties pause the fighting for the duration of this agreement.",
    ),
    (
        "withdrawal",
        "full",
        "Israeli forces withdraw from the entire Gaza Strip.",
    ),
    (
        "withdrawal\\_language",
        "possibility",
        "The agreement offers the possibility of a complete Israeli withdrawal from Gaza.",
    ),
    (
        "rafah",
        "not\\_addressed",
        "The agreement does not address military operations in Rafah.",
    ),
    (
        "humanitarian",
        "current",
        "Humanitarian supplies continue under current arrangements.",
    ),
];

/// Where `needle` starts in `hay`, or a failure naming it.
fn at(hay: &str, needle: &str) -> usize {
    hay.find(needle)
        .unwrap_or_else(|| panic!("`{needle}` is not in:\n{hay}"))
}

/// Every stream of a PDF inflated (the ones that are not compressed, as they are).
fn streams(pdf: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = pdf;
    while let Some(start) = find(rest, b"stream") {
        let mut body = &rest[start + b"stream".len()..];
        if body.starts_with(b"\r\n") {
            body = &body[2..];
        } else if body.starts_with(b"\n") {
            body = &body[1..];
        }
        let Some(end) = find(body, b"endstream") else {
            break;
        };
        let raw = &body[..end];
        out.push(
            miniz_oxide::inflate::decompress_to_vec_zlib(raw).unwrap_or_else(|_| raw.to_vec()),
        );
        rest = &body[end + b"endstream".len()..];
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Pages a PDF declares (`/Type /Page` objects, not `/Pages`).
fn pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.matches("/Type /Page")
        .count()
        .saturating_sub(text.matches("/Type /Pages").count())
}

#[test]
fn markdown_of_the_ceasefire_draft_has_its_clauses_in_order_with_their_wording() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ceasefire.md");
    let (code, _, err) = common::accord_with(
        &[
            "document",
            "scenarios/ceasefire.toml",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(
        md.starts_with("# ceasefire\n\nDraft for discussion"),
        "{md}"
    );
    assert!(md.contains("- Parties: israel; hamas\n"), "{md}");
    assert!(
        md.contains("- Mediators: egypt; qatar; united\\_states\n"),
        "{md}"
    );
    let mut last = 0;
    for (i, (issue, value, wording)) in CEASEFIRE_CLAUSES.iter().enumerate() {
        let heading = at(
            &md,
            &format!("### {}. {issue}: {value}\n\n{wording}\n", i + 1),
        );
        assert!(heading > last, "clause {} out of order:\n{md}", i + 1);
        last = heading;
    }
    for seat in [
        "israel (party)",
        "hamas (party)",
        "egypt (mediator)",
        "qatar (mediator)",
        "united\\_states (mediator)",
    ] {
        assert!(at(&md, &format!("{seat}: signature ")) > last, "{md}");
    }
    // Nothing of the scenario's preferences: its red lines' sources quote the article.
    assert!(
        !md.contains("reservation") && !md.contains("weight"),
        "{md}"
    );
}

#[test]
fn another_draft_a_pdf_and_errors_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("d.md");
    let (code, _, err) = common::accord_with(
        &[
            "document",
            "scenarios/ceasefire.toml",
            "--draft",
            "hostages=some,ceasefire=permanent,withdrawal=none,withdrawal_language=guaranteed,rafah=no_offensive,humanitarian=expanded",
            "--out",
            md.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(
        text.contains("### 1. hostages: some\n\nA first group of hostages is released.\n"),
        "{text}"
    );
    assert!(text.contains("### 5. rafah: no\\_offensive\n"), "{text}");

    let pdf = dir.path().join("d.pdf");
    let (code, _, err) = common::accord_with(
        &[
            "document",
            "scenarios/ceasefire.toml",
            "--out",
            pdf.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(pages(&bytes) >= 1, "no page");
    assert!(
        String::from_utf8_lossy(&bytes).contains("FontFile2"),
        "the font is embedded"
    );

    let (code, _, err) = common::accord_with(
        &["document", "scenarios/ceasefire.toml", "--out", "x.txt"],
        &[],
    );
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: --out x.txt: the file name must end in .md (Markdown) or .pdf (PDF)\n"
    );
    let (code, _, err) = common::accord_with(
        &[
            "document",
            "scenarios/ceasefire.toml",
            "--draft",
            "hostages=many",
            "--out",
            md.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 1);
    assert!(err.starts_with("error: --draft: "), "{err}");
    assert!(
        err.contains("`many` is not a value of issue `hostages`"),
        "{err}"
    );
}

/// Preferences full of markers that no document may carry.
fn secret_preferences(tag: &str, reservation: f64) -> Value {
    json!({
        "reservation": reservation,
        "weights": {"hostages": 0.271828, "ceasefire": 0.3, "withdrawal": 0.2, "withdrawal_language": 0.1, "rafah": 0.05, "humanitarian": 0.05},
        "scores": {
            "hostages": {"none": 0.0, "some": 0.5, "all": 1.0},
            "ceasefire": {"pause": 0.777123, "permanent": 0.0},
            "withdrawal": {"none": 1.0, "partial": 0.5, "full": 0.0},
            "withdrawal_language": {"possibility": 1.0, "guaranteed": 0.0},
            "rafah": {"not_addressed": 1.0, "no_offensive": 0.0},
            "humanitarian": {"current": 1.0, "expanded": 0.0},
        },
        "red_lines": [{"rule": "hostages != none", "source": format!("SECRET-{tag}-REDLINE")}],
    })
}

#[test]
fn the_served_document_carries_no_confidential_data() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(&format!(
        "sqlite://{}",
        dir.path().join("document.db").display()
    ));
    let med = sign_up(&s, "med");
    let a = sign_up(&s, "party-a");
    let b = sign_up(&s, "party-b");
    let out = sign_up(&s, "outsider");
    let base = create(&s, &med, "ceasefire");
    seat_person(&s, &med, &base, "israel", &a);
    seat_person(&s, &med, &base, "hamas", &b);
    for (seat, token, tag, reservation, consent) in [
        ("israel", &a, "A", 0.413579, "private"),
        ("hamas", &b, "B", 0.587931, "aggregate"),
    ] {
        ok(
            call(
                &s,
                "PUT",
                &format!("{base}/seats/{seat}/preferences"),
                Some(token),
                Some(
                    json!({"preferences": secret_preferences(tag, reservation), "consent": consent}),
                ),
            ),
            200,
        );
    }
    // Before any draft: the scenario's draft, not circulated.
    let (status, before, _) =
        call_with_headers(&s, "GET", &format!("{base}/document"), Some(&a), None);
    assert_eq!(status, 200, "{before}");
    let before = before.as_str().unwrap().to_string();
    assert!(before.contains("not yet circulated"), "{before}");

    let draft = |base_version: i64, hostages: &str| {
        json!({"base_version": base_version, "respond_within_seconds": 600, "clauses": [
            {"issue": "hostages", "value": hostages}, {"issue": "ceasefire", "value": "pause"},
            {"issue": "withdrawal", "value": "partial"},
            {"issue": "withdrawal_language", "value": "possibility", "wording": "The parties note the “possibility” of l’évacuation complète."},
            {"issue": "rafah", "value": "not_addressed"}, {"issue": "humanitarian", "value": "expanded"}]})
    };
    ok(
        call(
            &s,
            "POST",
            &format!("{base}/drafts"),
            Some(&med),
            Some(draft(0, "some")),
        ),
        201,
    );
    for (token, verdict, comment) in [
        (&a, "reject", "SECRET-A-COMMENT"),
        (&b, "accept", "SECRET-B-COMMENT"),
    ] {
        ok(
            call(
                &s,
                "POST",
                &format!("{base}/drafts/1/responses"),
                Some(token),
                Some(json!({"verdict": verdict, "comment": comment})),
            ),
            201,
        );
    }
    ok(
        call(
            &s,
            "POST",
            &format!("{base}/drafts"),
            Some(&med),
            Some(draft(1, "all")),
        ),
        201,
    );
    for token in [&a, &b] {
        ok(
            call(
                &s,
                "POST",
                &format!("{base}/drafts/2/responses"),
                Some(token),
                Some(json!({"verdict": "accept", "comment": "SECRET-ACCEPT-COMMENT"})),
            ),
            201,
        );
    }
    let n = ok(call(&s, "GET", &base, Some(&med), None), 200);
    assert_eq!(n["status"], "agreed", "{n}");

    // The parties' data; in the Markdown also the words that would name it.
    let data = [
        "SECRET-",
        "0.413579",
        "0.587931",
        "0.271828",
        "0.777123",
        "hostages != none",
    ];
    let markers = [
        "SECRET-",
        "0.413579",
        "0.587931",
        "0.271828",
        "0.777123",
        "hostages != none",
        "private",
        "aggregate",
        "reservation",
        "weight",
        "utility",
        "consent",
    ];
    let mut agreed_md = None;
    for (who, token) in [("mediator", &med), ("party A", &a), ("party B", &b)] {
        let (status, md, headers) =
            call_with_headers(&s, "GET", &format!("{base}/document"), Some(token), None);
        assert_eq!(status, 200, "{who}: {md}");
        let md = md.as_str().unwrap().to_string();
        assert!(
            headers["content-type"].starts_with("text/markdown"),
            "{headers:?}"
        );
        assert_eq!(
            headers["content-disposition"], "attachment; filename=\"ceasefire-agreement.md\"",
            "{headers:?}"
        );
        assert_eq!(headers["cache-control"], "no-store");
        for m in markers {
            assert!(!md.contains(m), "{who}: `{m}` in the document:\n{md}");
        }
        // The same document for every seat.
        assert_eq!(agreed_md.get_or_insert_with(|| md.clone()), &md, "{who}");

        let (status, _, headers) = call_with_headers(
            &s,
            "GET",
            &format!("{base}/document?format=pdf"),
            Some(token),
            None,
        );
        assert_eq!(status, 200, "{who}");
        assert_eq!(headers["content-type"], "application/pdf");
        assert_eq!(
            headers["content-disposition"],
            "attachment; filename=\"ceasefire-agreement.pdf\""
        );
    }
    let md = agreed_md.unwrap();
    assert!(
        md.contains("Agreement: every party accepted draft 2"),
        "{md}"
    );
    assert!(
        md.contains("### 1. hostages: all\n\nAll hostages are released.\n"),
        "{md}"
    );
    assert!(
        md.contains("### 4. withdrawal\\_language: possibility\n\nThe parties note the “possibility” of l’évacuation complète.\n"),
        "{md}"
    );
    assert!(md.contains("| 1 | "), "{md}");
    // Each draft says which mediator circulated it (issue 14, several mediators).
    assert!(md.contains(" | rejected | egypt |\n| 2 | "), "{md}");
    assert!(md.contains(" | accepted | egypt |\n"), "{md}");
    assert!(md.contains("- Parties: israel; hamas\n"), "{md}");
    assert!(md.contains("israel (party): signature"), "{md}");
    assert!(md.contains("egypt (mediator): signature"), "{md}");

    // The PDF's bytes, and every stream in it inflated, hold none of the markers.
    let pdf = pdf_bytes(&s, &format!("{base}/document?format=pdf"), &a);
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pages(&pdf) >= 1);
    let mut all = vec![pdf.clone()];
    all.extend(streams(&pdf));
    for bytes in &all {
        for m in data {
            assert!(find(bytes, m.as_bytes()).is_none(), "`{m}` in the PDF");
        }
    }

    // An earlier draft, by version; a draft that does not exist; a wrong format.
    let (status, first) = call(
        &s,
        "GET",
        &format!("{base}/document?version=1"),
        Some(&b),
        None,
    );
    assert_eq!(status, 200);
    let first = first.as_str().unwrap();
    assert!(first.contains("Draft 1, for discussion"), "{first}");
    assert!(first.contains("### 1. hostages: some\n"), "{first}");
    let (status, body) = call(
        &s,
        "GET",
        &format!("{base}/document?version=9"),
        Some(&b),
        None,
    );
    assert_eq!(status, 404, "{body}");
    let (status, body) = call(
        &s,
        "GET",
        &format!("{base}/document?format=docx"),
        Some(&b),
        None,
    );
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["message"], "format: md or pdf, found `docx`");

    // The API document describes it, with its two query parameters.
    let openapi = ok(call(&s, "GET", "/openapi.json", None, None), 200);
    let params = &openapi["paths"]["/api/negotiations/{id}/document"]["get"]["parameters"];
    let names: Vec<&str> = params
        .as_array()
        .expect("parameters")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["id", "format", "version"], "{params}");

    // Outsiders learn nothing; nobody signed in is told to sign in.
    for path in [
        format!("{base}/document"),
        format!("{base}/document?format=pdf"),
        format!("{base}/document?version=1"),
    ] {
        let (status, body) = call(&s, "GET", &path, Some(&out), None);
        assert_eq!(status, 404, "{path}: {body}");
        let (status, _) = call(&s, "GET", &path, None, None);
        assert_eq!(status, 401, "{path}");
    }
}

/// A GET's body as bytes.
fn pdf_bytes(s: &common::server::Server, path: &str, token: &str) -> Vec<u8> {
    use std::io::Read;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let resp = agent
        .get(format!("{}{path}", s.base))
        .header("authorization", format!("Bearer {token}"))
        .call()
        .expect("request");
    assert_eq!(resp.status().as_u16(), 200);
    let mut bytes = Vec::new();
    resp.into_body()
        .into_reader()
        .read_to_end(&mut bytes)
        .unwrap();
    bytes
}
