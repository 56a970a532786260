// Runs @cloud-copilot/iam-simulate on the cases of a JSON-lines file and writes one
// JSON line per case with its decision, then a last line with the time the simulations
// took. Usage: node oracle.mjs CASES OUT (with NODE_PATH naming the node_modules
// directory that holds the package).
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(path.join(process.env.NODE_PATH || '.', 'x.js'));
const { runSimulation, anonymousPrincipal } = require('@cloud-copilot/iam-simulate');

const multiValued = new Set(['aws:principalservicenameslist', 'aws:tagkeys']);

function simulation(c) {
  const contextVariables = {};
  for (const [k, v] of Object.entries(c.context || {})) {
    contextVariables[k] = multiValued.has(k.toLowerCase()) || v.length !== 1 ? v : v[0];
  }
  const sim = {
    request: {
      principal: c.principal ? c.principal : anonymousPrincipal,
      action: c.action,
      resource: { resource: c.resource, accountId: c.resourceAccount },
      contextVariables,
    },
    identityPolicies: (c.identityPolicies || []).map((policy, i) => ({
      name: `identity[${i}]`, policy })),
    serviceControlPolicies: (c.scps || []).map((policy, i) => ({
      orgIdentifier: `level-${i}`, policies: [{ name: `scp[${i}]`, policy }] })),
    resourceControlPolicies: (c.rcps || []).map((policy, i) => ({
      orgIdentifier: `level-${i}`, policies: [{ name: `rcp[${i}]`, policy }] })),
  };
  if (c.resourcePolicy) sim.resourcePolicy = c.resourcePolicy;
  if (c.permissionsBoundary) {
    sim.permissionBoundaryPolicies = [{ name: 'permissionsBoundary',
      policy: c.permissionsBoundary }];
  }
  if (c.sessionPolicy) sim.sessionPolicy = c.sessionPolicy;
  return sim;
}

async function decide(c) {
  try {
    const r = await runSimulation(simulation(c), { simulationMode: 'Strict' });
    if (r.resultType === 'error') {
      return { id: c.id, error: JSON.stringify(r.errors) };
    }
    const out = { id: c.id, result: r.overallResult };
    const ignored = r.result?.ignoredContextKeys;
    if (ignored && ignored.length) out.ignored = ignored;
    return out;
  } catch (e) {
    return { id: c.id, error: String(e && e.message || e) };
  }
}

const [casesFile, outFile] = process.argv.slice(2);
const cases = readFileSync(casesFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

// Warm up: the package loads its data files on first use.
for (const c of cases.slice(0, 200)) await decide(c);

const start = process.hrtime.bigint();
const lines = [];
for (const c of cases) lines.push(JSON.stringify(await decide(c)));
const elapsedNs = Number(process.hrtime.bigint() - start);
lines.push(JSON.stringify({ elapsedNs, count: cases.length }));
writeFileSync(outFile, lines.join('\n') + '\n');
