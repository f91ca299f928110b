#!/usr/bin/env node
// test/conformance/export.mjs: step one of celgate's CEL conformance pipeline.
//
//   npm @bufbuild/cel-spec (pinned in package-lock.json, installed by `make deps`)
//     -> this script -> <outdir>/<file>.json + <outdir>/index.json
//     -> conformance_runner.cc (C++, reads the JSON with json::Parse)
//
// cel-spec's "simple" tests are protobuf messages (cel.expr.conformance.test.SimpleTest*).
// The npm package ships them already decoded into protobuf-es messages
// (`getConformanceSuite()`), together with a registry of every message type they use. We turn
// them into plain JSON so that the C++ runner needs neither a protobuf runtime nor a
// text-format parser. The encoding (encoding version 1) is documented in
// /work/shared/cel-conformance/README.md; the files written here are meant to match the
// shared reference export byte for byte.
//
// Usage:  node test/conformance/export.mjs OUTDIR
// The build runs this into ${CMAKE_BINARY_DIR}/conformance-json. Output is deterministic.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { toJson } from "@bufbuild/protobuf";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { DeclSchema, TypeSchema } from "@bufbuild/cel-spec/cel/expr/checked_pb.js";
import { getTestRegistry } from "@bufbuild/cel-spec/testdata/registry.js";
import { getConformanceSuite } from "@bufbuild/cel-spec/testdata/tests.js";

const kEncoding = 1;
const scriptDir = dirname(fileURLToPath(import.meta.url));
const registry = getTestRegistry();

// ---- Scalars ----------------------------------------------------------------------------------

