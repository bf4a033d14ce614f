//! The OpenAPI 3.1 document served at `/v1/openapi.json`.
//!
//! Written by hand (no code generator to build or trust); the test
//! `openapi_lists_exactly_the_routes` in tests/api_reads.rs checks that it
//! names exactly the routes of [`super::routes`], each of which answers.

use serde_json::{json, Map, Value};

fn problems(codes: &[u16]) -> Map<String, Value> {
    codes
        .iter()
        .map(|c| {
            (
                c.to_string(),
                json!({"description": "RFC 9457 problem; `type` is stable per kind of error",
                       "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}),
            )
        })
        .collect()
}

fn op(summary: &str, params: Value, ok: (&str, Value), errors: &[u16]) -> Value {
    let mut responses = problems(errors);
    responses.insert(ok.0.to_string(), ok.1);
    json!({"summary": summary, "parameters": params, "responses": responses})
}

fn json_ok(desc: &str, schema: &str) -> Value {
    json!({"description": desc, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
}

fn q(name: &str, desc: &str, ty: &str, required: bool) -> Value {
    json!({"name": name, "in": "query", "required": required, "description": desc, "schema": {"type": ty}})
}

fn p(name: &str, desc: &str, ty: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": desc, "schema": {"type": ty}})
}

fn paths() -> Value {
    let seq = p("seq", "sequence number", "integer");
    let append = {
        let mut o = op(
            "Append a signed statement; replies once it is durable",
            json!([]),
            ("201", json_ok("recorded: the receipt", "Receipt")),
            &[400, 401, 403, 409, 413, 415, 422, 503],
        );
        o["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SignedStatement"}}}});
        o["responses"]["200"] = json_ok("already recorded: the original receipt", "Receipt");
        o
    };
    let list = op(
        "List entries, filtered, with cursor pagination",
        json!([
            q("case", "case id", "string", false),
            q("kind", "entry kind", "string", false),
            q("subject", "subject", "string", false),
            q("signer", "signer public key (hex)", "string", false),
            q(
                "from",
                "recorded at or after (RFC 3339 or Unix ms)",
                "string",
                false
            ),
            q(
                "to",
                "recorded before (RFC 3339 or Unix ms)",
                "string",
                false
            ),
            q(
                "cursor",
                "next_cursor of the previous page",
                "string",
                false
            ),
            q("limit", "page size, 1-1000, default 100", "integer", false)
        ]),
        ("200", json_ok("a page", "EntriesPage")),
        &[400],
    );
    let text = |d: &str, ct: &str| json!({"description": d, "content": {ct: {"schema": {"type": "string"}}}});
    json!({
        "/v1/entries": {"post": append, "get": list},
        "/v1/entries/{seq}": {"get": op("One entry", json!([seq]), ("200", json_ok("the entry", "Entry")), &[400, 404])},
        "/v1/entries/{seq}/certification": {"get": op("Who certified the entry, with its inclusion proof",
            json!([seq]), ("200", json_ok("signers, their identities and standing", "Certification")), &[400, 404])},
        "/v1/checkpoint": {"get": op("The latest signed checkpoint (C2SP signed note)", json!([]),
            ("200", text("the note", "text/plain")), &[])},
        "/v1/ledger": {"get": op("Origin, verifier key and size", json!([]), ("200", json_ok("ledger", "LedgerInfo")), &[])},
        "/v1/proofs/inclusion": {"get": op("Inclusion proof of an entry in a tree size",
            json!([q("seq", "entry", "integer", true), q("size", "tree size (default: latest checkpoint)", "integer", false)]),
            ("200", json_ok("the proof", "InclusionProof")), &[400, 404])},
        "/v1/proofs/consistency": {"get": op("Consistency proof between two tree sizes",
            json!([q("from", "older size", "integer", true), q("to", "newer size (default: latest checkpoint)", "integer", false)]),
            ("200", json_ok("the proof", "ConsistencyProof")), &[400])},
        "/v1/keys": {"get": op("The signer registry", json!([]), ("200", json_ok("every key", "KeyList")), &[])},
        "/v1/keys/{id}": {"get": op("One key with its enrolment and revocation", json!([p("id", "public key, hex", "string")]),
            ("200", json_ok("the key", "Key")), &[400, 404])},
        "/v1/cases": {"get": op("Every case with its counts and open items", json!([]),
            ("200", json!({"description": "{\"cases\": [case summary]}", "content": {"application/json": {"schema": {"type": "object"}}}})), &[])},
        "/v1/cases/{id}": {"get": op("A case's dossier: entries in order, penalties and balances, recommendations and what carried them out, findings, anomalies, who certified each fact",
            json!([p("id", "case id", "string")]), ("200", json!({"description": "the dossier", "content": {"application/json": {"schema": {"type": "object"}}}})), &[404])},
        "/v1/verify": {"post": op("Start (or join) a full verification of the stored ledger", json!([]),
            ("202", json_ok("the job; poll its Location", "VerifyJob")), &[])},
        "/v1/verify/{id}": {"get": op("A verification job's progress and report", json!([p("id", "job id", "integer")]),
            ("200", json_ok("the job", "VerifyJob")), &[400, 404])},
        "/v1/export": {"get": op("The whole ledger as one stream for the offline verifier", json!([]),
            ("200", text("tiezheng-export-v1 stream (docs/format.md)", "application/octet-stream")), &[])},
        "/v1/openapi.json": {"get": op("This document", json!([]), ("200", json!({"description": "OpenAPI 3.1"})), &[])},
        "/healthz": {"get": op("Liveness: 200 while appends are accepted, 503 once halted", json!([]),
            ("200", json_ok("health", "Health")), &[503])},
        "/metrics": {"get": op("Prometheus metrics", json!([]), ("200", text("text format 0.0.4", "text/plain")), &[])},
    })
}

