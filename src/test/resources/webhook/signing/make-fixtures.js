#!/usr/bin/env node
// Regenerates compact-json.jsonl, the fixtures of CompactJsonFixtureTest:
//   node src/test/resources/webhook/signing/make-fixtures.js
// Each line is {"name", "input", "expected"}: "expected" is JSON.stringify(value), and "input"
// describes the same value without relying on any JSON string escaping, so the Java test rebuilds
// it exactly: null/true/false as themselves, integers as {"int": "<decimal>"}, strings as
// {"str": [UTF-16 code units]}, arrays as {"arr": [...]}, objects as {"obj": [[[key code units], value], ...]}
// in property order. Only this script needs node; the test reads the committed file.
'use strict';

const fs = require('fs');
const path = require('path');

const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i)).join('');

const cases = [
  ['control characters U+0000..U+001F', range(0x00, 0x1f)],
  ['DEL and C1 controls stay raw', '\x7f\x80\x85\x9f'],
  ['all printable ASCII', range(0x20, 0x7e)],
  ['quotes and backslashes', 'say "hi" \\ "\\"" \\\\ end\\'],
  ['escape-looking text is not an escape', '\\u0041 \\n \\t \\"'],
  ['slash and HTML-sensitive characters', '</script><b>&amp;</b> \'a/b\' http://x/y'],
  ['line and paragraph separators', 'a\u2028b\u2029c'],
  ['emoji surrogate pairs and ZWJ sequences', '\u{1F600} \u{1F469}\u200d\u2695\ufe0f \u{1F1FA}\u{1F1F8} \u{1F44D}\u{1F3FD}'],
  ['CJK and Hangul', '電話の患者 処方箋 한국어 \u{20BB7}'],
  ['Arabic and Hebrew with direction marks', 'مرحبا بالعالم \u200fשלום\u200e'],
  ['combining marks', 'e\u0301 n\u0303 A\u030a \u0915\u094d\u0937 Z\u0351\u0334\u0362'],
  ['BOM, zero-width and noncharacters', '\ufeff\u200b\u200c\u200d\ufffe\uffff\ufffd'],
  ['lone high surrogate', 'a\ud800b'],
  ['lone low surrogate', 'a\udfffb'],
  ['high surrogate at end', 'x\ud83d'],
  ['low surrogate at start', '\ude00x'],
  ['reversed surrogate pair', '\ude00\ud83d'],
  ['lone surrogates around a pair', '\udc00\ud83d\ude00\ud800'],
  ['two high surrogates then a low', '\ud83d\ud83d\ude00'],
  ['empty string', ''],
  ['empty object', {}],
  ['empty array', []],
  ['nested empty containers', { a: {}, b: [], c: [[], [{}], [[[]]]] }],
  ['deep nesting', { a: [{ b: [{ c: [1, [2, [3, { d: null }]]] }] }] }],
  ['integers up to the safe range', [0, 1, -1, 42, 2147483647, -2147483648, 2147483648, 4294967296,
    1e15, 9007199254740991, -9007199254740991]],
  ['booleans and null', [true, false, null]],
  ['mixed array', [1, 'two', true, null, { three: 3 }, [4]]],
  ['insertion order of keys', { z: 1, a: 2, m: 3, A: 4, _: 5 }],
  ['unicode and special keys', { 'ключ': 1, '鍵': 2, '\u{1F600}': 3, '': 4, 'a\u0000b': 5, '"q"': 6,
    'back\\slash': 7, '\u2028': 8, '\ud800': 9 }],
  ['numeric-looking keys that keep their place', { b: 1, '01': 2, '-1': 3, '4294967295': 4, '1.5': 5,
    ' 1': 6, '1e3': 7, '-0': 8, '+1': 9, '00': 10, a: 11 }],
  ['top-level string', 'just a string'],
  ['top-level integer', -123456789],
  ['top-level true', true],
  ['top-level null', null],
  ['webhook event envelope', {
    id: 'evt_7f3a9c2b1d4e4f6a8b0c2d4e6f8a0b1c',
    access_token_reference_id: 'clinic-42',
    object: 'event',
    created: '2026-11-24T10:15:30.123Z',
    type: 'telephone_encounter.failed',
    job_id: '1042',
    data: {
      telephone_encounter_id: 'b2f1c0d9e8a74c6b9a1f0e2d3c4b5a69',
      patient_mrn: 'MRN-0042',
      failure_reason: 'Medication "Amoxicillin 500 mg" matched 2 medications; Pharmacy not added',
      reasons: [
        { code: 'medication_ambiguous', description: 'Medication "Amoxicillin 500 mg" matched 2 medications' },
        { code: 'pharmacy_not_added', description: 'Pharmacy not added' },
      ],
      available_medications: ['Amoxicillin 500 mg capsule', 'Amoxicillin 500 mg tablet', 'Zoë\'s café\u2028note'],
    },
  }],
];

const isArrayIndex = (key) => /^(0|[1-9][0-9]*)$/.test(key) && Number(key) <= 4294967294;
const units = (s) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));

function describe(value) {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`not a safe integer: ${value}`);
    return { int: String(value) };
  }
  if (typeof value === 'string') return { str: units(value) };
  if (Array.isArray(value)) return { arr: value.map(describe) };
  return {
    obj: Object.keys(value).map((key) => {
      if (isArrayIndex(key)) throw new Error(`array-index key ${key} would be reordered`);
      return [units(key), describe(value[key])];
    }),
  };
}

const lines = cases.map(([name, value]) => {
  const expected = JSON.stringify(value);
  if (JSON.stringify(JSON.parse(expected)) !== expected) throw new Error(`does not round-trip: ${name}`);
  return JSON.stringify({ name, input: describe(value), expected });
});

fs.writeFileSync(path.join(__dirname, 'compact-json.jsonl'), lines.join('\n') + '\n');