// JSON numbers cannot carry NaN, infinities or the sign of zero: those become strings.
function doubleOut(d) {
  if (Number.isNaN(d)) return "NaN";
  if (d === Number.POSITIVE_INFINITY) return "Infinity";
  if (d === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (d === 0 && 1 / d < 0) return "-0";
  return d;
}

const base64 = (bytes) => Buffer.from(bytes).toString("base64");

// Nanoseconds as proto3 JSON prints them: no fraction, or 3, 6 or 9 digits.
function fraction(nanos) {
  if (nanos === 0) return "";
  let digits = String(nanos).padStart(9, "0");
  while (digits.length > 3 && digits.endsWith("000")) digits = digits.slice(0, -3);
  return "." + digits;
}

function durationOut(seconds, nanos) {
  const secs = BigInt(seconds);
  const ns = Number(nanos);
  const negative = secs < 0n || ns < 0;
  const absSecs = secs < 0n ? -secs : secs;
  return `${negative ? "-" : ""}${absSecs}${fraction(Math.abs(ns))}s`;
}

// Proleptic Gregorian calendar from days since 1970-01-01 (Howard Hinnant's algorithm).
function civilFromDays(days) {
  const z = days + 719468n;
  const era = (z >= 0n ? z : z - 146096n) / 146097n;
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const day = doy - (153n * mp + 2n) / 5n + 1n;
  const month = mp < 10n ? mp + 3n : mp - 9n;
  const year = yoe + era * 400n + (month <= 2n ? 1n : 0n);
  return [year, month, day];
}

function timestampOut(seconds, nanos) {
  const secs = BigInt(seconds);
  const floorDiv = (a, b) => (a >= 0n ? a / b : -((-a + b - 1n) / b));
  const days = floorDiv(secs, 86400n);
  const rest = secs - days * 86400n;
  const [y, mo, d] = civilFromDays(days);
  const two = (n) => String(n).padStart(2, "0");
  const date = `${String(y).padStart(4, "0")}-${two(mo)}-${two(d)}`;
  const time = `${two(rest / 3600n)}:${two((rest / 60n) % 60n)}:${two(rest % 60n)}`;
  return `${date}T${time}${fraction(Number(nanos))}Z`;
}

// ---- Values -------------------------------------------------------------------------------
// Every encoder takes `needs`, a Set of capability tags the test turns out to require.

// Protobuf wrapper types become the CEL primitive they wrap.
const kWrapperEncoders = new Map([
  ["google.protobuf.BoolValue", (m) => ({ bool: m.value })],
  ["google.protobuf.Int32Value", (m) => ({ int: String(m.value) })],
  ["google.protobuf.Int64Value", (m) => ({ int: String(m.value) })],
  ["google.protobuf.UInt32Value", (m) => ({ uint: String(m.value) })],
  ["google.protobuf.UInt64Value", (m) => ({ uint: String(m.value) })],
  ["google.protobuf.FloatValue", (m) => ({ double: doubleOut(m.value) })],
  ["google.protobuf.DoubleValue", (m) => ({ double: doubleOut(m.value) })],
  ["google.protobuf.StringValue", (m) => ({ string: m.value })],
  ["google.protobuf.BytesValue", (m) => ({ bytes: base64(m.value) })],
]);

// google.protobuf.Value / Struct / ListValue: JSON as CEL sees it (numbers are doubles).
function protoJsonValue(v, needs) {
  const kind = v.kind;
  if (kind.case === undefined || kind.case === "nullValue") return { null: null };
  if (kind.case === "boolValue") return { bool: kind.value };
  if (kind.case === "numberValue") return { double: doubleOut(kind.value) };
  if (kind.case === "stringValue") return { string: kind.value };
  if (kind.case === "listValue") return protoListValue(kind.value, needs);
  if (kind.case === "structValue") return protoStruct(kind.value, needs);
  throw new Error(`google.protobuf.Value: unexpected kind ${kind.case}`);
}
const protoListValue = (l, needs) => ({ list: l.values.map((e) => protoJsonValue(e, needs)) });
const protoStruct = (s, needs) => ({
  map: Object.entries(s.fields).map(([k, v]) => [{ string: k }, protoJsonValue(v, needs)]),
});

// A google.protobuf.Any holding a message.
function anyValue(any, needs) {
  const msg = anyUnpack(any, registry);
  if (msg === undefined) {
    needs.add("proto");
    return { object: { type: any.typeUrl.slice(any.typeUrl.lastIndexOf("/") + 1), json: null } };
  }
  return messageValue(msg, needs);
}

function messageValue(msg, needs) {
  const typeName = msg.$typeName;
  const wrapper = kWrapperEncoders.get(typeName);
  if (wrapper) return wrapper(msg);
  switch (typeName) {
    case "google.protobuf.Duration":
      return { duration: durationOut(msg.seconds, msg.nanos) };
    case "google.protobuf.Timestamp":
      return { timestamp: timestampOut(msg.seconds, msg.nanos) };
    case "google.protobuf.Value":
      return protoJsonValue(msg, needs);
    case "google.protobuf.ListValue":
      return protoListValue(msg, needs);
    case "google.protobuf.Struct":
      return protoStruct(msg, needs);
    case "google.protobuf.Any":
      return anyValue(msg, needs);
    default: {
      needs.add("proto");
      const schema = registry.getMessage(typeName);
      const json = schema === undefined ? null : toJson(schema, msg, { registry });
      return { object: { type: typeName, json } };
    }
  }
}

// cel.expr.Value -> encoded value.
function celValue(v, needs) {
  const { case: kind, value } = v.kind;
  switch (kind) {
    case "nullValue":
      return { null: null };
    case "boolValue":
      return { bool: value };
    case "int64Value":
      return { int: value.toString() };
    case "uint64Value":
      return { uint: value.toString() };
    case "doubleValue":
      return { double: doubleOut(value) };
    case "stringValue":
      return { string: value };
    case "bytesValue":
      return { bytes: base64(value) };
    case "listValue":
      return { list: value.values.map((e) => celValue(e, needs)) };
    case "mapValue":
      return { map: value.entries.map((e) => [celValue(e.key, needs), celValue(e.value, needs)]) };
    case "typeValue":
      return { type: value };
    case "enumValue":
      needs.add("proto");
      return { enum: { type: value.type, value: value.value } };
    case "objectValue":
      return anyValue(value, needs);
    default:
      throw new Error(`cel.expr.Value: unexpected kind ${kind}`);
  }
}

// cel.expr.ExprValue (a binding): a value, an error or an unknown set.
function bindingValue(ev, needs) {
  const { case: kind, value } = ev.kind;
  if (kind === "value") return celValue(value, needs);
  if (kind === "error") {
    needs.add("error-bindings");
    return { error: value.errors.map((s) => s.message).join("; ") };
  }
  if (kind === "unknown") {
    needs.add("unknowns");
    return { unknown: value.exprs.map(String) };
  }
  throw new Error(`cel.expr.ExprValue: unexpected kind ${kind}`);
}

// ---- Deciding which tests need protobuf support ------------------------------------------

// Messages CEL maps onto its own types; declaring a variable of these needs no message types.
const kCelNativeMessages = new Set([
  "google.protobuf.Any",
  "google.protobuf.Duration",
  "google.protobuf.Timestamp",
  "google.protobuf.Value",
  "google.protobuf.ListValue",
  "google.protobuf.Struct",
  ...kWrapperEncoders.keys(),
]);

// True when a cel.expr.Type mentions a message type CEL cannot represent natively.
function typeUsesMessages(t) {
  if (t === undefined) return false;
  const { case: kind, value } = t.typeKind;
  if (kind === "messageType") return !kCelNativeMessages.has(value);
  if (kind === "listType") return typeUsesMessages(value.elemType);
  if (kind === "mapType") {
    return typeUsesMessages(value.keyType) || typeUsesMessages(value.valueType);
  }
  if (kind === "abstractType") return value.parameterTypes.some(typeUsesMessages);
  if (kind === "type") return typeUsesMessages(value);
  return false;
}

// Expressions that need a message registry: the conformance message and enum names, the
// proto packages, and anything shaped like a message literal `Name{` / `a.b.Name {` (but not
// the operator `in {`, and not a map literal after an operator or bracket).
const kProtoExpressionHints = [
  /\b(?:TestAllTypes|NestedTestAllTypes|TestRequired|NestedMessage|GlobalEnum|NestedEnum)\b/,
  /\bcel\.expr\.conformance\b/,
  /\bgoogle\.protobuf\./,
  /(?:^|[^\w.'"])(?!in\b)[A-Za-z_][\w.]*\s*\{/,
];

const needsProtoContainer = (container) => /proto|google\.protobuf/.test(container);

// ---- Tests, sections, files ------------------------------------------------------------------

function encodeTest(incremental) {
  const t = incremental.original;
  const needs = new Set();
  const out = { name: t.name || incremental.name };
  if (t.description) out.description = t.description;
  out.expr = t.expr;
  if (t.container) out.container = t.container;
  if (t.locale) out.locale = t.locale;
  if (t.disableMacros) out.disableMacros = true;
  if (t.disableCheck) out.disableCheck = true;
  if (t.checkOnly) out.checkOnly = true;

  if (t.typeEnv.length > 0) {
    out.typeEnv = t.typeEnv.map((decl) => toJson(DeclSchema, decl, { registry }));
    const usesMessages = (decl) =>
      decl.declKind.case === "ident" && typeUsesMessages(decl.declKind.value.type);
    if (t.typeEnv.some(usesMessages)) needs.add("proto");
  }

  const names = Object.keys(t.bindings).sort();
  if (names.length > 0) {
    out.bindings = Object.fromEntries(names.map((n) => [n, bindingValue(t.bindings[n], needs)]));
  }

  out.expect = encodeExpectation(t.resultMatcher, needs);

  if (t.container && needsProtoContainer(t.container)) needs.add("proto");
  if (kProtoExpressionHints.some((re) => re.test(t.expr))) needs.add("proto");
  if (t.checkOnly) needs.add("check-only");
  if (needs.size > 0) out.requires = [...needs].sort();
  return out;
}

function encodeExpectation(matcher, needs) {
  const { case: kind, value } = matcher;
  const messages = (errorSet) => errorSet.errors.map((s) => s.message);
  switch (kind) {
    case undefined:  // cel-spec's default matcher: the result is true
      return { value: { bool: true } };
    case "value":
      return { value: celValue(value, needs) };
    case "typedResult": {
      const expect = {};
      if (value.result) expect.value = celValue(value.result, needs);
      if (value.deducedType) {
        expect.deducedType = toJson(TypeSchema, value.deducedType, { registry });
        if (typeUsesMessages(value.deducedType)) needs.add("proto");
      }
      return expect;
    }
    case "evalError":
      return { error: messages(value) };
    case "anyEvalErrors":
      return { anyError: value.errors.map(messages) };
    case "unknown":
      needs.add("unknowns");
      return { unknown: value.exprs.map(String) };
    case "anyUnknowns":
      needs.add("unknowns");
      return { anyUnknown: value.unknowns.map((u) => u.exprs.map(String)) };
    default:
      throw new Error(`unexpected result matcher ${kind}`);
  }
}

// cel-spec nests file -> section -> test; deeper groups are flattened into "outer/inner".
function* sectionsOf(group, path) {
  if (group.tests.length > 0) yield { name: path, tests: group.tests };
  for (const child of group.suites) yield* sectionsOf(child, `${path}/${child.name}`);
}

function encodeFile(fileSuite, source) {
  const sections = [];
  // Tests directly under a file (none in this cel-spec version) go to a section named "".
  if (fileSuite.tests.length > 0) sections.push({ name: "", tests: fileSuite.tests });
  for (const child of fileSuite.suites) sections.push(...sectionsOf(child, child.name));
  return {
    encoding: kEncoding,
    source,
    file: fileSuite.name,
    sections: sections.map((s) => ({ name: s.name, tests: s.tests.map(encodeTest) })),
  };
}

function main() {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error("usage: node export.mjs OUTDIR");
    process.exit(2);
  }
  const specPackage = JSON.parse(
    readFileSync(join(scriptDir, "node_modules/@bufbuild/cel-spec/package.json"), "utf8"),
  );
  const source =
    `cel-spec conformance tests via npm ${specPackage.name}@${specPackage.version}`;
  const files = getConformanceSuite().suites.map((f) => encodeFile(f, source));

  mkdirSync(outDir, { recursive: true });
  const write = (name, obj) =>
    writeFileSync(join(outDir, name), `${JSON.stringify(obj, null, 1)}\n`);
  const totals = {};
  const countTags = (tests, into) => {
    for (const t of tests) for (const tag of t.requires ?? []) into[tag] = (into[tag] ?? 0) + 1;
  };
  const index = { encoding: kEncoding, source, files: [] };
  let testCount = 0;
  for (const f of files) {
    write(`${f.file}.json`, f);
    const tests = f.sections.flatMap((s) => s.tests);
    const requires = {};
    countTags(tests, requires);
    countTags(tests, totals);
    testCount += tests.length;
    index.files.push({
      file: `${f.file}.json`,
      tests: tests.length,
      requires,
      sections: f.sections.map((s) => ({ name: s.name, tests: s.tests.length })),
    });
  }
  index.total_tests = testCount;
  index.requires = totals;
  write("index.json", index);
  console.log(`conformance export: ${testCount} tests in ${files.length} files -> ${outDir}`);
}

main();