fn schemas() -> Value {
    let hex = |d: &str| json!({"type": "string", "pattern": "^[0-9a-f]+$", "description": d});
    let hashes = json!({"type": "array", "items": {"type": "string", "pattern": "^[0-9a-f]{64}$"}});
    json!({
        "Problem": {"type": "object", "required": ["type", "title", "status", "detail"], "properties": {
            "type": {"type": "string", "description": "urn:tiezheng:problem:<slug>"},
            "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"},
            "field": {"type": "string", "description": "the offending request field"}}},
        "Statement": {"type": "object", "additionalProperties": false,
            "required": ["kind", "case", "subject", "event_date", "signed_at_ms", "payload"], "properties": {
            "kind": {"type": "string"}, "case": {"type": "string"}, "subject": {"type": "string"},
            "event_date": {"type": "string", "format": "date"}, "refs": hashes,
            "signed_at_ms": {"type": "integer"}, "payload": {"type": "object"}}},
        "Signature": {"type": "object", "required": ["public_key", "signature"], "properties": {
            "public_key": hex("Ed25519 public key"), "signature": hex("Ed25519 signature")}},
        "SignedStatement": {"type": "object", "additionalProperties": false, "required": ["statement", "signatures"],
            "properties": {"statement": {"$ref": "#/components/schemas/Statement"},
                "signatures": {"type": "array", "items": {"$ref": "#/components/schemas/Signature"}}}},
        "Receipt": {"type": "object", "properties": {
            "seq": {"type": "integer"}, "leaf_hash": hex("leaf hash"), "body_hash": hex("body hash"),
            "recorded_at_ms": {"type": "integer"}, "recorded_at": {"type": "string", "format": "date-time"},
            "checkpoint": {"type": "string", "description": "signed note including the entry"},
            "tree_size": {"type": "integer"}, "inclusion_proof": hashes, "duplicate": {"type": "boolean"}}},
        "Entry": {"type": "object", "properties": {
            "seq": {"type": "integer"}, "leaf_hash": hex("leaf hash"), "prev": hex("previous leaf hash"),
            "body_hash": hex("body hash"), "recorded_at_ms": {"type": "integer"}, "recorded_at": {"type": "string"},
            "signatures": {"type": "array", "items": {"$ref": "#/components/schemas/Signature"}},
            "statement": {"oneOf": [{"$ref": "#/components/schemas/Statement"}, {"type": "null"}]}}},
        "EntriesPage": {"type": "object", "properties": {
            "entries": {"type": "array", "items": {"$ref": "#/components/schemas/Entry"}},
            "next_cursor": {"type": ["string", "null"]}}},
        "Certification": {"type": "object", "properties": {
            "seq": {"type": "integer"}, "kind": {"type": ["string", "null"]}, "case": {"type": ["string", "null"]},
            "leaf_hash": hex("leaf hash"), "body_hash": hex("body hash"), "recorded_at": {"type": "string"},
            "signers": {"type": "array", "items": {"type": "object"}}, "checkpoint": {"type": "string"},
            "tree_size": {"type": "integer"}, "inclusion_proof": hashes}},
        "InclusionProof": {"type": "object", "properties": {"seq": {"type": "integer"}, "tree_size": {"type": "integer"},
            "leaf_hash": hex("leaf hash"), "root": hex("root"), "proof": hashes}},
        "ConsistencyProof": {"type": "object", "properties": {"from": {"type": "integer"}, "to": {"type": "integer"},
            "from_root": hex("root"), "to_root": hex("root"), "proof": hashes}},
        "Key": {"type": "object", "properties": {"public_key": hex("key"), "identity": {"type": "object"},
            "root": {"type": "boolean"}, "kinds": {"type": "array", "items": {"type": "string"}},
            "may_enrol": {"type": "boolean"}, "valid_from_ms": {"type": "integer"},
            "valid_until_ms": {"type": ["integer", "null"]}, "enrolled_seq": {"type": "integer"},
            "enrolled_by": {"type": "array", "items": {"type": "string"}}, "revoked": {"type": ["object", "null"]},
            "active": {"type": "boolean"}}},
        "KeyList": {"type": "object", "properties": {"keys": {"type": "array", "items": {"$ref": "#/components/schemas/Key"}}}},
        "VerifyJob": {"type": "object", "properties": {"id": {"type": "integer"},
            "status": {"enum": ["running", "done"]}, "started_at": {"type": "string"},
            "done": {"type": "integer"}, "total": {"type": "integer"}, "report": {"type": ["object", "null"]}}},
        "LedgerInfo": {"type": "object", "properties": {"origin": {"type": "string"},
            "verifier_key": {"type": "string"}, "size": {"type": "integer"}, "halted": {"type": "boolean"}}},
        "Health": {"type": "object", "properties": {"status": {"enum": ["ok", "halted"]}, "entries": {"type": "integer"}}},
    })
}

/// The document.
pub fn document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Tiezheng (铁证) ledger API", "version": env!("CARGO_PKG_VERSION"),
            "description": "An immutable, signed, hash-chained audit ledger. Errors are RFC 9457 problem documents."},
        "paths": paths(),
        "components": {"schemas": schemas()},
    })
}
